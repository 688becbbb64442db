/*
 * sweep_int.h - `qchan sweep`'s results, shared by its files.
 *
 *	sweep_grid(sw, args, n, err, cap)
 *					the settings: each NAME=FROM:TO:STEP
 *					or NAME=v1,v2,... is an axis; the
 *					points are every combination, the
 *					first setting varying slowest
 *	sweep_collect(sw, res)		per point: means and 95% intervals over
 *					the replications, descriptor peaks,
 *					limits hit, each goal, the figure;
 *					then the choice
 *	sweep_text(out, sw)		the table and the verdict
 *	sweep_json(out, sw)		sweep.json
 *	sweep_csv(dir, sw)		sweep.csv, sweep_fds.csv and, with
 *					goals, sweep_goal.csv and
 *					sweep_feasible.csv (the pictures'
 *					data); 0 or -1
 *	sweep_plot(dir, sw, note, cap)	the pictures
 *	sweep_emit(sw, o, dir)		the sweep as independent jobs
 *	sweep_read_results(sw, dir, res, missing)
 *					the jobs' summary.json files
 */
#ifndef SWEEP_INT_H
#define SWEEP_INT_H

#include <stdint.h>
#include <stdio.h>

#include "sim_sweep.h"
#include "sim_sweep_goal.h"

#define SWEEP_MAX_AXES 4
#define SWEEP_MAX_GOALS 16
#define SWEEP_MAX_POINTS 10000
#define SWEEP_MAX_RUNS 20000

struct sweep_proc {
    char name[24];
    unsigned long long peak;     /* highest over the replications */
    unsigned long long limit;
    int chan;                    /* spawners: channel number, else -1 */
};

struct sweep_axis {
    char name[64];               /* the setting, as --set takes it */
    char spec[200];              /* "10:100:10" or "5,10,20" as given */
    const char *unit;            /* for the pictures' axes */
    size_t n;
    char (*text)[64];            /* each value as passed to --set */
    double *value;               /* NAN when not a number */
};

struct sweep_point {
    size_t idx[SWEEP_MAX_AXES];  /* the value of each axis */
    char text[256];              /* "10" or "10,5": the values in order */
    unsigned drained;            /* replications that drained */
    double drain_mean, drain_half;   /* mean < 0: some did not drain;
                                        half < 0: one replication */
    double p95_mean, p95_half;   /* mean < 0: no value */
    unsigned expects_failed;     /* replications with a failed expect */
    unsigned violations;
    unsigned limit_runs;         /* replications that hit a limit */
    unsigned missing;            /* replications without a result
                                    (collect --partial): no values */
    struct sim_sweep_res *first_hit;  /* the first replication that hit
                                         one (its limit records), or
                                         NULL; points into the runs */
    struct sim_ci fig;           /* the minimised figure */
    struct sim_ci goal[SWEEP_MAX_GOALS];
    int goal_ok[SWEEP_MAX_GOALS];
    double goal_excess[SWEEP_MAX_GOALS];
    int feasible;                /* meets every goal */
};

struct sweep {
    const char *scenario;        /* its name */
    const char *name;            /* the first setting (one-setting
                                    columns and pictures) */
    const char *unit;
    char range[200];             /* its spec */
    size_t naxes;
    struct sweep_axis ax[SWEEP_MAX_AXES];
    unsigned reps;
    uint64_t seed0;              /* replication k runs seed0 + k */
    char chan[QC_CHAN_NAME_MAX]; /* whose p95 latency */
    int chan_index;
    double within;               /* 0.05: within 5% of the best */
    size_t n;
    struct sweep_point *pts;
    size_t nprocs;
    struct sweep_proc *procs;    /* per point: pts[i] has procs[i*nprocs..] */
    long best, knee, best_inside;
    unsigned violations;
    /* deciding: goals and what to minimise (decide = either was given) */
    int decide;
    size_t ngoals;
    struct sim_goal goals[SWEEP_MAX_GOALS];
    struct sim_metric minimize;  /* default: drain */
    struct sim_choice choice;
};

int sweep_grid(struct sweep *sw, char *const *args, size_t n, char *err,
               size_t cap);
void sweep_free(struct sweep *sw);
int sweep_collect(struct sweep *sw, struct sim_sweep_res *res);
void sweep_text(FILE *out, const struct sweep *sw);
void sweep_json(FILE *out, const struct sweep *sw);
int sweep_csv(const char *dir, const struct sweep *sw);
int sweep_plot(const char *dir, const struct sweep *sw, char *note,
               size_t cap);
/* sweep_settings - "concurrencyremote=10 concurrencysuppl0=5" */
void sweep_settings(const struct sweep *sw, size_t v, char *buf, size_t cap);

#endif
