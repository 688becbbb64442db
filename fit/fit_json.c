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

/* iso - the UTC time of a log time, "2024-01-02T03:04:05Z" */
static void iso(int64_t t, char *buf, size_t cap)
{
    time_t sec = (time_t)(t / QC_SEC);
    struct tm tm;
    if (!gmtime_r(&sec, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ",
                                          &tm))
        snprintf(buf, cap, "?");
}

/* chan_json - one channel object */
static void chan_json(FILE *f, const struct fit_sum *s, int c)
{
    const struct fit_chan_sum *cs = &s->chans[c];
    char name[QC_CHAN_NAME_MAX];
    fprintf(f, "    {\"name\": ");
    json_write_str(f, qc_channel_name(c, name));
    fprintf(f, ", \"limit\": %u, \"limit_max\": %u, \"max_inflight\": %u,\n"
               "     \"attempts\": %llu, \"delivered\": %llu, \"deferred\": "
               "%llu, \"failed\": %llu, \"lost\": %llu, \"in_flight_at_end\": "
               "%llu,\n     \"recipients\": %llu, \"recipients_delivered\": "
               "%llu, \"recipients_failed\": %llu, \"recipients_pending\": "
               "%llu, \"left_at_window_end\": %llu,\n     \"latency_p50\": ",
            cs->limit_first, cs->limit_max, cs->max_inflight, cs->attempts,
            cs->delivered, cs->deferred, cs->failed, cs->lost, cs->open,
            cs->rcpts, cs->rcpt_delivered, cs->rcpt_failed, cs->rcpt_pending,
            cs->rcpt_pending);
    json_write_opt(f, cs->lat_p50, JSON_G);
    fputs(", \"latency_p95\": ", f);
    json_write_opt(f, cs->lat_p95, JSON_G);
    fputs(", \"latency_p99\": ", f);
    json_write_opt(f, cs->lat_p99, JSON_G);
    fprintf(f, ", \"latency_recipients\": %llu, \"start_delay_p50\": ",
            cs->lat_n);
    json_write_opt(f, cs->start_delay_p50, JSON_G);
    fputs(",\n     \"attempt_p50\": ", f);
    json_write_opt(f, cs->p50, JSON_G);
    fputs(", \"attempt_p90\": ", f);
    json_write_opt(f, cs->p90, JSON_G);
    fputs(", \"attempt_p95\": ", f);
    json_write_opt(f, cs->p95, JSON_G);
    fputs(", \"attempt_p99\": ", f);
    json_write_opt(f, cs->p99, JSON_G);
    fputs(", \"attempt_max\": ", f);
    json_write_opt(f, cs->max, JSON_G);
    fputs(",\n     \"at_limit_fraction\": ", f);
    json_write_opt(f, cs->at_limit, JSON_G);
    fprintf(f, ", \"busiest_burst\": {\"start\": %.6g, \"recipients\": %llu, "
               "\"clear_time\": ",
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
    for (int c = 0; c < s->nchan; c++) {
        chan_json(f, s, c);
        fputs(c + 1 < s->nchan ? ",\n" : "\n", f);
    }
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
    return ferror(f) ? -1 : 0;
}

/* fit_write_csv - observed.csv */
int fit_write_csv(FILE *f, const struct fit_sum *s)
{
    fputs("time,channel,delivered,deferred,failed,inflight,limit,started\n",
          f);
    for (size_t k = 0; k < s->nrows; k++)
        for (int c = 0; c < s->nchan; c++) {
            const struct fit_row *r = &s->rows[k * (size_t)s->nchan +
                                               (size_t)c];
            char name[QC_CHAN_NAME_MAX];
            fprintf(f, "%.6g,%s,%llu,%llu,%llu,%u,%u,%llu\n",
                    (double)(k + 1) * s->sample, qc_channel_name(c, name),
                    r->ok, r->defer, r->fail, r->inflight, r->limit,
                    r->started);
        }
    return ferror(f) ? -1 : 0;
}
