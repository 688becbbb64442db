/*
 * fit_sum.h - what the reconstruction adds up to: per channel and per
 * domain counts, latency quantiles, the time series, and the fitted
 * models a replay scenario needs.
 *
 *	fit_opts_default(o)
 *	fit_sum_build(s, lg, o)	0 ok, -1 out of memory
 *	fit_sum_free(s)
 *	fit_dom_latencies(s, lg, d, &n)
 *				the sorted attempt durations of domain d
 *				(seconds; caller frees), NULL when none
 *
 * Times in the summary are seconds since the origin: the start of the
 * hour of the log's first line, so that a simulated day and the log
 * line up on the same clock (a run with `qchan run --log` starts at 0).
 *
 * The model per domain: attempts in a deferral run (at least
 * outage_attempts consecutive deferrals spanning at least outage_secs,
 * with nothing else in between, and too long for the domain's deferral
 * rate outside the run to explain: fewer than 0.01 such runs expected)
 * become an outage from the run's first attempt to the domain's next
 * attempt (or the end of the log); the other attempts give the outcome
 * weights.  A domain with at least
 * min_attempts durations gets an empirical latency of its own, one with
 * min_attempts outcomes (or only failures) its own weights; the rest
 * share their channel's pool.
 */
#ifndef FIT_SUM_H
#define FIT_SUM_H

#include "fit.h"

struct fit_opts {
    int anonymize;
    double sample;             /* seconds between series rows */
    unsigned min_attempts;
    unsigned outage_attempts;
    double outage_secs;
    const char *profile;       /* for replay.scn */
    /* the observed window: by default the log's span, with the origin
     * at the start of the hour of its first line; a simulated log is
     * read in its original's window (fit --check) */
    int have_window;
    int64_t origin;            /* microseconds since the epoch */
    double win_start, win_end; /* seconds since the origin */
    size_t max_cells;          /* series rows x channels at most: a longer
                                  span gets a coarser sample */
};

struct fit_chan_sum {
    unsigned long long attempts, delivered, deferred, failed, lost, open;
    unsigned long long rcpts, rcpt_delivered, rcpt_failed, rcpt_pending;
    unsigned long long finished;      /* attempts with a duration */
    double p50, p90, p95, p99, max;   /* attempt durations, -1 none */
    /* arrival to final outcome (delivered or failed) of the recipients
     * of messages that arrived in the window, -1 none: the latency
     * qchan run reports */
    double lat_p50, lat_p95, lat_p99;
    unsigned long long lat_n;
    /* arrival to the first starting delivery, median, of the recipients
     * whose channel had room when their message came: qmail-todo's work
     * before qmail-send can start it, -1 none */
    double start_delay_p50;
    unsigned limit_first, limit_max;  /* from status lines, 0 none */
    unsigned max_inflight;
    double at_limit;                  /* fraction of status time, -1 none */
    double burst_start;               /* busiest 10 minutes of arrivals */
    unsigned long long burst_rcpts;
    double burst_clear;               /* seconds, -1 not all done */
    /* the pooled model: weights of every attempt, and of retries */
    double pool_ok, pool_defer, pool_fail;
    double pool_rok, pool_rdefer, pool_rfail;
    unsigned long long pool_n;        /* durations in the pool */
};

struct fit_dom_sum {
    int chan;                         /* where most of its attempts went */
    unsigned long long attempts, ok, defer, fail;  /* known outcomes */
    unsigned long long n_ok, n_defer, n_fail;      /* outside outages */
    unsigned long long r_ok, r_defer, r_fail;      /* ... of them retries */
    unsigned long long rcpts;
    int own_latency, own_outcome;
    size_t first_out, nout;
    double p50, p95;
};

struct fit_outage {
    uint32_t dom;
    double from, to;
    int open;                         /* still deferring at the log's end */
    unsigned long long attempts;
};

struct fit_row {
    unsigned long long started, ok, defer, fail;
    unsigned inflight, limit;         /* at the row's time */
    double busy;                      /* seconds of attempts inside the
                                         row's interval: busy / sample is
                                         the mean in flight over it */
};

struct fit_hup {
    double t;
    int chan;
    unsigned limit;
};

/* a message carried over from before the log (fit_carry.c) */
struct fit_carry {
    uint32_t msg;
    double first;                     /* its first attempt in the log */
    double due;                       /* when qmail-send may try it */
    double birth;                     /* estimated; see fit_carry.c */
    int from_gap;                     /* estimated from a retry gap */
    int waited;                       /* the backlog: waiting for a slot */
};

struct fit_sum {
    int64_t origin;                   /* microseconds since the epoch */
    double start, end;                /* the window: first and last line */
    int nchan;
    struct fit_chan_sum chans[QC_MAX_CHANNELS];
    struct fit_dom_sum *doms;         /* lg->ndoms */
    uint32_t *dom_atts;               /* attempt indexes grouped by domain */
    size_t *dom_off;                  /* lg->ndoms + 1 offsets */
    struct fit_outage *outs;
    size_t nouts;
    uint32_t *att_out;                /* per attempt: its outage + 1, or 0 */
    struct fit_carry *carry;          /* in order of first attempt */
    size_t ncarry;
    unsigned long long carried_from_gap, carried_waited;
    /* queuelifetime, from the failures qmail-send made of deferrals of
     * messages that outlived it: more than the oldest age a deferral was
     * still a deferral (lifetime_lo), no more than the youngest it was
     * not (lifetime_hi); -1 when the log shows none */
    double lifetime, lifetime_lo, lifetime_hi;
    struct fit_hup *hups;
    size_t nhups;
    int have_limits;
    unsigned long long arrived, ended, complete, carried, unfinished;
    unsigned long long bounces, no_rcpts, rcpts;
    double busiest_hour;              /* start, -1 none */
    unsigned long long busiest_arrivals;
    double sample;
    size_t nrows;
    struct fit_row *rows;             /* nrows * nchan, row-major */
};

void fit_opts_default(struct fit_opts *o);
int fit_sum_build(struct fit_sum *s, const struct fit_log *lg,
                  const struct fit_opts *o);
void fit_sum_free(struct fit_sum *s);
double *fit_dom_latencies(const struct fit_sum *s, const struct fit_log *lg,
                          uint32_t d, size_t *n);
/* fit_outcome_latencies - sorted durations (seconds; caller frees) of
 * answered attempts outside outages with outcome out ('K', 'Z', 'D'; 0
 * any): of domain d, or with d UINT32_MAX of channel chan's domains
 * whose own_latency equals own (own < 0: all of them); NULL when none */
double *fit_outcome_latencies(const struct fit_sum *s,
                              const struct fit_log *lg, uint32_t d, int chan,
                              int own, char out, size_t *n);
/* fit_outage_latencies - sorted durations of outage k's deferrals */
double *fit_outage_latencies(const struct fit_sum *s,
                             const struct fit_log *lg, size_t k, size_t *n);
/* fit_model_build - the per-domain models, outages and channel pools
 * (fit_model.c; fit_sum_build calls it); 0 ok, -1 out of memory */
int fit_model_build(struct fit_sum *s, const struct fit_log *lg,
                    const struct fit_opts *o);
/* fit_channel_busy - at the last status line before t, chan had at most
 * slack free slots (fit_stats.c) */
int fit_channel_busy(const struct fit_log *lg, int chan, int64_t t,
                     unsigned slack);
/* fit_carry_build - s->carry from the log (fit_carry.c); 0, -1 memory */
int fit_carry_build(struct fit_sum *s, const struct fit_log *lg);
/* fit_answer - what the destination answered: the outcome, a deferral
 * for a failure qmail-send made of one past queuelifetime */
static inline char fit_answer(const struct fit_attempt *a)
{
    return a->expired ? 'Z' : a->outcome;
}
/* fit_answered - the attempt has a spawner's answer (K, Z or D) */
int fit_answered(const struct fit_attempt *a);
/* fit_secs - a log time as seconds since the origin */
double fit_secs(const struct fit_sum *s, int64_t t);

#endif
