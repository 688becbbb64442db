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
#include "sim.h"

/* secs - a time in seconds */
static double secs(qc_time t)
{
    return (double)t / QC_SEC;
}

/* lat - a latency cell: seconds or "-" */
static const char *lat(double v, char buf[32])
{
    if (v < 0)
        snprintf(buf, 32, "-");
    else
        snprintf(buf, 32, "%.3f", v);
    return buf;
}

/* sim_report_text - the readable summary */
void sim_report_text(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r)
{
    char a[32], b[32], c3[32];
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
    fprintf(out, "\n%-8s %8s %8s %9s %9s %8s %7s %7s %8s %8s %8s %7s\n",
            "channel", "limit", "peak", "attempts", "delivered", "deferred",
            "failed", "pending", "p50(s)", "p95(s)", "p99(s)", "queue");
    for (int c = 0; c < r->nchan; c++) {
        const struct sim_chan_result *ch = &r->chans[c];
        fprintf(out, "%-8s %8u %8u %9llu %9llu %8llu %7llu %7llu %8s %8s "
                "%8s %7llu\n", ch->name, ch->concurrency, ch->max_inflight,
                ch->attempts, ch->delivered, ch->deferred, ch->failed,
                ch->pending, lat(ch->p50, a), lat(ch->p95, b),
                lat(ch->p99, c3), ch->max_queue);
    }
    fprintf(out, "(limit: in force at the end; peak: most deliveries in "
            "flight; latency: arrival to final outcome; queue: most messages "
            "waiting)\n");
    fprintf(out, "\n%-14s %9s %9s %9s  %s\n", "process", "fds-peak",
            "highest", "limit", "limit reached");
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct sim_proc_result *p = &r->procs[i];
        char hi[32];
        if (strcmp(p->name, "qmailr") == 0 || strcmp(p->name, "system") == 0)
            snprintf(hi, sizeof hi, "-");
        else
            snprintf(hi, sizeof hi, "%llu", p->fd_highest);
        char reached[64] = "no";
        if (p->exhausted)
            snprintf(reached, sizeof reached, "%s at %.3f s", p->exhausted_by,
                     secs(p->exhausted_at));
        fprintf(out, "%-14s %9llu %9s %9llu  %s%s\n", p->name, p->fd_peak, hi,
                p->fd_limit, reached,
                strcmp(p->name, "qmailr") == 0 ? " (processes vs nproc)"
                : strcmp(p->name, "system") == 0 ? " (vs file-max)" : "");
    }
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
        for (size_t i = 0; i < r->nexpects; i++) {
            const struct sim_expect_result *x = &r->expects[i];
            char v[48];
            if (x->has_value)
                snprintf(v, sizeof v, "%.6g", x->value);
            else
                snprintf(v, sizeof v, "no value");
            fprintf(out, "  %-4s line %-4u %-40s (value %s)\n",
                    x->ok ? "ok" : "FAIL", x->line, x->text, v);
        }
    }
    if (r->nviolations) {
        fprintf(out, "\nINVARIANT BROKEN (a bug in qchan):\n");
        for (size_t i = 0; i < r->nviolations && i < 50; i++)
            fprintf(out, "  %s\n", r->violations[i]);
        if (r->nviolations > 50)
            fprintf(out, "  ... %zu more\n", r->nviolations - 50);
    }
}


/* json_str_or_null - a string, or null */
static void json_str_or_null(FILE *out, const char *s)
{
    if (s && *s)
        json_write_str(out, s);
    else
        fputs("null", out);
}

/* json_finding - one finding: its fields, then the sentence made from
 * them (for people; programs read the fields) */
static void json_finding(FILE *out, const struct sim_finding *f)
{
    char cn[QC_CHAN_NAME_MAX] = "", text[768];
    if (f->chan >= 0)
        qc_channel_name(f->chan, cn);
    fprintf(out, "{\"time\": %.6f, \"kind\": \"%s\", \"channel\": ",
            secs(f->t), sim_finding_kind_name(f->kind));
    json_str_or_null(out, cn);
    fputs(", \"process\": ", out);
    json_str_or_null(out, f->process);
    fputs(", \"limit\": ", out);
    json_str_or_null(out, f->limit);
    if (f->limit)
        fprintf(out, ", \"limit_value\": %llu", f->limit_value);
    else
        fputs(", \"limit_value\": null", out);
    if (f->value)
        fprintf(out, ", \"value\": %llu", f->value);
    else
        fputs(", \"value\": null", out);
    fputs(", \"effect\": ", out);
    json_str_or_null(out, sim_finding_effect_name(f->effect));
    if (f->kind == SIM_FIND_HUP_ERROR)
        fprintf(out, ", \"line\": %u", f->line);
    else
        fputs(", \"line\": null", out);
    fputs(", \"text\": ", out);
    sim_finding_text(f, text, sizeof text);
    json_write_str(out, text);
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
    fprintf(out, ",\n  \"drained\": %s,\n  \"drain_time\": ",
            r->drained ? "true" : "false");
    json_write_opt(out, r->drained ? secs(r->drain_time) : -1, 6);
    fprintf(out, ",\n  \"end_time\": %.6f,\n  \"messages\": %llu,\n"
            "  \"recipients\": %llu,\n  \"events\": %llu,\n"
            "  \"todo_pending\": %llu,\n  \"channels\": [",
            secs(r->end_time), r->messages, r->recipients, r->events,
            r->todo_pending);
    for (int c = 0; c < r->nchan; c++) {
        const struct sim_chan_result *ch = &r->chans[c];
        fputs(c ? ",\n    {" : "\n    {", out);
        fputs("\"name\": ", out);
        json_write_str(out, ch->name);
        fprintf(out, ", \"concurrency\": %u, \"max_concurrency\": %u, "
                "\"max_inflight\": %u, \"attempts\": %llu, \"delivered\": "
                "%llu, \"deferred\": %llu, \"failed\": %llu, \"pending\": "
                "%llu, \"spawn_errors\": %llu, \"latency_p50\": ",
                ch->concurrency, ch->max_limit, ch->max_inflight,
                ch->attempts, ch->delivered, ch->deferred, ch->failed,
                ch->pending, ch->spawn_errors);
        json_write_opt(out, ch->p50, 6);
        fputs(", \"latency_p95\": ", out);
        json_write_opt(out, ch->p95, 6);
        fputs(", \"latency_p99\": ", out);
        json_write_opt(out, ch->p99, 6);
        fprintf(out, ", \"max_queue\": %llu}", ch->max_queue);
    }
    fputs("\n  ],\n  \"processes\": [", out);
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct sim_proc_result *p = &r->procs[i];
        int procs = strcmp(p->name, "qmailr") == 0;
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"name\": ", out);
        json_write_str(out, p->name);
        fprintf(out, ", \"unit\": \"%s\", \"fd_peak\": %llu, "
                "\"fd_highest\": %llu, \"fd_limit\": %llu, \"exhausted\": %s",
                procs ? "processes" : "descriptors", p->fd_peak,
                p->fd_highest, p->fd_limit, p->exhausted ? "true" : "false");
        if (p->exhausted) {
            fputs(", \"exhausted_by\": ", out);
            json_write_str(out, p->exhausted_by);
            fprintf(out, ", \"exhausted_at\": %.6f", secs(p->exhausted_at));
        }
        fputc('}', out);
    }
    fputs("\n  ],\n  \"expect\": [", out);
    for (size_t i = 0; i < r->nexpects; i++) {
        const struct sim_expect_result *x = &r->expects[i];
        fprintf(out, "%s{\"line\": %u, \"text\": ", i ? ",\n    " : "\n    ",
                x->line);
        json_write_str(out, x->text);
        fprintf(out, ", \"ok\": %s, \"value\": ", x->ok ? "true" : "false");
        if (x->has_value)
            fprintf(out, "%.6f", x->value);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs(r->nexpects ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [",
          out);
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
