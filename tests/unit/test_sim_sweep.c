/*
 * test_sim_sweep.c - unit tests of the sweep and compare engine: the
 * confidence interval, the knee, the worker pool (answers in job order
 * whatever the number of workers; bad input and dead workers reported),
 * and the comparison rows (equal runs differ nowhere; the better side).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "sim_compare.h"
#include "sim_sweep.h"

/* t quantiles 0.975 (tables): 2 and 4 degrees of freedom */
#define T975_2 4.302652729749464
#define T975_4 2.7764451051977987

static void test_ci_known_values(void)
{
    double v[] = {1, 2, 3};
    double mean, half;
    sim_sweep_ci(v, 3, &mean, &half);
    CU_ASSERT_DOUBLE_EQUAL(mean, 2.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(half, T975_2 * 1.0 / sqrt(3.0), 1e-9);
    double w[] = {10, 12, 9, 11, 13};
    sim_sweep_ci(w, 5, &mean, &half);
    CU_ASSERT_DOUBLE_EQUAL(mean, 11.0, 1e-12);
    /* sample sd: sqrt(10 / 4) */
    CU_ASSERT_DOUBLE_EQUAL(half, T975_4 * sqrt(2.5) / sqrt(5.0), 1e-9);
}

static void test_ci_degenerate(void)
{
    double one[] = {7};
    double mean, half;
    sim_sweep_ci(one, 1, &mean, &half);
    CU_ASSERT_DOUBLE_EQUAL(mean, 7.0, 1e-12);
    CU_ASSERT(half < 0);
    double same[] = {4, 4, 4, 4};
    sim_sweep_ci(same, 4, &mean, &half);
    CU_ASSERT_DOUBLE_EQUAL(half, 0.0, 1e-12);
}

static void test_knee(void)
{
    /* drain falls to a floor of 60 from index 4 on */
    double d[] = {300, 150, 100, 67, 60, 60, 60};
    int ok[] = {1, 1, 1, 1, 1, 1, 1};
    long best;
    CU_ASSERT_EQUAL(sim_sweep_knee(d, ok, 7, 0.05, &best), 4);
    CU_ASSERT_EQUAL(best, 4);
    /* within 12%: 67 <= 67.2 */
    CU_ASSERT_EQUAL(sim_sweep_knee(d, ok, 7, 0.12, &best), 3);
    /* the knee hits a limit: the next good one */
    int ok2[] = {1, 1, 1, 1, 0, 1, 1};
    CU_ASSERT_EQUAL(sim_sweep_knee(d, ok2, 7, 0.05, &best), 5);
    /* everything near the best hits a limit */
    int ok3[] = {1, 1, 1, 1, 0, 0, 0};
    CU_ASSERT_EQUAL(sim_sweep_knee(d, ok3, 7, 0.05, &best), -1);
    CU_ASSERT_EQUAL(best, 4);
    /* runs that did not drain are never best nor chosen */
    double nd[] = {-1, 90, -1, 80};
    int all[] = {1, 1, 1, 1};
    CU_ASSERT_EQUAL(sim_sweep_knee(nd, all, 4, 0.05, &best), 3);
    CU_ASSERT_EQUAL(best, 3);
    double none[] = {-1, -1};
    CU_ASSERT_EQUAL(sim_sweep_knee(none, all, 2, 0.05, &best), -1);
    CU_ASSERT_EQUAL(best, -1);
}

static char scn_path[64];

/* write_scenario - a small random scenario in a temporary file */
static int write_scenario(void)
{
    snprintf(scn_path, sizeof scn_path, "/tmp/test_sim_sweep_XXXXXX");
    int fd = mkstemp(scn_path);
    if (fd < 0)
        return -1;
    static const char text[] =
        "channels 2\n"
        "control concurrencyremote 5\n"
        "spawner remote latency lognormal 1 0.5 outcome ok 90 defer 10\n"
        "pool p 50 zipf 1\n"
        "burst at 0 count 200 rcpts 1-2 to p 100\n"
        "expect max-inflight remote <= 5\n";
    int bad = write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1);
    close(fd);
    return bad ? -1 : 0;
}

static void test_pool_order_independent(void)
{
    CU_ASSERT_FATAL(write_scenario() == 0);
    enum { N = 6 };
    struct sim_sweep_job jobs[N];
    char *sets[N][1];
    char buf[N][64];
    for (int i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "concurrencyremote=%d", 2 + i % 3);
        sets[i][0] = buf[i];
        jobs[i] = (struct sim_sweep_job){scn_path, NULL, sets[i], 1, 1,
                                         (uint64_t)(10 + i), NULL};
    }
    struct sim_sweep_res *one = calloc(N, sizeof *one);
    struct sim_sweep_res *three = calloc(N, sizeof *three);
    CU_ASSERT_FATAL(one && three);
    CU_ASSERT_EQUAL(sim_sweep_run_all(jobs, N, one, 1, NULL, NULL), 0);
    CU_ASSERT_EQUAL(sim_sweep_run_all(jobs, N, three, 3, NULL, NULL), 0);
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(one[i].status, 0);
        CU_ASSERT_EQUAL(one[i].seed, (uint64_t)(10 + i));
        CU_ASSERT_EQUAL(one[i].chans[1].max_inflight, (unsigned)(2 + i % 3));
        CU_ASSERT(memcmp(&one[i], &three[i], sizeof one[i]) == 0);
        /* the same job in this process gives the same answer */
        struct sim_sweep_res here;
        sim_sweep_run(&jobs[i], &here);
        CU_ASSERT(memcmp(&here, &one[i], sizeof here) == 0);
    }
    /* different seeds, different runs */
    CU_ASSERT(one[0].events != one[3].events ||
              one[0].drain_time != one[3].drain_time);
    free(one);
    free(three);
    unlink(scn_path);
}

static void test_pool_bad_input(void)
{
    CU_ASSERT_FATAL(write_scenario() == 0);
    char *bad[] = {"concurrencyremote=lots"};
    char *noeq[] = {"concurrencyremote"};
    struct sim_sweep_job jobs[] = {
        {"/nonexistent/x.scn", NULL, NULL, 0, 0, 0, NULL},
        {scn_path, NULL, bad, 1, 0, 0, NULL},
        {scn_path, NULL, noeq, 1, 0, 0, NULL},
        {scn_path, "/nonexistent/control", NULL, 0, 0, 0, NULL},
        {scn_path, NULL, NULL, 0, 0, 0, NULL},
    };
    struct sim_sweep_res res[5];
    CU_ASSERT_EQUAL(sim_sweep_run_all(jobs, 5, res, 2, NULL, NULL), 0);
    CU_ASSERT_EQUAL(res[0].status, 2);
    CU_ASSERT(strstr(res[0].msg, "/nonexistent/x.scn") != NULL);
    CU_ASSERT_EQUAL(res[1].status, 2);
    CU_ASSERT(strstr(res[1].msg, "concurrencyremote") != NULL);
    CU_ASSERT_EQUAL(res[2].status, 2);
    CU_ASSERT(strstr(res[2].msg, "NAME=VALUE") != NULL);
    CU_ASSERT_EQUAL(res[3].status, 2);
    CU_ASSERT(strstr(res[3].msg, "/nonexistent/control") != NULL);
    CU_ASSERT_EQUAL(res[4].status, 0);
    CU_ASSERT_EQUAL(res[4].seed, 1u);
    unlink(scn_path);
}

static size_t progress_calls, progress_last;

static void count_progress(void *ctx, size_t done, size_t n)
{
    (void)ctx;
    (void)n;
    progress_calls++;
    progress_last = done;
}

static void test_pool_progress(void)
{
    CU_ASSERT_FATAL(write_scenario() == 0);
    struct sim_sweep_job jobs[4];
    for (int i = 0; i < 4; i++)
        jobs[i] = (struct sim_sweep_job){scn_path, NULL, NULL, 0, 1,
                                         (uint64_t)i, NULL};
    struct sim_sweep_res res[4];
    progress_calls = progress_last = 0;
    CU_ASSERT_EQUAL(sim_sweep_run_all(jobs, 4, res, 2, count_progress, NULL),
                    0);
    CU_ASSERT_EQUAL(progress_calls, 4);
    CU_ASSERT_EQUAL(progress_last, 4);
    unlink(scn_path);
}

static void test_compare_rows(void)
{
    CU_ASSERT_FATAL(write_scenario() == 0);
    char *lo[] = {"concurrencyremote=2"};
    char *hi[] = {"concurrencyremote=8"};
    struct sim_sweep_job jobs[] = {
        {scn_path, NULL, lo, 1, 0, 0, NULL},
        {scn_path, NULL, lo, 1, 0, 0, NULL},
        {scn_path, NULL, hi, 1, 0, 0, NULL},
    };
    struct sim_sweep_res res[3];
    CU_ASSERT_EQUAL(sim_sweep_run_all(jobs, 3, res, 2, NULL, NULL), 0);
    size_t n;
    struct sim_cmp_row *rows = sim_compare_rows(res, 2, &n);
    CU_ASSERT_FATAL(rows != NULL);
    CU_ASSERT(n > 5);
    for (size_t k = 0; k < n; k++) {
        CU_ASSERT_FALSE(rows[k].differs);
        CU_ASSERT_EQUAL(rows[k].best, 0u);
    }
    free(rows);
    /* A (limit 2) against C (limit 8): C drains sooner, A holds fewer
     * descriptors */
    struct sim_sweep_res ac[2] = {res[0], res[2]};
    rows = sim_compare_rows(ac, 2, &n);
    CU_ASSERT_FATAL(rows != NULL);
    int seen_drain = 0, seen_fds = 0;
    for (size_t k = 0; k < n; k++) {
        if (!strcmp(rows[k].section, "run") &&
            !strcmp(rows[k].metric, "drain_time")) {
            seen_drain = 1;
            CU_ASSERT(rows[k].differs);
            CU_ASSERT_EQUAL(rows[k].best, 2u);
        }
        if (!strcmp(rows[k].section, "spawn-remote")) {
            seen_fds = 1;
            CU_ASSERT_EQUAL(rows[k].best, 1u);
            CU_ASSERT(rows[k].has_limit);
        }
        if (!strcmp(rows[k].section, "remote") &&
            !strcmp(rows[k].metric, "max_inflight")) {
            CU_ASSERT_DOUBLE_EQUAL(rows[k].v[0], 2, 0);
            CU_ASSERT_DOUBLE_EQUAL(rows[k].limit[1], 8, 0);
            CU_ASSERT_EQUAL(rows[k].best, 0u);   /* no better side */
        }
        /* local carried nothing: left out */
        CU_ASSERT(strcmp(rows[k].section, "local") != 0);
    }
    CU_ASSERT(seen_drain && seen_fds);
    free(rows);
    unlink(scn_path);
}

static void add_tests(CU_pSuite s)
{
    QC_ADD_TEST(s, test_ci_known_values);
    QC_ADD_TEST(s, test_ci_degenerate);
    QC_ADD_TEST(s, test_knee);
    QC_ADD_TEST(s, test_pool_order_independent);
    QC_ADD_TEST(s, test_pool_bad_input);
    QC_ADD_TEST(s, test_pool_progress);
    QC_ADD_TEST(s, test_compare_rows);
}

QC_CUNIT_MAIN("sim_sweep")
