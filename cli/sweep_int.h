/*
 * sweep_int.h - `qchan sweep`'s results, shared by its files.
 *
 *	sweep_collect(sw, res)		per value: means and 95% intervals over
 *					the replications, descriptor peaks,
 *					limits hit; then the best value and
 *					the knee
 *	sweep_text(out, sw)		the table and the verdict
 *	sweep_json(out, sw)		sweep.json
 *	sweep_csv(dir, sw)		sweep.csv and sweep_fds.csv (the
 *					pictures' data); 0 or -1
 *	sweep_plot(dir, sw, note, cap)	sweep_drain and sweep_fds pictures
 */
#ifndef SWEEP_INT_H
#define SWEEP_INT_H

#include <stdint.h>
#include <stdio.h>

#include "sim_sweep.h"

struct sweep_proc {
    char name[24];
    unsigned long long peak;     /* highest over the replications */
    unsigned long long limit;
    int chan;                    /* spawners: channel number, else -1 */
};

struct sweep_point {
    double value;
    char text[64];               /* the value as passed to --set */
    unsigned drained;            /* replications that drained */
    double drain_mean, drain_half;   /* mean < 0: some did not drain;
                                        half < 0: one replication */
    double p95_mean, p95_half;   /* mean < 0: no value */
    unsigned expects_failed;     /* replications with a failed expect */
    unsigned violations;
    struct sim_sweep_res first_hit;  /* nhits: the limits of the first
                                        replication that hit one */
    unsigned limit_runs;         /* replications that hit a limit */
};

struct sweep {
    const char *scenario;        /* its name */
    const char *name;            /* the swept setting */
    const char *unit;            /* of the setting, for the axis */
    char range[200];             /* "10:100:10" as given */
    unsigned reps;
    uint64_t seed0;              /* replication k runs seed0 + k */
    char chan[QC_CHAN_NAME_MAX]; /* whose p95 latency */
    int chan_index;
    double within;               /* 0.05: within 5% of the best */
    size_t n;
    struct sweep_point *pts;
    size_t nprocs;
    struct sweep_proc *procs;    /* per value: pts[i] has procs[i*nprocs..] */
    long best, knee, best_inside;
    unsigned violations;
};

int sweep_collect(struct sweep *sw, const struct sim_sweep_res *res);
void sweep_text(FILE *out, const struct sweep *sw);
void sweep_json(FILE *out, const struct sweep *sw);
int sweep_csv(const char *dir, const struct sweep *sw);
int sweep_plot(const char *dir, const struct sweep *sw, char *note,
               size_t cap);

#endif
