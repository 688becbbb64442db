/*
 * test_qd.c - the daemons' shared library: settings, queue paths, buffers.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "qd_env.h"
#include "qd_io.h"
#include "qd_path.h"
#include "track_alloc.h"

/* env - a settings struct for path tests */
static struct qd_env env(unsigned split, int bigtodo)
{
    struct qd_env e;
    memset(&e, 0, sizeof e);
    strcpy(e.home, "/var/qmail");
    e.split = split;
    e.bigtodo = bigtodo;
    e.width = PROTO_WIDTH_BIG;
    return e;
}

static void test_paths(void)
{
    struct qd_env e = env(23, 0);
    char buf[QD_PATH_MAX];
    CU_ASSERT_EQUAL(qd_path(buf, sizeof buf, &e, "mess", 457), 0);
    CU_ASSERT_STRING_EQUAL(buf, "mess/20/457");
    qd_path(buf, sizeof buf, &e, "info", 23);
    CU_ASSERT_STRING_EQUAL(buf, "info/0/23");
    qd_path(buf, sizeof buf, &e, "todo", 457);
    CU_ASSERT_STRING_EQUAL(buf, "todo/457");
    qd_path(buf, sizeof buf, &e, "intd", 457);
    CU_ASSERT_STRING_EQUAL(buf, "intd/457");
    qd_path(buf, sizeof buf, &e, "bounce", 457);
    CU_ASSERT_STRING_EQUAL(buf, "bounce/457");
    qd_path(buf, sizeof buf, &e, "foop", 457);
    CU_ASSERT_STRING_EQUAL(buf, "foop/457");
    qd_chan_path(buf, sizeof buf, &e, 0, 457);
    CU_ASSERT_STRING_EQUAL(buf, "local/20/457");
    qd_chan_path(buf, sizeof buf, &e, 1, 457);
    CU_ASSERT_STRING_EQUAL(buf, "remote/20/457");
    qd_chan_path(buf, sizeof buf, &e, 3, 457);
    CU_ASSERT_STRING_EQUAL(buf, "suppl1/20/457");
    e = env(7, 1);
    qd_path(buf, sizeof buf, &e, "todo", 457);
    CU_ASSERT_STRING_EQUAL(buf, "todo/2/457");
    char tiny[8];
    CU_ASSERT_EQUAL(qd_path(tiny, sizeof tiny, &e, "mess", 457), -1);
}

static void test_parse_id(void)
{
    uint64_t id = 0;
    CU_ASSERT_EQUAL(qd_parse_id("457", &id), 0);
    CU_ASSERT_EQUAL(id, 457);
    CU_ASSERT_EQUAL(qd_parse_id("18446744073709551615", &id), 0);
    CU_ASSERT_EQUAL(id, UINT64_MAX);
    CU_ASSERT_EQUAL(qd_parse_id("18446744073709551616", &id), -1);
    CU_ASSERT_EQUAL(qd_parse_id("", &id), -1);
    CU_ASSERT_EQUAL(qd_parse_id("045", &id), -1);
    CU_ASSERT_EQUAL(qd_parse_id("4a", &id), -1);
    CU_ASSERT_EQUAL(qd_parse_id(".", &id), -1);
    CU_ASSERT_EQUAL(qd_parse_id("0", &id), 0);
}

/* set - putenv with static strings: setenv's copies would read as leaks
 * to valgrind */
static void set(char *assignment)
{
    putenv(assignment);
}

static void test_env(void)
{
    static char home[] = "QCHAN_HOME=/tmp/h", split5[] = "QCHAN_SPLIT=5",
                width1[] = "QCHAN_SPAWN_WIDTH=1", chan6[] = "QCHAN_CHANNELS=6",
                split0[] = "QCHAN_SPLIT=0", split23[] = "QCHAN_SPLIT=23",
                chan1[] = "QCHAN_CHANNELS=1", chan0[] = "QCHAN_CHANNELS=",
                width3[] = "QCHAN_SPAWN_WIDTH=3";
    struct qd_env e;
    char err[256];
    set(home);
    set(split5);
    set(width1);
    set(chan6);
    unsetenv("QCHAN_BIGTODO");
    CU_ASSERT_EQUAL(qd_env_load(&e, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(e.home, "/tmp/h");
    CU_ASSERT_EQUAL(e.split, 5);
    CU_ASSERT_EQUAL(e.width, PROTO_WIDTH_CLASSIC);
    CU_ASSERT_EQUAL(e.nchan, 6);
    CU_ASSERT_EQUAL(e.bigtodo, 0);
    set(split0);
    CU_ASSERT_EQUAL(qd_env_load(&e, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QCHAN_SPLIT=0"));
    set(split23);
    set(chan1);
    CU_ASSERT_EQUAL(qd_env_load(&e, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QCHAN_CHANNELS"));
    set(chan0);
    set(width3);
    CU_ASSERT_EQUAL(qd_env_load(&e, err, sizeof err), -1);
    unsetenv("QCHAN_SPAWN_WIDTH");
    unsetenv("QCHAN_HOME");
    unsetenv("QCHAN_SPLIT");
    unsetenv("QCHAN_CHANNELS");
    CU_ASSERT_EQUAL(qd_env_load(&e, err, sizeof err), 0);
    /* unset: the build's settings (make QMAIL_HOME=, CONF_SPLIT=) */
    struct qd_env built;
    qd_env_conf(&built);
    CU_ASSERT_STRING_EQUAL(e.home, built.home);
    CU_ASSERT_EQUAL(e.split, built.split);
    CU_ASSERT_EQUAL(e.bigtodo, built.bigtodo);
    CU_ASSERT(built.home[0] == '/' && built.split >= 1);
    CU_ASSERT_EQUAL(e.width, PROTO_WIDTH_BIG);
    CU_ASSERT_EQUAL(e.nchan, 0);
    /* a test runs as one user from a file that is not set-id */
    CU_ASSERT_EQUAL(qd_env_setid(), 0);
    unsigned long v;
    CU_ASSERT_EQUAL(qd_env_number("12x", 0, 100, &v), -1);
    CU_ASSERT_EQUAL(qd_env_number("-1", 0, 100, &v), -1);
    CU_ASSERT_EQUAL(qd_env_number("100", 0, 100, &v), 0);
    CU_ASSERT_EQUAL(v, 100);
}

/* a pipe whose write end takes only what fits: the buffer keeps the rest */
static void test_buf(void)
{
    int p[2];
    CU_ASSERT_FATAL(pipe(p) == 0);
    qd_nonblock(p[1]);
    struct qd_buf b = {0};
    size_t total = 300000;
    char *data = malloc(total);
    for (size_t i = 0; i < total; i++)
        data[i] = (char)(i * 7);
    CU_ASSERT_EQUAL(qd_buf_add(&b, data, total), 0);
    CU_ASSERT_EQUAL(qd_buf_flush(&b, p[1]), 0);
    size_t left = qd_buf_pending(&b);
    CU_ASSERT(left > 0 && left < total);
    char *got = malloc(total);
    size_t have = 0;
    while (have < total) {
        ssize_t r = read(p[0], got + have, total - have);
        CU_ASSERT_FATAL(r > 0);
        have += (size_t)r;
        CU_ASSERT_EQUAL(qd_buf_flush(&b, p[1]), 0);
    }
    CU_ASSERT_EQUAL(qd_buf_pending(&b), 0);
    CU_ASSERT_EQUAL(memcmp(got, data, total), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);   /* as every daemon does */
    CU_ASSERT_EQUAL(qd_buf_add(&b, "x", 1), 0);
    CU_ASSERT_EQUAL(qd_buf_flush(&b, p[1]), -1);   /* EPIPE: reader gone */
    close(p[1]);
    qd_buf_free(&b);
    free(data);
    free(got);
}

/* a buffer with an allocator: every block from it with its size, a
 * refused growth leaves the buffer as it was, and the allocator stays
 * with the buffer after qd_buf_free */
static void test_buf_allocator(void)
{
    struct track t;
    struct qc_alloc a;
    track_init(&t, &a);
    struct qd_buf b = {.alloc = &a};
    CU_ASSERT_EQUAL(qd_buf_add(&b, "hello", 5), 0);
    CU_ASSERT_EQUAL(track_live(&t), 1);
    char big[6000];
    memset(big, 'x', sizeof big);
    t.fail_at = t.calls + 1;   /* the next request */
    t.fail_count = 1;
    CU_ASSERT_EQUAL(qd_buf_add(&b, big, sizeof big), -1);
    CU_ASSERT_EQUAL(t.failed, 1);
    CU_ASSERT_EQUAL(qd_buf_pending(&b), 5);
    CU_ASSERT_EQUAL(memcmp(b.data, "hello", 5), 0);
    CU_ASSERT_EQUAL(qd_buf_add(&b, big, sizeof big), 0);   /* granted */
    CU_ASSERT_EQUAL(qd_buf_pending(&b), 5 + sizeof big);
    qd_buf_free(&b);
    CU_ASSERT_EQUAL(track_live(&t), 0);
    CU_ASSERT_EQUAL(t.wrong_size + t.unknown, 0);
    CU_ASSERT_PTR_EQUAL(b.alloc, &a);
    CU_ASSERT_EQUAL(qd_buf_add(&b, "again", 5), 0);
    CU_ASSERT_EQUAL(track_live(&t), 1);
    qd_buf_free(&b);
    CU_ASSERT_EQUAL(track_live(&t), 0);
}

static void add_tests(CU_pSuite suite)
{
    CU_add_test(suite, "queue paths", test_paths);
    CU_add_test(suite, "message numbers", test_parse_id);
    CU_add_test(suite, "settings from the environment", test_env);
    CU_add_test(suite, "output buffer on a pipe", test_buf);
    CU_add_test(suite, "output buffer's allocator", test_buf_allocator);
}

QC_CUNIT_MAIN("qd")
