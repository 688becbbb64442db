/*
 * sim_sweep_goal.c - metrics by name, goals and the choice of a sweep;
 * see sim_sweep_goal.h.
 *
 * A goal holds for a setting only when it holds for the whole 95%
 * interval over the replications: a p95 whose mean is under the bound
 * but whose interval reaches over it may be over it on the next day's
 * traffic.  The choice does not pick by noise either: settings whose
 * figure lies within the best one's interval are ties, and a tie goes to
 * the first in grid order (the smallest settings, the cheapest to run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "sim_sweep_goal.h"

enum chan_field {
    F_P50, F_P95, F_P99, F_LEFT, F_DELIVERED, F_DEFERRED, F_FAILED,
    F_ATTEMPTS, F_MAX_QUEUE, F_MAX_INFLIGHT, F_SPAWN_ERRORS
};

/* the channel figures: the goal language's short name, then the name
 * summary.json and every table give it (core/metric.h) */
static const struct {
    const char *name, *json, *head, *unit;
} chan_fields[] = {
    [F_P50] = {"p50", METRIC_LATENCY_P50},
    [F_P95] = {"p95", METRIC_LATENCY_P95},
    [F_P99] = {"p99", METRIC_LATENCY_P99},
    [F_LEFT] = {"left", METRIC_PENDING},
    [F_DELIVERED] = {"delivered", METRIC_DELIVERED},
    [F_DEFERRED] = {"deferred", METRIC_DEFERRED},
    [F_FAILED] = {"failed", METRIC_FAILED},
    [F_ATTEMPTS] = {"attempts", METRIC_ATTEMPTS},
    [F_MAX_QUEUE] = {"max_queue", METRIC_MAX_QUEUE},
    [F_MAX_INFLIGHT] = {"max_inflight", METRIC_MAX_INFLIGHT},
    [F_SPAWN_ERRORS] = {"spawn_errors", METRIC_SPAWN_ERRORS},
};
#define NFIELDS (sizeof chan_fields / sizeof chan_fields[0])

/* known - the names a metric may have, for the error */
static void known(char *err, size_t cap, size_t len,
                  const char *const *settings, size_t nset)
{
    len += (size_t)snprintf(err + len, cap - len, "; known: drain "
                            "(drain_time)");
    for (size_t i = 0; i < NFIELDS && len < cap; i++) {
        int alias = strcmp(chan_fields[i].name, chan_fields[i].json) != 0;
        len += (size_t)snprintf(err + len, cap - len, ", %s(CHANNEL)%s%s%s",
                                chan_fields[i].name, alias ? " (" : "",
                                alias ? chan_fields[i].json : "",
                                alias ? ")" : "");
    }
    if (len < cap)
        len += (size_t)snprintf(err + len, cap - len,
                                ", fd_peak(PROCESS)");
    for (size_t i = 0; i < nset && len < cap; i++)
        len += (size_t)snprintf(err + len, cap - len, ", %s", settings[i]);
}

/* sim_metric_parse - a metric by name */
int sim_metric_parse(const char *text, const char *const *settings,
                     size_t nset, struct sim_metric *m, char *err,
                     size_t cap)
{
    memset(m, 0, sizeof m[0]);
    char name[64] = "", arg[64] = "";
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    const char *open = memchr(text, '(', len);
    if (open) {
        size_t nl = (size_t)(open - text), al = len - nl - 1;
        if (nl == 0 || nl >= sizeof name || al < 2 || al > sizeof arg ||
            al > sizeof m->where ||
            text[len - 1] != ')') {
            int l = snprintf(err, cap, "'%.*s': expected NAME or "
                             "NAME(CHANNEL)", (int)len, text);
            known(err, cap, (size_t)l, settings, nset);
            return -1;
        }
        memcpy(name, text, nl);
        memcpy(arg, open + 1, al - 1);
    } else {
        if (len == 0 || len >= sizeof name) {
            int l = snprintf(err, cap, "'%.*s': expected a metric",
                             (int)len, text);
            known(err, cap, (size_t)l, settings, nset);
            return -1;
        }
        memcpy(name, text, len);
    }
    for (size_t i = 0; i < nset && !open; i++)
        if (strcmp(name, settings[i]) == 0) {
            m->src = SIM_MET_SETTING;
            m->setting = i;
            m->unit = "";
            snprintf(m->text, sizeof m->text, "%s", name);
            return 0;
        }
    if (!open && (strcmp(name, "drain") == 0 ||
                  strcmp(name, "drain_time") == 0)) {
        m->src = SIM_MET_DRAIN;
        m->unit = "s";
        snprintf(m->text, sizeof m->text, "drain");
        return 0;
    }
    if (open && strcmp(name, "fd_peak") == 0) {
        m->src = SIM_MET_PROC;
        m->unit = "descriptors";
        snprintf(m->where, sizeof m->where, "%.*s",
                     (int)sizeof m->where - 1, arg);
        snprintf(m->text, sizeof m->text, "fd_peak(%s)", arg);
        return 0;
    }
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(name, chan_fields[i].name) == 0 ||
            strcmp(name, chan_fields[i].json) == 0) {
            if (!open && i <= F_P99) {
                snprintf(err, cap, "'%s': a latency quantile needs a "
                         "channel, e.g. %s(remote)", name,
                         chan_fields[i].name);
                return -1;
            }
            m->src = SIM_MET_CHAN;
            m->field = (int)i;
            m->unit = chan_fields[i].unit;
            snprintf(m->where, sizeof m->where, "%.*s",
                     (int)sizeof m->where - 1, arg);
            if (open)
                snprintf(m->text, sizeof m->text, "%s(%s)",
                         chan_fields[i].name, arg);
            else
                snprintf(m->text, sizeof m->text, "%s",
                         chan_fields[i].name);
            return 0;
        }
    int l = snprintf(err, cap, "unknown metric '%.*s'", (int)len, text);
    known(err, cap, (size_t)l, settings, nset);
    return -1;
}

/* chan_value - one channel's figure */
static double chan_value(int field, const struct sim_chan_result *c)
{
    switch (field) {
    case F_P50:
        return c->p50 < 0 ? NAN : c->p50;
    case F_P95:
        return c->p95 < 0 ? NAN : c->p95;
    case F_P99:
        return c->p99 < 0 ? NAN : c->p99;
    case F_LEFT:
        return (double)c->pending;
    case F_DELIVERED:
        return (double)c->delivered;
    case F_DEFERRED:
        return (double)c->deferred;
    case F_FAILED:
        return (double)c->failed;
    case F_ATTEMPTS:
        return (double)c->attempts;
    case F_MAX_QUEUE:
        return (double)c->max_queue;
    case F_MAX_INFLIGHT:
        return (double)c->max_inflight;
    default:
        return (double)c->spawn_errors;
    }
}

/* sim_metric_value - the metric in one run */
double sim_metric_value(const struct sim_metric *m,
                        const struct sim_sweep_res *res)
{
    switch (m->src) {
    case SIM_MET_DRAIN:
        return res->drained ? res->drain_time : NAN;
    case SIM_MET_PROC:
        for (size_t i = 0; i < res->nprocs; i++)
            if (strcmp(res->procs[i].name, m->where) == 0)
                return (double)res->procs[i].fd_peak;
        return NAN;
    case SIM_MET_CHAN: {
        double sum = 0;
        for (int c = 0; c < res->nchan; c++) {
            if (m->where[0] == '\0')
                sum += chan_value(m->field, &res->chans[c]);
            else if (strcmp(res->chans[c].name, m->where) == 0)
                return chan_value(m->field, &res->chans[c]);
        }
        return m->where[0] ? NAN : sum;
    }
    default:
        return NAN;   /* a setting's value is the grid's, not the run's */
    }
}

/* sim_goal_parse - "METRIC OP NUMBER" or "no limit hit" */
int sim_goal_parse(const char *text, const char *const *settings,
                   size_t nset, struct sim_goal *g, char *err, size_t cap)
{
    static const struct {
        const char *s;
        enum sim_goal_op op;
    } ops[] = {{"<=", SIM_GOAL_LE}, {">=", SIM_GOAL_GE}, {"==", SIM_GOAL_EQ},
               {"!=", SIM_GOAL_NE}, {"<", SIM_GOAL_LT}, {">", SIM_GOAL_GT}};
    memset(g, 0, sizeof g[0]);
    char flat[128];
    size_t k = 0;
    for (const char *p = text; *p && k + 1 < sizeof flat; p++)
        if (*p != ' ' && *p != '\t')
            flat[k++] = *p;
    flat[k] = '\0';
    if (strcmp(flat, "nolimithit") == 0) {
        g->op = SIM_GOAL_NO_LIMIT;
        snprintf(g->text, sizeof g->text, "no limit hit");
        return 0;
    }
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const char *at = strstr(flat, ops[i].s);
        if (!at)
            continue;
        char metric[128], *end;
        snprintf(metric, sizeof metric, "%.*s", (int)(at - flat), flat);
        const char *num = at + strlen(ops[i].s);
        g->bound = strtod(num, &end);
        if (!*num || *end || !isfinite(g->bound)) {
            snprintf(err, cap, "goal '%s': expected METRIC OP NUMBER (OP "
                     "one of <= < >= > == !=) or 'no limit hit'", text);
            return -1;
        }
        if (sim_metric_parse(metric, settings, nset, &g->m, err, cap) < 0)
            return -1;
        g->op = ops[i].op;
        snprintf(g->text, sizeof g->text, "%s %s %g", g->m.text, ops[i].s,
                 g->bound);
        return 0;
    }
    snprintf(err, cap, "goal '%s': expected METRIC OP NUMBER (OP one of "
             "<= < >= > == !=) or 'no limit hit'", text);
    return -1;
}

/* sim_goal_meets - the goal holds over the whole interval */
int sim_goal_meets(const struct sim_goal *g, const struct sim_ci *ci,
                   unsigned limit_runs, double *excess)
{
    *excess = 0;
    if (g->op == SIM_GOAL_NO_LIMIT) {
        *excess = limit_runs;
        return limit_runs == 0;
    }
    if (!ci->have) {
        *excess = NAN;
        return 0;
    }
    const double eps = 1e-9;
    switch (g->op) {
    case SIM_GOAL_LE:
        *excess = ci->high - g->bound;
        return ci->high <= g->bound + eps;
    case SIM_GOAL_LT:
        *excess = ci->high - g->bound;
        return ci->high < g->bound - eps;
    case SIM_GOAL_GE:
        *excess = g->bound - ci->low;
        return ci->low >= g->bound - eps;
    case SIM_GOAL_GT:
        *excess = g->bound - ci->low;
        return ci->low > g->bound + eps;
    case SIM_GOAL_EQ:
        *excess = fmax(fabs(ci->high - g->bound), fabs(ci->low - g->bound));
        return *excess <= eps;
    default: /* != : the interval must not hold the bound */
        if (ci->low > g->bound + eps || ci->high < g->bound - eps)
            return 1;
        *excess = 0;
        return 0;
    }
}

/* sim_ci_of - mean and 95% interval over n runs */
void sim_ci_of(const double *v, size_t n, struct sim_ci *ci)
{
    memset(ci, 0, sizeof ci[0]);
    for (size_t i = 0; i < n; i++)
        if (isnan(v[i]))
            return;
    if (n == 0)
        return;
    double half;
    sim_sweep_ci(v, n, &ci->mean, &half);
    ci->have = 1;
    ci->half = half < 0 ? 0 : half;
    ci->low = ci->mean - ci->half;
    ci->high = ci->mean + ci->half;
}

/* sim_ci_text - an interval for people */
const char *sim_ci_text(const struct sim_ci *ci, char *buf, size_t cap)
{
    if (!ci->have)
        snprintf(buf, cap, "-");
    else if (ci->half > 0)
        snprintf(buf, cap, "%.3f ± %.3f", ci->mean, ci->half);
    else
        snprintf(buf, cap, "%.6g", ci->mean);
    return buf;
}

/* sim_ci_json - an interval as JSON */
void sim_ci_json(FILE *f, const struct sim_ci *ci)
{
    if (!ci->have)
        fputs("null", f);
    else
        fprintf(f, "{\"mean\": %.6f, \"half\": %.6f, \"low\": %.6f, "
                "\"high\": %.6f}", ci->mean, ci->half, ci->low, ci->high);
}

/* sim_sweep_choose - the lowest feasible figure, ties to grid order */
void sim_sweep_choose(const struct sim_ci *fig, const unsigned *nfail,
                      size_t n, struct sim_choice *c)
{
    const double eps = 1e-9;
    memset(c, 0, sizeof c[0]);
    c->chosen = c->best = c->runner_up = c->nearest_better = -1;
    for (size_t i = 0; i < n; i++) {
        if (nfail[i] || !fig[i].have)
            continue;
        c->nfeasible++;
        if (c->best < 0 || fig[i].mean < fig[c->best].mean)
            c->best = (long)i;
    }
    if (c->best < 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (!nfail[i] && fig[i].have &&
            fig[i].low <= fig[c->best].high + eps) {
            if (c->chosen < 0)
                c->chosen = (long)i;
            c->ntied++;
        }
    c->flat = c->nfeasible > 1 && c->ntied == c->nfeasible;
    for (size_t i = 0; i < n; i++)
        if (!nfail[i] && fig[i].have && (long)i != c->chosen &&
            (c->runner_up < 0 || fig[i].mean < fig[c->runner_up].mean))
            c->runner_up = (long)i;
    /* what binds: the infeasible point just better on the figure; of
     * equals, the one that misses the fewest goals */
    double at = fig[c->chosen].mean;
    for (size_t i = 0; i < n; i++) {
        if (!nfail[i] || !fig[i].have || fig[i].mean >= at - eps)
            continue;
        long nb = c->nearest_better;
        if (nb < 0 || fig[i].mean > fig[nb].mean + eps ||
            (fig[i].mean > fig[nb].mean - eps && nfail[i] < nfail[nb]))
            c->nearest_better = (long)i;
    }
}
