/*
 * sweep_report.c - a sweep's table, sweep.json and the pictures' data.
 *
 *	sweep_text(out, sw)	one line per value, then the verdict
 *	sweep_json(out, sw)	the same as JSON
 *	sweep_csv(dir, sw)	sweep.csv (per value) and sweep_fds.csv (per
 *				value and process) for plots/sweep_*.gp
 *
 * Only simulated numbers appear, so equal sweeps give equal bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "metric.h"
#include "path.h"
#include "table.h"
#include "sweep_int.h"

/* with_ci - "12.345 ± 0.678", "12.345" (one replication), or a word */
static const char *with_ci(double mean, double half, const char *none,
                           char *buf, size_t cap)
{
    if (mean < 0)
        snprintf(buf, cap, "%s", none);
    else if (half < 0)
        snprintf(buf, cap, "%.3f", mean);
    else
        snprintf(buf, cap, "%.3f ± %.3f", mean, half);
    return buf;
}

/* busiest - the process nearest its limit at value v */
static const struct sweep_proc *busiest(const struct sweep *sw, size_t v)
{
    const struct sweep_proc *best = NULL;
    double ratio = -1;
    for (size_t j = 0; j < sw->nprocs; j++) {
        const struct sweep_proc *p = &sw->procs[v * sw->nprocs + j];
        double r = p->limit ? (double)p->peak / (double)p->limit : 0;
        if (r > ratio) {
            ratio = r;
            best = p;
        }
    }
    return best;
}

/* hits_text - the limits a value hit, made from the records */
static const char *hits_text(const struct sweep_point *pt, char *buf,
                             size_t cap)
{
    buf[0] = '\0';
    if (pt->limit_runs && pt->first_hit && pt->first_hit->nhits)
        sim_sweep_hits_text(pt->first_hit, buf, cap);
    else if (pt->limit_runs)
        snprintf(buf, cap, "invariant broken");
    return buf;
}

/* header_names - the settings' names, joined by "," */
static void header_names(const struct sweep *sw, char *names, size_t cap)
{
    size_t len = 0;
    names[0] = '\0';
    for (size_t k = 0; k < sw->naxes; k++)
        len += (size_t)snprintf(names + len, cap - len, "%s%s",
                                k ? "," : "", sw->ax[k].name);
}

/* header - the first line */
static void header(FILE *out, const struct sweep *sw)
{
    fprintf(out, "qchan sweep: scenario %s, ", sw->scenario);
    for (size_t k = 0; k < sw->naxes; k++)
        fprintf(out, "%s%s=%s", k ? ", " : "", sw->ax[k].name,
                sw->ax[k].spec);
    fprintf(out, "%s %u replication%s each (seeds %llu..%llu)\n",
            sw->naxes > 1 ? ";" : ",", sw->reps, sw->reps == 1 ? "" : "s",
            (unsigned long long)sw->seed0,
            (unsigned long long)(sw->seed0 + sw->reps - 1));
}

/* goal_cell - a goal's value at a point and whether it holds */
static const char *goal_cell(const struct sweep *sw, size_t v, size_t g,
                             char *buf, size_t cap)
{
    const struct sweep_point *pt = &sw->pts[v];
    char c[96];
    if (sw->goals[g].op == SIM_GOAL_NO_LIMIT)
        snprintf(buf, cap, "%s (%u/%u hit)", pt->goal_ok[g] ? "ok" : "FAIL",
                 pt->limit_runs, sw->reps);
    else
        snprintf(buf, cap, "%s %s", sim_ci_text(&pt->goal[g], c, sizeof c),
                 pt->goal_ok[g] ? "ok" : "FAIL");
    return buf;
}

/* excess_text - by how much point v misses goal g */
static const char *excess_text(const struct sweep *sw, size_t v, size_t g,
                               char *buf, size_t cap)
{
    const struct sweep_point *pt = &sw->pts[v];
    const struct sim_goal *goal = &sw->goals[g];
    if (goal->op == SIM_GOAL_NO_LIMIT) {
        char h[520];
        snprintf(buf, cap, "a limit is hit in %u of %u replications (%s)",
                 pt->limit_runs, sw->reps, hits_text(pt, h, sizeof h));
    } else if (!pt->goal[g].have) {
        snprintf(buf, cap, "%s has no value in some replication",
                 goal->m.text);
    } else {
        int upper = goal->op == SIM_GOAL_LE || goal->op == SIM_GOAL_LT;
        int lower = goal->op == SIM_GOAL_GE || goal->op == SIM_GOAL_GT;
        snprintf(buf, cap, "%s %s %.3f, %.3f %s", goal->m.text,
                 upper ? "reaches" : lower ? "goes down to" : "spans to",
                 upper ? pt->goal[g].high : pt->goal[g].low,
                 pt->goal_excess[g],
                 upper ? "over" : lower ? "under" : "off");
    }
    return buf;
}

/* decision_table - one line per point: the figure, each goal */
static void decision_table(FILE *out, const struct sweep *sw,
                           const char *names)
{
    struct table_col cols[3 + SWEEP_MAX_GOALS];
    size_t ng = sw->ngoals, meets = 2 + ng;
    cols[0] = (struct table_col){"settings", names, "", TABLE_STR, 0, 0, 24,
                                 TABLE_LEFT, 0, 0};
    cols[1] = (struct table_col){"figure", sw->minimize.text, "", TABLE_STR,
                                 0, 0, 24, TABLE_LEFT, 2, 0};
    for (size_t g = 0; g < ng; g++)
        cols[2 + g] = (struct table_col){"goal", sw->goals[g].text, "",
                                         TABLE_STR, 0, 0, 28, TABLE_LEFT, 2,
                                         0};
    cols[meets] = (struct table_col){"meets", "meets all", "", TABLE_STR, 0,
                                     0, 0, TABLE_LEFT, 2, 0};
    struct table t;
    table_init(&t, cols, meets + 1);
    char c[160];
    for (size_t v = 0; v < sw->n && table_row(&t) == 0; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        table_str(&t, 0, pt->text);
        table_str(&t, 1, sim_ci_text(&pt->fig, c, sizeof c));
        for (size_t g = 0; g < ng; g++)
            table_str(&t, 2 + g, goal_cell(sw, v, g, c, sizeof c));
        if (pt->missing)
            snprintf(c, sizeof c, "no: %u of %u runs missing", pt->missing,
                     sw->reps);
        else
            snprintf(c, sizeof c, "%s%s", pt->feasible ? "yes" : "no",
                     (long)v == sw->choice.chosen ? "  <- chosen" : "");
        table_str(&t, meets, c);
    }
    table_write_text(&t, out, 0);
    table_free(&t);
}

/* decision_text - the choice, what binds it, the runner-up, the warning */
static void decision_text(FILE *out, const struct sweep *sw)
{
    const struct sim_choice *ch = &sw->choice;
    char set[300], c[160], d[160];
    fprintf(out, "goals: ");
    for (size_t g = 0; g < sw->ngoals; g++)
        fprintf(out, "%s%s", g ? "; " : "", sw->goals[g].text);
    fprintf(out, "%s\nminimise: %s\n(a setting meets a goal only when the "
            "whole 95%% interval over its replications does)\n\n",
            sw->ngoals ? "" : "none", sw->minimize.text);
    char names[300];
    header_names(sw, names, sizeof names);
    decision_table(out, sw, names);
    fputc('\n', out);
    if (ch->chosen < 0) {
        fprintf(out, "chosen: none: no setting meets every goal%s\n",
                sw->ngoals ? "" : " with a value of the figure");
        for (size_t g = 0; g < sw->ngoals; g++) {
            size_t met = 0;
            for (size_t v = 0; v < sw->n; v++)
                met += (size_t)sw->pts[v].goal_ok[g];
            fprintf(out, "  %s: met by %zu of %zu settings\n",
                    sw->goals[g].text, met, sw->n);
        }
        goto rule;
    }
    const struct sweep_point *pt = &sw->pts[ch->chosen];
    sweep_settings(sw, (size_t)ch->chosen, set, sizeof set);
    fprintf(out, "chosen: %s (%s %s)\n", set, sw->minimize.text,
            sim_ci_text(&pt->fig, c, sizeof c));
    if (ch->nearest_better >= 0) {
        const struct sweep_point *nb = &sw->pts[ch->nearest_better];
        sweep_settings(sw, (size_t)ch->nearest_better, set, sizeof set);
        for (size_t g = 0; g < sw->ngoals; g++)
            if (!nb->goal_ok[g])
                fprintf(out, "binds: %s: %s would give %s %s, but %s\n",
                        sw->goals[g].text, set, sw->minimize.text,
                        sim_ci_text(&nb->fig, c, sizeof c),
                        excess_text(sw, (size_t)ch->nearest_better, g, d,
                                    sizeof d));
    } else {
        fprintf(out, "binds: no goal: no setting of the grid has a lower "
                "%s\n", sw->minimize.text);
    }
    if (ch->runner_up >= 0) {
        const struct sweep_point *ru = &sw->pts[ch->runner_up];
        sweep_settings(sw, (size_t)ch->runner_up, set, sizeof set);
        double diff = ru->fig.mean - pt->fig.mean;
        int within = ru->fig.low <= pt->fig.high + 1e-9 &&
                     pt->fig.low <= ru->fig.high + 1e-9;
        fprintf(out, "runner-up: %s (%s %s): %+.3f", set,
                sw->minimize.text, sim_ci_text(&ru->fig, c, sizeof c), diff);
        if (pt->fig.mean != 0)
            fprintf(out, " (%+.1f%%)", 100 * diff / fabs(pt->fig.mean));
        fprintf(out, ", %s the intervals\n", within ? "within" : "beyond");
    } else {
        fprintf(out, "runner-up: none: no other setting meets every goal\n");
    }
    if (ch->flat)
        fprintf(out, "warning: %s does not change across the %zu settings "
                "that meet every goal (each is within the 95%% interval of "
                "the best): the choice is the first in grid order (the "
                "smallest settings), not a better %s\n", sw->minimize.text,
                ch->nfeasible, sw->minimize.text);
    else if (ch->ntied > 1)
        fprintf(out, "note: %zu settings are within the best's 95%% interval "
                "of %s; the first in grid order (the smallest settings) "
                "is chosen\n", ch->ntied, sw->minimize.text);
rule:
    fprintf(out, "rule: among the settings that meet every goal, the lowest "
            "mean %s; settings within the best one's 95%% interval count as "
            "equal and the first in grid order wins\n", sw->minimize.text);
    if (sw->violations)
        fprintf(out, "INVARIANTS BROKEN in %u runs (a bug in qchan)\n",
                sw->violations);
}

/* the points' table: the printed table and sweep.csv; one column
 * per setting (named "value" when there is one, as before grids) */
enum { PT_SET, PT_DRAIN, PT_DRAIN_HALF, PT_P95, PT_P95_HALF, PT_BUSIEST,
       PT_LIMIT, PT_CHOSEN, PT_N };
#define PT_COLS (SWEEP_MAX_AXES + PT_N)
static const struct table_col point_cols[PT_N] = {
    [PT_SET] = {"settings", NULL, "", TABLE_STR, 0, 0, 18, TABLE_RIGHT, 0,
                TABLE_TEXTONLY},
    [PT_DRAIN] = {METRIC_MEAN(METRIC_DRAIN_TIME), TABLE_NUM, 3, 6, 24,
                  TABLE_LEFT, 2, TABLE_UNIT},
    [PT_DRAIN_HALF] = {METRIC_HALF(METRIC_DRAIN_TIME), TABLE_NUM, 3, 6, 0,
                       0, 0, TABLE_NOTEXT},
    [PT_P95] = {METRIC_MEAN(METRIC_LATENCY_P95), TABLE_NUM, 3, 6, 22,
                TABLE_LEFT, 0, TABLE_UNIT},
    [PT_P95_HALF] = {METRIC_HALF(METRIC_LATENCY_P95), TABLE_NUM, 3, 6, 0, 0,
                     0, TABLE_NOTEXT},
    [PT_BUSIEST] = {"busiest", "busiest process fd peak/limit", "", TABLE_STR,
                    0, 0, 26, 0, 0, TABLE_TEXTONLY},
    [PT_LIMIT] = {METRIC_LIMIT_RUNS, TABLE_UINT, 0, 0, 0, TABLE_LEFT, 0, 0},
    [PT_CHOSEN] = {"chosen", NULL, "", TABLE_BOOL, 0, 0, 0, 0, 0,
                   TABLE_NOTEXT},
};

/* axis_cols - cols[0..naxes): each setting's value, data only */
static void axis_cols(struct table_col *cols, const struct sweep *sw)
{
    for (size_t k = 0; k < sw->naxes; k++)
        cols[k] = (struct table_col){
            sw->naxes == 1 ? "value" : sw->ax[k].name, NULL, "", TABLE_STR,
            0, 0, 0, 0, 0, TABLE_NOTEXT};
}

/* axis_cells - point v's value of each setting */
static void axis_cells(struct table *t, const struct sweep *sw, size_t v)
{
    for (size_t k = 0; k < sw->naxes; k++)
        table_str(t, k, sw->ax[k].text[sw->pts[v].idx[k]]);
}

/* ci_cells - a mean and the half width of its interval (0 with one
 * replication); the text shows "mean ± half", or `none` */
static void ci_cells(struct table *t, size_t c, double mean, double half,
                     const char *none)
{
    char buf[64];
    table_opt(t, c, mean);
    table_opt(t, c + 1, mean < 0 ? -1 : half < 0 ? 0 : half);
    table_show(t, c, with_ci(mean, half, none, buf, sizeof buf));
}

/* point_table - one row per point */
static void point_table(struct table *t, struct table_col *cols,
                        const struct sweep *sw)
{
    size_t n = sw->naxes;
    char names[300], c[96], d[600], e[520];
    header_names(sw, names, sizeof names);
    axis_cols(cols, sw);
    memcpy(cols + n, point_cols, sizeof point_cols);
    cols[n + PT_SET].head = names;
    table_init(t, cols, n + PT_N);
    long chosen = sw->decide ? sw->choice.chosen : sw->knee;
    for (size_t v = 0; v < sw->n && table_row(t) == 0; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        axis_cells(t, sw, v);
        table_str(t, n + PT_SET, pt->text);
        char nd[48];
        if (pt->missing)
            snprintf(nd, sizeof nd, "missing (%u/%u)", pt->missing,
                     sw->reps);
        else
            snprintf(nd, sizeof nd, "not drained (%u/%u)",
                     sw->reps - pt->drained, sw->reps);
        ci_cells(t, n + PT_DRAIN, pt->drain_mean, pt->drain_half, nd);
        ci_cells(t, n + PT_P95, pt->p95_mean, pt->p95_half, "-");
        const struct sweep_proc *p = busiest(sw, v);
        if (p)
            snprintf(c, sizeof c, "%s %llu/%llu", p->name, p->peak, p->limit);
        else
            snprintf(c, sizeof c, "-");
        table_str(t, n + PT_BUSIEST, c);
        if (pt->limit_runs)
            snprintf(d, sizeof d, "yes (%u/%u): %.500s", pt->limit_runs,
                     sw->reps, hits_text(pt, e, sizeof e));
        else
            snprintf(d, sizeof d, "no");
        table_uint(t, n + PT_LIMIT, pt->limit_runs);
        table_show(t, n + PT_LIMIT, d);
        table_bool(t, n + PT_CHOSEN, (long)v == chosen);
    }
}

/* sweep_text - the table and the verdict */
void sweep_text(FILE *out, const struct sweep *sw)
{
    header(out, sw);
    fprintf(out, "drain time and p95 latency of channel %s: mean ± half "
            "width of the 95%% confidence interval (Student t)\n\n",
            sw->chan);
    struct table_col cols[PT_COLS];
    struct table t;
    point_table(&t, cols, sw);
    table_write_text(&t, out, 0);
    table_free(&t);
    fputc('\n', out);
    if (sw->decide) {
        decision_text(out, sw);
        return;
    }
    if (sw->best < 0) {
        fprintf(out, "no value drained in every replication: no best "
                "value\n");
        return;
    }
    char set[300];
    sweep_settings(sw, (size_t)sw->best, set, sizeof set);
    fprintf(out, "best drain time: %.3f s at %s\n",
            sw->pts[sw->best].drain_mean, set);
    if (sw->knee >= 0) {
        const struct sweep_point *k = &sw->pts[sw->knee];
        sweep_settings(sw, (size_t)sw->knee, set, sizeof set);
        fprintf(out, "chosen: %s, the smallest %s within %g%% of the "
                "best drain time that stays inside every limit (drain time "
                "%.3f s)\n", set, sw->naxes > 1 ? "settings (grid order)"
                                               : "value",
                sw->within * 100, k->drain_mean);
    } else if (sw->best_inside >= 0) {
        const struct sweep_point *k = &sw->pts[sw->best_inside];
        sweep_settings(sw, (size_t)sw->best_inside, set, sizeof set);
        fprintf(out, "chosen: none within %g%% of the best drain time stays "
                "inside every limit; the best that does is %s (drain "
                "time %.3f s)\n", sw->within * 100, set, k->drain_mean);
    } else {
        fprintf(out, "chosen: none: every value that drained hit a limit\n");
    }
    fprintf(out, "rule: no --goal or --minimize given: the smallest %s "
            "within %g%% of the best drain time that stays inside every "
            "limit\n", sw->naxes > 1 ? "settings" : "value",
            sw->within * 100);
    if (sw->violations)
        fprintf(out, "INVARIANTS BROKEN in %u runs (a bug in qchan)\n",
                sw->violations);
}

/* json_ci - {"mean": m, "half": h, "low": l, "high": h} or null */
static void json_ci(FILE *out, double mean, double half)
{
    if (mean < 0) {
        fputs("null", out);
        return;
    }
    if (half < 0) {
        fprintf(out, "{\"mean\": %.6f, \"half\": null, \"low\": null, "
                "\"high\": null}", mean);
        return;
    }
    fprintf(out, "{\"mean\": %.6f, \"half\": %.6f, \"low\": %.6f, "
            "\"high\": %.6f}", mean, half, mean - half, mean + half);
}

/* json_value - a value's text, or null */
static void json_value(FILE *out, const struct sweep *sw, long i)
{
    if (i < 0)
        fputs("null", out);
    else
        json_write_str(out, sw->pts[i].text);
}

/* json_settings - point v as {"NAME": "VALUE", ...}, or null */
static void json_settings(FILE *out, const struct sweep *sw, long v)
{
    if (v < 0) {
        fputs("null", out);
        return;
    }
    fputc('{', out);
    for (size_t k = 0; k < sw->naxes; k++) {
        fputs(k ? ", " : "", out);
        json_write_str(out, sw->ax[k].name);
        fputs(": ", out);
        json_write_str(out, sw->ax[k].text[sw->pts[v].idx[k]]);
    }
    fputc('}', out);
}

/* json_goals - point v's figure and goals */
static void json_goals(FILE *out, const struct sweep *sw, size_t v)
{
    const struct sweep_point *pt = &sw->pts[v];
    fputs(", \"figure\": ", out);
    sim_ci_json(out, &pt->fig);
    fputs(", \"goals\": [", out);
    for (size_t g = 0; g < sw->ngoals; g++) {
        fputs(g ? ", {\"goal\": " : "{\"goal\": ", out);
        json_write_str(out, sw->goals[g].text);
        fputs(", \"value\": ", out);
        if (sw->goals[g].op == SIM_GOAL_NO_LIMIT)
            fprintf(out, "%u", pt->limit_runs);
        else
            sim_ci_json(out, &pt->goal[g]);
        fprintf(out, ", \"ok\": %s, \"excess\": ",
                pt->goal_ok[g] ? "true" : "false");
        json_write_num(out, pt->goal_ok[g] ? 0 : pt->goal_excess[g], 6);
        fputc('}', out);
    }
    fprintf(out, "], \"feasible\": %s", pt->feasible ? "true" : "false");
}

/* json_choice - the decision: chosen, binding goals, runner-up, flat */
static void json_choice(FILE *out, const struct sweep *sw)
{
    const struct sim_choice *ch = &sw->choice;
    fputs(",\n  \"decision\": {\"chosen\": ", out);
    json_settings(out, sw, ch->chosen);
    fputs(", \"figure\": ", out);
    if (ch->chosen >= 0)
        sim_ci_json(out, &sw->pts[ch->chosen].fig);
    else
        fputs("null", out);
    fprintf(out, ", \"feasible\": %zu, \"tied\": %zu, \"flat\": %s, "
            "\"binding\": [", ch->nfeasible, ch->ntied,
            ch->flat ? "true" : "false");
    if (ch->nearest_better >= 0) {
        const struct sweep_point *nb = &sw->pts[ch->nearest_better];
        int first = 1;
        for (size_t g = 0; g < sw->ngoals; g++) {
            if (nb->goal_ok[g])
                continue;
            fputs(first ? "{\"goal\": " : ", {\"goal\": ", out);
            first = 0;
            json_write_str(out, sw->goals[g].text);
            fputs(", \"at\": ", out);
            json_settings(out, sw, ch->nearest_better);
            fputs(", \"figure\": ", out);
            sim_ci_json(out, &nb->fig);
            fputs(", \"excess\": ", out);
            json_write_num(out, nb->goal_excess[g], 6);
            fputc('}', out);
        }
    }
    fputs("], \"runner_up\": ", out);
    if (ch->runner_up >= 0 && ch->chosen >= 0) {
        const struct sweep_point *ru = &sw->pts[ch->runner_up];
        const struct sweep_point *pt = &sw->pts[ch->chosen];
        int within = ru->fig.low <= pt->fig.high + 1e-9 &&
                     pt->fig.low <= ru->fig.high + 1e-9;
        fputs("{\"settings\": ", out);
        json_settings(out, sw, ch->runner_up);
        fputs(", \"figure\": ", out);
        sim_ci_json(out, &ru->fig);
        fprintf(out, ", \"diff\": %.6f, \"within_intervals\": %s}",
                ru->fig.mean - pt->fig.mean, within ? "true" : "false");
    } else {
        fputs("null", out);
    }
    fputc('}', out);
}

/* sweep_json - sweep.json */
void sweep_json(FILE *out, const struct sweep *sw)
{
    json_write_member(out, "{\n  ", "scenario", sw->scenario);
    json_write_member(out, ",\n  ", "name", sw->name);
    json_write_member(out, ",\n  ", "range", sw->range);
    fprintf(out, ",\n  \"replications\": %u,\n  \"seeds\": [%llu, %llu],\n"
            "  \"latency_channel\": ", sw->reps,
            (unsigned long long)sw->seed0,
            (unsigned long long)(sw->seed0 + sw->reps - 1));
    json_write_str(out, sw->chan);
    fprintf(out, ",\n  \"within\": %g,\n  \"settings\": [", sw->within);
    for (size_t k = 0; k < sw->naxes; k++) {
        fputs(k ? ", {\"name\": " : "{\"name\": ", out);
        json_write_str(out, sw->ax[k].name);
        fputs(", \"values\": [", out);
        for (size_t i = 0; i < sw->ax[k].n; i++) {
            fputs(i ? ", " : "", out);
            json_write_str(out, sw->ax[k].text[i]);
        }
        fputs("]}", out);
    }
    fputs("],\n  \"goals\": [", out);
    for (size_t g = 0; g < sw->ngoals; g++) {
        fputs(g ? ", " : "", out);
        json_write_str(out, sw->goals[g].text);
    }
    fputs("],\n  \"minimize\": ", out);
    if (sw->decide)
        json_write_str(out, sw->minimize.text);
    else
        fputs("null", out);
    fputs(",\n  \"rule\": ", out);
    json_write_str(out, sw->decide ? "goals" : "knee");
    fputs(",\n  \"points\": [\n", out);
    for (size_t v = 0; v < sw->n; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        fputs("    {\"value\": ", out);
        json_write_str(out, pt->text);
        fputs(", \"settings\": ", out);
        json_settings(out, sw, (long)v);
        if (sw->decide)
            json_goals(out, sw, v);
        fprintf(out, ", \"drained\": %u, \"drain_time\": ", pt->drained);
        json_ci(out, pt->drain_mean, pt->drain_half);
        fputs(", \"latency_p95\": ", out);
        json_ci(out, pt->p95_mean, pt->p95_half);
        fprintf(out, ", \"expects_failed\": %u, \"violations\": %u, "
                "\"limit_runs\": %u, \"limits_hit\": ", pt->expects_failed,
                pt->violations, pt->limit_runs);
        char e[520];
        json_write_str(out, hits_text(pt, e, sizeof e));
        fputs(", \"limits\": ", out);
        if (pt->first_hit)
            sim_sweep_hits_json(out, pt->first_hit);
        else
            fputs("[]", out);
        fputs(", \"processes\": [", out);
        for (size_t j = 0; j < sw->nprocs; j++) {
            const struct sweep_proc *p = &sw->procs[v * sw->nprocs + j];
            fputs(j ? ", {\"name\": " : "{\"name\": ", out);
            json_write_str(out, p->name);
            fprintf(out, ", \"" METRIC_KEY(METRIC_FD_PEAK) "\": %llu, \""
                    METRIC_KEY(METRIC_FD_LIMIT) "\": %llu}", p->peak,
                    p->limit);
        }
        fputs(v + 1 < sw->n ? "]},\n" : "]}\n", out);
    }
    fputs("  ],\n  \"best\": ", out);
    json_value(out, sw, sw->best);
    fputs(",\n  \"chosen\": ", out);
    json_value(out, sw, sw->decide ? sw->choice.chosen : sw->knee);
    fputs(",\n  \"best_inside_limits\": ", out);
    json_value(out, sw, sw->best_inside);
    if (sw->decide)
        json_choice(out, sw);
    fprintf(out, ",\n  \"violations\": %u\n}\n", sw->violations);
}

/* write_csv - table t as dir/name, then freed; 0 or -1 (said) */
static int write_csv(const char *dir, const char *name, struct table *t)
{
    FILE *f = path_create(dir, name, "qchan sweep");
    int rc = f ? table_write_csv(t, f) : -1;
    table_free(t);
    if (!f)
        return -1;
    if (rc < 0)
        fprintf(stderr, "qchan sweep: cannot write %s/%s: out of memory or "
                "a write error\n", dir, name);
    return path_finish(f, dir, name, "qchan sweep") < 0 || rc < 0 ? -1 : 0;
}

/* feasible_at - the point at axis indices (i, j) of a two-setting grid
 * meets every goal; outside the grid it does not */
static int feasible_at(const struct sweep *sw, long i, long j)
{
    if (i < 0 || j < 0 || (size_t)i >= sw->ax[0].n ||
        (size_t)j >= sw->ax[1].n)
        return 0;
    return sw->pts[(size_t)i * sw->ax[1].n + (size_t)j].feasible;
}

/* goal_csv - sweep_goal.csv (per point: indices, values, the figure and
 * whether it meets every goal) and, for two settings, sweep_feasible.csv
 * (the edges of the feasible region, in index coordinates) */
static int goal_csv(const char *dir, const struct sweep *sw)
{
    static const struct table_col goal_cols[] = {
        {"figure_mean", NULL, "", TABLE_NUM, 3, 6, 0, 0, 0, 0},
        {"figure_low", NULL, "", TABLE_NUM, 3, 6, 0, 0, 0, 0},
        {"figure_high", NULL, "", TABLE_NUM, 3, 6, 0, 0, 0, 0},
        {"feasible", NULL, "", TABLE_BOOL, 0, 0, 0, 0, 0, 0},
        {"chosen", NULL, "", TABLE_BOOL, 0, 0, 0, 0, 0, 0},
    };
    static const char *const index_keys[SWEEP_MAX_AXES] = {"i0", "i1", "i2",
                                                            "i3"};
    size_t n = sw->naxes;
    struct table_col cols[2 * SWEEP_MAX_AXES + 5];
    for (size_t k = 0; k < n; k++)
        cols[k] = (struct table_col){index_keys[k], NULL, "", TABLE_UINT, 0,
                                     0, 0, 0, 0, 0};
    axis_cols(cols + n, sw);
    memcpy(cols + 2 * n, goal_cols, sizeof goal_cols);
    struct table t;
    table_init(&t, cols, 2 * n + 5);
    long chosen = sw->decide ? sw->choice.chosen : sw->knee;
    for (size_t v = 0; v < sw->n && table_row(&t) == 0; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        for (size_t k = 0; k < n; k++)
            table_uint(&t, k, pt->idx[k]);
        for (size_t k = 0; k < n; k++)
            table_str(&t, n + k, sw->ax[k].text[pt->idx[k]]);
        if (pt->fig.have) {
            table_num(&t, 2 * n, pt->fig.mean);
            table_num(&t, 2 * n + 1, pt->fig.low);
            table_num(&t, 2 * n + 2, pt->fig.high);
        }
        table_bool(&t, 2 * n + 3, pt->feasible);
        table_bool(&t, 2 * n + 4, (long)v == chosen);
    }
    if (write_csv(dir, "sweep_goal.csv", &t) < 0)
        return -1;
    if (sw->naxes != 2)
        return 0;
    FILE *f = path_create(dir, "sweep_feasible.csv", "qchan sweep");
    if (!f)
        return -1;
    fputs("x,y,dx,dy\n", f);
    for (long i = 0; i < (long)sw->ax[0].n; i++)
        for (long j = 0; j < (long)sw->ax[1].n; j++) {
            if (!feasible_at(sw, i, j))
                continue;
            double x = (double)i, y = (double)j;
            if (!feasible_at(sw, i - 1, j))
                fprintf(f, "%.1f,%.1f,0,1\n", x - 0.5, y - 0.5);
            if (!feasible_at(sw, i + 1, j))
                fprintf(f, "%.1f,%.1f,0,1\n", x + 0.5, y - 0.5);
            if (!feasible_at(sw, i, j - 1))
                fprintf(f, "%.1f,%.1f,1,0\n", x - 0.5, y - 0.5);
            if (!feasible_at(sw, i, j + 1))
                fprintf(f, "%.1f,%.1f,1,0\n", x - 0.5, y + 0.5);
        }
    return path_finish(f, dir, "sweep_feasible.csv", "qchan sweep");
}

/* sweep_csv - the pictures' data */
int sweep_csv(const char *dir, const struct sweep *sw)
{
    struct table_col cols[PT_COLS];
    struct table t;
    point_table(&t, cols, sw);
    if (write_csv(dir, "sweep.csv", &t) < 0)
        return -1;
    static const struct table_col fd_cols[] = {
        {METRIC_PROCESS, TABLE_STR, 0, 0, 0, 0, 0, 0},
        {METRIC_FD_PEAK, TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {METRIC_FD_LIMIT, TABLE_UINT, 0, 0, 0, 0, 0, 0},
    };
    size_t n = sw->naxes;
    axis_cols(cols, sw);
    memcpy(cols + n, fd_cols, sizeof fd_cols);
    table_init(&t, cols, n + 3);
    for (size_t v = 0; v < sw->n; v++)
        for (size_t j = 0; j < sw->nprocs && table_row(&t) == 0; j++) {
            const struct sweep_proc *p = &sw->procs[v * sw->nprocs + j];
            axis_cells(&t, sw, v);
            table_str(&t, n, p->name);
            table_uint(&t, n + 1, p->peak);
            table_uint(&t, n + 2, p->limit);
        }
    if (write_csv(dir, "sweep_fds.csv", &t) < 0)
        return -1;
    return sw->decide || sw->naxes == 2 ? goal_csv(dir, sw) : 0;
}
