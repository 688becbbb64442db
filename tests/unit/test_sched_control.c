/*
 * test_sched_control.c - the scheduler's settings from control values:
 * the start-up configuration and a SIGHUP, as both hosts apply them.
 */
#include <string.h>

#include "cunit_main.h"
#include "memqueue.h"
#include "sched_control.h"

#define S QC_SEC

static struct memqueue q;

/* set - a control change that must work */
static void set(struct control *c, const char *name, const char *value)
{
    struct control_error err;
    CU_ASSERT_EQUAL_FATAL(control_set(c, name, value, &err), 0);
}

static void test_config_from_controls(void)
{
    struct control c;
    CU_ASSERT_EQUAL_FATAL(control_init(&c, 3, NULL), 0);
    set(&c, "concurrencylocal", "7");
    set(&c, "concurrencyremote", "40");
    set(&c, "concurrencysuppl0", "3");
    set(&c, "queuelifetime", "3600");
    struct sched_config cfg;
    memset(&cfg, 0xa5, sizeof cfg);   /* nothing left from before */
    sched_control_config(&cfg, &c);
    CU_ASSERT_EQUAL(cfg.nchan, 3);
    CU_ASSERT_EQUAL(cfg.concurrency[0], 7);
    CU_ASSERT_EQUAL(cfg.concurrency[1], 40);
    CU_ASSERT_EQUAL(cfg.concurrency[2], 3);
    CU_ASSERT_EQUAL(cfg.concurrency[3], 0);
    CU_ASSERT_EQUAL(cfg.lifetime, 3600 * S);
    CU_ASSERT_EQUAL(cfg.profile, SCHED_PROFILE_QCHAN);
    CU_ASSERT_PTR_NULL(cfg.alloc);
    CU_ASSERT_EQUAL(cfg.quiet_events, 0);
    control_free(&c);

    /* qmail's defaults when no file says otherwise */
    CU_ASSERT_EQUAL_FATAL(control_init(&c, 2, NULL), 0);
    sched_control_config(&cfg, &c);
    CU_ASSERT_EQUAL(cfg.nchan, 2);
    CU_ASSERT_EQUAL(cfg.concurrency[0], 10);
    CU_ASSERT_EQUAL(cfg.concurrency[1], 20);
    CU_ASSERT_EQUAL(cfg.lifetime, 604800 * S);
    control_free(&c);
}

static void test_reread_puts_values_in_force(void)
{
    memset(&q, 0, sizeof q);
    struct control c;
    CU_ASSERT_EQUAL_FATAL(control_init(&c, 2, NULL), 0);
    set(&c, "concurrencylocal", "2");
    set(&c, "concurrencyremote", "2");
    struct sched_config cfg;
    sched_control_config(&cfg, &c);
    struct sched *s = mq_sched(&q, &cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    sched_spawner_limit(s, 1, 5, 0);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    CU_ASSERT_EQUAL(sched_limit(s, 1), 2);

    /* a raise beyond the spawner's limit is curbed to it, a lower value
     * taken as it is, and the new lifetime holds for passes opened from
     * then on: a message older than it bounces on its next deferral */
    set(&c, "concurrencylocal", "1");
    set(&c, "concurrencyremote", "9");
    set(&c, "queuelifetime", "100");
    int curbs = mq_count(&q, SCHED_EV_CURB);
    sched_control_reread(s, &c, 10 * S);
    CU_ASSERT_EQUAL(sched_limit(s, 0), 1);
    CU_ASSERT_EQUAL(sched_limit(s, 1), 5);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_CURB), curbs + 1);

    int n[2] = {0, 1};
    struct mq_msg *m = mq_add(&q, 9, 0, 2, n);
    CU_ASSERT_EQUAL(sched_todo_report(s, 9, mq_mask(m), 200 * S), 0);
    sched_run(s, 200 * S);
    CU_ASSERT_EQUAL_FATAL(q.nflight, 1);
    mq_answer(&q, s, 0, 'Z', 201 * S);
    CU_ASSERT_EQUAL(m->r[1][0].bounced, 1);
    sched_free(s);
    control_free(&c);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_config_from_controls);
    QC_ADD_TEST(suite, test_reread_puts_values_in_force);
}

QC_CUNIT_MAIN("sched_control")
