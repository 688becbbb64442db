/* test_sim_fds.c - descriptor and process accounting against the numbers
 * core/limits_model.h derives (peak 2 + 2C + 1, highest 2C + 2). */
#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sim_fds.h"

static const struct sim_limits lim = {509, 1024, 1024, 2048, 1000000};

/* C deliveries in flight: the spawner's count and highest number */
static void test_spawner_peak(void)
{
    struct sim_fds f;
    CU_ASSERT_EQUAL_FATAL(sim_fds_init(&f, 4, &lim), 0);
    int fds[509][2];
    unsigned long long hi = 0;
    for (unsigned i = 0; i < 509; i++)
        CU_ASSERT_EQUAL_FATAL(sim_fds_spawn(&f, 1, 2, fds[i], &hi),
                              SIM_SPAWN_OK);
    /* the message file was open while the last one started */
    CU_ASSERT_EQUAL(f.spawn[1].peak, 2 + 2 * 509 + 1);
    CU_ASSERT_EQUAL(f.spawn[1].highest_peak, 2 * 509 + 2);
    CU_ASSERT_EQUAL(f.spawn[1].count, 2 + 2 * 509);
    CU_ASSERT_EQUAL(f.spawn[1].hit, 0);
    CU_ASSERT_EQUAL(f.qmailr, 3 + 509);
    for (unsigned i = 0; i < 509; i++)
        sim_fds_reap(&f, 1, 2, fds[i]);
    CU_ASSERT_EQUAL(f.spawn[1].count, 2);
    CU_ASSERT_EQUAL(f.qmailr, 3);
    sim_fds_free(&f);
}

/* lowest free first: a hole is reused */
static void test_lowest_free(void)
{
    struct sim_fds f;
    sim_fds_init(&f, 2, &lim);
    int a[2], b[2], c[2];
    unsigned long long hi;
    sim_fds_spawn(&f, 0, 2, a, &hi);
    sim_fds_spawn(&f, 0, 2, b, &hi);
    CU_ASSERT_EQUAL(a[0], 3);   /* 2 was the message file */
    sim_fds_reap(&f, 0, 2, a);
    sim_fds_spawn(&f, 0, 2, c, &hi);
    CU_ASSERT(c[0] < b[0]);
    CU_ASSERT_EQUAL(f.local, 2);
    sim_fds_free(&f);
}

/* nofile: the pipe fails with EMFILE; FD_SETSIZE: noted when crossed */
static void test_limits(void)
{
    struct sim_limits l = lim;
    l.nofile = 20;
    struct sim_fds f;
    sim_fds_init(&f, 2, &l);
    int fds[16][2];
    unsigned long long hi;
    unsigned ok = 0;
    enum sim_spawn_result r = SIM_SPAWN_OK;
    while (ok < 16 && (r = sim_fds_spawn(&f, 1, 2, fds[ok], &hi)) ==
                          SIM_SPAWN_OK)
        ok++;
    /* 2 fixed + 2 per delivery, plus the message file, below 20 */
    CU_ASSERT_EQUAL(ok, 8);
    CU_ASSERT_EQUAL(r, SIM_SPAWN_PIPE);
    CU_ASSERT(f.spawn[1].hit & (1u << LIMITS_NOFILE));
    CU_ASSERT_EQUAL(f.spawn[1].count, 2 + 2 * 8);
    sim_fds_free(&f);

    l = lim;
    l.nofile = 4096;
    sim_fds_init(&f, 2, &l);
    static int many[600][2];
    for (unsigned i = 0; i < 511; i++)
        CU_ASSERT_EQUAL_FATAL(sim_fds_spawn(&f, 1, 2, many[i], &hi),
                              SIM_SPAWN_OK);
    CU_ASSERT(hi >= 1024);
    CU_ASSERT(f.spawn[1].hit & (1u << LIMITS_FD_SETSIZE));
    sim_fds_free(&f);
}

/* nproc counts qmailr: remote spawners and their children */
static void test_nproc(void)
{
    struct sim_limits l = lim;
    l.nproc = 10;
    struct sim_fds f;
    sim_fds_init(&f, 4, &l);   /* 3 rspawns */
    int fds[8][2];
    unsigned long long hi;
    for (unsigned i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(sim_fds_spawn(&f, 1 + i % 3, 2, fds[i], &hi),
                        SIM_SPAWN_OK);
    CU_ASSERT_EQUAL(sim_fds_spawn(&f, 1, 2, fds[7], &hi), SIM_SPAWN_FORK);
    CU_ASSERT_EQUAL(f.spawn[1].count, 2 + 2 * 3);   /* closed again */
    /* local deliveries run as the recipient: not qmailr's */
    CU_ASSERT_EQUAL(sim_fds_spawn(&f, 0, 2, fds[7], &hi), SIM_SPAWN_OK);
    CU_ASSERT(f.qmailr_hit);
    sim_fds_free(&f);
}

/* qmail-send: fixed 0..8, gap 9 and 10 filled first, suppl pairs */
static void test_send(void)
{
    struct sim_fds f;
    sim_fds_init(&f, 4, &lim);
    /* 0..8, mutex at 9, suppl pairs 11..14 */
    CU_ASSERT_EQUAL(f.send.count, 9 + 1 + 4);
    int p = sim_fds_send_open(&f);
    CU_ASSERT_EQUAL(p, 10);
    int q = sim_fds_send_open(&f);
    CU_ASSERT_EQUAL(q, 15);
    sim_fds_send_close(&f, p);
    CU_ASSERT_EQUAL(sim_fds_send_bounce(&f), 0);
    CU_ASSERT_EQUAL(f.send.peak, 9 + 1 + 4 + 2 + 3);
    unsigned long long sys = f.system;
    CU_ASSERT_EQUAL(sim_fds_todo_message(&f, 3), 0);
    CU_ASSERT_EQUAL(f.system, sys);
    CU_ASSERT_EQUAL(f.todo.peak, 5 + 2 + 3);
    sim_fds_free(&f);
}

/* ref_open - a plain lowest-free table: the number open() gives */
static int ref_open(unsigned char *used, int n)
{
    for (int fd = 0; fd < n; fd++)
        if (!used[fd]) {
            used[fd] = 1;
            return fd;
        }
    return -1;
}

/* random spawns and reaps, holes across the table's words: the numbers,
 * the count, the peak and the highest number are those of opening the
 * message and the pipe one by one and closing the message */
static void test_numbers_as_one_by_one(void)
{
    struct sim_fds f;
    CU_ASSERT_EQUAL_FATAL(sim_fds_init(&f, 3, &lim), 0);
    enum { N = 300 };
    unsigned char used[1024] = {1, 1};   /* the spawner's fixed two */
    int fds[N][2], live[N];
    unsigned long long peak = 2, highest = 1, count = 2;
    uint64_t r = 12345;
    memset(live, 0, sizeof live);
    for (int step = 0; step < 20000; step++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        int i = (int)((r >> 33) % N);
        if (live[i]) {
            sim_fds_reap(&f, 2, 2, fds[i]);
            used[fds[i][0]] = used[fds[i][1]] = 0;
            live[i] = 0;
            count -= 2;
            continue;
        }
        unsigned long long hi = 0;
        CU_ASSERT_EQUAL_FATAL(sim_fds_spawn(&f, 2, 2, fds[i], &hi),
                              SIM_SPAWN_OK);
        int mess = ref_open(used, 1024);
        int p0 = ref_open(used, 1024), p1 = ref_open(used, 1024);
        used[mess] = 0;
        CU_ASSERT_EQUAL_FATAL(fds[i][0], p0);
        CU_ASSERT_EQUAL_FATAL(fds[i][1], p1);
        unsigned long long top = (unsigned long long)(p1 > mess ? p1 : mess);
        CU_ASSERT_EQUAL_FATAL(hi, top);
        if (count + 3 > peak)
            peak = count + 3;
        if (top > highest)
            highest = top;
        count += 2;
        live[i] = 1;
        CU_ASSERT_EQUAL_FATAL(f.spawn[2].count, count);
        CU_ASSERT_EQUAL_FATAL(f.spawn[2].peak, peak);
        CU_ASSERT_EQUAL_FATAL(f.spawn[2].highest_peak, highest);
    }
    CU_ASSERT(highest > 64);   /* the run crossed a word of the table */
    sim_fds_free(&f);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_spawner_peak);
    QC_ADD_TEST(suite, test_lowest_free);
    QC_ADD_TEST(suite, test_limits);
    QC_ADD_TEST(suite, test_nproc);
    QC_ADD_TEST(suite, test_send);
    QC_ADD_TEST(suite, test_numbers_as_one_by_one);
}

QC_CUNIT_MAIN("sim_fds")
