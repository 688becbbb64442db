/*
 * fit_json.c - observed.json and observed.csv; see fit_out.h.
 *
 * Numbers that have no value (no attempt finished, no status line) are
 * written as null, so a reader never mistakes "unknown" for zero.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fit_out.h"
#include "json.h"
#include "metric.h"

/* iso - the UTC time of a log time, "2024-01-02T03:04:05Z" */
static void iso(int64_t t, char *buf, size_t cap)
{
    time_t sec = (time_t)(t / QC_SEC);
    struct tm tm;
    if (!gmtime_r(&sec, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ",
                                          &tm))
        snprintf(buf, cap, "?");
}

/* the channel table: observed.json's "channels" (with the busiest
 * burst and the outcome pool after each) and the report's table */
enum { FC_NAME, FC_LIMIT, FC_MAX_LIMIT, FC_PEAK, FC_ATTEMPTS, FC_DELIVERED,
       FC_DEFERRED, FC_FAILED, FC_LOST, FC_OPEN, FC_RCPTS, FC_RCPT_OK,
       FC_RCPT_FAIL, FC_PENDING, FC_LAT50, FC_LAT95, FC_LAT99, FC_LAT_N,
       FC_START50, FC_ATT50, FC_ATT90, FC_ATT95, FC_ATT99, FC_ATT_MAX,
       FC_AT_LIMIT, FC_N };
#define Q TABLE_SIG(3), TABLE_SIG(6)
#define COUNT(m, w) {m, TABLE_UINT, 0, 0, w, 0, 0, 0}
#define DATA(k, type) {k, NULL, "", type, 0, TABLE_SIG(6), 0, 0, 0, \
                       TABLE_NOTEXT}
static const struct table_col fit_cols[FC_N] = {
    [FC_NAME] = {"name", "channel", "", TABLE_STR, 0, 0, 8, 0, 0, 0},
    [FC_LIMIT] = DATA("limit", TABLE_UINT),
    [FC_MAX_LIMIT] = COUNT(METRIC_MAX_CONCURRENCY, 6),
    [FC_PEAK] = COUNT(METRIC_MAX_INFLIGHT, 8),
    [FC_ATTEMPTS] = COUNT(METRIC_ATTEMPTS, 9),
    [FC_DELIVERED] = COUNT(METRIC_DELIVERED, 9),
    [FC_DEFERRED] = COUNT(METRIC_DEFERRED, 9),
    [FC_FAILED] = COUNT(METRIC_FAILED, 9),
    [FC_LOST] = {METRIC_LOST, TABLE_UINT, 0, 0, 0, 0, 0, TABLE_NOTEXT},
    [FC_OPEN] = DATA("in_flight_at_end", TABLE_UINT),
    [FC_RCPTS] = DATA("recipients", TABLE_UINT),
    [FC_RCPT_OK] = DATA("recipients_delivered", TABLE_UINT),
    [FC_RCPT_FAIL] = DATA("recipients_failed", TABLE_UINT),
    [FC_PENDING] = COUNT(METRIC_PENDING, 6),
    [FC_LAT50] = {METRIC_LATENCY_P50, TABLE_NUM, Q, 8, 0, 0, TABLE_UNIT},
    [FC_LAT95] = {METRIC_LATENCY_P95, TABLE_NUM, Q, 8, 0, 0, TABLE_UNIT},
    [FC_LAT99] = {METRIC_LATENCY_P99, TABLE_NUM, Q, 8, 0, 0, TABLE_UNIT},
    [FC_LAT_N] = DATA("latency_recipients", TABLE_UINT),
    [FC_START50] = DATA("start_delay_p50", TABLE_NUM),
    [FC_ATT50] = {METRIC_ATTEMPT_P50, TABLE_NUM, Q, 7, 0, 0, TABLE_UNIT},
    [FC_ATT90] = DATA("attempt_p90", TABLE_NUM),
    [FC_ATT95] = {METRIC_ATTEMPT_P95, TABLE_NUM, Q, 7, 0, 0, TABLE_UNIT},
    [FC_ATT99] = DATA("attempt_p99", TABLE_NUM),
    [FC_ATT_MAX] = DATA("attempt_max", TABLE_NUM),
    [FC_AT_LIMIT] = {METRIC_AT_LIMIT, TABLE_FRACTION, 1, TABLE_SIG(6), 8, 0,
                     0, 0},
};
#undef Q
#undef COUNT
#undef DATA

/* fit_chan_table - a row per channel */
void fit_chan_table(struct table *t, const struct fit_sum *s)
{
    char name[QC_CHAN_NAME_MAX];
    table_init(t, fit_cols, FC_N);
    for (int c = 0; c < s->nchan && table_row(t) == 0; c++) {
        const struct fit_chan_sum *cs = &s->chans[c];
        table_str(t, FC_NAME, qc_channel_name(c, name));
        table_uint(t, FC_LIMIT, cs->limit_first);
        table_uint(t, FC_MAX_LIMIT, cs->limit_max);
        if (!cs->limit_max)
            table_show(t, FC_MAX_LIMIT, "-");   /* no status line */
        table_uint(t, FC_PEAK, cs->max_inflight);
        table_uint(t, FC_ATTEMPTS, cs->attempts);
        table_uint(t, FC_DELIVERED, cs->delivered);
        table_uint(t, FC_DEFERRED, cs->deferred);
        table_uint(t, FC_FAILED, cs->failed);
        table_uint(t, FC_LOST, cs->lost);
        table_uint(t, FC_OPEN, cs->open);
        table_uint(t, FC_RCPTS, cs->rcpts);
        table_uint(t, FC_RCPT_OK, cs->rcpt_delivered);
        table_uint(t, FC_RCPT_FAIL, cs->rcpt_failed);
        table_uint(t, FC_PENDING, cs->rcpt_pending);
        table_opt(t, FC_LAT50, cs->lat_p50);
        table_opt(t, FC_LAT95, cs->lat_p95);
        table_opt(t, FC_LAT99, cs->lat_p99);
        table_uint(t, FC_LAT_N, cs->lat_n);
        table_opt(t, FC_START50, cs->start_delay_p50);
        table_opt(t, FC_ATT50, cs->p50);
        table_opt(t, FC_ATT90, cs->p90);
        table_opt(t, FC_ATT95, cs->p95);
        table_opt(t, FC_ATT99, cs->p99);
        table_opt(t, FC_ATT_MAX, cs->max);
        table_opt(t, FC_AT_LIMIT, cs->at_limit);
    }
}

/* chan_json - row c of the channel table, then the busiest burst and
 * the outcome pool */
static void chan_json(FILE *f, const struct table *t,
                      const struct fit_sum *s, int c)
{
    const struct fit_chan_sum *cs = &s->chans[c];
    fputs("    {", f);
    table_write_json_fields(t, f, (size_t)c);
    fprintf(f, ",\n     \"busiest_burst\": {\"start\": %.6g, "
               "\"recipients\": %llu, \"clear_time\": ",
            cs->burst_start, cs->burst_rcpts);
    json_write_opt(f, cs->burst_rcpts ? cs->burst_clear : -1, JSON_G);
    double sum = cs->pool_ok + cs->pool_defer + cs->pool_fail;
    fprintf(f, "},\n     \"pool\": {\"ok\": %.6g, \"defer\": %.6g, \"fail\": "
               "%.6g, \"latencies\": %llu}}",
            sum > 0 ? cs->pool_ok / sum : 0, sum > 0 ? cs->pool_defer / sum : 0,
            sum > 0 ? cs->pool_fail / sum : 0, cs->pool_n);
}

/* dom_json - one domain object */
static void dom_json(FILE *f, const struct fit_log *lg,
                     const struct fit_sum *s, size_t d)
{
    const struct fit_dom_sum *ds = &s->doms[d];
    char name[QC_CHAN_NAME_MAX];
    fputs("    {\"name\": ", f);
    json_write_str(f, lg->doms[d].name);
    fputs(", \"channel\": ", f);
    json_write_str(f, qc_channel_name(ds->chan, name));
    fprintf(f, ", \"recipients\": %llu, \"attempts\": %llu, \"delivered\": "
               "%llu, \"deferred\": %llu, \"failed\": %llu, \"attempt_p50\": ",
            ds->rcpts, ds->attempts, ds->ok, ds->defer, ds->fail);
    json_write_opt(f, ds->p50, JSON_G);
    fputs(", \"attempt_p95\": ", f);
    json_write_opt(f, ds->p95, JSON_G);
    fprintf(f, ", \"latency_model\": \"%s\", \"outcome_model\": \"%s\", "
               "\"outages\": [",
            ds->own_latency ? "empirical" : "pooled",
            ds->own_outcome ? "own" : "pooled");
    for (size_t i = 0; i < ds->nout; i++) {
        const struct fit_outage *o = &s->outs[ds->first_out + i];
        fprintf(f, "%s{\"from\": %.6f, \"to\": %.6f, \"open_at_end\": %s, "
                   "\"deferrals\": %llu}",
                i ? ", " : "", o->from, o->to, o->open ? "true" : "false",
                o->attempts);
    }
    fputs("]}", f);
}

/* examples - a JSON array of example lines */
static void examples(FILE *f, const struct fit_example *ex, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        fputs("{\"file\": ", f);
        json_write_str(f, ex[i].file);
        fprintf(f, ", \"line\": %lu, \"text\": ", ex[i].line);
        json_write_str(f, ex[i].text);
        fputc('}', f);
    }
    fputc(']', f);
}

/* fit_write_json - observed.json */
int fit_write_json(FILE *f, const struct fit_log *lg, const struct fit_sum *s)
{
    char when[64];
    iso(s->origin, when, sizeof when);
    fputs("{\n  \"files\": [", f);
    for (size_t i = 0; i < lg->nfiles; i++) {
        fputs(i ? ", " : "", f);
        json_write_str(f, lg->files[i]);
    }
    fprintf(f, "],\n  \"origin\": %lld, \"origin_utc\": \"%s\", \"start\": "
               "%.6f, \"end\": %.6f,\n",
            (long long)(s->origin / QC_SEC), when, s->start, s->end);
    fprintf(f, "  \"window\": {\"start\": %.6f, \"end\": %.6f},\n",
            s->start, s->end);
    fprintf(f, "  \"lines\": %llu, \"parsed\": %llu, \"other\": %llu, "
               "\"unparsed\": %llu, \"unparsed_examples\": ",
            lg->lines, lg->parsed, lg->other, lg->unparsed);
    examples(f, lg->examples, lg->nexamples);
    fprintf(f, ",\n  \"restarts\": %llu, \"lost_attempts\": %llu, "
               "\"results_without_start\": %llu, \"ends_without_message\": "
               "%llu, \"reused_message_numbers\": %llu, \"lines_out_of_order\":"
               " %llu,\n  \"out_of_order_examples\": ",
            lg->restarts, lg->lost, lg->orphan_results, lg->orphan_ends,
            lg->reused_msgs, lg->backwards);
    examples(f, lg->back_ex, lg->nback_ex);
    fprintf(f, ",\n  \"lines_far_from_neighbours\": %llu, "
               "\"far_examples\": ", lg->far);
    examples(f, lg->far_ex, lg->nfar_ex);
    fputs(",\n", f);
    fprintf(f, "  \"carried_over\": {\"messages\": %llu, \"replayed\": %zu, "
               "\"birth_from_retry_gap\": %llu, \"birth_at_due\": %llu, "
               "\"waiting_for_a_slot\": %llu,\n    \"assumption\": "
               "\"in qmail-send's queue from the log's start with the "
               "recipients the log shows; due at the window's start when "
               "their channel was at its limit (or one below) as the log "
               "first tried them (waiting for a slot), else at that first "
               "attempt (waiting for a retry); birth from the gap between a "
               "deferral and the next attempt of a recipient (qmail's retry "
               "schedule, the age whose scheduled gap is nearest), else the "
               "due time\"},\n",
            s->carried, s->ncarry, s->carried_from_gap,
            (unsigned long long)s->ncarry - s->carried_from_gap,
            s->carried_waited);
    fputs("  \"queuelifetime\": ", f);
    if (s->lifetime < 0)
        fputs("null", f);
    else
        fprintf(f, "{\"estimate\": %.0f, \"above\": %.6g, \"at_most\": "
                   "%.6g, \"failures\": %llu}", s->lifetime, s->lifetime_lo,
                s->lifetime_hi, lg->expired);
    fputs(",\n", f);
    fprintf(f, "  \"messages\": {\"arrived\": %llu, \"complete\": %llu, "
               "\"carried_over\": %llu, \"unfinished\": %llu, \"bounces\": "
               "%llu, \"arrived_without_recipients\": %llu},\n"
               "  \"recipients\": %llu, \"attempts\": %zu,\n"
               "  \"busiest_hour\": ",
            s->arrived, s->complete, s->carried, s->unfinished, s->bounces,
            s->no_rcpts, s->rcpts, lg->natts);
    if (s->busiest_hour < 0)
        fputs("null", f);
    else
        fprintf(f, "{\"start\": %.0f, \"arrivals\": %llu}", s->busiest_hour,
                s->busiest_arrivals);
    fprintf(f, ",\n  \"sample\": %.6g,\n  \"channels\": [\n", s->sample);
    struct table t;
    fit_chan_table(&t, s);
    for (size_t c = 0; c < t.nrows; c++) {
        chan_json(f, &t, s, (int)c);
        fputs(c + 1 < t.nrows ? ",\n" : "\n", f);
    }
    int failed = t.failed;
    table_free(&t);
    fputs("  ],\n  \"limit_changes\": [", f);
    for (size_t i = 0; i < s->nhups; i++) {
        char name[QC_CHAN_NAME_MAX];
        fprintf(f, "%s{\"time\": %.6f, \"channel\": \"%s\", \"limit\": %u}",
                i ? ", " : "", s->hups[i].t,
                qc_channel_name(s->hups[i].chan, name), s->hups[i].limit);
    }
    fputs("],\n  \"domains\": [\n", f);
    for (size_t d = 0; d < lg->ndoms; d++) {
        dom_json(f, lg, s, d);
        fputs(d + 1 < lg->ndoms ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    return failed || ferror(f) ? -1 : 0;
}

/* fit_write_csv - observed.csv: series.csv's names */
int fit_write_csv(FILE *f, const struct fit_sum *s)
{
    static const struct table_col cols[] = {
        {"time", NULL, "s", TABLE_NUM, 0, TABLE_SIG(6), 0, 0, 0, 0},
        {"channel", NULL, "", TABLE_STR, 0, 0, 0, 0, 0, 0},
        {"delivered", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {"deferred", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {"failed", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {"inflight", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {"limit", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
        {"started", NULL, "", TABLE_UINT, 0, 0, 0, 0, 0, 0},
    };
    struct table t;
    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    for (size_t k = 0; k < s->nrows; k++)
        for (int c = 0; c < s->nchan && table_row(&t) == 0; c++) {
            const struct fit_row *r = &s->rows[k * (size_t)s->nchan +
                                               (size_t)c];
            char name[QC_CHAN_NAME_MAX];
            table_num(&t, 0, (double)(k + 1) * s->sample);
            table_str(&t, 1, qc_channel_name(c, name));
            table_uint(&t, 2, r->ok);
            table_uint(&t, 3, r->defer);
            table_uint(&t, 4, r->fail);
            table_uint(&t, 5, r->inflight);
            table_uint(&t, 6, r->limit);
            table_uint(&t, 7, r->started);
        }
    int rc = table_write_csv(&t, f);
    table_free(&t);
    return rc;
}
