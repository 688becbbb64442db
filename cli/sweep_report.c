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
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "path.h"
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
    if (pt->limit_runs && pt->first_hit.nhits)
        sim_sweep_hits_text(&pt->first_hit, buf, cap);
    else if (pt->limit_runs)
        snprintf(buf, cap, "invariant broken");
    return buf;
}

/* sweep_text - the table and the verdict */
void sweep_text(FILE *out, const struct sweep *sw)
{
    char a[64], b[64], c[96], d[600], e[520];
    fprintf(out, "qchan sweep: scenario %s, %s=%s, %u replication%s each "
            "(seeds %llu..%llu)\n", sw->scenario, sw->name, sw->range,
            sw->reps, sw->reps == 1 ? "" : "s",
            (unsigned long long)sw->seed0,
            (unsigned long long)(sw->seed0 + sw->reps - 1));
    fprintf(out, "drain time and p95 latency of channel %s: mean ± half "
            "width of the 95%% confidence interval (Student t)\n\n",
            sw->chan);
    snprintf(b, sizeof b, "p95 %s (s)", sw->chan);
    fprintf(out, "%18s  %-24s %-22s %-26s %s\n", sw->name, "drain time (s)",
            b, "busiest process peak/limit", "limit hit");
    for (size_t v = 0; v < sw->n; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        char nd[48];
        snprintf(nd, sizeof nd, "not drained (%u/%u)", sw->reps - pt->drained,
                 sw->reps);
        const struct sweep_proc *p = busiest(sw, v);
        if (p)
            snprintf(c, sizeof c, "%s %llu/%llu", p->name, p->peak, p->limit);
        else
            snprintf(c, sizeof c, "-");
        if (pt->limit_runs)
            snprintf(d, sizeof d, "yes (%u/%u): %.500s", pt->limit_runs,
                     sw->reps, hits_text(pt, e, sizeof e));
        else
            snprintf(d, sizeof d, "no");
        fprintf(out, "%18s  %-24s %-22s %-26s %s\n", pt->text,
                with_ci(pt->drain_mean, pt->drain_half, nd, a, sizeof a),
                with_ci(pt->p95_mean, pt->p95_half, "-", b, sizeof b), c, d);
    }
    fputc('\n', out);
    if (sw->best < 0) {
        fprintf(out, "no value drained in every replication: no best "
                "value\n");
        return;
    }
    const struct sweep_point *best = &sw->pts[sw->best];
    fprintf(out, "best drain time: %.3f s at %s=%s\n", best->drain_mean,
            sw->name, best->text);
    if (sw->knee >= 0) {
        const struct sweep_point *k = &sw->pts[sw->knee];
        fprintf(out, "chosen: %s=%s, the smallest value within %g%% of the "
                "best drain time that stays inside every limit (drain time "
                "%.3f s)\n", sw->name, k->text, sw->within * 100,
                k->drain_mean);
    } else if (sw->best_inside >= 0) {
        const struct sweep_point *k = &sw->pts[sw->best_inside];
        fprintf(out, "chosen: none within %g%% of the best drain time stays "
                "inside every limit; the best that does is %s=%s (drain "
                "time %.3f s)\n", sw->within * 100, sw->name, k->text,
                k->drain_mean);
    } else {
        fprintf(out, "chosen: none: every value that drained hit a limit\n");
    }
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

/* sweep_json - sweep.json */
void sweep_json(FILE *out, const struct sweep *sw)
{
    fputs("{\n  \"scenario\": ", out);
    json_write_str(out, sw->scenario);
    fputs(",\n  \"name\": ", out);
    json_write_str(out, sw->name);
    fputs(",\n  \"range\": ", out);
    json_write_str(out, sw->range);
    fprintf(out, ",\n  \"replications\": %u,\n  \"seeds\": [%llu, %llu],\n"
            "  \"latency_channel\": ", sw->reps,
            (unsigned long long)sw->seed0,
            (unsigned long long)(sw->seed0 + sw->reps - 1));
    json_write_str(out, sw->chan);
    fprintf(out, ",\n  \"within\": %g,\n  \"points\": [\n", sw->within);
    for (size_t v = 0; v < sw->n; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        fputs("    {\"value\": ", out);
        json_write_str(out, pt->text);
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
        sim_sweep_hits_json(out, &pt->first_hit);
        fputs(", \"processes\": [", out);
        for (size_t j = 0; j < sw->nprocs; j++) {
            const struct sweep_proc *p = &sw->procs[v * sw->nprocs + j];
            fputs(j ? ", {\"name\": " : "{\"name\": ", out);
            json_write_str(out, p->name);
            fprintf(out, ", \"peak\": %llu, \"limit\": %llu}", p->peak,
                    p->limit);
        }
        fputs(v + 1 < sw->n ? "]},\n" : "]}\n", out);
    }
    fputs("  ],\n  \"best\": ", out);
    json_value(out, sw, sw->best);
    fputs(",\n  \"chosen\": ", out);
    json_value(out, sw, sw->knee);
    fputs(",\n  \"best_inside_limits\": ", out);
    json_value(out, sw, sw->best_inside);
    fprintf(out, ",\n  \"violations\": %u\n}\n", sw->violations);
}

/* open_w - dir/name for writing */
static FILE *open_w(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", path,
                strerror(errno));
    return f;
}

/* close_w - close dir/name, saying so and why on a write error */
static int close_w(FILE *f, const char *dir, const char *name)
{
    if (path_fclose(f) < 0) {
        fprintf(stderr, "qchan sweep: cannot write %s/%s: %s\n", dir, name,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* num - a CSV number, NaN for none (gnuplot skips it) */
static void num(FILE *f, double v)
{
    if (v < 0)
        fputs(",NaN", f);
    else
        fprintf(f, ",%.6f", v);
}

/* sweep_csv - the pictures' data */
int sweep_csv(const char *dir, const struct sweep *sw)
{
    FILE *f = open_w(dir, "sweep.csv");
    if (!f)
        return -1;
    fputs("value,drain_mean,drain_half,p95_mean,p95_half,limit_hit,"
          "chosen\n", f);
    for (size_t v = 0; v < sw->n; v++) {
        const struct sweep_point *pt = &sw->pts[v];
        fputs(pt->text, f);
        num(f, pt->drain_mean);
        num(f, pt->drain_mean < 0 ? -1 : pt->drain_half < 0 ? 0
                                                            : pt->drain_half);
        num(f, pt->p95_mean);
        num(f, pt->p95_mean < 0 ? -1 : pt->p95_half < 0 ? 0 : pt->p95_half);
        fprintf(f, ",%d,%d\n", pt->limit_runs > 0, (long)v == sw->knee);
    }
    if (close_w(f, dir, "sweep.csv") < 0)
        return -1;
    f = open_w(dir, "sweep_fds.csv");
    if (!f)
        return -1;
    fputs("value,process,peak,limit\n", f);
    for (size_t v = 0; v < sw->n; v++)
        for (size_t j = 0; j < sw->nprocs; j++) {
            const struct sweep_proc *p = &sw->procs[v * sw->nprocs + j];
            fprintf(f, "%s,%s,%llu,%llu\n", sw->pts[v].text, p->name,
                    p->peak, p->limit);
        }
    return close_w(f, dir, "sweep_fds.csv");
}
