/*
 * sim_sweep_goal.h - what a sweep decides on: metrics by name, goals,
 * intervals over the replications, and the choice among settings.
 *
 *	sim_metric_parse(text, settings, nset, m, err, cap)
 *					"p95(remote)", "left(suppl0)", "drain",
 *					"fd_peak(spawn-remote)", or a swept
 *					setting's name; 0, or -1 with err
 *					listing the names it knows
 *	sim_metric_value(m, res)	the metric in one run; NAN when the
 *					run has no value (not drained, no
 *					final outcome on the channel)
 *	sim_goal_parse(text, settings, nset, g, err, cap)
 *					"p95(remote)<=600", "left(remote)==0",
 *					"no limit hit"
 *	sim_goal_meets(g, ci, limit_runs, excess)
 *					the goal holds for the whole 95%
 *					interval (its upper end for <=, its
 *					lower end for >=, both for ==); excess
 *					says by how much it misses
 *	sim_ci_text(ci, buf, cap), sim_ci_json(f, ci)
 *					an interval for people and as JSON
 *	sim_ci_of(v, n, ci)		mean and 95% interval of n runs (one
 *					run: a point, no interval; a NAN run:
 *					no value)
 *	sim_sweep_choose(fig, nfail, n, choice)
 *					among the settings that meet every
 *					goal (nfail 0), the lowest figure; when
 *					several are within the best's
 *					interval, the first in grid order (the
 *					smallest settings), and flat when that
 *					is every feasible setting
 *
 * Metric names are summary.json's, with the short forms run and compare
 * print: p50/p95/p99 are latency_p50/p95/p99 (arrival to final outcome);
 * left is pending, the recipients without a final outcome at the end of
 * the run (the end of the window the scenario simulates).
 */
#ifndef SIM_SWEEP_GOAL_H
#define SIM_SWEEP_GOAL_H

#include <stddef.h>
#include <stdio.h>

#include "sim_sweep.h"

enum sim_metric_src {
    SIM_MET_DRAIN,       /* the run's drain time */
    SIM_MET_CHAN,        /* a channel's figure (chan -1: all summed) */
    SIM_MET_PROC,        /* a process's peak descriptors (processes) */
    SIM_MET_SETTING      /* a swept setting's own value */
};

struct sim_metric {
    char text[96];       /* as printed: "p95(remote)" */
    enum sim_metric_src src;
    int field;           /* SIM_MET_CHAN: which figure */
    char where[64];      /* channel or process name; "" all */
    size_t setting;      /* SIM_MET_SETTING: which swept setting */
    const char *unit;    /* "s", "recipients", ... */
};

enum sim_goal_op {
    SIM_GOAL_LE, SIM_GOAL_LT, SIM_GOAL_GE, SIM_GOAL_GT, SIM_GOAL_EQ,
    SIM_GOAL_NE, SIM_GOAL_NO_LIMIT
};

struct sim_goal {
    char text[128];      /* as printed: "p95(remote) <= 600" */
    enum sim_goal_op op;
    struct sim_metric m; /* unused for SIM_GOAL_NO_LIMIT */
    double bound;
};

struct sim_ci {
    int have;            /* 0: some run had no value */
    double mean, half;   /* half 0 with one run */
    double low, high;
};

struct sim_choice {
    long chosen;         /* point index, -1 none */
    long best;           /* the lowest figure among the feasible */
    long runner_up;      /* the next lowest feasible, -1 none */
    long nearest_better; /* the infeasible point just better than the
                            chosen one on the figure, -1 none */
    size_t nfeasible;    /* meet every goal and have a figure */
    size_t ntied;        /* feasible within the best's interval */
    int flat;            /* every feasible point is tied (and > 1) */
};

int sim_metric_parse(const char *text, const char *const *settings,
                     size_t nset, struct sim_metric *m, char *err,
                     size_t cap);
double sim_metric_value(const struct sim_metric *m,
                        const struct sim_sweep_res *res);
int sim_goal_parse(const char *text, const char *const *settings,
                   size_t nset, struct sim_goal *g, char *err, size_t cap);
int sim_goal_meets(const struct sim_goal *g, const struct sim_ci *ci,
                   unsigned limit_runs, double *excess);
void sim_ci_of(const double *v, size_t n, struct sim_ci *ci);
/* sim_ci_text - "12.345 ± 0.678", "12.345" (no width), or "-" */
const char *sim_ci_text(const struct sim_ci *ci, char *buf, size_t cap);
/* sim_ci_json - {"mean", "half", "low", "high"}, or null */
void sim_ci_json(FILE *f, const struct sim_ci *ci);
void sim_sweep_choose(const struct sim_ci *fig, const unsigned *nfail,
                      size_t n, struct sim_choice *c);

#endif
