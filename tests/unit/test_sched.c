/*
 * test_sched.c - the channel scheduler's rules, one test each, against the
 * in-memory queue of memqueue.h.
 */
#include <string.h>

#include "cunit_main.h"
#include "memqueue.h"
#include "retry.h"
#include "sched.h"

#define S QC_SEC

static struct memqueue q;

/* setup - a started scheduler with limits local/remote/suppl0 */
static struct sched *setup(int nchan, unsigned l0, unsigned l1, unsigned l2,
                           enum sched_profile profile)
{
    memset(&q, 0, sizeof q);
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = nchan;
    cfg.concurrency[0] = l0;
    cfg.concurrency[1] = l1;
    for (int c = 2; c < nchan; c++)
        cfg.concurrency[c] = l2;
    cfg.lifetime = 604800 * S;
    cfg.profile = profile;
    struct sched *s = mq_sched(&q, &cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* add - queue a message as a D record would, at now */
static struct mq_msg *add(struct sched *s, uint64_t id, qc_time birth,
                          int n0, int n1, int n2, qc_time now)
{
    int n[3] = {n0, n1, n2};
    struct mq_msg *m = mq_add(&q, id, birth, 3, n);
    CU_ASSERT_EQUAL(sched_todo_report(s, id, mq_mask(m), now), 0);
    return m;
}

/* answer_all - report status on every delivery in flight */
static void answer_all(struct sched *s, char status, qc_time now)
{
    while (q.nflight > 0)
        mq_answer(&q, s, 0, status, now);
}

static void test_cap_per_channel(void)
{
    struct sched *s = setup(3, 2, 3, 1, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    add(s, 1, 0, 5, 5, 5, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(sched_inflight(s, 0), 2);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 3);
    CU_ASSERT_EQUAL(sched_inflight(s, 2), 1);
    CU_ASSERT_EQUAL(q.nflight, 6);
    /* one answer frees one slot, and exactly one more delivery starts */
    mq_answer(&q, s, 0, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(q.nflight, 6);
    sched_free(s);
}

static void test_order_by_due_then_id(void)
{
    struct sched *s = setup(2, 1, 1, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    int n[2] = {0, 1};
    mq_add(&q, 30, 0, 2, n);
    mq_add(&q, 10, 0, 2, n);
    mq_add(&q, 20, 0, 2, n);
    sched_add_channel(s, 30, 1, 5 * S);
    sched_add_channel(s, 20, 1, 7 * S);
    sched_add_channel(s, 10, 1, 7 * S);
    sched_run(s, 4 * S);
    CU_ASSERT_EQUAL(q.nflight, 0);   /* nothing due yet */
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 4 * S), 5 * S);
    uint64_t order[3];
    for (int i = 0; i < 3; i++) {
        sched_run(s, 10 * S);
        CU_ASSERT_EQUAL_FATAL(q.nflight, 1);
        order[i] = q.flight[0].msg;
        answer_all(s, 'K', 10 * S);
    }
    CU_ASSERT_EQUAL(order[0], 30);  /* due first */
    CU_ASSERT_EQUAL(order[1], 10);  /* tie: smaller id */
    CU_ASSERT_EQUAL(order[2], 20);
    sched_free(s);
}

static void test_pass_skips_done_records(void)
{
    struct sched *s = setup(2, 10, 10, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    int n[2] = {0, 4};
    struct mq_msg *m = mq_add(&q, 7, 0, 2, n);
    m->r[1][0].done = 1;
    m->r[1][2].done = 1;
    sched_add_channel(s, 7, 1, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL_FATAL(q.nflight, 2);
    CU_ASSERT_EQUAL(q.flight[0].pos, 1);
    CU_ASSERT_EQUAL(q.flight[1].pos, 3);
    answer_all(s, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(m->finished, 1);
    CU_ASSERT_EQUAL(m->r[1][0].delivered, 0);
    sched_free(s);
}

static void test_job_table_exhaustion(void)
{
    /* limits 1 / 1 / 0: two jobs.  As in qmail-send, suppl0's pass opens
     * (a pass opens before the cap is looked at) and holds a job it can
     * never use; a remote delivery holds the other, so a local message
     * waits for a job although local is idle. */
    struct sched *s = setup(3, 1, 1, 0, SCHED_PROFILE_CHANNELS_COMPAT);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    CU_ASSERT_EQUAL(sched_jobs_total(s), 2);
    add(s, 1, 0, 0, 0, 1, 0);
    add(s, 2, 0, 0, 1, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 1);
    CU_ASSERT_EQUAL(sched_jobs_used(s), 2);
    add(s, 3, 0, 1, 0, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(sched_inflight(s, 0), 0);
    CU_ASSERT_EQUAL(sched_queued(s, 0), 1);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 0), QC_TIME_NEVER);
    /* the remote report frees its job; the local message gets it */
    mq_answer(&q, s, 0, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(sched_inflight(s, 0), 1);
    CU_ASSERT_EQUAL(sched_queued(s, 0), 0);
    sched_free(s);
}

static void test_paused_channel_holds_no_job(void)
{
    /* the same queue under the qchan profile: the paused channel opens no
     * pass, so local and remote both deliver */
    struct sched *s = setup(3, 1, 1, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    add(s, 1, 0, 0, 0, 1, 0);
    add(s, 2, 0, 0, 1, 0, 0);
    add(s, 3, 0, 1, 0, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(sched_inflight(s, 0), 1);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 1);
    CU_ASSERT_EQUAL(sched_queued(s, 2), 1);
    answer_all(s, 'K', 1);
    sched_run(s, 1);
    /* nothing due but the paused channel: no busy wake-up */
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 1), QC_TIME_NEVER);
    unsigned resume[3] = {1, 1, 1};
    sched_reconfigure(s, resume, 2);
    sched_run(s, 2);
    CU_ASSERT_EQUAL(sched_inflight(s, 2), 1);
    sched_free(s);
}

static void test_retry_after_deferral(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    qc_time birth = 1000 * S;
    int n[2] = {0, 1};
    mq_add(&q, 9, birth, 2, n);
    sched_add_channel(s, 9, 1, birth);
    sched_run(s, birth + 100 * S);
    answer_all(s, 'Z', birth + 150 * S);
    sched_run(s, birth + 150 * S);
    /* pass opened at age 100: n = isqrt(100) + 20 = 30, retry at 900 s */
    CU_ASSERT_EQUAL(sched_next_wakeup(s, birth + 150 * S), birth + 900 * S);
    CU_ASSERT_EQUAL(retry_next(birth, birth + 100 * S, 20), birth + 900 * S);
    sched_run(s, birth + 899 * S);
    CU_ASSERT_EQUAL(q.nflight, 0);
    sched_run(s, birth + 900 * S);
    CU_ASSERT_EQUAL(q.nflight, 1);
    sched_free(s);
}

static void test_lifetime_turns_deferral_into_failure(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    sched_set_lifetime(s, 3600 * S);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    int n[2] = {0, 2};
    struct mq_msg *m = mq_add(&q, 4, 0, 2, n);
    sched_add_channel(s, 4, 1, 0);
    sched_run(s, 3601 * S);
    answer_all(s, 'Z', 3602 * S);
    sched_run(s, 3602 * S);
    CU_ASSERT_EQUAL(m->r[1][0].bounced, 1);
    CU_ASSERT_EQUAL(m->r[1][1].bounced, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(q.last_text, "no"));
    CU_ASSERT_PTR_NOT_NULL(strstr(q.last_text, "in the queue too long"));
    CU_ASSERT_EQUAL(m->finished, 1);
    /* a young message's deferral stays a deferral */
    struct mq_msg *y = mq_add(&q, 5, 3000 * S, 2, n);
    sched_add_channel(s, 5, 1, 3000 * S);
    sched_run(s, 3602 * S);
    answer_all(s, 'Z', 3603 * S);
    CU_ASSERT_EQUAL(y->r[1][0].bounced, 0);
    CU_ASSERT_EQUAL(y->finished, 0);
    sched_free(s);
}

static void test_bounce_once_per_failure(void)
{
    struct sched *s = setup(3, 5, 5, 5, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    struct mq_msg *m = add(s, 3, 0, 0, 2, 1, 0);
    sched_run(s, 0);
    answer_all(s, 'D', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(m->r[1][0].bounced, 1);
    CU_ASSERT_EQUAL(m->r[1][1].bounced, 1);
    CU_ASSERT_EQUAL(m->r[2][0].bounced, 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_BOUNCE), 3);
    CU_ASSERT_EQUAL(m->finish_calls, 1);
    /* a failed append keeps the recipient pending instead of losing it */
    q.fail_bounce = 1;
    struct mq_msg *m2 = add(s, 8, 0, 0, 1, 0, 2);
    sched_run(s, 2);
    answer_all(s, 'D', 3);
    sched_run(s, 3);
    CU_ASSERT_EQUAL(m2->r[1][0].done, 0);
    CU_ASSERT_EQUAL(m2->finished, 0);
    CU_ASSERT_EQUAL(sched_queued(s, 1), 1);
    sched_free(s);
}

static void test_message_done_after_every_channel(void)
{
    struct sched *s = setup(3, 5, 5, 5, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    struct mq_msg *m = add(s, 6, 0, 1, 1, 1, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL_FATAL(q.nflight, 3);
    mq_answer(&q, s, 0, 'K', 1);
    mq_answer(&q, s, 0, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(m->finished, 0);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_CHANNEL_DONE), 2);
    mq_answer(&q, s, 0, 'K', 2);
    sched_run(s, 2);
    CU_ASSERT_EQUAL(m->finished, 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_MESSAGE_DONE), 1);
    CU_ASSERT_EQUAL(sched_messages(s), 0);
    /* a message with no recipients at all is finished at once */
    int none[3] = {0, 0, 0};
    struct mq_msg *e = mq_add(&q, 12, 0, 3, none);
    sched_todo_report(s, 12, 0, 3);
    sched_run(s, 3);
    CU_ASSERT_EQUAL(e->finished, 1);
    sched_free(s);
}

static void test_finish_failure_retried(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    q.fail_finish = 1;
    struct mq_msg *m = add(s, 2, 0, 0, 1, 0, 0);
    sched_run(s, 0);
    answer_all(s, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(m->finished, 0);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_WARNING), 1);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 1), 1 + SCHED_SLEEP_SYSFAIL);
    q.fail_finish = 0;
    sched_run(s, 1 + SCHED_SLEEP_SYSFAIL);
    CU_ASSERT_EQUAL(m->finished, 1);
    sched_free(s);
}

static void test_not_finished_is_forgotten_quietly(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    q.not_finished = 1;
    struct mq_msg *m = add(s, 2, 0, 0, 1, 0, 0);
    sched_run(s, 0);
    answer_all(s, 'K', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(m->finish_calls, 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_MESSAGE_DONE), 0);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_WARNING), 0);
    CU_ASSERT_EQUAL(sched_messages(s), 0);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 1), QC_TIME_NEVER);
    /* qmail-todo reports it again later: then it finishes */
    q.not_finished = 0;
    sched_todo_report(s, 2, 0, 2);
    sched_run(s, 2);
    CU_ASSERT_EQUAL(m->finished, 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_MESSAGE_DONE), 1);
    sched_free(s);
}

static void test_curb_at_start(void)
{
    struct sched *s = setup(3, 10, 600, 20, SCHED_PROFILE_QCHAN);
    sched_spawner_limit(s, 0, 255, 0);
    sched_spawner_limit(s, 1, 509, 0);
    sched_spawner_limit(s, 2, 5, 0);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    CU_ASSERT_EQUAL(sched_limit(s, 0), 10);
    CU_ASSERT_EQUAL(sched_limit(s, 1), 509);
    CU_ASSERT_EQUAL(sched_limit(s, 2), 5);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_CURB), 2);
    CU_ASSERT_EQUAL(sched_jobs_total(s), 10 + 509 + 5);
    sched_free(s);
}

static void test_reconfigure_qchan_profile(void)
{
    struct sched *s = setup(2, 2, 2, 0, SCHED_PROFILE_QCHAN);
    sched_spawner_limit(s, 0, 100, 0);
    sched_spawner_limit(s, 1, 8, 0);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    add(s, 1, 0, 0, 20, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 2);
    unsigned raise[2] = {2, 50};
    sched_reconfigure(s, raise, 1);
    CU_ASSERT_EQUAL(sched_limit(s, 1), 8);   /* curbed to the spawner */
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_CURB), 1);
    CU_ASSERT_EQUAL(sched_jobs_total(s), 10);   /* grew with the sum */
    sched_run(s, 1);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 8);
    for (int i = 0; i < q.nflight; i++)
        CU_ASSERT(q.flight[i].slot < 8);
    unsigned lower[2] = {2, 3};
    sched_reconfigure(s, lower, 2);
    answer_all(s, 'K', 2);
    sched_run(s, 2);
    CU_ASSERT_EQUAL(sched_inflight(s, 1), 3);
    sched_free(s);
}

static void test_reconfigure_compat_profile(void)
{
    struct sched *s = setup(2, 2, 2, 0, SCHED_PROFILE_CHANNELS_COMPAT);
    sched_spawner_limit(s, 0, 100, 0);
    sched_spawner_limit(s, 1, 8, 0);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    unsigned raise[2] = {2, 50};
    sched_reconfigure(s, raise, 1);
    /* the delivery table was sized 2 at start-up: the raise is reported
     * as the overrun CHANNELS would suffer, not executed */
    CU_ASSERT_EQUAL(sched_limit(s, 1), 2);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_OVERRUN), 1);
    CU_ASSERT_EQUAL(q.ev[q.nev - 2].type, SCHED_EV_OVERRUN);
    CU_ASSERT_EQUAL(sched_jobs_total(s), 4);
    unsigned lower[2] = {1, 1};
    sched_reconfigure(s, lower, 2);
    CU_ASSERT_EQUAL(sched_limit(s, 1), 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_OVERRUN), 1);
    sched_free(s);
}

static void test_run_queue_now(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    add(s, 1, 0, 0, 1, 0, 0);
    add(s, 2, 0, 1, 0, 0, 0);
    sched_run(s, 0);
    answer_all(s, 'Z', 1);
    sched_run(s, 1);
    CU_ASSERT_EQUAL(q.nflight, 0);
    CU_ASSERT(sched_next_wakeup(s, 1) > 50 * S);
    sched_alarm(s, 2 * S);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 2 * S), 2 * S);
    sched_run(s, 2 * S);
    CU_ASSERT_EQUAL(q.nflight, 2);
    sched_free(s);
}

struct queued_seen {
    int n;
    uint64_t id;
    int chan;
};

static void count_queued(void *ctx, uint64_t id, int chan, qc_time due)
{
    struct queued_seen *seen = ctx;
    (void)due;
    seen->n++;
    seen->id = id;
    seen->chan = chan;
}

static void test_dead_spawner(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    add(s, 1, 0, 1, 2, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(q.nflight, 3);
    sched_spawner_dead(s, 1, 1);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_SPAWNER_DEAD), 1);
    CU_ASSERT(sched_exiting(s));
    /* the local delivery is still out: cannot exit yet */
    CU_ASSERT_FALSE(sched_can_exit(s));
    add(s, 2, 0, 1, 0, 0, 1);
    for (int i = 0; i < q.nflight; i++)
        if (q.flight[i].chan == 0) {
            mq_answer(&q, s, i, 'K', 2);
            break;
        }
    sched_run(s, 2);
    CU_ASSERT_EQUAL(sched_inflight(s, 0), 0);   /* nothing new started */
    CU_ASSERT(sched_can_exit(s));
    /* message 2 waits on local: kept for the next start */
    CU_ASSERT_EQUAL(sched_queued(s, 0), 1);
    struct queued_seen seen = {0, 0, -1};
    sched_foreach_queued(s, count_queued, &seen);
    CU_ASSERT_EQUAL(seen.n, 1);
    CU_ASSERT_EQUAL(seen.id, 2);
    CU_ASSERT_EQUAL(seen.chan, 0);
    sched_free(s);
}

static void test_store_failures(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    q.fail_open = 1;
    struct mq_msg *m = add(s, 1, 0, 0, 1, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(q.nflight, 0);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 0), SCHED_SLEEP_SYSFAIL);
    q.fail_open = 0;
    q.bad_record = 1;
    sched_run(s, SCHED_SLEEP_SYSFAIL);
    CU_ASSERT_EQUAL(q.nflight, 0);
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_WARNING), 2);
    sched_alarm(s, SCHED_SLEEP_SYSFAIL + 1);
    sched_run(s, SCHED_SLEEP_SYSFAIL + 1);
    answer_all(s, 'K', SCHED_SLEEP_SYSFAIL + 2);
    sched_run(s, SCHED_SLEEP_SYSFAIL + 2);
    CU_ASSERT_EQUAL(m->finished, 1);
    CU_ASSERT_EQUAL(m->r[1][0].delivered, 1);
    sched_free(s);
}

static void test_report_out_of_range_and_mangled(void)
{
    struct sched *s = setup(2, 2, 2, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    sched_report(s, 1, 7, 'K', "x", 1, 0);
    sched_report(s, 1, 0, 'K', "x", 1, 0);   /* slot not in use */
    CU_ASSERT_EQUAL(mq_count(&q, SCHED_EV_WARNING), 2);
    struct mq_msg *m = add(s, 1, 0, 0, 1, 0, 0);
    sched_run(s, 0);
    mq_answer(&q, s, 0, '!', 1);
    CU_ASSERT_EQUAL(q.ev[q.nev - 1].type, SCHED_EV_STATUS);
    int mangled = 0;
    for (int i = 0; i < q.nev; i++)
        mangled += q.ev[i].type == SCHED_EV_DELIVERY_RESULT &&
                   q.ev[i].outcome == SCHED_OUT_MANGLED;
    CU_ASSERT_EQUAL(mangled, 1);
    CU_ASSERT_EQUAL(m->r[1][0].done, 0);   /* deferred, not lost */
    CU_ASSERT_EQUAL(sched_queued(s, 1), 1);
    sched_free(s);
}

static void test_spawner_not_ready(void)
{
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    q.spawner_busy[1] = 1;
    add(s, 1, 0, 0, 3, 0, 0);
    sched_run(s, 0);
    CU_ASSERT_EQUAL(q.nflight, 0);
    q.spawner_busy[1] = 0;
    sched_run(s, 0);
    CU_ASSERT_EQUAL(q.nflight, 3);
    sched_free(s);
}

/* quiet_run_addr - a fixed workload with the events of quiet left out and
 * (no_addr) a store that gives no address text; the events not of a
 * quietable type go to out, *quietable counts the others */
static int quiet_run_addr(uint32_t quiet, int no_addr, struct mq_event *out,
                          int max, int *quietable)
{
    memset(&q, 0, sizeof q);
    q.no_addr = no_addr;
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = 3;
    cfg.concurrency[0] = 2;
    cfg.concurrency[1] = 3;
    cfg.concurrency[2] = 1;
    cfg.lifetime = 604800 * S;
    cfg.quiet_events = quiet;
    struct sched *s = mq_sched(&q, &cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    for (uint64_t id = 1; id <= 6; id++)
        add(s, id, 0, (int)id % 3, 2, (int)id % 2, 0);
    qc_time now = 0;
    for (int round = 0; round < 40 && q.nflight + q.nmsgs > 0; round++) {
        sched_run(s, now);
        if (q.nflight > 0)
            mq_answer(&q, s, 0, round % 5 == 4 ? 'Z' : 'K', now);
        now += 1000 * S;
    }
    sched_free(s);
    int n = 0;
    *quietable = 0;
    for (int i = 0; i < q.nev; i++) {
        if (SCHED_QUIETABLE & SCHED_QUIET(q.ev[i].type))
            (*quietable)++;
        else if (n < max)
            out[n++] = q.ev[i];
    }
    return n;
}

/* quiet_run - the same with address texts */
static int quiet_run(uint32_t quiet, struct mq_event *out, int max,
                     int *quietable)
{
    return quiet_run_addr(quiet, 0, out, max, quietable);
}

/* test_quiet_events - the events asked to be left out are, if they only
 * report; nothing else changes */
static void test_quiet_events(void)
{
    static struct mq_event loud[MQ_EVENTS], quiet[MQ_EVENTS];
    int lq, qq;
    int nl = quiet_run(0, loud, MQ_EVENTS, &lq);
    /* every type asked for: DELIVERY_START and the rest must still come */
    int nq = quiet_run(~(uint32_t)0, quiet, MQ_EVENTS, &qq);
    CU_ASSERT_TRUE(nl > 20);
    CU_ASSERT_TRUE(lq > 10);
    CU_ASSERT_EQUAL(qq, 0);
    CU_ASSERT_EQUAL_FATAL(nl, nq);
    CU_ASSERT_EQUAL(memcmp(loud, quiet, (size_t)nl * sizeof loud[0]), 0);
    /* one type alone: only it goes */
    int sq;
    (void)quiet_run(SCHED_QUIET(SCHED_EV_STATUS), quiet, MQ_EVENTS, &sq);
    int status = 0, done = 0;
    for (int i = 0; i < q.nev; i++) {
        status += q.ev[i].type == SCHED_EV_STATUS;
        done += q.ev[i].type == SCHED_EV_MESSAGE_DONE;
    }
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_TRUE(done > 0);
    CU_ASSERT_TRUE(sq > 0 && sq < lq);
}

/* test_no_address_text - a store that gives no address text gets the
 * same decisions; the deliveries and results carry rcpt NULL */
static void test_no_address_text(void)
{
    static struct mq_event with[MQ_EVENTS], without[MQ_EVENTS];
    int wq, nq;
    int nw = quiet_run_addr(0, 0, with, MQ_EVENTS, &wq);
    CU_ASSERT_EQUAL(q.null_rcpt_events, 0);
    int nn = quiet_run_addr(0, 1, without, MQ_EVENTS, &nq);
    CU_ASSERT_TRUE(q.null_rcpt_events > 10);
    CU_ASSERT_EQUAL(q.violations, 0);
    CU_ASSERT_EQUAL_FATAL(nw, nn);
    CU_ASSERT_EQUAL(wq, nq);
    CU_ASSERT_EQUAL(memcmp(with, without, (size_t)nw * sizeof with[0]), 0);
}

/* a store whose look at a message fails until rescan_fails reaches 0 */
static struct sched *rescan_sched;
static int rescan_fails, rescan_calls;
static uint64_t rescan_id;
static qc_time rescan_now;

static void count_rescan(void *ctx, uint64_t id, qc_time now)
{
    struct memqueue *mq = ctx;
    rescan_calls++;
    rescan_id = id;
    rescan_now = now;
    if (rescan_fails-- > 0) {
        CU_ASSERT_EQUAL(sched_add_failed(rescan_sched, id, now), 0);
        return;
    }
    struct mq_msg *m = mq_find(mq, id);
    CU_ASSERT_EQUAL(sched_todo_report(rescan_sched, id, mq_mask(m), now), 0);
}

static void test_failed_scan_rescanned(void)
{
    /* without a rescan in the store, nothing can be kept for one */
    struct sched *s = setup(2, 5, 5, 0, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sched_add_failed(s, 3, 0), -1);
    sched_free(s);

    memset(&q, 0, sizeof q);
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = 2;
    cfg.concurrency[0] = cfg.concurrency[1] = 5;
    cfg.lifetime = 604800 * S;
    struct sched_store store = {&q, mq_pass_open, mq_pass_next,
                                mq_pass_close, mq_mark_done, mq_add_bounce,
                                mq_chan_finish, mq_message_finish,
                                count_rescan};
    struct sched_sink sink = {&q, mq_event, mq_spawner_ready};
    s = rescan_sched = sched_new(&cfg, &store, &sink);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sched_start(s, 0), 0);
    rescan_fails = 1;
    rescan_calls = 0;
    int n[2] = {0, 2};
    mq_add(&q, 5, 0, 2, n);
    CU_ASSERT_EQUAL(sched_add_failed(s, 5, 10 * S), 0);
    CU_ASSERT_EQUAL(sched_failed(s), 1);
    CU_ASSERT_EQUAL(sched_messages(s), 0);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, 10 * S), 10 * S + SCHED_SLEEP_SYSFAIL);
    sched_run(s, 10 * S + SCHED_SLEEP_SYSFAIL - 1);
    CU_ASSERT_EQUAL(rescan_calls, 0);
    /* the first look fails again: back on pqfail, from then */
    qc_time t1 = 10 * S + SCHED_SLEEP_SYSFAIL;
    sched_run(s, t1);
    CU_ASSERT_EQUAL(rescan_calls, 1);
    CU_ASSERT_EQUAL(rescan_id, 5);
    CU_ASSERT_EQUAL(rescan_now, t1);
    CU_ASSERT_EQUAL(sched_failed(s), 1);
    CU_ASSERT_EQUAL(sched_next_wakeup(s, t1), t1 + SCHED_SLEEP_SYSFAIL);
    CU_ASSERT_EQUAL(q.nflight, 0);
    /* the second works: its list is queued and delivered at once */
    sched_run(s, t1 + SCHED_SLEEP_SYSFAIL);
    CU_ASSERT_EQUAL(rescan_calls, 2);
    CU_ASSERT_EQUAL(sched_failed(s), 0);
    CU_ASSERT_EQUAL(q.nflight, 2);
    /* an exiting scheduler still looks again (qmail-send's pass_do) */
    CU_ASSERT_EQUAL(sched_add_failed(s, 5, t1), 0);
    sched_exit_asap(s);
    sched_run(s, t1 + SCHED_SLEEP_SYSFAIL);
    CU_ASSERT_EQUAL(rescan_calls, 3);
    sched_free(s);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_no_address_text);
    QC_ADD_TEST(suite, test_quiet_events);
    QC_ADD_TEST(suite, test_cap_per_channel);
    QC_ADD_TEST(suite, test_order_by_due_then_id);
    QC_ADD_TEST(suite, test_pass_skips_done_records);
    QC_ADD_TEST(suite, test_job_table_exhaustion);
    QC_ADD_TEST(suite, test_paused_channel_holds_no_job);
    QC_ADD_TEST(suite, test_retry_after_deferral);
    QC_ADD_TEST(suite, test_lifetime_turns_deferral_into_failure);
    QC_ADD_TEST(suite, test_bounce_once_per_failure);
    QC_ADD_TEST(suite, test_message_done_after_every_channel);
    QC_ADD_TEST(suite, test_finish_failure_retried);
    QC_ADD_TEST(suite, test_not_finished_is_forgotten_quietly);
    QC_ADD_TEST(suite, test_curb_at_start);
    QC_ADD_TEST(suite, test_reconfigure_qchan_profile);
    QC_ADD_TEST(suite, test_reconfigure_compat_profile);
    QC_ADD_TEST(suite, test_run_queue_now);
    QC_ADD_TEST(suite, test_dead_spawner);
    QC_ADD_TEST(suite, test_store_failures);
    QC_ADD_TEST(suite, test_report_out_of_range_and_mangled);
    QC_ADD_TEST(suite, test_spawner_not_ready);
    QC_ADD_TEST(suite, test_failed_scan_rescanned);
}

QC_CUNIT_MAIN("sched")
