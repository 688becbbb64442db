/*
 * sim_compare.c - the comparison table: metrics of each variant, row by
 * row, and which variant is better on each.
 *
 *	sim_compare_rows(res, nvar, &n)
 *	sim_compare_desc(v, buf, cap)
 *
 * Channels and processes that no variant used are left out: a table of
 * zeros hides the rows that matter.  Channel numbers are the same in
 * every variant (one scenario), so row k of a channel is the same
 * channel everywhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "sim_compare.h"

struct table {
    struct sim_cmp_row *rows;
    size_t n, cap;
    size_t nvar;
};

/* add - a new row, values to fill in */
static struct sim_cmp_row *add(struct table *t, const char *section,
                               const char *metric, const char *what,
                               const char *unit, enum sim_cmp_dir dir,
                               int decimals)
{
    if (t->n == t->cap)
        return NULL;
    struct sim_cmp_row *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->section, sizeof r->section, "%s", section);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    r->what = what;
    r->unit = unit;
    r->dir = dir;
    r->decimals = decimals;
    for (size_t i = 0; i < SIM_CMP_MAX; i++)
        r->v[i] = r->limit[i] = NAN;
    return r;
}

/* same - equal values, two missing ones included */
static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

/* judge - differs, and the best variants (a missing value is the worst) */
static void judge(struct sim_cmp_row *r, size_t nvar)
{
    r->differs = 0;
    for (size_t i = 1; i < nvar; i++)
        if (!same(r->v[i], r->v[0]))
            r->differs = 1;
    r->best = 0;
    if (!r->differs || r->dir == SIM_CMP_NONE)
        return;
    int have = 0;
    double best = 0;
    for (size_t i = 0; i < nvar; i++) {
        if (isnan(r->v[i]))
            continue;
        if (!have || (r->dir == SIM_CMP_LOWER ? r->v[i] < best
                                              : r->v[i] > best))
            best = r->v[i];
        have = 1;
    }
    if (!have)
        return;
    for (size_t i = 0; i < nvar; i++)
        if (!isnan(r->v[i]) && r->v[i] == best)
            r->best |= 1u << i;
}

/* latency - a quantile, NAN when the channel had no final outcome */
static double latency(double q)
{
    return q < 0 ? NAN : q;
}

/* chan_drain - when a channel's last recipient got its final outcome;
 * NAN while any is pending */
static double chan_drain(const struct sim_chan_result *c)
{
    if (c->pending || c->last_final == 0)
        return NAN;
    return (double)c->last_final / QC_SEC;
}

/* channel_rows - the rows of channel c */
static void channel_rows(struct table *t, const struct sim_sweep_res *res,
                         int c)
{
    const char *name = res[0].chans[c].name;
    static const struct {
        const char *metric, *what, *unit;
        enum sim_cmp_dir dir;
        int decimals;
    } m[] = {
        {METRIC_DRAIN_TIME, SIM_CMP_LOWER, 3},
        {METRIC_DELIVERED, SIM_CMP_HIGHER, 0},
        {METRIC_DEFERRED, SIM_CMP_LOWER, 0},
        {METRIC_FAILED, SIM_CMP_LOWER, 0},
        {METRIC_PENDING, SIM_CMP_LOWER, 0},
        {METRIC_LATENCY_P50, SIM_CMP_LOWER, 3},
        {METRIC_LATENCY_P95, SIM_CMP_LOWER, 3},
        {METRIC_LATENCY_P99, SIM_CMP_LOWER, 3},
        {METRIC_MAX_QUEUE, SIM_CMP_LOWER, 0},
        {METRIC_MAX_INFLIGHT, SIM_CMP_NONE, 0},
    };
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        struct sim_cmp_row *r = add(t, name, m[k].metric, m[k].what,
                                    m[k].unit, m[k].dir, m[k].decimals);
        if (!r)
            return;
        for (size_t i = 0; i < t->nvar; i++) {
            const struct sim_chan_result *ch = &res[i].chans[c];
            double v = NAN;
            switch (k) {
            case 0: v = chan_drain(ch); break;
            case 1: v = (double)ch->delivered; break;
            case 2: v = (double)ch->deferred; break;
            case 3: v = (double)ch->failed; break;
            case 4: v = (double)ch->pending; break;
            case 5: v = latency(ch->p50); break;
            case 6: v = latency(ch->p95); break;
            case 7: v = latency(ch->p99); break;
            case 8: v = (double)ch->max_queue; break;
            default:
                v = ch->max_inflight;
                r->limit[i] = ch->max_limit;
                r->has_limit = 1;
            }
            r->v[i] = v;
        }
        judge(r, t->nvar);
    }
}

/* proc_rows - a process's descriptor (or process) peak and limit */
static void proc_rows(struct table *t, const struct sim_sweep_res *res,
                      size_t p)
{
    const char *name = res[0].procs[p].name;
    int procs = strcmp(name, "qmailr") == 0;
    struct sim_cmp_row *r = add(t, name, METRIC_FD_PEAK, SIM_CMP_LOWER, 0);
    if (!r)
        return;
    if (procs) {   /* qmailr's processes against nproc */
        r->what = "processes peak / nproc";
        r->unit = "processes";
    }
    int exhausted = 0;
    for (size_t i = 0; i < t->nvar; i++) {
        r->v[i] = (double)res[i].procs[p].fd_peak;
        r->limit[i] = (double)res[i].procs[p].fd_limit;
        exhausted |= res[i].procs[p].exhausted;
    }
    r->has_limit = 1;
    judge(r, t->nvar);
    if (!exhausted)
        return;
    r = add(t, name, METRIC_EXHAUSTED, SIM_CMP_LOWER, 0);
    if (!r)
        return;
    r->what = "limit reached (1 yes)";
    for (size_t i = 0; i < t->nvar; i++)
        r->v[i] = res[i].procs[p].exhausted;
    judge(r, t->nvar);
}

/* run_rows - the rows about the whole run */
static void run_rows(struct table *t, const struct sim_sweep_res *res)
{
    struct sim_cmp_row *r;
    if ((r = add(t, "run", METRIC_DRAIN_TIME, SIM_CMP_LOWER, 3))) {
        for (size_t i = 0; i < t->nvar; i++)
            r->v[i] = res[i].drained ? res[i].drain_time : NAN;
        judge(r, t->nvar);
    }
    if ((r = add(t, "run", METRIC_MESSAGES, SIM_CMP_NONE, 0))) {
        for (size_t i = 0; i < t->nvar; i++)
            r->v[i] = (double)res[i].messages;
        judge(r, t->nvar);
    }
    if ((r = add(t, "run", METRIC_RECIPIENTS, SIM_CMP_NONE, 0))) {
        for (size_t i = 0; i < t->nvar; i++)
            r->v[i] = (double)res[i].recipients;
        judge(r, t->nvar);
    }
    if ((r = add(t, "run", METRIC_EXPECTS_FAILED, SIM_CMP_LOWER, 0))) {
        for (size_t i = 0; i < t->nvar; i++)
            r->v[i] = res[i].expects_failed;
        judge(r, t->nvar);
    }
}

/* sim_compare_rows - the whole table */
struct sim_cmp_row *sim_compare_rows(const struct sim_sweep_res *res,
                                     size_t nvar, size_t *n)
{
    struct table t = {NULL, 0, 0, nvar};
    int nchan = res[0].nchan;
    size_t nprocs = res[0].nprocs;
    for (size_t i = 1; i < nvar; i++) {
        if (res[i].nchan < nchan)
            nchan = res[i].nchan;
        if (res[i].nprocs < nprocs)
            nprocs = res[i].nprocs;
    }
    t.cap = 8 + 12 * (size_t)nchan + 2 * nprocs;
    t.rows = calloc(t.cap, sizeof *t.rows);
    if (!t.rows)
        return NULL;
    run_rows(&t, res);
    for (int c = 0; c < nchan; c++) {
        int used = 0;
        for (size_t i = 0; i < nvar; i++)
            if (res[i].chans[c].attempts || res[i].chans[c].max_queue)
                used = 1;
        if (used)
            channel_rows(&t, res, c);
    }
    for (size_t p = 0; p < nprocs; p++) {
        int used = 0;
        for (size_t i = 0; i < nvar; i++)
            if (res[i].procs[p].fd_peak > 2 || res[i].procs[p].exhausted)
                used = 1;
        /* an idle spawner holds its standard descriptors only: leave it
         * out with its channel */
        if (strncmp(res[0].procs[p].name, "spawn-", 6) == 0) {
            used = 0;
            for (int c = 0; c < nchan; c++)
                if (strcmp(res[0].procs[p].name + 6, res[0].chans[c].name) ==
                    0)
                    for (size_t i = 0; i < nvar; i++)
                        if (res[i].chans[c].attempts)
                            used = 1;
        }
        if (used)
            proc_rows(&t, res, p);
    }
    *n = t.n;
    return t.rows;
}

/* sim_compare_desc - what a variant changes */
void sim_compare_desc(const struct sim_cmp_variant *v, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < v->job->nsets && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? " " : "",
                                v->job->sets[i]);
    if (v->job->control_dir && len < cap)
        len += (size_t)snprintf(buf + len, cap - len, "%scontrol %s",
                                len ? " " : "", v->job->control_dir);
    if (len == 0)
        snprintf(buf, cap, "as written");
}
