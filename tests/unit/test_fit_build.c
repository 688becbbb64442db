/* test_fit_build.c - rebuilding the day from the log fixtures in
 * tests/data/fit (run from the top of the tree, as make does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "fit_sum.h"

#define DATA "tests/data/fit/"

/* load - read paths into lg; the fit_read result */
static int load(struct fit_log *lg, const char *a, const char *b)
{
    char *paths[2] = {(char *)a, (char *)b};
    char err[512];
    fit_log_init(lg);
    return fit_read(lg, paths, b ? 2 : 1, err, sizeof err);
}

/* msg_by - the index of the n-th incarnation of message num, or -1 */
static long msg_by(const struct fit_log *lg, uint64_t num, int nth)
{
    for (size_t i = 0; i < lg->nmsgs; i++)
        if (lg->msgs[i].num == num && nth-- == 0)
            return (long)i;
    return -1;
}

static void test_multilog_dir(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "multilog", NULL), 0);
    /* two rotated files and current; lock and state skipped */
    CU_ASSERT_EQUAL(lg.nfiles, 3);
    CU_ASSERT(strstr(lg.files[2], "current") != NULL);
    CU_ASSERT_EQUAL(lg.unparsed, 0);
    CU_ASSERT_EQUAL(lg.backwards, 0);
    CU_ASSERT_EQUAL(lg.nmsgs, 2);
    CU_ASSERT_EQUAL(lg.natts, 4);
    CU_ASSERT_EQUAL(lg.nrcpts, 3);
    long m = msg_by(&lg, 101, 0);
    CU_ASSERT_FATAL(m >= 0);
    CU_ASSERT(lg.msgs[m].arrived && lg.msgs[m].ended);
    CU_ASSERT_EQUAL(lg.msgs[m].nrcpt, 2);
    CU_ASSERT_EQUAL(lg.msgs[m].bytes, 1520);
    CU_ASSERT_STRING_EQUAL(lg.msgs[m].sender, "alice@example.org");
    /* carol: deferred after 40 s, delivered on the retry */
    const struct fit_attempt *a = &lg.atts[1];
    CU_ASSERT_STRING_EQUAL(lg.rcpts[a->rcpt].addr, "carol@slow.example.net");
    CU_ASSERT_EQUAL(a->outcome, 'Z');
    CU_ASSERT_EQUAL(a->end - a->start, 40 * QC_SEC);
    CU_ASSERT_EQUAL(lg.rcpts[a->rcpt].attempts, 2);
    CU_ASSERT_EQUAL(lg.rcpts[a->rcpt].final, 'K');
    CU_ASSERT_EQUAL(lg.rcpts[lg.atts[2].rcpt].chan, QC_CHAN_LOCAL);
    fit_log_free(&lg);

    /* the files named in the wrong order read the same */
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "multilog/current",
                               DATA "multilog/@400000006955c71a00000000.s"),
                          0);
    CU_ASSERT_STRING_EQUAL(lg.files[1], DATA "multilog/current");
    CU_ASSERT_EQUAL(lg.backwards, 0);
    fit_log_free(&lg);
}

static void test_splogger_and_local(void)
{
    const char *files[] = {DATA "splogger.log", DATA "tai64nlocal.log"};
    for (int i = 0; i < 2; i++) {
        struct fit_log lg;
        CU_ASSERT_EQUAL_FATAL(load(&lg, files[i], NULL), 0);
        /* the sshd line of the syslog is counted, not fatal */
        CU_ASSERT_EQUAL(lg.unparsed, i == 0 ? 1 : 0);
        CU_ASSERT_EQUAL(lg.nmsgs, 1);
        CU_ASSERT_EQUAL(lg.natts, 1);
        CU_ASSERT_EQUAL(lg.atts[0].end - lg.atts[0].start, 2500000);
        CU_ASSERT_EQUAL(lg.msgs[0].arrival,
                        1767225610LL * QC_SEC + 250000);
        fit_log_free(&lg);
    }
}

static void test_channels_and_bounce(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "channels.log", NULL), 0);
    CU_ASSERT_EQUAL(lg.unparsed, 0);
    CU_ASSERT_EQUAL(lg.nchan, 4);
    CU_ASSERT_EQUAL(lg.rcpts[lg.atts[0].rcpt].chan, 2);
    CU_ASSERT_EQUAL(lg.rcpts[lg.atts[1].rcpt].chan, 3);
    CU_ASSERT_EQUAL(lg.rcpts[lg.atts[2].rcpt].final, 'D');
    long b = msg_by(&lg, 502, 0);
    CU_ASSERT_FATAL(b >= 0);
    CU_ASSERT(lg.msgs[b].bounce);
    CU_ASSERT(!lg.msgs[msg_by(&lg, 501, 0)].bounce);

    struct fit_opts o;
    fit_opts_default(&o);
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.chans[2].limit_first, 5);
    CU_ASSERT_EQUAL(s.chans[3].limit_first, 3);
    CU_ASSERT_EQUAL(s.chans[3].attempts, 1);
    CU_ASSERT_EQUAL(s.chans[1].failed, 1);
    CU_ASSERT_EQUAL(s.bounces, 1);
    CU_ASSERT_EQUAL(s.complete, 2);
    /* suppl1 was at its limit? 1/3: never; suppl0 1/5: never */
    CU_ASSERT_DOUBLE_EQUAL(s.chans[3].at_limit, 0, 1e-9);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void test_midstream(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "midstream.log", NULL), 0);
    CU_ASSERT_EQUAL(lg.unparsed, 0);
    CU_ASSERT_EQUAL(lg.orphan_results, 2);
    CU_ASSERT_EQUAL(lg.orphan_ends, 1);
    long old = msg_by(&lg, 900, 0);
    CU_ASSERT_FATAL(old >= 0);
    CU_ASSERT(!lg.msgs[old].arrived);
    CU_ASSERT(lg.msgs[old].ended);
    struct fit_opts o;
    fit_opts_default(&o);
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.carried, 1);
    CU_ASSERT_EQUAL(s.arrived, 1);
    /* the status lines know the deliveries the log never saw start */
    CU_ASSERT_EQUAL(s.chans[1].max_inflight, 3);
    /* time 0 is the start of the hour of the first line */
    CU_ASSERT_EQUAL(s.origin, (1767225600LL + 3600) * QC_SEC);
    CU_ASSERT_DOUBLE_EQUAL(s.start, 0.5, 1e-6);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void test_restart(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "restart.log", NULL), 0);
    CU_ASSERT_EQUAL(lg.restarts, 1);
    /* the crash at 20 s (no "status: exiting") cut deliveries 1 and 2 */
    CU_ASSERT_EQUAL(lg.lost, 2);
    CU_ASSERT_EQUAL(lg.reused_msgs, 0);
    CU_ASSERT_EQUAL(lg.nmsgs, 3);
    long first = msg_by(&lg, 300, 0), second = msg_by(&lg, 300, 1);
    CU_ASSERT_FATAL(first >= 0 && second >= 0);
    CU_ASSERT_STRING_EQUAL(lg.msgs[first].sender, "s@example.org");
    CU_ASSERT_STRING_EQUAL(lg.msgs[second].sender, "t@example.org");
    CU_ASSERT_EQUAL(lg.msgs[first].nrcpt, 1);
    CU_ASSERT_EQUAL(lg.msgs[second].nrcpt, 1);
    CU_ASSERT_STRING_EQUAL(lg.rcpts[lg.msgs[second].rcpts[0]].addr,
                           "z@example.com");
    long y = msg_by(&lg, 301, 0);
    CU_ASSERT_FATAL(y >= 0);
    const struct fit_rcpt *r = &lg.rcpts[lg.msgs[y].rcpts[0]];
    CU_ASSERT_EQUAL(r->attempts, 3);
    CU_ASSERT_EQUAL(r->final, 'K');
    CU_ASSERT(lg.msgs[y].ended);
    unsigned lost = 0;
    for (size_t i = 0; i < lg.natts; i++)
        lost += lg.atts[i].outcome == FIT_LOST;
    CU_ASSERT_EQUAL(lost, 2);
    struct fit_opts o;
    fit_opts_default(&o);
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    /* the restart raised the remote limit: one hup at 10 s */
    CU_ASSERT_EQUAL(s.nhups, 1);
    CU_ASSERT_EQUAL(s.hups[0].limit, 30);
    CU_ASSERT_DOUBLE_EQUAL(s.hups[0].t, 10, 1e-6);
    CU_ASSERT_EQUAL(s.chans[1].lost, 2);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void test_inflight_at_end(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "inflight.log", NULL), 0);
    CU_ASSERT_EQUAL(lg.natts, 2);
    CU_ASSERT_EQUAL(lg.atts[1].outcome, FIT_OPEN);
    CU_ASSERT(!lg.msgs[0].ended);
    struct fit_opts o;
    fit_opts_default(&o);
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.unfinished, 1);
    CU_ASSERT_EQUAL(s.chans[1].open, 1);
    CU_ASSERT_EQUAL(s.chans[1].rcpt_pending, 1);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void test_garbled(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "garbled.log", NULL), 0);
    CU_ASSERT_EQUAL(lg.unparsed, 11);
    CU_ASSERT_EQUAL(lg.nexamples, FIT_EXAMPLES);
    CU_ASSERT_EQUAL(lg.examples[0].line, 3);
    CU_ASSERT(strstr(lg.examples[0].file, "garbled.log") != NULL);
    /* what could be read still is */
    CU_ASSERT_EQUAL(lg.nmsgs, 1);
    CU_ASSERT_EQUAL(lg.natts, 1);
    CU_ASSERT_EQUAL(lg.atts[0].outcome, 'K');
    CU_ASSERT(lg.msgs[0].ended);
    fit_log_free(&lg);
}

static void test_unreadable(void)
{
    struct fit_log lg;
    char err[512];
    char *paths[] = {DATA "no-such-file.log"};
    fit_log_init(&lg);
    CU_ASSERT_EQUAL(fit_read(&lg, paths, 1, err, sizeof err), -1);
    CU_ASSERT(strstr(err, "no-such-file.log") != NULL);
    fit_log_free(&lg);
}

/* feed - a synthetic line at t seconds */
static void feed(struct fit_log *lg, double t, const char *text)
{
    CU_ASSERT_EQUAL(fit_log_line(lg, (int64_t)(t * 1e6) + 3600 * QC_SEC,
                                 text, strlen(text), "synthetic", 0), 0);
}

static void test_outage_and_models(void)
{
    struct fit_log lg;
    fit_log_init(&lg);
    char line[256];
    feed(&lg, 0, "status: local 0/10 remote 0/20");
    /* down.example: five deferrals over 400 s, then success */
    for (int i = 0; i < 6; i++) {
        snprintf(line, sizeof line, "new msg %d", 10 + i);
        feed(&lg, 100 * i, line);
        snprintf(line, sizeof line, "starting delivery %d: msg %d to remote "
                 "u%d@down.example", i + 1, 10 + i, i);
        feed(&lg, 100 * i, line);
        snprintf(line, sizeof line, "delivery %d: %s", i + 1,
                 i < 5 ? "deferral: no" : "success: yes");
        feed(&lg, 100 * i + 1, line);
    }
    /* busy.example: 25 quick successes, with one failure */
    for (int i = 0; i < 25; i++) {
        snprintf(line, sizeof line, "new msg %d", 100 + i);
        feed(&lg, 600 + i, line);
        snprintf(line, sizeof line, "starting delivery %d: msg %d to remote "
                 "v%d@busy.example", 50 + i, 100 + i, i);
        feed(&lg, 600 + i, line);
        snprintf(line, sizeof line, "delivery %d: %s", 50 + i,
                 i == 3 ? "failure: no" : "success: yes");
        feed(&lg, 600.5 + i, line);
    }
    /* flaky.example defers a third of the time: its run of three
     * deferrals (60 s) is chance, not an outage */
    for (int i = 0; i < 40; i++) {
        snprintf(line, sizeof line, "new msg %d", 200 + i);
        feed(&lg, 1000 + 30 * i, line);
        snprintf(line, sizeof line, "starting delivery %d: msg %d to remote "
                 "w%d@flaky.example", 100 + i, 200 + i, i);
        feed(&lg, 1000 + 30 * i, line);
        snprintf(line, sizeof line, "delivery %d: %s", 100 + i,
                 i % 3 == 0 || (i >= 10 && i <= 12) ? "deferral: later"
                                                    : "success: yes");
        feed(&lg, 1001 + 30 * i, line);
    }
    fit_log_finish(&lg);
    struct fit_opts o;
    fit_opts_default(&o);
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL_FATAL(s.nouts, 1);
    /* from the window's start (no answer before it) to halfway between
     * the last deferral (400) and the next success (500) */
    CU_ASSERT_DOUBLE_EQUAL(s.outs[0].from, 0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.outs[0].to, 450, 1e-6);
    CU_ASSERT(!s.outs[0].open);
    CU_ASSERT_EQUAL(s.outs[0].attempts, 5);
    long down = -1, busy = -1;
    for (size_t d = 0; d < lg.ndoms; d++) {
        if (strcmp(lg.doms[d].name, "down.example") == 0)
            down = (long)d;
        if (strcmp(lg.doms[d].name, "busy.example") == 0)
            busy = (long)d;
    }
    CU_ASSERT_FATAL(down >= 0 && busy >= 0);
    /* outside the outage the domain only succeeded */
    CU_ASSERT_EQUAL(s.doms[down].n_defer, 0);
    CU_ASSERT_EQUAL(s.doms[down].n_ok, 1);
    CU_ASSERT(!s.doms[down].own_latency);
    CU_ASSERT(s.doms[busy].own_latency);
    CU_ASSERT(s.doms[busy].own_outcome);
    CU_ASSERT_EQUAL(s.doms[busy].n_fail, 1);
    CU_ASSERT_DOUBLE_EQUAL(s.doms[busy].p50, 0.5, 1e-9);
    /* the pool holds the domains without weights of their own */
    CU_ASSERT_DOUBLE_EQUAL(s.chans[1].pool_ok, 1, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(s.chans[1].pool_defer, 0, 1e-9);
    fit_sum_free(&s);

    /* a longer run threshold: no outage, the deferrals are weights */
    o.outage_attempts = 6;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.nouts, 0);
    CU_ASSERT_EQUAL(s.doms[down].n_defer, 5);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void test_series(void)
{
    struct fit_log lg;
    CU_ASSERT_EQUAL_FATAL(load(&lg, DATA "multilog", NULL), 0);
    struct fit_opts o;
    fit_opts_default(&o);
    o.sample = 60;
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.origin, 1767225600LL * QC_SEC);
    CU_ASSERT_EQUAL(s.nrows, 4);   /* 0..128.53 s in 60 s rows, and one */
    unsigned long long ok = 0, defer = 0, started = 0;
    for (size_t k = 0; k < s.nrows; k++) {
        ok += s.rows[k * 2 + 1].ok;
        defer += s.rows[k * 2 + 1].defer;
        started += s.rows[k * 2 + 1].started;
    }
    CU_ASSERT_EQUAL(ok, 2);
    CU_ASSERT_EQUAL(defer, 1);
    CU_ASSERT_EQUAL(started, 3);
    /* first row (0, 60]: delivery 2 ended at 45 s: nothing in flight */
    CU_ASSERT_EQUAL(s.rows[0 * 2 + 1].inflight, 0);
    CU_ASSERT_EQUAL(s.rows[0 * 2 + 1].limit, 20);
    CU_ASSERT_EQUAL(s.rows[0 * 2 + 1].ok, 1);
    CU_ASSERT_EQUAL(s.rows[0 * 2 + 1].defer, 1);
    CU_ASSERT_EQUAL(s.busiest_arrivals, 2);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

/* the busiest hour and 10 minutes are found however far apart the
 * arrivals are, and the series stays within max_cells */
static void test_far_apart(void)
{
    struct fit_log lg;
    fit_log_init(&lg);
    char line[256];
    const double far = 5 * 365 * 86400.0;   /* five years on */
    double at[] = {0, 4000, far + 10, far + 20, far + 30};
    for (int i = 0; i < 5; i++) {
        snprintf(line, sizeof line, "new msg %d", 10 + i);
        feed(&lg, at[i], line);
        snprintf(line, sizeof line, "starting delivery %d: msg %d to remote "
                 "u%d@far.example", i + 1, 10 + i, i);
        feed(&lg, at[i], line);
        snprintf(line, sizeof line, "delivery %d: success: yes", i + 1);
        feed(&lg, at[i] + 1, line);
    }
    fit_log_finish(&lg);
    struct fit_opts o;
    fit_opts_default(&o);
    o.max_cells = 100;
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.busiest_arrivals, 3);
    CU_ASSERT_DOUBLE_EQUAL(s.busiest_hour, far, 1e-6);
    CU_ASSERT_EQUAL(s.chans[QC_CHAN_REMOTE].burst_rcpts, 3);
    CU_ASSERT_DOUBLE_EQUAL(s.chans[QC_CHAN_REMOTE].burst_start, far, 1e-6);
    CU_ASSERT_EQUAL(s.chans[QC_CHAN_LOCAL].burst_rcpts, 0);
    CU_ASSERT(s.nrows * (size_t)s.nchan <= 100);
    CU_ASSERT(s.nrows >= 2);
    unsigned long long started = 0;
    for (size_t k = 0; k < s.nrows; k++)
        started += s.rows[k * 2 + QC_CHAN_REMOTE].started;
    CU_ASSERT_EQUAL(started, 5);
    fit_sum_free(&s);

    /* a tie goes to the earlier hour: without the far three, hours 0
     * and 1 have one arrival each */
    fit_log_free(&lg);
    fit_log_init(&lg);
    for (int i = 0; i < 2; i++) {
        snprintf(line, sizeof line, "new msg %d", 10 + i);
        feed(&lg, at[i], line);
    }
    fit_log_finish(&lg);
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT_EQUAL(s.busiest_arrivals, 1);
    CU_ASSERT_DOUBLE_EQUAL(s.busiest_hour, 0, 1e-6);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

/* stamps near the largest there can be: the coarse series' last rows end
 * past it and take it, instead of overflowing (a fuzzed log found this) */
static void test_stamps_near_the_end_of_time(void)
{
    struct fit_log lg;
    fit_log_init(&lg);
    const char *text[] = {"status: local 0/10 remote 0/20", "new msg 1",
                          "status: local 1/10 remote 0/20", "new msg 2"};
    int64_t at[] = {4399813735200000000LL, 4399813735200000000LL,
                    INT64_MAX - 7 * 3600 * QC_SEC, INT64_MAX - QC_SEC};
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(fit_log_line(&lg, at[i], text[i], strlen(text[i]),
                                     "synthetic", (unsigned long)i + 1), 0);
    fit_log_finish(&lg);
    struct fit_opts o;
    fit_opts_default(&o);
    o.max_cells = 1024;
    struct fit_sum s;
    CU_ASSERT_EQUAL_FATAL(fit_sum_build(&s, &lg, &o), 0);
    CU_ASSERT(s.nrows >= 2 && s.nrows * (size_t)s.nchan <= 1024);
    /* the last row's time is past every stamp: the last status holds */
    CU_ASSERT_EQUAL(s.rows[(s.nrows - 1) * 2 + QC_CHAN_LOCAL].inflight, 1);
    CU_ASSERT_EQUAL(s.rows[0 * 2 + QC_CHAN_LOCAL].inflight, 0);
    fit_sum_free(&s);
    fit_log_free(&lg);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_multilog_dir);
    QC_ADD_TEST(suite, test_splogger_and_local);
    QC_ADD_TEST(suite, test_channels_and_bounce);
    QC_ADD_TEST(suite, test_midstream);
    QC_ADD_TEST(suite, test_restart);
    QC_ADD_TEST(suite, test_inflight_at_end);
    QC_ADD_TEST(suite, test_garbled);
    QC_ADD_TEST(suite, test_unreadable);
    QC_ADD_TEST(suite, test_outage_and_models);
    QC_ADD_TEST(suite, test_series);
    QC_ADD_TEST(suite, test_far_apart);
    QC_ADD_TEST(suite, test_stamps_near_the_end_of_time);
}

QC_CUNIT_MAIN("fit_build")
