/*
 * test_sched_random.c - the scheduler under random sequences of arrivals,
 * reports, reconfigurations, alarms and spawner back-pressure, with the
 * invariants checked after every step:
 *	- no delivery starts while its channel is at its limit: deliveries
 *	  in flight counted from the events, the limit worked out here from
 *	  what was asked (concurrency, the spawner's limit, the table a
 *	  channels-compat scheduler sized at start), not read back from the
 *	  scheduler;
 *	- no job or delivery slot leaks (jobs in use never exceed deliveries
 *	  in flight plus open passes; all return once the queue drains);
 *	- every recipient ends with at most one final outcome (a success or a
 *	  bounce), and a done record has exactly one;
 *	- no recipient is handed out while in flight or done;
 *	- the same seed gives the same sequence of events.
 * At the end of each sequence every recipient is answered until the queue
 * is empty, so "still pending" can only be a scheduler that lost work.
 */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "memqueue.h"
#include "sched.h"

#define SEQUENCES 10000
#define STEPS 60

static struct memqueue q;
static int start_over_limit;

/* the limits in force, as this test works them out */
static enum sched_profile profile;
static unsigned spawner[QC_MAX_CHANNELS], table[QC_MAX_CHANNELS];
static unsigned limit[QC_MAX_CHANNELS];

/* ask - concurrency wanted for c, before start or by a SIGHUP after:
 * curbed to the spawner's limit, or under channels-compat after start
 * to the table sized then */
static void ask(int c, unsigned wanted, int started)
{
    unsigned cap = profile == SCHED_PROFILE_CHANNELS_COMPAT && started
                       ? table[c]
                       : spawner[c];
    limit[c] = wanted < cap ? wanted : cap;
}

/* inflight - deliveries started on c and not yet answered */
static unsigned inflight(int c)
{
    unsigned n = 0;
    for (int i = 0; i < q.nflight; i++)
        n += q.flight[i].chan == c;
    return n;
}

static uint64_t rng_state;

/* rnd - splitmix64 */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

/* checking_event - memqueue's recorder plus the cap check at each start */
static void checking_event(void *ctx, const struct sched_event *ev)
{
    mq_event(ctx, ev);
    if (ev->type == SCHED_EV_DELIVERY_START &&
        inflight(ev->chan) > limit[ev->chan])
        start_over_limit++;
}

/* reset - an empty queue without clearing every buffer */
static void reset(void)
{
    q.nmsgs = 0;
    q.nev = 0;
    q.nflight = 0;
    q.violations = 0;
    q.ev_hash = 0;
    q.fail_open = q.fail_finish = q.fail_chan_finish = q.fail_bounce = 0;
    q.bad_record = 0;
    memset(q.spawner_busy, 0, sizeof q.spawner_busy);
}

/* outcomes_ok - no recipient with two outcomes; done iff one */
static int outcomes_ok(void)
{
    for (int i = 0; i < q.nmsgs; i++)
        for (int c = 0; c < MQ_CHANS; c++)
            for (int r = 0; r < q.msgs[i].nrcpt[c]; r++) {
                const struct mq_rcpt *rc = &q.msgs[i].r[c][r];
                int outcomes = rc->delivered + rc->bounced;
                if (outcomes > 1 || rc->done != (outcomes == 1))
                    return 0;
            }
    return 1;
}

/* open_passes_bound - jobs in use are deliveries' jobs plus passes */
static int jobs_bounded(struct sched *s, int nchan)
{
    return sched_jobs_used(s) <= (size_t)q.nflight + (size_t)nchan &&
           sched_jobs_used(s) <= sched_jobs_total(s);
}

/* one_sequence - a random run; returns its event hash */
static uint64_t one_sequence(uint64_t seed, int *failures)
{
    rng_state = seed;
    reset();
    int nchan = 2 + (int)below(3);
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = nchan;
    for (int c = 0; c < nchan; c++)
        cfg.concurrency[c] = below(4);
    cfg.lifetime = (qc_time)(50 + below(2000)) * QC_SEC;
    cfg.profile = below(2) ? SCHED_PROFILE_QCHAN
                           : SCHED_PROFILE_CHANNELS_COMPAT;
    profile = cfg.profile;
    struct sched_store store = {&q, mq_pass_open, mq_pass_next,
                                mq_pass_close, mq_mark_done, mq_add_bounce,
                                mq_chan_finish, mq_message_finish, NULL};
    struct sched_sink sink = {&q, checking_event, mq_spawner_ready};
    struct sched *s = sched_new(&cfg, &store, &sink);
    start_over_limit = 0;
    qc_time now = 0;
    for (int c = 0; c < nchan; c++) {
        spawner[c] = 1 + below(4);
        sched_spawner_limit(s, c, spawner[c], now);
        ask(c, cfg.concurrency[c], 0);
        table[c] = limit[c];
    }
    sched_start(s, now);

    uint64_t next_id = 1;
    for (int step = 0; step < STEPS; step++) {
        now += (qc_time)below(200) * QC_SEC;
        unsigned what = below(100);
        if (what < 30 && q.nmsgs < MQ_MSGS && next_id < 40) {
            int n[MQ_CHANS] = {0};
            for (int c = 0; c < nchan; c++)
                n[c] = below(3) ? 0 : (int)below(4);
            struct mq_msg *m = mq_add(&q, next_id, now - below(3000) *
                                      (qc_time)QC_SEC, nchan, n);
            sched_todo_report(s, next_id++, mq_mask(m), now);
        } else if (what < 75 && q.nflight > 0) {
            static const char statuses[] = "KKKKZZDX";
            mq_answer(&q, s, (int)below((unsigned)q.nflight),
                      statuses[below(8)], now);
        } else if (what < 82) {
            unsigned conc[QC_MAX_CHANNELS];
            for (int c = 0; c < nchan; c++) {
                conc[c] = below(6);
                ask(c, conc[c], 1);
            }
            sched_reconfigure(s, conc, now);
        } else if (what < 88) {
            sched_alarm(s, now);
        } else if (what < 94) {
            q.spawner_busy[below((unsigned)nchan)] ^= 1;
        } else {
            sched_report(s, (int)below((unsigned)nchan), below(8), 'K',
                         "stray", 5, now);
        }
        sched_run(s, now);
        if (!jobs_bounded(s, nchan) || !outcomes_ok() || q.violations ||
            start_over_limit) {
            if (*failures < 5)
                fprintf(stderr, "seed %llu step %d: jobs %d outcomes %d "
                        "violations %d over-limit %d\n",
                        (unsigned long long)seed, step, jobs_bounded(s, nchan),
                        outcomes_ok(), q.violations, start_over_limit);
            (*failures)++;
            sched_free(s);
            return 0;
        }
    }

    /* drain: every channel open, every answer a success */
    memset(q.spawner_busy, 0, sizeof q.spawner_busy);
    unsigned conc[QC_MAX_CHANNELS];
    for (int c = 0; c < nchan; c++) {
        conc[c] = 1;
        ask(c, conc[c], 1);
    }
    sched_reconfigure(s, conc, now);
    for (int round = 0; round < 1000; round++) {
        now += QC_SEC;
        sched_alarm(s, now);
        sched_run(s, now);
        if (q.nflight == 0 && sched_messages(s) == 0)
            break;
        while (q.nflight > 0)
            mq_answer(&q, s, 0, 'K', now);
    }
    /* under channels-compat a channel whose table was sized 0 at start-up
     * stays at 0 whatever the reconfiguration (as in the patch): its
     * messages may stay, and its pass may hold a job */
    size_t stuck_channels = 0;
    for (int c = 0; c < nchan; c++)
        stuck_channels += sched_limit(s, c) == 0;
    int leaked = sched_jobs_used(s) > stuck_channels || q.nflight != 0;
    for (int c = 0; c < nchan; c++)
        leaked |= sched_inflight(s, c) != 0;
    size_t unfinished = 0;
    for (int i = 0; i < q.nmsgs; i++) {
        if (q.msgs[i].finished)
            continue;
        unfinished++;
        int on_stuck = 0;
        for (int c = 0; c < nchan; c++)
            on_stuck |= q.msgs[i].has_list[c] && sched_limit(s, c) == 0;
        /* ... and under channels-compat a stuck pass may hold the last
         * job, starving the other channels (the patch's behaviour) */
        leaked |= !on_stuck && sched_jobs_used(s) < sched_jobs_total(s);
    }
    leaked |= sched_messages(s) != unfinished;
    if (leaked || !outcomes_ok() || q.violations || start_over_limit) {
        if (*failures < 5)
            fprintf(stderr, "seed %llu at the end: leaked %d outcomes %d "
                    "violations %d over-limit %d (messages %zu jobs %zu)\n",
                    (unsigned long long)seed, leaked, outcomes_ok(),
                    q.violations, start_over_limit, sched_messages(s),
                    sched_jobs_used(s));
        (*failures)++;
        if (getenv("QCHAN_DEBUG"))
            for (int c = 0; c < nchan; c++)
                fprintf(stderr, "  chan %d limit %u inflight %u queued %zu\n",
                        c, sched_limit(s, c), sched_inflight(s, c),
                        sched_queued(s, c));
    }
    sched_free(s);
    return q.ev_hash;
}

static void test_random_sequences(void)
{
    int failures = 0;
    for (uint64_t seed = 1; seed <= SEQUENCES; seed++)
        one_sequence(seed * 7919, &failures);
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_same_seed_same_events(void)
{
    int failures = 0;
    for (uint64_t seed = 1; seed <= 50; seed++) {
        uint64_t a = one_sequence(seed, &failures);
        int events_a = q.nev;
        uint64_t b = one_sequence(seed, &failures);
        CU_ASSERT_EQUAL(a, b);
        CU_ASSERT_EQUAL(events_a, q.nev);
        CU_ASSERT(events_a > 0);
    }
    /* and different seeds do give different runs */
    CU_ASSERT_NOT_EQUAL(one_sequence(1, &failures),
                        one_sequence(2, &failures));
    CU_ASSERT_EQUAL(failures, 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_random_sequences);
    QC_ADD_TEST(suite, test_same_seed_same_events);
}

QC_CUNIT_MAIN("sched_random")
