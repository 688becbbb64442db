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

/* fit_report - messages, recipients, attempts, busiest hour, limits */
void fit_report(FILE *out, const struct fit_log *lg, const struct fit_sum *s)
{
    char a[32], b[32], name[QC_CHAN_NAME_MAX];
    fprintf(out, "log: %zu file%s, %llu lines (%llu unparsed), %s to %s "
                 "after the hour of the first line\n",
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
    fprintf(out, "\n%-8s %9s %9s %9s %9s %6s %6s %6s %9s %9s\n", "channel",
            "attempts", "delivered", "deferred", "failed", "p50", "p95",
            "limit", "max-infl", "at-limit");
    for (int c = 0; c < s->nchan; c++) {
        const struct fit_chan_sum *cs = &s->chans[c];
        char p50[16], p95[16], lim[16], at[16];
        snprintf(p50, sizeof p50, cs->p50 < 0 ? "-" : "%.3g", cs->p50);
        snprintf(p95, sizeof p95, cs->p95 < 0 ? "-" : "%.3g", cs->p95);
        snprintf(lim, sizeof lim, cs->limit_max ? "%u" : "-", cs->limit_max);
        snprintf(at, sizeof at, cs->at_limit < 0 ? "-" : "%.1f%%",
                 100 * cs->at_limit);
        fprintf(out, "%-8s %9llu %9llu %9llu %9llu %6s %6s %6s %9u %9s\n",
                qc_channel_name(c, name), cs->attempts, cs->delivered,
                cs->deferred, cs->failed, p50, p95, lim, cs->max_inflight,
                at);
    }
    if (s->nouts) {
        fprintf(out, "\ndeferral runs kept as outages:\n");
        for (size_t i = 0; i < s->nouts && i < 10; i++)
            fprintf(out, "  %s from %s to %s (%llu deferrals)\n",
                    lg->doms[s->outs[i].dom].name,
                    hms(s->outs[i].from, a, sizeof a),
                    hms(s->outs[i].to, b, sizeof b), s->outs[i].attempts);
        if (s->nouts > 10)
            fprintf(out, "  ... %zu more in observed.json\n", s->nouts - 10);
    }
    if (lg->unparsed) {
        fprintf(out, "\n%llu line%s not understood, for example:\n",
                lg->unparsed, lg->unparsed == 1 ? "" : "s");
        for (size_t i = 0; i < lg->nexamples; i++)
            fprintf(out, "  %s:%lu: %s\n", lg->examples[i].file,
                    lg->examples[i].line, lg->examples[i].text);
    }
}
