/*
 * sim_report.c - the run's summary for people (text) and programs (JSON).
 *
 *	sim_report_text(out, sc, r)	per channel, per process, findings,
 *					expects, drain time
 *	sim_report_json(out, sc, r)	summary.json (keys in docs/scenarios.md)
 *
 * Numbers are printed with fixed precision and no wall-clock figure
 * appears, so equal runs give equal bytes.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "metric.h"
#include "sim.h"
#include "table.h"

/* secs - a time in seconds */
static double secs(qc_time t)
{
    return (double)t / QC_SEC;
}

/* the channel table: summary.json's "channels" and the printed table */
enum { CH_NAME, CH_LIMIT, CH_MAX_LIMIT, CH_PEAK, CH_ATTEMPTS, CH_DELIVERED,
       CH_DEFERRED, CH_FAILED, CH_PENDING, CH_SPAWN_ERRORS, CH_P50, CH_P95,
       CH_P99, CH_QUEUE, CH_N };
static const struct table_col chan_cols[CH_N] = {
    [CH_NAME] = {"name", "channel", "", TABLE_STR, 0, 0, 8, 0, 0, 0},
    [CH_LIMIT] = {METRIC_CONCURRENCY, TABLE_UINT, 0, 0, 8, 0, 0, 0},
    [CH_MAX_LIMIT] = {METRIC_MAX_CONCURRENCY, TABLE_UINT, 0, 0, 0, 0, 0,
                      TABLE_NOTEXT},
    [CH_PEAK] = {METRIC_MAX_INFLIGHT, TABLE_UINT, 0, 0, 8, 0, 0, 0},
    [CH_ATTEMPTS] = {METRIC_ATTEMPTS, TABLE_UINT, 0, 0, 9, 0, 0, 0},
    [CH_DELIVERED] = {METRIC_DELIVERED, TABLE_UINT, 0, 0, 9, 0, 0, 0},
    [CH_DEFERRED] = {METRIC_DEFERRED, TABLE_UINT, 0, 0, 8, 0, 0, 0},
    [CH_FAILED] = {METRIC_FAILED, TABLE_UINT, 0, 0, 7, 0, 0, 0},
    [CH_PENDING] = {METRIC_PENDING, TABLE_UINT, 0, 0, 7, 0, 0, 0},
    [CH_SPAWN_ERRORS] = {METRIC_SPAWN_ERRORS, TABLE_UINT, 0, 0, 0, 0, 0,
                         TABLE_NOTEXT},
    [CH_P50] = {METRIC_LATENCY_P50, TABLE_NUM, 3, 6, 8, 0, 0, TABLE_UNIT},
    [CH_P95] = {METRIC_LATENCY_P95, TABLE_NUM, 3, 6, 8, 0, 0, TABLE_UNIT},
    [CH_P99] = {METRIC_LATENCY_P99, TABLE_NUM, 3, 6, 8, 0, 0, TABLE_UNIT},
    [CH_QUEUE] = {METRIC_MAX_QUEUE, TABLE_UINT, 0, 0, 7, 0, 0, 0},
};

/* chan_table - one row per channel */
static void chan_table(struct table *t, const struct sim_result *r)
{
    table_init(t, chan_cols, CH_N);
    for (int c = 0; c < r->nchan && table_row(t) == 0; c++) {
        const struct sim_chan_result *ch = &r->chans[c];
        table_str(t, CH_NAME, ch->name);
        table_uint(t, CH_LIMIT, ch->concurrency);
        table_uint(t, CH_MAX_LIMIT, ch->max_limit);
        table_uint(t, CH_PEAK, ch->max_inflight);
        table_uint(t, CH_ATTEMPTS, ch->attempts);
        table_uint(t, CH_DELIVERED, ch->delivered);
        table_uint(t, CH_DEFERRED, ch->deferred);
        table_uint(t, CH_FAILED, ch->failed);
        table_uint(t, CH_PENDING, ch->pending);
        table_uint(t, CH_SPAWN_ERRORS, ch->spawn_errors);
        table_opt(t, CH_P50, ch->p50);
        table_opt(t, CH_P95, ch->p95);
        table_opt(t, CH_P99, ch->p99);
        table_uint(t, CH_QUEUE, ch->max_queue);
    }
}

/* the process table: summary.json's "processes" and the printed table */
enum { PR_NAME, PR_UNIT, PR_PEAK, PR_HIGHEST, PR_LIMIT, PR_EXHAUSTED,
       PR_BY, PR_AT, PR_N };
static const struct table_col proc_cols[PR_N] = {
    [PR_NAME] = {"name", "process", "", TABLE_STR, 0, 0, 14, 0, 0, 0},
    [PR_UNIT] = {"unit", NULL, "", TABLE_STR, 0, 0, 0, 0, 0, TABLE_NOTEXT},
    [PR_PEAK] = {METRIC_FD_PEAK, TABLE_UINT, 0, 0, 9, 0, 0, 0},
    [PR_HIGHEST] = {METRIC_FD_HIGHEST, TABLE_UINT, 0, 0, 9, 0, 0, 0},
    [PR_LIMIT] = {METRIC_FD_LIMIT, TABLE_UINT, 0, 0, 9, 0, 0, 0},
    [PR_EXHAUSTED] = {METRIC_EXHAUSTED, TABLE_BOOL, 0, 0, 0, 0, 2, 0},
    [PR_BY] = {"exhausted_by", NULL, "", TABLE_STR, 0, 0, 0, 0, 0,
               TABLE_NOTEXT},
    [PR_AT] = {"exhausted_at", NULL, "s", TABLE_NUM, 3, 6, 0, 0, 0,
               TABLE_NOTEXT},
};

/* proc_table - one row per process; qmailr counts processes against
 * nproc, system the machine's descriptors against file-max: neither
 * has a highest descriptor */
static void proc_table(struct table *t, const struct sim_result *r)
{
    table_init(t, proc_cols, PR_N);
    for (size_t i = 0; i < r->nprocs && table_row(t) == 0; i++) {
        const struct sim_proc_result *p = &r->procs[i];
        int procs = strcmp(p->name, "qmailr") == 0;
        int sys = strcmp(p->name, "system") == 0;
        table_str(t, PR_NAME, p->name);
        table_str(t, PR_UNIT, procs ? "processes" : "descriptors");
        table_uint(t, PR_PEAK, p->fd_peak);
        table_uint(t, PR_HIGHEST, p->fd_highest);
        if (procs || sys)
            table_show(t, PR_HIGHEST, "-");
        table_uint(t, PR_LIMIT, p->fd_limit);
        table_bool(t, PR_EXHAUSTED, p->exhausted);
        char reached[96] = "no";
        if (p->exhausted) {
            table_str(t, PR_BY, p->exhausted_by);
            table_num(t, PR_AT, secs(p->exhausted_at));
            snprintf(reached, sizeof reached, "%s at %.3f s", p->exhausted_by,
                     secs(p->exhausted_at));
        }
        if (procs || sys)
            strcat(reached, procs ? " (processes vs nproc)" : " (vs file-max)");
        table_show(t, PR_EXHAUSTED, reached);
    }
}

/* the expect lines: summary.json's "expect" and the printed verdicts */
enum { EX_LINE, EX_TEXT, EX_OK, EX_VALUE, EX_N };
static const struct table_col expect_cols[EX_N] = {
    [EX_LINE] = {"line", "", "", TABLE_UINT, 0, 0, 14, TABLE_LEFT, 0, 0},
    [EX_TEXT] = {"text", "", "", TABLE_STR, 0, 0, 40, 0, 0, 0},
    [EX_OK] = {"ok", "", "", TABLE_BOOL, 0, 0, 0, 0, 0, TABLE_NOTEXT},
    [EX_VALUE] = {"value", "", "", TABLE_NUM, 0, 6, 0, TABLE_LEFT, 0, 0},
};

/* expect_table - a row per expect line; the text reads
 * "ok   line 29   max-inflight remote <= 20   (value 20)" */
static void expect_table(struct table *t, const struct sim_result *r)
{
    table_init(t, expect_cols, EX_N);
    for (size_t i = 0; i < r->nexpects && table_row(t) == 0; i++) {
        const struct sim_expect_result *x = &r->expects[i];
        char buf[64];
        table_uint(t, EX_LINE, x->line);
        snprintf(buf, sizeof buf, "%-4s line %u", x->ok ? "ok" : "FAIL",
                 x->line);
        table_show(t, EX_LINE, buf);
        table_str(t, EX_TEXT, x->text);
        table_bool(t, EX_OK, x->ok);
        if (x->has_value) {
            table_num(t, EX_VALUE, x->value);
            snprintf(buf, sizeof buf, "(value %.6g)", x->value);
        } else {
            snprintf(buf, sizeof buf, "(value no value)");
        }
        table_show(t, EX_VALUE, buf);
    }
}

/* sim_report_text - the readable summary */
void sim_report_text(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r)
{
    fprintf(out, "qchan run: scenario %s, seed %llu, profile %s\n", sc->name,
            (unsigned long long)sc->seed, sim_scn_profile_name(sc->profile));
    fprintf(out, "%llu messages, %llu recipients, %llu events; ",
            r->messages, r->recipients, r->events);
    if (r->drained)
        fprintf(out, "drained at %.3f s\n", secs(r->drain_time));
    else
        fprintf(out, "NOT drained at the end (%.3f s)%s\n", secs(r->end_time),
                r->todo_pending ? "" : "");
    if (r->todo_pending)
        fprintf(out, "%llu messages still waiting for qmail-todo\n",
                r->todo_pending);
    struct table t;
    fputc('\n', out);
    chan_table(&t, r);
    table_write_text(&t, out, 0);
    table_free(&t);
    fprintf(out, "(limit: in force at the end; peak in flight: most "
            "deliveries at once; latency: arrival to final outcome; peak "
            "queue: most messages waiting)\n\n");
    proc_table(&t, r);
    table_write_text(&t, out, 0);
    table_free(&t);
    if (r->nfindings) {
        fprintf(out, "\nfindings:\n");
        for (size_t i = 0; i < r->nfindings; i++) {
            char text[768];
            sim_finding_text(&r->findings[i], text, sizeof text);
            fprintf(out, "  %10.3f s  %s\n", secs(r->findings[i].t), text);
        }
    }
    if (r->nexpects) {
        fprintf(out, "\nexpect:\n");
        expect_table(&t, r);
        table_write_text(&t, out, 2);
        table_free(&t);
    }
    if (r->nviolations) {
        fprintf(out, "\nINVARIANT BROKEN (a bug in qchan):\n");
        for (size_t i = 0; i < r->nviolations && i < 50; i++)
            fprintf(out, "  %s\n", r->violations[i]);
        if (r->nviolations > 50)
            fprintf(out, "  ... %zu more\n", r->nviolations - 50);
    }
}


/* nonempty - s, or NULL for none or "" (null in JSON) */
static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* json_finding - one finding: its fields, then the sentence made from
 * them (for people; programs read the fields) */
static void json_finding(FILE *out, const struct sim_finding *f)
{
    char cn[QC_CHAN_NAME_MAX] = "", text[768];
    if (f->chan >= 0)
        qc_channel_name(f->chan, cn);
    fprintf(out, "{\"time\": %.6f, \"kind\": \"%s\"", secs(f->t),
            sim_finding_kind_name(f->kind));
    json_write_member(out, ", ", "channel", nonempty(cn));
    json_write_member(out, ", ", "process", nonempty(f->process));
    json_write_member(out, ", ", "limit", nonempty(f->limit));
    if (f->limit)
        fprintf(out, ", \"limit_value\": %llu", f->limit_value);
    else
        fputs(", \"limit_value\": null", out);
    if (f->value)
        fprintf(out, ", \"value\": %llu", f->value);
    else
        fputs(", \"value\": null", out);
    json_write_member(out, ", ", "effect",
                      nonempty(sim_finding_effect_name(f->effect)));
    if (f->kind == SIM_FIND_HUP_ERROR)
        fprintf(out, ", \"line\": %u", f->line);
    else
        fputs(", \"line\": null", out);
    sim_finding_text(f, text, sizeof text);
    json_write_member(out, ", ", "text", text);
    fputc('}', out);
}

/* sim_report_json - summary.json */
void sim_report_json(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r)
{
    fputs("{\n  \"scenario\": ", out);
    json_write_str(out, sc->name);
    fprintf(out, ",\n  \"seed\": %llu,\n  \"profile\": ",
            (unsigned long long)sc->seed);
    json_write_str(out, sim_scn_profile_name(sc->profile));
#define KEY(m) "\n  \"" METRIC_KEY(m) "\": "
    fprintf(out, ",\n  \"drained\": %s," KEY(METRIC_DRAIN_TIME),
            r->drained ? "true" : "false");
    json_write_opt(out, r->drained ? secs(r->drain_time) : -1, 6);
    fprintf(out, "," KEY(METRIC_END_TIME) "%.6f," KEY(METRIC_MESSAGES)
            "%llu," KEY(METRIC_RECIPIENTS) "%llu," KEY(METRIC_EVENTS) "%llu,"
            KEY(METRIC_TODO_PENDING) "%llu,\n  \"channels\": ",
            secs(r->end_time), r->messages, r->recipients, r->events,
            r->todo_pending);
#undef KEY
    struct table t;
    chan_table(&t, r);
    table_write_json(&t, out, 2);
    table_free(&t);
    fputs(",\n  \"processes\": ", out);
    proc_table(&t, r);
    table_write_json(&t, out, 2);
    table_free(&t);
    fputs(",\n  \"expect\": ", out);
    expect_table(&t, r);
    table_write_json(&t, out, 2);
    table_free(&t);
    fputs(",\n  \"findings\": [", out);
    for (size_t i = 0; i < r->nfindings; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        json_finding(out, &r->findings[i]);
    }
    fputs(r->nfindings ? "\n  ],\n" : "],\n", out);
    fputs("  \"violations\": [", out);
    for (size_t i = 0; i < r->nviolations && i < 50; i++) {
        fputs(i ? ", " : "", out);
        json_write_str(out, r->violations[i]);
    }
    fputs("]\n}\n", out);
}
