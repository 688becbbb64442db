/*
 * test_sched_alloc_fail.c - allocation failure, the SQLite way: a
 * scripted scheduler run is repeated with its Nth request for memory
 * refused, for N = 1, 2, 3 ... until a run asks for fewer than N (no
 * failure was injected), once with only that request refused and once
 * with it and the next SQUEEZE ones (memory short for a while).  After
 * every run each recipient must have been delivered or bounced exactly
 * once, each message finished once, and every block given back.
 *
 * The host does what qmail-send does with a refused message: keeps it
 * (on disk, here in memqueue) and offers it again ten seconds later;
 * creating or starting the scheduler is retried the same way.
 */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "memqueue.h"
#include "sched.h"
#include "track_alloc.h"

#define S QC_SEC
#define NMSG 12
#define NCHAN 3
#define SQUEEZE 9
#define HORIZON (400000 * S)

static struct memqueue q;
static struct track tr;

/* what one run saw */
struct run {
    int nomem_returns;      /* SCHED_NOMEM answers to the host */
    int retries;            /* scheduler creations or starts retried */
    int nomem_warnings;     /* SCHED_WARN_NOMEM events */
    int attempts[NMSG + 1][NCHAN][MQ_RCPTS];
    qc_time end;
};

static struct run run;

/* count_event - memqueue's bookkeeping, and the warnings */
static void count_event(void *ctx, const struct sched_event *ev)
{
    if (ev->type == SCHED_EV_WARNING && ev->warning == SCHED_WARN_NOMEM)
        run.nomem_warnings++;
    mq_event(ctx, ev);
}

/* recipients of message i per channel: some on one channel, some on
 * all, one with none (finished at once) */
static void message_shape(int i, int *n)
{
    n[0] = i % 3;
    n[1] = (i * 5) % 4;
    n[2] = i % 4 == 1 ? 2 : 0;
    if (i == 7)
        n[0] = n[1] = n[2] = 0;
}

/* outcome - a deferral on some first tries, a failure now and then */
static char outcome(uint64_t msg, int chan, int pos, int attempt)
{
    if (attempt == 0 && (msg + (uint64_t)pos + (uint64_t)chan) % 4 == 0)
        return 'Z';
    if ((msg * 7 + (uint64_t)pos) % 11 == 0)
        return 'D';
    return 'K';
}

/* new_sched - the scheduler, created and started as a daemon does:
 * refused, it tries again */
static struct sched *new_sched(struct qc_alloc *a)
{
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = NCHAN;
    cfg.concurrency[0] = 2;
    cfg.concurrency[1] = 3;
    cfg.concurrency[2] = 1;
    cfg.lifetime = 604800 * S;
    cfg.alloc = a;
    struct sched_store store = {&q, mq_pass_open, mq_pass_next,
                                mq_pass_close, mq_mark_done, mq_add_bounce,
                                mq_chan_finish, mq_message_finish, NULL};
    struct sched_sink sink = {&q, count_event, mq_spawner_ready};
    struct sched *s;
    while (!(s = sched_new(&cfg, &store, &sink)))
        run.retries++;
    for (int c = 0; c < NCHAN; c++)
        sched_spawner_limit(s, c, 6, 0);
    while (sched_start(s, 0) != 0)
        run.retries++;
    return s;
}

/* all_finished - every message done */
static int all_finished(void)
{
    for (int i = 0; i < q.nmsgs; i++)
        if (!q.msgs[i].finished)
            return 0;
    return q.nmsgs == NMSG;
}

/* script - one run: arrivals one a second, answers a second after each
 * start, a SIGHUP raising the limits at 5 s, a SIGALRM at 60 s */
static void script(struct qc_alloc *a)
{
    memset(&q, 0, sizeof q);
    memset(&run, 0, sizeof run);
    struct sched *s = new_sched(a);
    qc_time offer_at[NMSG + 1];
    for (int i = 1; i <= NMSG; i++) {
        int n[NCHAN];
        message_shape(i, n);
        mq_add(&q, (uint64_t)i, (qc_time)i * S, NCHAN, n);
        offer_at[i] = (qc_time)i * S;
    }
    int hup_done = 0, alarm_done = 0;
    qc_time now = 0;
    while (!all_finished() && now < HORIZON) {
        if (!hup_done && now >= 5 * S) {
            static const unsigned raise[NCHAN] = {4, 5, 3};
            sched_reconfigure(s, raise, now);
            hup_done = 1;
        }
        if (!alarm_done && now >= 60 * S) {
            sched_alarm(s, now);
            alarm_done = 1;
        }
        for (int i = 1; i <= NMSG; i++) {
            if (offer_at[i] < 0 || offer_at[i] > now)
                continue;
            struct mq_msg *m = mq_find(&q, (uint64_t)i);
            int r = sched_todo_report(s, (uint64_t)i, mq_mask(m), now);
            CU_ASSERT(r == 0 || r == SCHED_NOMEM);
            if (r == SCHED_NOMEM) {
                run.nomem_returns++;
                offer_at[i] = now + 10 * S;   /* qmail's nomem(): sleep */
            } else {
                offer_at[i] = -1;
            }
        }
        sched_run(s, now);
        /* the next moment anything happens */
        qc_time next = sched_next_wakeup(s, now);
        if (q.nflight > 0 && now + S < next)
            next = now + S;
        for (int i = 1; i <= NMSG; i++)
            if (offer_at[i] >= 0 && offer_at[i] < next)
                next = offer_at[i];
        if (next <= now)
            next = now + 1;
        if (next == QC_TIME_NEVER)
            break;
        now = next;
        while (q.nflight > 0) {
            struct mq_flight f = q.flight[0];
            int *att = &run.attempts[f.msg][f.chan][f.pos];
            mq_answer(&q, s, 0, outcome(f.msg, f.chan, (int)f.pos, *att),
                      now);
            (*att)++;
        }
    }
    run.end = now;
    sched_free(s);
}

/* check - what must hold after any run */
static int check(const char *what, unsigned long n)
{
    int ok = q.violations == 0 && all_finished();
    for (int i = 0; i < q.nmsgs; i++) {
        const struct mq_msg *m = &q.msgs[i];
        ok &= m->finish_calls == 1;
        for (int c = 0; c < NCHAN; c++)
            for (int r = 0; r < m->nrcpt[c]; r++) {
                const struct mq_rcpt *rc = &m->r[c][r];
                ok &= rc->delivered + rc->bounced == 1 && rc->done &&
                      !rc->inflight;
            }
    }
    ok &= track_live(&tr) == 0 && tr.wrong_size == 0 && tr.unknown == 0;
    if (!ok)
        fprintf(stderr, "\n%s, request %lu refused: violations %d, "
                "finished %d, live blocks %u, wrong sizes %u\n", what, n,
                q.violations, all_finished(), track_live(&tr),
                tr.wrong_size);
    return ok;
}

/* loop - N = 1, 2, ... with count requests refused from the Nth on,
 * until a run asks for fewer than N; the number of runs */
static unsigned long loop(unsigned long count, const char *what)
{
    struct qc_alloc a;
    unsigned long n;
    int all_ok = 1, returns = 0, retries = 0, warnings = 0, absorbed = 0;
    for (n = 1;; n++) {
        track_init(&tr, &a);
        tr.fail_at = n;
        tr.fail_count = count;
        script(&a);
        all_ok &= check(what, n);
        if (tr.failed == 0)
            break;
        returns += run.nomem_returns > 0;
        retries += run.retries > 0;
        warnings += run.nomem_warnings > 0;
        /* a queue that could not grow used the room it had */
        absorbed += run.nomem_returns + run.retries + run.nomem_warnings == 0;
    }
    CU_ASSERT_TRUE(all_ok);
    /* the script reaches every way of meeting a refusal */
    CU_ASSERT_TRUE(returns > 0 && retries > 0 && warnings > 0);
    printf("\n  %s: %lu runs; refusal answered to the host in %d, "
           "set-up retried in %d, pause in %d, absorbed in %d ", what, n,
           returns, retries, warnings, absorbed);
    return n;
}

static void test_clean_run(void)
{
    struct qc_alloc a;
    track_init(&tr, &a);
    script(&a);
    CU_ASSERT_TRUE(check("no failure", 0));
    CU_ASSERT_EQUAL(run.nomem_returns + run.retries + run.nomem_warnings, 0);
    /* the script does what it says: deferrals and bounces happen */
    int bounced = 0, retried = 0;
    for (int i = 0; i < q.nmsgs; i++)
        for (int c = 0; c < NCHAN; c++)
            for (int r = 0; r < q.msgs[i].nrcpt[c]; r++) {
                bounced += q.msgs[i].r[c][r].bounced;
                retried += run.attempts[q.msgs[i].id][c][r] > 1;
            }
    CU_ASSERT_TRUE(bounced > 0);
    CU_ASSERT_TRUE(retried > 0);
    CU_ASSERT_TRUE(tr.calls > 20);
}

static void test_each_allocation_fails_once(void)
{
    CU_ASSERT_TRUE(loop(1, "one refusal") > 20);
}

static void test_each_allocation_starts_a_shortage(void)
{
    CU_ASSERT_TRUE(loop(SQUEEZE + 1, "a shortage") > 20);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_clean_run);
    QC_ADD_TEST(suite, test_each_allocation_fails_once);
    QC_ADD_TEST(suite, test_each_allocation_starts_a_shortage);
}

QC_CUNIT_MAIN("sched_alloc_fail")
