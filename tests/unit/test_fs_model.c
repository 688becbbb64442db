/* test_fs_model.c - spawner models: random streams, distributions,
 * outcomes, domain overrides, outages, parse errors. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "fs_dist.h"
#include "fs_model.h"
#include "fs_rand.h"

/* line - split a string into words and apply it */
static int line(struct fs_model *m, const char *text, char *err, size_t cap)
{
    char buf[512];
    char *w[64];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *t = strtok(buf, " "); t && n < 64; t = strtok(NULL, " "))
        w[n++] = t;
    return fs_model_line(m, w, n, NULL, err, cap);
}

/* the same counters give the same numbers; different ones differ */
static void test_rand(void)
{
    CU_ASSERT_EQUAL(fs_rand_u64(1, 2, 3, 4), fs_rand_u64(1, 2, 3, 4));
    CU_ASSERT_NOT_EQUAL(fs_rand_u64(1, 2, 3, 4), fs_rand_u64(1, 2, 3, 5));
    CU_ASSERT_NOT_EQUAL(fs_rand_u64(1, 2, 3, 4), fs_rand_u64(2, 2, 3, 4));
    double sum = 0;
    for (unsigned i = 0; i < 100000; i++) {
        double u = fs_rand_u01(7, 1, i, 0);
        CU_ASSERT_FATAL(u > 0 && u < 1);
        sum += u;
    }
    CU_ASSERT(fabs(sum / 100000 - 0.5) < 0.01);
}

/* sample means of each distribution near their means */
static void test_dists(void)
{
    const char *specs[][3] = {
        {"const", "2", NULL}, {"uniform", "1", "3"}, {"exp", "2", NULL},
        {"lognormal", "1", "0.5"}, {"pareto", "1", "3"},
    };
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        char *w[3] = {(char *)specs[k][0], (char *)specs[k][1],
                      (char *)specs[k][2]};
        int n = specs[k][2] ? 3 : 2, used = 0;
        char err[256];
        struct fs_dist d;
        CU_ASSERT_EQUAL_FATAL(fs_dist_parse(&d, w, n, &used, NULL, err,
                                            sizeof err), 0);
        CU_ASSERT_EQUAL(used, n);
        double sum = 0;
        for (unsigned i = 0; i < 50000; i++) {
            double x = fs_dist_sample(&d, fs_rand_u01(3, 1, i, k));
            CU_ASSERT_FATAL(x >= 0);
            sum += x;
        }
        double mean = fs_dist_mean(&d);
        CU_ASSERT(fabs(sum / 50000 - mean) < 0.05 * mean);
        fs_dist_free(&d);
    }
}

/* bad distributions are refused with a reason */
static void test_dist_errors(void)
{
    char err[256];
    struct fs_dist d;
    int used;
    char *a[] = {"gauss", "1"};
    CU_ASSERT_EQUAL(fs_dist_parse(&d, a, 2, &used, NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected a latency model"));
    char *b[] = {"uniform", "3", "1"};
    CU_ASSERT_EQUAL(fs_dist_parse(&d, b, 3, &used, NULL, err, sizeof err), -1);
    char *c[] = {"exp", "-1"};
    CU_ASSERT_EQUAL(fs_dist_parse(&d, c, 2, &used, NULL, err, sizeof err), -1);
    char *e[] = {"empirical", "/nonexistent/file"};
    CU_ASSERT_EQUAL(fs_dist_parse(&d, e, 2, &used, NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
    double v;
    CU_ASSERT_EQUAL(fs_parse_number("1.5", &v), 0);
    CU_ASSERT_EQUAL(fs_parse_number("inf", &v), -1);
    CU_ASSERT_EQUAL(fs_parse_number("1x", &v), -1);
    CU_ASSERT_EQUAL(fs_parse_number("", &v), -1);
}

/* outcome weights are honoured; the answer is a function of the key */
static void test_outcomes(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 99);
    CU_ASSERT_EQUAL(line(m, "spawner remote latency const 2 outcome ok 70 "
                         "defer 20% fail 10", err, sizeof err), 0);
    unsigned k = 0, z = 0, d = 0;
    for (unsigned i = 0; i < 100000; i++) {
        struct fs_result r;
        fs_model_decide(m, 1, "x.example", i, 1, 0, &r);
        CU_ASSERT_EQUAL(r.latency, 2 * QC_SEC);
        k += r.status == 'K';
        z += r.status == 'Z';
        d += r.status == 'D';
    }
    CU_ASSERT(abs((int)k - 70000) < 1000);
    CU_ASSERT(abs((int)z - 20000) < 1000);
    CU_ASSERT(abs((int)d - 10000) < 1000);
    struct fs_result a, b;
    fs_model_decide(m, 1, "x.example", 5, 3, 100, &a);
    fs_model_decide(m, 1, "x.example", 5, 3, 100, &b);
    CU_ASSERT_EQUAL(a.status, b.status);
    CU_ASSERT_EQUAL(a.latency, b.latency);
    fs_model_free(m);
}

/* a domain overrides its channel, case-insensitively */
static void test_domain(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 1);
    CU_ASSERT_EQUAL(line(m, "spawner remote latency const 1", err, sizeof err),
                    0);
    CU_ASSERT_EQUAL(line(m, "domain Slow.Example.com latency const 30 "
                         "outcome fail 1", err, sizeof err), 0);
    struct fs_result r;
    fs_model_decide(m, 1, "slow.example.COM", 1, 1, 0, &r);
    CU_ASSERT_EQUAL(r.latency, 30 * QC_SEC);
    CU_ASSERT_EQUAL(r.status, 'D');
    fs_model_decide(m, 1, "fast.example.com", 1, 1, 0, &r);
    CU_ASSERT_EQUAL(r.latency, 1 * QC_SEC);
    CU_ASSERT_EQUAL(r.status, 'K');
    /* many domains: the table grows and still finds each */
    for (int i = 0; i < 100; i++) {
        char l[128];
        snprintf(l, sizeof l, "domain d%d.test latency const %d", i, i + 1);
        CU_ASSERT_EQUAL(line(m, l, err, sizeof err), 0);
    }
    for (int i = 0; i < 100; i++) {
        char dom[32];
        snprintf(dom, sizeof dom, "d%d.test", i);
        fs_model_decide(m, 1, dom, 1, 1, 0, &r);
        CU_ASSERT_EQUAL(r.latency, (qc_time)(i + 1) * QC_SEC);
    }
    fs_model_free(m);
}

/* outages apply in [from, to), to a domain or a channel */
static void test_outages(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 1);
    CU_ASSERT_EQUAL(line(m, "outage down.example from 10 to 20 defer", err,
                         sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "outage suppl0 from 0 to 5 timeout 60", err,
                         sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "outage gone.example from 0 to 100 fail", err,
                         sizeof err), 0);
    struct fs_result r;
    fs_model_decide(m, 1, "down.example", 1, 1, 9 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'K');
    fs_model_decide(m, 1, "DOWN.example", 1, 1, 10 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'Z');
    CU_ASSERT(r.outage);
    fs_model_decide(m, 1, "down.example", 1, 1, 20 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'K');
    fs_model_decide(m, 2, "any.example", 1, 1, 4 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'Z');
    CU_ASSERT_EQUAL(r.latency, 60 * QC_SEC);
    fs_model_decide(m, 1, "any.example", 1, 1, 4 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'K');
    fs_model_decide(m, 1, "gone.example", 1, 1, 50 * QC_SEC, &r);
    CU_ASSERT_EQUAL(r.status, 'D');
    fs_model_free(m);
}

/* each outcome draws its duration from its own latency, the most
 * specific set: domain's for the outcome, domain's, channel's for the
 * outcome, channel's; an outage's answers take the outage's latency */
static void test_outcome_latency(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 7);
    CU_ASSERT_EQUAL(line(m, "spawner remote latency const 2 latency defer "
                         "const 40 outcome ok 50 defer 50", err, sizeof err),
                    0);
    CU_ASSERT_EQUAL(line(m, "domain own.example latency ok const 3 latency "
                         "fail const 9 outcome ok 50 fail 50", err,
                         sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "domain gen.example latency const 5", err,
                         sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "outage own.example from 100 to end defer "
                         "latency const 75", err, sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "outage gen.example from 100 to 200 defer", err,
                         sizeof err), 0);
    unsigned seen[4] = {0};
    for (uint64_t key = 1; key <= 400; key++) {
        struct fs_result r;
        fs_model_decide(m, 1, "pooled.example", key, 1, 0, &r);
        CU_ASSERT_EQUAL(r.latency, (r.status == 'Z' ? 40 : 2) * QC_SEC);
        seen[0] += r.status == 'Z';
        fs_model_decide(m, 1, "own.example", key, 1, 0, &r);
        CU_ASSERT(r.status == 'K' || r.status == 'D');
        CU_ASSERT_EQUAL(r.latency, (r.status == 'K' ? 3 : 9) * QC_SEC);
        seen[1] += r.status == 'D';
        /* its general latency wins over the channel's defer latency */
        fs_model_decide(m, 1, "gen.example", key, 1, 0, &r);
        CU_ASSERT_EQUAL(r.latency, 5 * QC_SEC);
        seen[2] += r.status == 'Z';
        fs_model_decide(m, 1, "own.example", key, 1, 1000000 * QC_SEC, &r);
        CU_ASSERT(r.outage && r.status == 'Z');
        CU_ASSERT_EQUAL(r.latency, 75 * QC_SEC);
        fs_model_decide(m, 1, "gen.example", key, 1, 150 * QC_SEC, &r);
        CU_ASSERT(r.outage && r.status == 'Z');
        CU_ASSERT_EQUAL(r.latency, 5 * QC_SEC);
    }
    CU_ASSERT(seen[0] > 150 && seen[0] < 250);
    CU_ASSERT(seen[1] > 150 && seen[1] < 250);
    CU_ASSERT(seen[2] > 150 && seen[2] < 250);
    CU_ASSERT_EQUAL(line(m, "outage x.example from 1 to 5 timeout 3 latency "
                         "const 1", err, sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "outage x.example from 1 to 5 defer latency", err,
                         sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "outage x.example from 1 to 5 defer latency "
                         "const 1 more", err, sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "spawner remote latency defer", err, sizeof err),
                    -1);
    fs_model_free(m);
}

/* retry weights decide the attempts after the first: a greylisting
 * domain defers first attempts and accepts retries; the channel's retry
 * weights serve domains without weights of their own */
static void test_retry_weights(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 3);
    CU_ASSERT_EQUAL(line(m, "spawner remote outcome ok 1 retry defer 1", err,
                         sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "domain grey.example outcome defer 1 retry ok 1",
                         err, sizeof err), 0);
    CU_ASSERT_EQUAL(line(m, "domain own.example outcome fail 1", err,
                         sizeof err), 0);
    for (uint64_t key = 1; key <= 50; key++) {
        struct fs_result r;
        fs_model_decide(m, 1, "grey.example", key, 1, 0, &r);
        CU_ASSERT_EQUAL(r.status, 'Z');
        fs_model_decide(m, 1, "grey.example", key, 2, 0, &r);
        CU_ASSERT_EQUAL(r.status, 'K');
        fs_model_decide(m, 1, "pooled.example", key, 1, 0, &r);
        CU_ASSERT_EQUAL(r.status, 'K');
        fs_model_decide(m, 1, "pooled.example", key, 3, 0, &r);
        CU_ASSERT_EQUAL(r.status, 'Z');
        /* weights of its own and no retry weights: its own for retries */
        fs_model_decide(m, 1, "own.example", key, 2, 0, &r);
        CU_ASSERT_EQUAL(r.status, 'D');
    }
    CU_ASSERT_EQUAL(line(m, "domain x.example retry", err, sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "domain x.example retry ok 0", err, sizeof err),
                    -1);
    fs_model_free(m);
}

/* bad lines say what was expected */
static void test_line_errors(void)
{
    char err[256];
    struct fs_model *m = fs_model_new(4, 1);
    CU_ASSERT_EQUAL(line(m, "spawner suppl7 latency const 1", err, sizeof err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "channel"));
    CU_ASSERT_EQUAL(line(m, "spawner remote speed 3", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected"));
    CU_ASSERT_EQUAL(line(m, "spawner remote fds 0", err, sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "spawner remote outcome ok 0", err, sizeof err),
                    -1);
    CU_ASSERT_EQUAL(line(m, "outage x.example from 5 to 1 defer", err,
                         sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "outage x.example from 1 to 5 explode", err,
                         sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "outage suppl9 from 1 to 5 defer", err,
                         sizeof err), -1);
    CU_ASSERT_EQUAL(line(m, "burst at 0", err, sizeof err), -2);
    CU_ASSERT_EQUAL(line(m, "spawner remote fds 3", err, sizeof err), 0);
    CU_ASSERT_EQUAL(fs_model_fds(m, 1), 3);
    CU_ASSERT_EQUAL(fs_model_fds(m, 0), FS_FDS_DEFAULT);
    fs_model_free(m);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_rand);
    QC_ADD_TEST(suite, test_dists);
    QC_ADD_TEST(suite, test_dist_errors);
    QC_ADD_TEST(suite, test_outcomes);
    QC_ADD_TEST(suite, test_domain);
    QC_ADD_TEST(suite, test_outages);
    QC_ADD_TEST(suite, test_outcome_latency);
    QC_ADD_TEST(suite, test_retry_weights);
    QC_ADD_TEST(suite, test_line_errors);
}

QC_CUNIT_MAIN("fs_model")
