/*
 * sweep_collect.c - from the runs of a sweep to one line per value.
 *
 *	sweep_collect(sw, res)	res holds sw->n * sw->reps runs, point by
 *				point; fills sw->pts, sw->procs, the best
 *				value and the knee, and with goals each
 *				goal's interval, the figure and the choice;
 *				0, -1 out of memory
 *
 * A value's drain time is the mean over its replications only when every
 * replication drained: a mean over the lucky ones would flatter it.  A
 * value "stays inside every limit" when no replication hit one (a
 * descriptor or process limit, or a concurrency curbed for conf-spawn)
 * and no invariant broke.  A setting meets a goal only when the whole
 * 95% interval of its replications does (sim_sweep_goal.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_int.h"

/* keep_proc - processes worth a column: qmail-send, qmail-todo, spawners
 * of channels that carried mail, qmailr, the system */
static int keep_proc(const struct sweep *sw, const struct sim_sweep_res *res,
                     size_t p, int *chan)
{
    const char *name = res[0].procs[p].name;
    *chan = -1;
    if (strncmp(name, "spawn-", 6) != 0)
        return 1;
    for (int c = 0; c < res[0].nchan; c++)
        if (strcmp(res[0].chans[c].name, name + 6) == 0) {
            *chan = c;
            for (size_t i = 0; i < sw->n * sw->reps; i++)
                if (res[i].chans[c].attempts)
                    return 1;
        }
    return 0;
}

/* pick_procs - the process columns, the same for every value */
static int pick_procs(struct sweep *sw, const struct sim_sweep_res *res,
                      size_t *which)
{
    sw->nprocs = 0;
    for (size_t p = 0; p < res[0].nprocs; p++) {
        int chan;
        if (keep_proc(sw, res, p, &chan))
            which[sw->nprocs++] = p;
    }
    sw->procs = calloc(sw->n * (sw->nprocs ? sw->nprocs : 1),
                       sizeof *sw->procs);
    return sw->procs ? 0 : -1;
}

/* metric_ci - a metric over point v's replications */
static void metric_ci(const struct sweep *sw, size_t v,
                      const struct sim_metric *m,
                      const struct sim_sweep_res *r, double *tmp,
                      struct sim_ci *ci)
{
    if (m->src == SIM_MET_SETTING) {
        const struct sweep_axis *a = &sw->ax[m->setting];
        tmp[0] = a->value[sw->pts[v].idx[m->setting]];
        sim_ci_of(tmp, 1, ci);
        return;
    }
    for (unsigned k = 0; k < sw->reps; k++)
        tmp[k] = sim_metric_value(m, &r[k]);
    sim_ci_of(tmp, sw->reps, ci);
}

/* decide - each goal and the figure of point v */
static void decide(struct sweep *sw, size_t v, const struct sim_sweep_res *r,
                   double *tmp)
{
    struct sweep_point *pt = &sw->pts[v];
    if (pt->missing) {
        pt->feasible = 0;   /* no values, no goals met, no figure */
        return;
    }
    pt->feasible = 1;
    for (size_t g = 0; g < sw->ngoals; g++) {
        const struct sim_goal *goal = &sw->goals[g];
        if (goal->op != SIM_GOAL_NO_LIMIT)
            metric_ci(sw, v, &goal->m, r, tmp, &pt->goal[g]);
        pt->goal_ok[g] = sim_goal_meets(goal, &pt->goal[g], pt->limit_runs,
                                        &pt->goal_excess[g]);
        pt->feasible &= pt->goal_ok[g];
    }
    metric_ci(sw, v, &sw->minimize, r, tmp, &pt->fig);
}

/* point - one value's replications */
static void point(struct sweep *sw, size_t v, struct sim_sweep_res *r,
                  const size_t *which, double *tmp)
{
    struct sweep_point *pt = &sw->pts[v];
    unsigned reps = sw->reps;
    pt->drained = 0;
    for (unsigned k = 0; k < reps; k++) {
        pt->missing += r[k].status != 0;
        pt->drained += r[k].drained != 0;
        pt->expects_failed += r[k].expects_failed != 0;
        pt->violations += r[k].nviolations;
        if (r[k].nhits || r[k].nviolations) {
            if (!pt->limit_runs)
                pt->first_hit = &r[k];
            pt->limit_runs++;
        }
    }
    pt->drain_mean = pt->drain_half = -1;
    if (pt->drained == reps) {
        for (unsigned k = 0; k < reps; k++)
            tmp[k] = r[k].drain_time;
        sim_sweep_ci(tmp, reps, &pt->drain_mean, &pt->drain_half);
    }
    pt->p95_mean = pt->p95_half = -1;
    unsigned have = 0;
    for (unsigned k = 0; k < reps; k++) {
        double q = r[k].chans[sw->chan_index].p95;
        if (q >= 0)
            tmp[have++] = q;
    }
    if (have == reps)
        sim_sweep_ci(tmp, reps, &pt->p95_mean, &pt->p95_half);
    for (size_t j = 0; j < sw->nprocs; j++) {
        struct sweep_proc *sp = &sw->procs[v * sw->nprocs + j];
        const struct sim_proc_result *p0 = &r[0].procs[which[j]];
        snprintf(sp->name, sizeof sp->name, "%s", p0->name);
        sp->limit = p0->fd_limit;
        sp->chan = -1;
        for (int c = 0; c < r[0].nchan; c++)
            if (strncmp(p0->name, "spawn-", 6) == 0 &&
                strcmp(p0->name + 6, r[0].chans[c].name) == 0)
                sp->chan = c;
        for (unsigned k = 0; k < reps; k++)
            if (r[k].procs[which[j]].fd_peak > sp->peak)
                sp->peak = r[k].procs[which[j]].fd_peak;
    }
}

/* sweep_collect - every value, then the verdict */
int sweep_collect(struct sweep *sw, struct sim_sweep_res *res)
{
    size_t *which = calloc(res[0].nprocs + 1, sizeof *which);
    double *tmp = calloc(sw->reps + 1, sizeof *tmp);
    double *drain = calloc(sw->n, sizeof *drain);
    int *ok = calloc(sw->n, sizeof *ok);
    int rc = -1;
    if (!which || !tmp || !drain || !ok || pick_procs(sw, res, which) < 0)
        goto done;
    sw->violations = 0;
    for (size_t v = 0; v < sw->n; v++) {
        point(sw, v, res + v * sw->reps, which, tmp);
        drain[v] = sw->pts[v].drain_mean;
        ok[v] = sw->pts[v].limit_runs == 0;
        sw->violations += sw->pts[v].violations;
    }
    if (!sw->decide) {
        /* no goals: the figure is the drain time, "feasible" inside
         * every limit (for the two-setting picture) */
        for (size_t v = 0; v < sw->n; v++) {
            decide(sw, v, res + v * sw->reps, tmp);
            sw->pts[v].feasible = ok[v];
        }
    } else {
        struct sim_ci *fig = calloc(sw->n, sizeof *fig);
        unsigned *nfail = calloc(sw->n, sizeof *nfail);
        if (!fig || !nfail) {
            free(fig);
            free(nfail);
            goto done;
        }
        for (size_t v = 0; v < sw->n; v++) {
            decide(sw, v, res + v * sw->reps, tmp);
            fig[v] = sw->pts[v].fig;
            for (size_t g = 0; g < sw->ngoals; g++)
                nfail[v] += !sw->pts[v].goal_ok[g];
            nfail[v] += sw->pts[v].missing ? 1 : 0;
        }
        sim_sweep_choose(fig, nfail, sw->n, &sw->choice);
        free(fig);
        free(nfail);
    }
    sw->knee = sim_sweep_knee(drain, ok, sw->n, sw->within, &sw->best);
    /* the best value inside every limit, for when the knee is outside */
    sw->best_inside = -1;
    for (size_t v = 0; v < sw->n; v++)
        if (ok[v] && drain[v] >= 0 &&
            (sw->best_inside < 0 || drain[v] < drain[sw->best_inside]))
            sw->best_inside = (long)v;
    rc = 0;
done:
    free(which);
    free(tmp);
    free(drain);
    free(ok);
    return rc;
}
