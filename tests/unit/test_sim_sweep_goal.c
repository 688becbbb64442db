/*
 * test_sim_sweep_goal.c - a sweep's metrics, goals and choice.
 *
 * Metric and goal parsing (short and summary.json names, settings, the
 * error that lists the known names); a goal holds only over the whole
 * interval (upper end for <=, lower end for >=, both for ==); the choice
 * takes the lowest feasible figure, gives ties within the best's
 * interval to grid order, says when the figure is flat, and names the
 * infeasible point just better than the chosen one (of equals, the one
 * that misses the fewest goals).
 */
#include <math.h>
#include <string.h>

#include "cunit_main.h"
#include "sim_sweep_goal.h"

static const char *const settings[] = {"concurrencyremote", "nofile"};

/* test_metric_names - short forms, summary.json names, settings */
static void test_metric_names(void)
{
    struct sim_metric m;
    char err[2048];
    CU_ASSERT_EQUAL(sim_metric_parse("p95(remote)", settings, 2, &m, err,
                                     sizeof err), 0);
    CU_ASSERT_EQUAL(m.src, SIM_MET_CHAN);
    CU_ASSERT_STRING_EQUAL(m.where, "remote");
    CU_ASSERT_STRING_EQUAL(m.text, "p95(remote)");
    CU_ASSERT_EQUAL(sim_metric_parse("latency_p95(remote)", settings, 2, &m,
                                     err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(m.text, "p95(remote)");
    CU_ASSERT_EQUAL(sim_metric_parse(" left ", settings, 2, &m, err,
                                     sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(m.where, "");
    CU_ASSERT_EQUAL(sim_metric_parse("drain_time", settings, 2, &m, err,
                                     sizeof err), 0);
    CU_ASSERT_EQUAL(m.src, SIM_MET_DRAIN);
    CU_ASSERT_EQUAL(sim_metric_parse("nofile", settings, 2, &m, err,
                                     sizeof err), 0);
    CU_ASSERT_EQUAL(m.src, SIM_MET_SETTING);
    CU_ASSERT_EQUAL(m.setting, 1u);
    CU_ASSERT_EQUAL(sim_metric_parse("p95", settings, 2, &m, err,
                                     sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "needs a channel"));
    CU_ASSERT_EQUAL(sim_metric_parse("p97(remote)", settings, 2, &m, err,
                                     sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown metric 'p97(remote)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "left(CHANNEL) (pending)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "concurrencyremote"));
}

/* test_goal_parse - operators, spaces, no limit hit, bad numbers */
static void test_goal_parse(void)
{
    struct sim_goal g;
    char err[2048];
    CU_ASSERT_EQUAL(sim_goal_parse("p95(remote) <= 600", settings, 2, &g,
                                   err, sizeof err), 0);
    CU_ASSERT_EQUAL(g.op, SIM_GOAL_LE);
    CU_ASSERT_DOUBLE_EQUAL(g.bound, 600, 1e-12);
    CU_ASSERT_STRING_EQUAL(g.text, "p95(remote) <= 600");
    CU_ASSERT_EQUAL(sim_goal_parse("left(remote)==0", settings, 2, &g, err,
                                   sizeof err), 0);
    CU_ASSERT_EQUAL(g.op, SIM_GOAL_EQ);
    CU_ASSERT_EQUAL(sim_goal_parse("delivered(remote)>10", settings, 2, &g,
                                   err, sizeof err), 0);
    CU_ASSERT_EQUAL(g.op, SIM_GOAL_GT);
    CU_ASSERT_EQUAL(sim_goal_parse("no limit hit", settings, 2, &g, err,
                                   sizeof err), 0);
    CU_ASSERT_EQUAL(g.op, SIM_GOAL_NO_LIMIT);
    CU_ASSERT_EQUAL(sim_goal_parse("drain<=soon", settings, 2, &g, err,
                                   sizeof err), -1);
    CU_ASSERT_EQUAL(sim_goal_parse("drain", settings, 2, &g, err,
                                   sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "METRIC OP NUMBER"));
}

/* ci - an interval by hand */
static struct sim_ci ci(double mean, double half)
{
    struct sim_ci c = {1, mean, half, mean - half, mean + half};
    return c;
}

/* test_meets_over_the_interval - the end that matters decides */
static void test_meets_over_the_interval(void)
{
    struct sim_goal g;
    char err[256];
    double ex;
    sim_goal_parse("p95(remote)<=600", settings, 2, &g, err, sizeof err);
    struct sim_ci a = ci(590, 5), b = ci(590, 20);
    CU_ASSERT_TRUE(sim_goal_meets(&g, &a, 0, &ex));
    CU_ASSERT_FALSE(sim_goal_meets(&g, &b, 0, &ex));   /* mean under */
    CU_ASSERT_DOUBLE_EQUAL(ex, 10, 1e-9);
    sim_goal_parse("delivered(remote)>=100", settings, 2, &g, err,
                   sizeof err);
    struct sim_ci c = ci(105, 4), d = ci(105, 6);
    CU_ASSERT_TRUE(sim_goal_meets(&g, &c, 0, &ex));
    CU_ASSERT_FALSE(sim_goal_meets(&g, &d, 0, &ex));
    sim_goal_parse("left(remote)==0", settings, 2, &g, err, sizeof err);
    struct sim_ci z = ci(0, 0), e = ci(0.5, 0.9);
    CU_ASSERT_TRUE(sim_goal_meets(&g, &z, 0, &ex));
    CU_ASSERT_FALSE(sim_goal_meets(&g, &e, 0, &ex));
    struct sim_ci none = {0, 0, 0, 0, 0};
    CU_ASSERT_FALSE(sim_goal_meets(&g, &none, 0, &ex));
    sim_goal_parse("no limit hit", settings, 2, &g, err, sizeof err);
    CU_ASSERT_TRUE(sim_goal_meets(&g, &none, 0, &ex));
    CU_ASSERT_FALSE(sim_goal_meets(&g, &none, 2, &ex));
}

/* test_ci_of - Student t over the runs; a missing run, no value */
static void test_ci_of(void)
{
    double v[3] = {1, 2, 3}, w[2] = {1, NAN}, one[1] = {7};
    struct sim_ci c;
    sim_ci_of(v, 3, &c);
    CU_ASSERT_TRUE(c.have);
    CU_ASSERT_DOUBLE_EQUAL(c.mean, 2, 1e-12);
    /* t(0.975, 2) = 4.302653, sd 1, n 3 */
    CU_ASSERT_DOUBLE_EQUAL(c.half, 4.302652729749464 / sqrt(3), 1e-9);
    sim_ci_of(w, 2, &c);
    CU_ASSERT_FALSE(c.have);
    sim_ci_of(one, 1, &c);
    CU_ASSERT_TRUE(c.have);
    CU_ASSERT_DOUBLE_EQUAL(c.half, 0, 0);
}

/* test_choose - lowest, ties, flat, what binds */
static void test_choose(void)
{
    /* figure:      10 (fails 2)  10 (fails 1)  12   13   30 */
    struct sim_ci fig[5] = {ci(10, 0.5), ci(10, 0.5), ci(12, 1.5),
                            ci(13, 0.5), ci(30, 1)};
    unsigned nfail[5] = {2, 1, 0, 0, 0};
    struct sim_choice c;
    sim_sweep_choose(fig, nfail, 5, &c);
    CU_ASSERT_EQUAL(c.best, 2);
    /* 13 - 0.5 <= 12 + 1.5: a tie, and 2 comes first in grid order */
    CU_ASSERT_EQUAL(c.chosen, 2);
    CU_ASSERT_EQUAL(c.ntied, 2u);
    CU_ASSERT_EQUAL(c.nfeasible, 3u);
    CU_ASSERT_FALSE(c.flat);
    CU_ASSERT_EQUAL(c.runner_up, 3);
    CU_ASSERT_EQUAL(c.nearest_better, 1);   /* of the 10s, fewer misses */
    /* a flat figure: every feasible point within the best's interval */
    struct sim_ci flat[3] = {ci(60, 2), ci(59, 2), ci(61, 2)};
    unsigned ok[3] = {0, 0, 0};
    sim_sweep_choose(flat, ok, 3, &c);
    CU_ASSERT_TRUE(c.flat);
    CU_ASSERT_EQUAL(c.best, 1);
    CU_ASSERT_EQUAL(c.chosen, 0);
    CU_ASSERT_EQUAL(c.nearest_better, -1);
    /* nothing feasible */
    unsigned bad[3] = {1, 1, 1};
    sim_sweep_choose(flat, bad, 3, &c);
    CU_ASSERT_EQUAL(c.chosen, -1);
    CU_ASSERT_EQUAL(c.nfeasible, 0u);
}

static void add_tests(CU_pSuite s)
{
    QC_ADD_TEST(s, test_metric_names);
    QC_ADD_TEST(s, test_goal_parse);
    QC_ADD_TEST(s, test_meets_over_the_interval);
    QC_ADD_TEST(s, test_ci_of);
    QC_ADD_TEST(s, test_choose);
}

QC_CUNIT_MAIN("sim_sweep_goal")
