/*
 * test_qd_idset.c - daemons/qd_idset.c: the set of message numbers
 * against a brute-force model (random adds, deletes and lookups, ids
 * crowded into few slots so runs wrap around the table), and listings of
 * a split and a flat queue directory in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"
#include "qd_idset.h"

#define MODEL_MAX 4096

/* rnd - xorshift64 */
static uint64_t rnd(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

/* model_has - linear search in the model */
static int model_has(const uint64_t *m, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (m[i] == id)
            return 1;
    return 0;
}

/* run_model - ops random operations on ids drawn from [1, range] */
static void run_model(uint64_t seed, uint64_t range, int ops)
{
    static uint64_t m[MODEL_MAX];
    size_t n = 0;
    struct qd_idset s = {0};
    uint64_t st = seed;
    int bad = 0;
    for (int i = 0; i < ops && !bad; i++) {
        uint64_t id = 1 + rnd(&st) % range;
        switch (rnd(&st) % 3) {
        case 0:
            if (n < MODEL_MAX && !model_has(m, n, id))
                m[n++] = id;
            if (n <= MODEL_MAX)
                CU_ASSERT_EQUAL_FATAL(qd_idset_add(&s, id), 0);
            break;
        case 1:
            for (size_t k = 0; k < n; k++)
                if (m[k] == id) {
                    m[k] = m[--n];
                    break;
                }
            qd_idset_del(&s, id);
            break;
        default:
            break;
        }
        if (qd_idset_len(&s) != n)
            bad = 1;
        /* every id of the range answers as the model does */
        if (i % 97 == 0)
            for (uint64_t x = 1; x <= range && !bad; x++)
                if (qd_idset_has(&s, x) != model_has(m, n, x))
                    bad = 1;
    }
    CU_ASSERT_FALSE(bad);
    CU_ASSERT_EQUAL(qd_idset_len(&s), n);
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_TRUE(qd_idset_has(&s, m[k]));
    qd_idset_free(&s);
    CU_ASSERT_EQUAL(qd_idset_len(&s), 0);
    CU_ASSERT_FALSE(qd_idset_has(&s, 1));
}

static void test_against_model(void)
{
    run_model(1, 40, 5000);       /* a few slots, long wrapping runs */
    run_model(2, 700, 20000);     /* grows and shrinks */
    run_model(3, 3000, 20000);
}

static void test_zero_and_large(void)
{
    struct qd_idset s = {0};
    CU_ASSERT_FALSE(qd_idset_has(&s, 0));
    CU_ASSERT_EQUAL(qd_idset_add(&s, 0), 0);   /* never stored */
    CU_ASSERT_FALSE(qd_idset_has(&s, 0));
    CU_ASSERT_EQUAL(qd_idset_len(&s), 0);
    CU_ASSERT_EQUAL(qd_idset_add(&s, UINT64_MAX), 0);
    CU_ASSERT_EQUAL(qd_idset_add(&s, UINT64_MAX), 0);
    CU_ASSERT_EQUAL(qd_idset_len(&s), 1);
    CU_ASSERT_TRUE(qd_idset_has(&s, UINT64_MAX));
    qd_idset_del(&s, 12345);                   /* absent: no change */
    CU_ASSERT_EQUAL(qd_idset_len(&s), 1);
    qd_idset_del(&s, UINT64_MAX);
    CU_ASSERT_FALSE(qd_idset_has(&s, UINT64_MAX));
    qd_idset_free(&s);
}

/* touch - an empty file */
static void touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    close(fd);
}

static void test_read_dir(void)
{
    char top[] = "/tmp/test_qd_idset.XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(top));
    CU_ASSERT_EQUAL_FATAL(chdir(top), 0);
    struct qd_env e;
    memset(&e, 0, sizeof e);
    e.split = 3;
    CU_ASSERT_EQUAL(mkdir("info", 0700), 0);
    CU_ASSERT_EQUAL(mkdir("bounce", 0700), 0);
    char fn[64];
    for (unsigned i = 0; i < 3; i++) {
        snprintf(fn, sizeof fn, "info/%u", i);
        CU_ASSERT_EQUAL(mkdir(fn, 0700), 0);
    }
    static const uint64_t ids[] = {3, 4, 5, 457, 100000000003ULL};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        snprintf(fn, sizeof fn, "info/%llu/%llu",
                 (unsigned long long)(ids[i] % 3),
                 (unsigned long long)ids[i]);
        touch(fn);
    }
    touch("info/1/not-a-number");
    touch("info/1/010");
    touch("bounce/77");
    touch("bounce/78x");
    struct qd_idset s = {0};
    CU_ASSERT_EQUAL(qd_idset_read_dir(&s, &e, "info"), 0);
    CU_ASSERT_EQUAL(qd_idset_len(&s), 5);
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        CU_ASSERT_TRUE(qd_idset_has(&s, ids[i]));
    CU_ASSERT_FALSE(qd_idset_has(&s, 10));
    qd_idset_free(&s);
    CU_ASSERT_EQUAL(qd_idset_read_dir(&s, &e, "bounce"), 0);
    CU_ASSERT_EQUAL(qd_idset_len(&s), 1);
    CU_ASSERT_TRUE(qd_idset_has(&s, 77));
    qd_idset_free(&s);
    /* a missing split subdirectory is an error the caller sees */
    CU_ASSERT_EQUAL(rmdir("info/2"), -1);   /* not empty */
    CU_ASSERT_EQUAL(unlink("info/2/5"), 0);
    CU_ASSERT_EQUAL(rmdir("info/2"), 0);
    CU_ASSERT_EQUAL(qd_idset_read_dir(&s, &e, "info"), -1);
    CU_ASSERT_EQUAL(errno, ENOENT);
    qd_idset_free(&s);
    CU_ASSERT_EQUAL(system("rm -rf info bounce"), 0);
    CU_ASSERT_EQUAL(chdir("/"), 0);
    CU_ASSERT_EQUAL(rmdir(top), 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_against_model);
    QC_ADD_TEST(suite, test_zero_and_large);
    QC_ADD_TEST(suite, test_read_dir);
}

QC_CUNIT_MAIN("qd_idset")
