/*
 * fit_check.c - the log's figures against its replays'; see
 * fit_check.h.
 *
 * Both sides come out of fit_sum_build over the same window, so a
 * figure has one definition: a latency quantile in the table is the
 * same computation on the log and on a simulated log.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit_check.h"
#include "fit_out.h"
#include "json.h"
#include "metric.h"
#include "path.h"
#include "table.h"

#define HOUR 3600.0

static const struct {
    const char *key;      /* in check.json (core/metric.h's names) */
    const char *head;     /* in the table */
    const char *unit;
    double tol;           /* relative */
} figs[FIG_N] = {
    [FIG_DELIVERED] = {METRIC_DELIVERED, 0.02},
    [FIG_DEFERRED] = {METRIC_DEFERRED, 0.02},
    [FIG_FAILED] = {METRIC_FAILED, 0.02},
    [FIG_LAT50] = {METRIC_LATENCY_P50, 0.10},
    [FIG_LAT95] = {METRIC_LATENCY_P95, 0.10},
    [FIG_LAT99] = {METRIC_LATENCY_P99, 0.10},
    [FIG_ATT50] = {METRIC_ATTEMPT_P50, 0.10},
    [FIG_ATT95] = {METRIC_ATTEMPT_P95, 0.10},
    [FIG_AT_LIMIT] = {METRIC_AT_LIMIT, 0.10},
    [FIG_BURST] = {METRIC_BURST_CLEAR, 0.05},
    [FIG_LEFT] = {METRIC_PENDING, 0.02},
    [FIG_INFLIGHT_ERR] = {METRIC_INFLIGHT_ERROR, 0.10},
    [FIG_THROUGHPUT_ERR] = {METRIC_THROUGHPUT_ERROR, 0.10},
};

/* figure - one scalar figure of channel c; negative: no value */
static double figure(const struct fit_sum *s, int c, enum fit_fig f)
{
    const struct fit_chan_sum *cs = &s->chans[c];
    switch (f) {
    case FIG_DELIVERED: return (double)cs->delivered;
    case FIG_DEFERRED: return (double)cs->deferred;
    case FIG_FAILED: return (double)cs->failed;
    case FIG_LAT50: return cs->lat_p50;
    case FIG_LAT95: return cs->lat_p95;
    case FIG_LAT99: return cs->lat_p99;
    case FIG_ATT50: return cs->p50;
    case FIG_ATT95: return cs->p95;
    case FIG_AT_LIMIT: return cs->at_limit;
    case FIG_BURST: return cs->burst_rcpts ? cs->burst_clear : -1;
    case FIG_LEFT: return (double)cs->rcpt_pending;
    default: return -1;
    }
}

/* nhours - hours of the window */
static size_t nhours(const struct fit_check *ck)
{
    double span = ck->end - ck->start;
    return span > 0 ? (size_t)(span / HOUR) + 1 : 1;
}

/* hourly - channel c's answers per hour and mean in flight per hour of
 * the window (time-weighted: every attempt's time in flight, not the
 * status line at the sample's instant), from the summary's rows */
static void hourly(const struct fit_check *ck, const struct fit_sum *s,
                   int c, double *thr, double *inf)
{
    size_t nh = nhours(ck);
    unsigned *cnt = calloc(nh, sizeof *cnt);
    memset(thr, 0, nh * sizeof *thr);
    memset(inf, 0, nh * sizeof *inf);
    for (size_t k = 0; k < s->nrows && cnt; k++) {
        double t = (double)(k + 1) * s->sample;
        if (t <= ck->start || t - s->sample >= ck->end)
            continue;
        size_t h = (size_t)((t - ck->start - 1e-9) / HOUR);
        if (h >= nh)
            h = nh - 1;
        const struct fit_row *r = &s->rows[k * (size_t)s->nchan + (size_t)c];
        thr[h] += (double)(r->ok + r->defer + r->fail);
        inf[h] += r->busy;
        cnt[h]++;
    }
    /* the mean in flight over the hour's part inside the window */
    for (size_t h = 0; h < nh && cnt; h++)
        if (cnt[h])
            inf[h] /= (double)cnt[h] * s->sample;
    free(cnt);
}

/* series_error - sum |sim - log| over sum log (0 when both are empty) */
static double series_error(const double *log, const double *sim, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num += fabs(sim[i] - log[i]);
        den += log[i];
    }
    return den > 0 ? num / den : num > 0 ? 1 : 0;
}

/* fit_check_begin - the log's figures */
int fit_check_begin(struct fit_check *ck, const struct fit_sum *log,
                    int seeds)
{
    memset(ck, 0, sizeof *ck);
    ck->nchan = log->nchan;
    ck->seeds = seeds;
    ck->origin = log->origin;
    ck->start = log->start;
    ck->end = log->end;
    ck->sample = log->sample;
    ck->nsamp = log->nrows;
    size_t cells = ck->nsamp * (size_t)ck->nchan + 1;
    ck->obs_thr = calloc(cells, sizeof *ck->obs_thr);
    ck->obs_inf = calloc(cells, sizeof *ck->obs_inf);
    ck->sim_thr = calloc(cells, sizeof *ck->sim_thr);
    ck->sim_inf = calloc(cells, sizeof *ck->sim_inf);
    if (!ck->obs_thr || !ck->obs_inf || !ck->sim_thr || !ck->sim_inf)
        return -1;
    for (size_t k = 0; k < ck->nsamp; k++)
        for (int c = 0; c < ck->nchan; c++) {
            const struct fit_row *r = &log->rows[k * (size_t)log->nchan +
                                                 (size_t)c];
            size_t i = k * (size_t)ck->nchan + (size_t)c;
            ck->obs_thr[i] = (double)(r->ok + r->defer + r->fail) /
                             ck->sample;
            ck->obs_inf[i] = r->busy / ck->sample;
        }
    for (int c = 0; c < ck->nchan; c++) {
        ck->active[c] = log->chans[c].attempts > 0;
        for (int f = 0; f < FIG_N; f++) {
            struct fit_check_row *row = &ck->rows[c * FIG_N + f];
            row->chan = c;
            row->fig = (enum fit_fig)f;
            row->log = f == FIG_INFLIGHT_ERR || f == FIG_THROUGHPUT_ERR
                           ? 0 : figure(log, c, (enum fit_fig)f);
            if (!(row->vals = calloc((size_t)seeds + 1, sizeof *row->vals)))
                return -1;
        }
    }
    /* the series rows keep, after one value per replay, the log's
     * hourly series and then each replay's */
    size_t nh = nhours(ck), len = (size_t)seeds + nh + (size_t)seeds * nh;
    for (int c = 0; c < ck->nchan; c++) {
        struct fit_check_row *a = &ck->rows[c * FIG_N + FIG_INFLIGHT_ERR];
        struct fit_check_row *b = &ck->rows[c * FIG_N + FIG_THROUGHPUT_ERR];
        double *inf = realloc(a->vals, len * sizeof *inf);
        if (!inf)
            return -1;
        a->vals = inf;
        double *thr = realloc(b->vals, len * sizeof *thr);
        if (!thr)
            return -1;
        b->vals = thr;
        hourly(ck, log, c, thr + seeds, inf + seeds);
    }
    return 0;
}

/* fit_check_add - one replay's figures */
int fit_check_add(struct fit_check *ck, const struct fit_sum *sim)
{
    if (ck->added >= ck->seeds)
        return -1;
    size_t nh = nhours(ck);
    int k = ck->added++;
    int nc = sim->nchan < ck->nchan ? sim->nchan : ck->nchan;
    for (int c = 0; c < ck->nchan; c++) {
        for (int f = 0; f < FIG_N; f++) {
            struct fit_check_row *row = &ck->rows[c * FIG_N + f];
            row->vals[k] = c < nc ? figure(sim, c, (enum fit_fig)f) : -1;
        }
        struct fit_check_row *a = &ck->rows[c * FIG_N + FIG_INFLIGHT_ERR];
        struct fit_check_row *b = &ck->rows[c * FIG_N + FIG_THROUGHPUT_ERR];
        size_t at = (size_t)ck->seeds + nh + (size_t)k * nh;
        memset(a->vals + at, 0, nh * sizeof *a->vals);
        memset(b->vals + at, 0, nh * sizeof *b->vals);
        if (c >= nc)
            continue;
        if (sim->chans[c].attempts > 0)
            ck->active[c] = 1;
        hourly(ck, sim, c, b->vals + at, a->vals + at);
    }
    size_t rows = sim->nrows < ck->nsamp ? sim->nrows : ck->nsamp;
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < nc; c++) {
            const struct fit_row *x = &sim->rows[r * (size_t)sim->nchan +
                                                 (size_t)c];
            size_t i = r * (size_t)ck->nchan + (size_t)c;
            ck->sim_thr[i] += (double)(x->ok + x->defer + x->fail) /
                              ck->sample;
            ck->sim_inf[i] += x->busy / ck->sample;
        }
    return 0;
}

/* stats - mean, interval of the mean and spread of row's replays */
static void stats(struct fit_check_row *row, int n)
{
    double sum = 0, sq = 0;
    row->n = 0;
    for (int i = 0; i < n; i++)
        if (row->vals[i] >= 0) {
            sum += row->vals[i];
            row->n++;
        }
    if (row->n == 0) {
        row->mean = row->lo = row->hi = -1;
        row->spread_lo = row->spread_hi = -1;
        return;
    }
    row->mean = sum / row->n;
    for (int i = 0; i < n; i++)
        if (row->vals[i] >= 0)
            sq += (row->vals[i] - row->mean) * (row->vals[i] - row->mean);
    double sd = row->n > 1 ? sqrt(sq / (row->n - 1)) : 0;
    double t = row->n > 1 ? gsl_cdf_tdist_Pinv(0.975, row->n - 1) : 0;
    row->lo = row->mean - t * sd / sqrt(row->n);
    row->hi = row->mean + t * sd / sqrt(row->n);
    row->spread_lo = row->mean - t * sd * sqrt(1 + 1.0 / row->n);
    row->spread_hi = row->mean + t * sd * sqrt(1 + 1.0 / row->n);
}

/* series_row - an hourly series row: the error of the replays' mean
 * series against the log's (row->mean), and as the yardstick of noise
 * each replay's error against the mean of the others (row->vals, whose
 * spread the verdict uses) */
static void series_row(struct fit_check *ck, struct fit_check_row *row,
                       int n)
{
    size_t nh = nhours(ck);
    const double *log = row->vals + ck->seeds;
    const double *rep = log + nh;
    double *mean = calloc(nh, sizeof *mean), *rest = calloc(nh, sizeof *rest);
    if (!mean || !rest || n == 0) {
        free(mean);
        free(rest);
        row->n = 0;
        row->mean = row->lo = row->hi = -1;
        row->verdict = "-";
        return;
    }
    for (int k = 0; k < n; k++)
        for (size_t h = 0; h < nh; h++)
            mean[h] += rep[(size_t)k * nh + h] / n;
    double err = series_error(log, mean, nh);
    for (int k = 0; k < n && n > 1; k++) {
        for (size_t h = 0; h < nh; h++)
            rest[h] = (mean[h] * n - rep[(size_t)k * nh + h]) / (n - 1);
        row->vals[k] = series_error(rest, rep + (size_t)k * nh, nh);
    }
    free(mean);
    free(rest);
    if (n > 1) {
        stats(row, n);
    } else {
        row->n = 1;
        row->lo = row->hi = row->spread_lo = row->spread_hi = -1;
    }
    row->mean = err;
    row->diff = err;
    row->lo = row->spread_lo < 0 ? 0 : row->spread_lo;
    row->hi = row->spread_hi;
    double tol = figs[row->fig].tol;
    row->verdict = err <= tol ? "ok"
                   : n > 1 && err <= row->spread_hi ? "noise" : "FAIL";
}

/* fit_check_finish - means, intervals, differences, verdicts */
void fit_check_finish(struct fit_check *ck)
{
    int n = ck->added;
    for (int c = 0; c < ck->nchan; c++)
        for (int f = 0; f < FIG_N; f++) {
            struct fit_check_row *row = &ck->rows[c * FIG_N + f];
            int series = f == FIG_INFLIGHT_ERR || f == FIG_THROUGHPUT_ERR;
            row->diff = NAN;
            if (series) {
                series_row(ck, row, n);
                continue;
            }
            stats(row, n);
            double tol = figs[f].tol;
            if (row->log < 0 && row->n == 0) {
                row->verdict = "-";
                continue;
            }
            if (row->log < 0 || row->n < n) {
                /* a value on one side only (say, a burst the log cleared
                 * in its window and a replay did not) */
                row->verdict = "FAIL";
                continue;
            }
            double d = row->mean - row->log;
            if (row->log > 0)
                row->diff = d / row->log;
            else if (d == 0)
                row->diff = 0;
            /* the time at the limit is a fraction: a hundredth of the
             * window is within tolerance whatever the log's value */
            double slack = f == FIG_AT_LIMIT ? 0.01 : 1e-9;
            /* a count of random events differs by about its square root
             * between two days drawn alike (Poisson) */
            int count = f == FIG_DELIVERED || f == FIG_DEFERRED ||
                        f == FIG_FAILED || f == FIG_LEFT;
            if (fabs(d) <= tol * row->log + slack)
                row->verdict = "ok";
            else if ((row->n > 1 && row->log >= row->spread_lo &&
                      row->log <= row->spread_hi) ||
                     (count && fabs(d) <= 2 * sqrt(row->log > 1 ? row->log
                                                                : 1)))
                row->verdict = "noise";
            else
                row->verdict = "FAIL";
        }
    if (n > 0)
        for (size_t i = 0; i < ck->nsamp * (size_t)ck->nchan; i++) {
            ck->sim_thr[i] /= n;
            ck->sim_inf[i] /= n;
        }
}

/* fit_check_failed - rows that failed, on channels with traffic */
int fit_check_failed(const struct fit_check *ck)
{
    int n = 0;
    for (int c = 0; c < ck->nchan; c++)
        for (int f = 0; f < FIG_N && ck->active[c]; f++)
            n += strcmp(ck->rows[c * FIG_N + f].verdict, "FAIL") == 0;
    return n;
}


/* the rows as one table: check.json's "rows" (with each replay's
 * value after them) and the printed table */
enum { CK_CHAN, CK_FIG, CK_LOG, CK_MEAN, CK_LO, CK_HI, CK_INTERVAL, CK_DIFF,
       CK_TOL, CK_VERDICT, CK_N };
static const struct table_col check_cols[CK_N] = {
    [CK_CHAN] = {METRIC_CHANNEL, TABLE_STR, 0, 0, 8, 0, 0, 0},
    [CK_FIG] = {"figure", NULL, "", TABLE_STR, 0, 0, 24, 0, 0, 0},
    [CK_LOG] = {"log", NULL, "", TABLE_NUM, TABLE_SIG(3), TABLE_SIG(6), 10,
                0, 0, 0},
    [CK_MEAN] = {"replay_mean", "replay", "", TABLE_NUM, TABLE_SIG(3),
                 TABLE_SIG(6), 10, 0, 0, 0},
    [CK_LO] = {"replay_lo", NULL, "", TABLE_NUM, 0, TABLE_SIG(6), 0, 0, 0,
               TABLE_NOTEXT},
    [CK_HI] = {"replay_hi", NULL, "", TABLE_NUM, 0, TABLE_SIG(6), 0, 0, 0,
               TABLE_NOTEXT},
    [CK_INTERVAL] = {"interval", "95% interval", "", TABLE_STR, 0, 0, 23,
                     TABLE_RIGHT, 0, TABLE_TEXTONLY},
    [CK_DIFF] = {"difference", "diff", "", TABLE_NUM, 0, TABLE_SIG(6), 8, 0,
                 0, 0},
    [CK_TOL] = {"tolerance", NULL, "", TABLE_NUM, 0, TABLE_SIG(6), 0, 0, 0,
                TABLE_NOTEXT},
    [CK_VERDICT] = {"verdict", "verdict", "", TABLE_STR, 0, 0, 0, 0, 2, 0},
};

/* cell - a figure for the table */
static const char *cell(double v, int fraction, char *buf, size_t cap)
{
    if (!(v >= 0) || !isfinite(v))
        snprintf(buf, cap, "-");
    else if (fraction)
        snprintf(buf, cap, "%.1f%%", 100 * v);
    else
        table_fmt_num(buf, cap, v, TABLE_SIG(3));
    return buf;
}

/* check_table - a row per channel with traffic and figure */
static void check_table(struct table *t, const struct fit_check *ck)
{
    char name[QC_CHAN_NAME_MAX], buf[64], lo[32], hi[32];
    table_init(t, check_cols, CK_N);
    for (int c = 0; c < ck->nchan; c++)
        for (int i = 0; i < FIG_N && ck->active[c]; i++) {
            const struct fit_check_row *r = &ck->rows[c * FIG_N + i];
            int frac = i == FIG_AT_LIMIT || i == FIG_INFLIGHT_ERR ||
                       i == FIG_THROUGHPUT_ERR;
            int series = i == FIG_INFLIGHT_ERR || i == FIG_THROUGHPUT_ERR;
            if (table_row(t) < 0)
                return;
            table_str(t, CK_CHAN, qc_channel_name(c, name));
            table_str(t, CK_FIG, figs[i].key);
            snprintf(buf, sizeof buf, "%s%s", figs[i].head,
                     strcmp(figs[i].unit, "s") == 0 ? " (s)" : "");
            table_show(t, CK_FIG, buf);
            table_opt(t, CK_LOG, r->log);
            table_show(t, CK_LOG, series ? "" : cell(r->log, frac, buf,
                                                     sizeof buf));
            table_opt(t, CK_MEAN, r->mean);
            table_show(t, CK_MEAN, cell(r->mean, frac, buf, sizeof buf));
            table_opt(t, CK_LO, r->lo);
            table_opt(t, CK_HI, r->hi);
            snprintf(buf, sizeof buf, "[%s, %s]",
                     cell(r->lo < 0 ? 0 : r->lo, frac, lo, sizeof lo),
                     cell(r->hi, frac, hi, sizeof hi));
            table_str(t, CK_INTERVAL, r->n == 0 ? "-" : buf);
            table_num(t, CK_DIFF, r->diff);
            if (series || !isfinite(r->diff))
                snprintf(buf, sizeof buf, "-");
            else
                snprintf(buf, sizeof buf, "%+.1f%%", 100 * r->diff);
            table_show(t, CK_DIFF, buf);
            table_num(t, CK_TOL, figs[i].tol);
            table_str(t, CK_VERDICT, r->verdict);
        }
}

/* fit_check_json - check.json */
int fit_check_json(FILE *f, const struct fit_check *ck)
{
    fprintf(f, "{\n  \"seeds\": %d, \"origin\": %lld,\n  \"window\": "
               "{\"start\": %.6f, \"end\": %.6f},\n  \"tolerances\": {",
            ck->added, (long long)(ck->origin / QC_SEC), ck->start, ck->end);
    for (int i = 0; i < FIG_N; i++)
        fprintf(f, "%s\"%s\": %.6g", i ? ", " : "", figs[i].key,
                figs[i].tol);
    fprintf(f, "},\n  \"failed\": %d,\n  \"rows\": [", fit_check_failed(ck));
    struct table t;
    check_table(&t, ck);
    size_t k = 0;
    for (int c = 0; c < ck->nchan; c++)
        for (int i = 0; i < FIG_N && ck->active[c] && k < t.nrows; i++) {
            const struct fit_check_row *r = &ck->rows[c * FIG_N + i];
            fputs(k ? ",\n    {" : "\n    {", f);
            table_write_json_fields(&t, f, k++);
            fputs(", \"replays\": [", f);
            for (int j = 0; j < ck->added; j++) {
                fputs(j ? ", " : "", f);
                json_write_opt(f, r->vals[j], JSON_G);
            }
            fputs("]}", f);
        }
    fputs("\n  ]\n}\n", f);
    int failed = t.failed;
    table_free(&t);
    return failed || ferror(f) ? -1 : 0;
}

/* fit_check_table - the printed table, from the same records */
void fit_check_table(FILE *out, const struct fit_check *ck)
{
    struct table t;
    check_table(&t, ck);
    table_write_text(&t, out, 0);
    table_free(&t);
    fprintf(out, "(%d replays; window %.0f to %.0f s after the hour of the "
                 "log's first line; tolerances: counts 2%%, latency and "
                 "attempt quantiles 10%%, time at limit 10%% or 1 point, "
                 "burst clear 5%%, hourly series error 10%%; noise: outside "
                 "the tolerance but inside the replays' own spread)\n",
            ck->added, ck->start, ck->end);
}

/* write_series - check-series.csv: per sample and channel, the log's
 * and the replays' mean answers per second and in flight, by the log's
 * clock (Unix seconds) */
static int write_series(const char *path, const struct fit_check *ck)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    char name[QC_CHAN_NAME_MAX];
    fputs("time,channel,log_throughput,replay_throughput,log_inflight,"
          "replay_inflight\n", f);
    double origin = (double)(ck->origin / QC_SEC);
    for (size_t k = 0; k < ck->nsamp; k++) {
        double t = (double)(k + 1) * ck->sample;
        if (t <= ck->start || t - ck->sample >= ck->end)
            continue;
        for (int c = 0; c < ck->nchan; c++) {
            if (!ck->active[c])
                continue;
            size_t i = k * (size_t)ck->nchan + (size_t)c;
            fprintf(f, "%.3f,%s,%.6g,%.6g,%.6g,%.6g\n", origin + t,
                    qc_channel_name(c, name), ck->obs_thr[i], ck->sim_thr[i],
                    ck->obs_inf[i], ck->sim_inf[i]);
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* write_script - check.gp: the log solid, the replays' mean dashed, the
 * observed window shaded, the log's clock on the x axis */
static int write_script(const char *path, const struct fit_check *ck)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    char name[QC_CHAN_NAME_MAX];
    int n = 0;
    double origin = (double)(ck->origin / QC_SEC);
    fprintf(f, "# check.gp - written by qchan fit --check: per channel, the "
               "log (solid) and the\n# mean of %d replays (dashed), by the "
               "log's clock (UTC); the observed window shaded.\n"
               "if (!exists(\"dir\")) dir = \".\"\n"
               "data = dir . \"/check-series.csv\"\nchannels = \"",
            ck->added);
    for (int c = 0; c < ck->nchan; c++)
        if (ck->active[c])
            fprintf(f, "%s%s", n++ ? " " : "", qc_channel_name(c, name));
    fprintf(f, "\"\nnchan = words(channels)\n"
               "colours = \"#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b "
               "#e377c2 #7f7f7f #bcbd22 #17becf\"\n"
               "chancolour(i) = word(colours, (i - 1) %% words(colours) + 1)\n"
               "set datafile separator \",\"\n"
               "set xdata time\nset timefmt \"%%s\"\nset format x "
               "\"%%H:%%M\"\nset xlabel \"log time (UTC); shaded: the "
               "observed window\"\n"
               "set object 1 rect from %.3f, graph 0 to %.3f, graph 1 "
               "fc rgb \"#eeeeee\" fs solid 1.0 noborder behind\n"
               "set key outside right top box opaque\nset grid\n"
               "set yrange [0:*]\n",
            origin + ck->start, origin + ck->end);
    const char *pics[2][3] = {
        {"throughput", "attempts answered per second", "3:4"},
        {"inflight", "deliveries in flight", "5:6"},
    };
    for (int p = 0; p < 2; p++) {
        char ocol[8], scol[8];
        snprintf(ocol, sizeof ocol, "%c", pics[p][2][0]);
        snprintf(scol, sizeof scol, "%c", pics[p][2][2]);
        fprintf(f, "set ylabel \"%s\"\nset title \"qchan fit --check: %s, "
                   "log (solid) and replays' mean (dashed)\"\n"
                   "do for [fmt in \"png svg\"] {\n"
                   "  if (fmt eq \"png\") { set terminal pngcairo size "
                   "1100,600 font \",10\" noenhanced } else { set "
                   "terminal svg size 1100,600 font \",10\" "
                   "noenhanced }\n"
                   "  set output dir . \"/check-%s.\" . fmt\n"
                   "  plot for [i=1:nchan] data skip 1 every nchan::(i-1) "
                   "using 1:%s with steps lw 2 lc rgb chancolour(i) title "
                   "word(channels, i) . \" log\", \\\n"
                   "       for [i=1:nchan] data skip 1 every nchan::(i-1) "
                   "using 1:%s with lines lw 1.5 dt 2 lc rgb chancolour(i) "
                   "title word(channels, i) . \" replay\"\n"
                   "  unset output\n}\n",
                pics[p][1], pics[p][0], pics[p][0], ocol, scol);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* fit_check_plot - the series, the script and its pictures */
int fit_check_plot(const char *dir, const struct fit_check *ck, char *note,
                   size_t cap)
{
    char csv[4200], script[4200], log[4200], vars[4200];
    snprintf(csv, sizeof csv, "%.4000s/check-series.csv", dir);
    snprintf(script, sizeof script, "%.4000s/check.gp", dir);
    if (write_series(csv, ck) < 0 || write_script(script, ck) < 0) {
        snprintf(note, cap, "cannot write %s or %s", csv, script);
        return -1;
    }
    if (!path_has_program("gnuplot")) {
        snprintf(note, cap, "no pictures: gnuplot is not installed "
                 "(apt-get install gnuplot-nox); %s is ready for it", script);
        return 1;
    }
    if (strchr(dir, '\'')) {
        snprintf(note, cap, "no pictures: a path contains \"'\"");
        return -1;
    }
    snprintf(vars, sizeof vars, "dir='%.4000s'", dir);
    snprintf(log, sizeof log, "%.4000s/gnuplot-check.log", dir);
    if (fit_gnuplot(script, vars, log, note, cap) < 0)
        return -1;
    snprintf(note, cap, "pictures: %s/check-throughput.png, "
             "%s/check-inflight.png (and .svg)", dir, dir);
    return 0;
}

/* fit_check_free - release the rows and series */
void fit_check_free(struct fit_check *ck)
{
    for (int i = 0; i < QC_MAX_CHANNELS * FIG_N; i++)
        free(ck->rows[i].vals);
    free(ck->obs_thr);
    free(ck->obs_inf);
    free(ck->sim_thr);
    free(ck->sim_inf);
    memset(ck, 0, sizeof *ck);
}
