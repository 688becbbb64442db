/*
 * fit_check.h - how well a replay follows its log: the same figures
 * from the log and from each simulated log (both read by fit_read and
 * summed by fit_sum_build in the log's window), side by side with the
 * replays' mean, 95% interval and a verdict against a tolerance.
 *
 *	fit_check_begin(ck, log, seeds)	the log's figures; 0, -1 memory
 *	fit_check_add(ck, sim)		one simulated log's figures (call
 *					once per seed, each read in the
 *					log's window); 0, -1 memory
 *	fit_check_finish(ck)		means, intervals, differences,
 *					verdicts
 *	fit_check_json(f, ck)		check.json; 0, -1 stream failed
 *	fit_check_table(out, ck)	the table `qchan fit --check` prints
 *	fit_check_plot(dir, ck, note, cap)
 *					check-series.csv, check.gp and its
 *					pictures; 0 drawn, 1 no gnuplot, -1
 *	fit_check_failed(ck)		rows with verdict FAIL
 *	fit_check_free(ck)
 *
 * Figures per channel: attempts by outcome, arrival-to-final latency
 * p50/p95/p99 (qchan run's latency_p50...), attempt duration p50/p95,
 * time at the limit, the busiest burst's clear time, recipients left at
 * the window's end, and the error of the hourly in-flight and
 * throughput series (sum of |replay - log| over the hours, over the sum
 * of the log's).  Verdicts: "ok" when the replays' mean is within the
 * tolerance of the log's value (2% counts, 10% latency and duration
 * quantiles and time at limit, 5% burst clear, 10% series error);
 * "noise" when it is not but the log's value lies inside the range 95%
 * of replays fall in (the replays differ among themselves that much),
 * or for a count the difference is within twice its square root
 * (Poisson); for the series rows, when the error is within the errors
 * of each replay against the mean of the others;
 * "FAIL" otherwise; "-" when neither side has a value.
 */
#ifndef FIT_CHECK_H
#define FIT_CHECK_H

#include <stdio.h>

#include "fit_sum.h"

#define FIT_CHECK_MAX_SEEDS 1000

enum fit_fig {
    FIG_DELIVERED, FIG_DEFERRED, FIG_FAILED,
    FIG_LAT50, FIG_LAT95, FIG_LAT99,
    FIG_ATT50, FIG_ATT95,
    FIG_AT_LIMIT, FIG_BURST, FIG_LEFT,
    FIG_INFLIGHT_ERR, FIG_THROUGHPUT_ERR,
    FIG_N
};

struct fit_check_row {
    int chan;
    enum fit_fig fig;
    double log;              /* negative: no value */
    double *vals;            /* per replay; negative: no value */
    int n;                   /* replays with a value */
    double mean, lo, hi;     /* 95% interval of the mean */
    double spread_lo, spread_hi;   /* where 95% of replays fall */
    double diff;             /* (mean - log) / log; NAN when undefined */
    const char *verdict;
};

struct fit_check {
    int nchan;
    int seeds, added;
    int64_t origin;
    double start, end, sample;
    int active[QC_MAX_CHANNELS];     /* channels with any attempt */
    struct fit_check_row rows[QC_MAX_CHANNELS * FIG_N];
    /* per sample row and channel: answers per second and in flight, the
     * log's and the replays' sum (mean after finish) */
    size_t nsamp;
    double *obs_thr, *obs_inf, *sim_thr, *sim_inf;
};

int fit_check_begin(struct fit_check *ck, const struct fit_sum *log,
                    int seeds);
int fit_check_add(struct fit_check *ck, const struct fit_sum *sim);
void fit_check_finish(struct fit_check *ck);
int fit_check_json(FILE *f, const struct fit_check *ck);
void fit_check_table(FILE *out, const struct fit_check *ck);
int fit_check_plot(const char *dir, const struct fit_check *ck, char *note,
                   size_t cap);
int fit_check_failed(const struct fit_check *ck);
void fit_check_free(struct fit_check *ck);

#endif
