/*
 * fit_report.c - the short report `qchan fit` prints; see fit_out.h.
 */
#include <stdio.h>

#include "fit_out.h"

/* hms - seconds as H:MM:SS */
static const char *hms(double secs, char *buf, size_t cap)
{
    if (secs < 0) {
        snprintf(buf, cap, "-");
        return buf;
    }
    long long s = (long long)(secs + 0.5);
    snprintf(buf, cap, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

/* warn - "warning: N lines WHAT, first:" and the examples */
static void warn(FILE *out, unsigned long long n, const char *unit,
                 const char *what, const struct fit_example *ex, size_t nex)
{
    if (n == 0)
        return;
    fprintf(out, "\nwarning: %llu %s%s %s; first:\n", n, unit,
            n == 1 ? "" : "s", what);
    for (size_t i = 0; i < nex; i++)
        fprintf(out, "  %s:%lu: %s\n", ex[i].file, ex[i].line, ex[i].text);
}

/* fit_report - messages, recipients, attempts, busiest hour, limits */
void fit_report(FILE *out, const struct fit_log *lg, const struct fit_sum *s)
{
    char a[32], b[32];
    fprintf(out, "log: %zu file%s, %llu lines (%llu unparsed), window %s to "
                 "%s after the hour of the first line\n",
            lg->nfiles, lg->nfiles == 1 ? "" : "s", lg->lines, lg->unparsed,
            hms(s->start, a, sizeof a), hms(s->end, b, sizeof b));
    fprintf(out, "messages: %llu arrived (%llu complete, %llu bounces), %llu "
                 "carried over from before the log, %llu unfinished at its "
                 "end\n",
            s->arrived, s->complete, s->bounces, s->carried, s->unfinished);
    fprintf(out, "recipients: %llu; attempts: %zu\n", s->rcpts, lg->natts);
    if (lg->restarts || lg->lost || lg->orphan_results || lg->reused_msgs)
        fprintf(out, "restarts: %llu (%llu attempts lost), %llu results "
                     "of deliveries started before the log, %llu message "
                     "numbers reused\n",
                lg->restarts, lg->lost, lg->orphan_results, lg->reused_msgs);
    if (s->busiest_hour >= 0)
        fprintf(out, "busiest hour: from %s, %llu arrivals\n",
                hms(s->busiest_hour, a, sizeof a), s->busiest_arrivals);
    struct table t;
    fputc('\n', out);
    fit_chan_table(&t, s);
    table_write_text(&t, out, 0);
    table_free(&t);
    fputs("(p50, p95, p99: arrival to final outcome; attempt: one attempt; "
          "pending: recipients without a final outcome at the window's "
          "end)\n", out);
    if (s->nouts) {
        fprintf(out, "\ndeferral runs kept as outages:\n");
        for (size_t i = 0; i < s->nouts && i < 10; i++)
            fprintf(out, "  %s from %s to %s%s (%llu deferrals)\n",
                    lg->doms[s->outs[i].dom].name,
                    hms(s->outs[i].from, a, sizeof a),
                    hms(s->outs[i].to, b, sizeof b),
                    s->outs[i].open ? " (the log's end: still open)" : "",
                    s->outs[i].attempts);
        if (s->nouts > 10)
            fprintf(out, "  ... %zu more in observed.json\n", s->nouts - 10);
    }
    warn(out, lg->backwards, "line", "out of order (earlier than the line "
         "before; counted, read as they stand)", lg->back_ex, lg->nback_ex);
    warn(out, lg->far, "line", "with a time far (over an hour) from its "
         "neighbours (left out of the window)", lg->far_ex, lg->nfar_ex);
    warn(out, lg->unparsed, "line", "skipped: not a qmail-send line this "
         "reader knows", lg->examples, lg->nexamples);
}
