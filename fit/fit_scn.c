/*
 * fit_scn.c - the replay scenario: replay.scn, its traffic.csv and the
 * empirical latency tables under latency/; see fit_out.h and
 * docs/scenarios.md for the grammar it writes.
 *
 * Choices that make the replay follow the log:
 *   - arrivals are the "new msg" times, where qmail-todo takes a message
 *     up; its work until qmail-send can start the message is todo-delay,
 *     the median wait from "new msg" to the first delivery on a channel
 *     that is seldom full (0 in a log the simulator wrote);
 *   - a message's recipients are those the log saw start a delivery; a
 *     message that arrived but never started one cannot be replayed and
 *     is only counted;
 *   - messages queued before the log began ("carried over") are
 *     replayed from carried.csv: present from the log's start, first
 *     tried when the log first tried them, with the recipients the log
 *     shows and a birth estimated from their retry gaps (fit_carry.c);
 *   - the replay runs for the observed window and stops at its end, so
 *     what the log left undone is "left at window end" in both, and an
 *     outage still open at the end stays open;
 *   - the classifier must put each recipient where the log did: domains
 *     delivered locally are listed in locals, those on a supplemental
 *     channel in its supplsK; everything else goes remote by itself;
 *   - the first status line gives the concurrency controls, and every
 *     later change of a limit becomes an "at T hup".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fit_out.h"
#include "path.h"

#define TABLE_MAX 10000

/* csv_safe - addr with the bytes the replay format uses (',' ';' and
 * spaces) replaced, optionally anonymized */
static const char *csv_safe(const char *addr, int anon, char *buf,
                            size_t cap)
{
    char tmp[1024];
    const char *a = anon ? fit_anon(addr, tmp, sizeof tmp) : addr;
    size_t n = 0;
    for (; *a && n + 1 < cap; a++)
        buf[n++] = (*a == ',' || *a == ';' || *a == ' ' || *a == '\t' ||
                    *a == '#') ? '_' : *a;
    buf[n] = '\0';
    return buf;
}

/* word_ok - name can stand as one word of a scenario line */
static int word_ok(const char *name)
{
    if (!*name)
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p <= ' ' || *p > 126 || *p == '#')
            return 0;
    return 1;
}

/* file_name - a domain's table name: the domain itself when it is a
 * plain name, else by index */
static void file_name(const char *dom, size_t d, char *buf, size_t cap)
{
    int plain = *dom && strlen(dom) < 200 && dom[0] != '.';
    for (const char *p = dom; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                *p == '.' || *p == '-' || *p == '_';
    if (plain)
        snprintf(buf, cap, "latency/%s.txt", dom);
    else
        snprintf(buf, cap, "latency/domain-%zu.txt", d);
}

/* create_in - dir/name opened for writing, its path in path[0..pcap);
 * NULL with the reason in err */
static FILE *create_in(const char *dir, const char *name, char *path,
                       size_t pcap, char *err, size_t cap)
{
    snprintf(path, pcap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, cap, "cannot create %s: %s", path, strerror(errno));
    return f;
}

/* close_out - close f, written to path; -1 with the reason (a full disk
 * shows here) in err */
static int close_out(FILE *f, const char *path, char *err, size_t cap)
{
    if (path_fclose(f) == 0)
        return 0;
    snprintf(err, cap, "cannot write %s: %s", path, strerror(errno));
    return -1;
}

/* write_table - sorted values v (at most TABLE_MAX of them, evenly
 * spaced ranks beyond) into dir/name */
static int write_table(const char *dir, const char *name, const double *v,
                       size_t n, char *err, size_t cap)
{
    char path[4096];
    FILE *f = create_in(dir, name, path, sizeof path, err, cap);
    if (!f)
        return -1;
    size_t m = n > TABLE_MAX ? TABLE_MAX : n;
    for (size_t i = 0; i < m; i++) {
        size_t k = n > TABLE_MAX ? (size_t)(((double)i + 0.5) * (double)n /
                                            (double)m)
                                 : i;
        fprintf(f, "%.6f\n", v[k < n ? k : n - 1]);
    }
    if (close_out(f, path, err, cap) < 0)
        return -1;
    return 0;
}

/* write_traffic - traffic.csv: time,sender,rcpt;rcpt... */
static int write_traffic(const char *dir, const struct fit_log *lg,
                         const struct fit_sum *s, int anon, char *err,
                         size_t cap, unsigned long long *rows)
{
    char path[4096];
    FILE *f = create_in(dir, "traffic.csv", path, sizeof path, err, cap);
    if (!f)
        return -1;
    fputs("# time,sender,recipient[;recipient...]: the arrivals of "
          "qmail-send's log\n", f);
    char buf[1024];
    *rows = 0;
    for (size_t i = 0; i < lg->nmsgs; i++) {
        const struct fit_msg *m = &lg->msgs[i];
        if (!m->arrived || m->nrcpt == 0)
            continue;
        fprintf(f, "%.6f,%s,", fit_secs(s, m->arrival),
                csv_safe(m->sender ? m->sender : "", anon, buf, sizeof buf));
        for (uint32_t k = 0; k < m->nrcpt; k++)
            fprintf(f, "%s%s", k ? ";" : "",
                    csv_safe(lg->rcpts[m->rcpts[k]].addr, anon, buf,
                             sizeof buf));
        fputc('\n', f);
        (*rows)++;
    }
    if (close_out(f, path, err, cap) < 0)
        return -1;
    return 0;
}

/* write_carried - carried.csv: first,birth,sender,rcpt;rcpt... */
static int write_carried(const char *dir, const struct fit_log *lg,
                         const struct fit_sum *s, int anon, char *err,
                         size_t cap)
{
    char path[4096];
    FILE *f = create_in(dir, "carried.csv", path, sizeof path, err, cap);
    if (!f)
        return -1;
    fputs("# due,birth,sender,recipient[;recipient...]: messages queued "
          "before the log began.\n# due: the window's start for those "
          "waiting for a free slot, else their first\n# attempt in the log; "
          "birth: estimated from the gap between a deferral and the\n# next "
          "attempt (qmail's retry schedule), else the due time\n", f);
    char buf[1024];
    for (size_t i = 0; i < s->ncarry; i++) {
        const struct fit_carry *c = &s->carry[i];
        const struct fit_msg *m = &lg->msgs[c->msg];
        fprintf(f, "%.6f,%.6f,%s,", c->due, c->birth,
                csv_safe(m->sender ? m->sender : "", anon, buf, sizeof buf));
        for (uint32_t k = 0; k < m->nrcpt; k++)
            fprintf(f, "%s%s", k ? ";" : "",
                    csv_safe(lg->rcpts[m->rcpts[k]].addr, anon, buf,
                             sizeof buf));
        fputc('\n', f);
    }
    if (close_out(f, path, err, cap) < 0)
        return -1;
    return 0;
}

/* A domain with a model of its own (enough attempts, or weights of its
 * own) keeps its own durations for every outcome it had, however few:
 * its one quick 451 says more about its next deferral than the
 * channel's pool, where the timeouts of dead hosts dominate. */
#define OUTCOME_MIN 1

static const char out_code[3] = {'K', 'Z', 'D'};
static const char *const out_word[3] = {"ok", "defer", "fail"};

/* table_arg - write sorted v as dir/file and " latency [WORD ]empirical
 * FILE" to f; frees v; 0 ok (nothing when v is NULL), -1 err says */
static int table_arg(FILE *f, const char *dir, const char *file,
                     const char *word, double *v, size_t n, char *err,
                     size_t cap)
{
    if (!v)
        return 0;
    int rc = write_table(dir, file, v, n, err, cap);
    free(v);
    if (rc < 0)
        return -1;
    fprintf(f, " latency %s%sempirical %s", word ? word : "",
            word ? " " : "", file);
    return 0;
}

/* pool_table - channel c's durations of outcome out (0 any): of its
 * domains without a latency of their own, or of all of them when every
 * domain has one */
static double *pool_table(const struct fit_log *lg, const struct fit_sum *s,
                          int c, char out, size_t *n)
{
    double *v = fit_outcome_latencies(s, lg, UINT32_MAX, c, 0, out, n);
    if (!v && *n == 0)
        v = fit_outcome_latencies(s, lg, UINT32_MAX, c, -1, out, n);
    return v;
}

/* a destination's retries get weights of their own once it has this
 * many: a greylisting host defers first attempts and accepts retries */
#define RETRY_MIN 3

/* weights - " outcome ok A defer B fail C" for every attempt; with
 * enough retries, the first attempts' weights and " retry ..." for the
 * others */
static void weights(FILE *f, double ok, double defer, double fail,
                    double rok, double rdefer, double rfail)
{
    double first = ok + defer + fail - rok - rdefer - rfail;
    if (rok + rdefer + rfail < RETRY_MIN || first <= 0) {
        fprintf(f, " outcome ok %.6g defer %.6g fail %.6g", ok, defer, fail);
        return;
    }
    fprintf(f, " outcome ok %.6g defer %.6g fail %.6g retry ok %.6g defer "
               "%.6g fail %.6g", ok - rok, defer - rdefer, fail - rfail, rok,
            rdefer, rfail);
}

/* models - spawner, domain and outage lines, writing the tables: one
 * duration table per outcome, since a success, a deferral and a failure
 * take different times (a greylisting 451 is quick, a timeout slow);
 * an outage's deferrals have a table of their own and stay out of the
 * domain's */
static int models(FILE *f, const char *dir, const struct fit_log *lg,
                  const struct fit_sum *s, char *err, size_t cap)
{
    char name[QC_CHAN_NAME_MAX], file[300];
    fputs("\n# Destinations: each channel's pooled model, then the domains "
          "with their own;\n# durations per outcome (latency ok|defer|fail), "
          "outage deferrals left out\n", f);
    for (int c = 0; c < s->nchan; c++) {
        const struct fit_chan_sum *cs = &s->chans[c];
        size_t n = 0;
        qc_channel_name(c, name);
        fprintf(f, "spawner %s", name);
        double *v = pool_table(lg, s, c, 0, &n);
        snprintf(file, sizeof file, "latency/channel-%s.txt", name);
        if (table_arg(f, dir, file, NULL, v, n, err, cap) < 0)
            return -1;
        for (int o = 0; o < 3; o++) {
            v = pool_table(lg, s, c, out_code[o], &n);
            snprintf(file, sizeof file, "latency/channel-%s-%s.txt", name,
                     out_word[o]);
            if (table_arg(f, dir, file, out_word[o], v, n, err, cap) < 0)
                return -1;
        }
        weights(f, cs->pool_ok, cs->pool_defer, cs->pool_fail,
                cs->pool_rok, cs->pool_rdefer, cs->pool_rfail);
        fputc('\n', f);
    }
    for (size_t d = 0; d < lg->ndoms; d++) {
        const struct fit_dom_sum *ds = &s->doms[d];
        const unsigned long long count[3] = {ds->n_ok, ds->n_defer,
                                             ds->n_fail};
        int own = ds->own_latency || ds->own_outcome;
        int tables = 0;
        for (int o = 0; o < 3; o++)
            tables += own && count[o] >= OUTCOME_MIN;
        if ((!tables && !ds->own_outcome) || !word_ok(lg->doms[d].name))
            continue;
        fprintf(f, "domain %s", lg->doms[d].name);
        for (int o = 0; o < 3; o++) {
            if (!own || count[o] < OUTCOME_MIN)
                continue;
            size_t n;
            double *v = fit_outcome_latencies(s, lg, (uint32_t)d, ds->chan,
                                              -1, out_code[o], &n);
            char base[280];
            file_name(lg->doms[d].name, d, base, sizeof base);
            /* latency/NAME.txt -> latency/NAME-ok.txt */
            snprintf(file, sizeof file, "%.*s-%s.txt",
                     (int)(strlen(base) - 4), base, out_word[o]);
            if (table_arg(f, dir, file, out_word[o], v, n, err, cap) < 0)
                return -1;
        }
        if (ds->own_outcome)
            weights(f, (double)ds->n_ok, (double)ds->n_defer,
                    (double)ds->n_fail, (double)ds->r_ok,
                    (double)ds->r_defer, (double)ds->r_fail);
        fputc('\n', f);
    }
    if (s->nouts)
        fputs("\n# Deferral runs: the domain deferred every attempt from "
              "to (end: still at the log's end)\n", f);
    for (size_t i = 0; i < s->nouts; i++) {
        const struct fit_outage *o = &s->outs[i];
        if (!word_ok(lg->doms[o->dom].name))
            continue;
        char to[32];
        if (o->open)
            snprintf(to, sizeof to, "end");
        else
            snprintf(to, sizeof to, "%.6f", o->to);
        fprintf(f, "outage %s from %.6f to %s defer", lg->doms[o->dom].name,
                o->from, to);
        size_t n;
        double *v = fit_outage_latencies(s, lg, i, &n);
        snprintf(file, sizeof file, "latency/outage-%zu.txt", i + 1);
        if (table_arg(f, dir, file, NULL, v, n, err, cap) < 0)
            return -1;
        fprintf(f, "   # %llu deferrals\n", o->attempts);
    }
    return 0;
}

/* controls - channels, concurrency, where domains go */
static void controls(FILE *f, const struct fit_log *lg,
                     const struct fit_sum *s)
{
    char name[QC_CHAN_NAME_MAX];
    unsigned top = 0;
    if (!s->have_limits)
        fputs("# no status lines in the log: qmail's default concurrency\n",
              f);
    for (int c = 0; c < s->nchan && s->have_limits; c++) {
        unsigned lim = s->chans[c].limit_first;
        if (lim == 0)
            continue;
        fprintf(f, "control concurrency%s %u\n", qc_channel_name(c, name),
                lim);
        if (s->chans[c].limit_max > top)
            top = s->chans[c].limit_max;
    }
    if (s->lifetime >= 0)
        fprintf(f, "control queuelifetime %.0f   # failures past it in the "
                   "log: between %.0f and %.0f s of age\n",
                s->lifetime, s->lifetime_lo, s->lifetime_hi);
    if (top > 509)
        fprintf(f, "limit conf-spawn %u                # the log ran "
                   "deliveries this wide\n", top);
    for (size_t d = 0; d < lg->ndoms; d++) {
        int c = s->doms[d].chan;
        if (c == QC_CHAN_REMOTE || !word_ok(lg->doms[d].name))
            continue;
        if (c == QC_CHAN_LOCAL)
            fprintf(f, "control locals %s\n", lg->doms[d].name);
        else
            fprintf(f, "control suppls%d %s\n", c - 2, lg->doms[d].name);
    }
}

/* header - what the scenario is and what the log showed */
static void header(FILE *f, const struct fit_log *lg, const struct fit_sum *s,
                   unsigned long long rows)
{
    char name[QC_CHAN_NAME_MAX];
    fprintf(f, "# replay.scn - written by `qchan fit` from %zu log file%s.\n"
               "# Time 0 is the start of the hour of the log's first line "
               "(observed.json: origin).\n"
               "# %llu messages arrived in the log (%llu replayed), %llu "
               "were carried over from before it\n# (carried.csv: %llu with "
               "a birth from their retry gaps).\n"
               "# Observed per channel (attempts: delivered deferred failed):"
               "\n",
            lg->nfiles, lg->nfiles == 1 ? "" : "s", s->arrived, rows,
            (unsigned long long)s->ncarry, s->carried_from_gap);
    for (int c = 0; c < s->nchan; c++)
        fprintf(f, "#   %-8s %llu: %llu %llu %llu\n",
                qc_channel_name(c, name), s->chans[c].attempts,
                s->chans[c].delivered, s->chans[c].deferred,
                s->chans[c].failed);
    fputs("# Ask what-if with: qchan compare replay.scn --set "
          "concurrencyremote=N --vs --set concurrencyremote=M\n\n", f);
}

/* fit_write_scenario - replay.scn and what it reads */
int fit_write_scenario(const char *dir, const struct fit_log *lg,
                       const struct fit_sum *s, const struct fit_opts *o,
                       char *err, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/latency", dir);
    if (mkdir(path, 0777) < 0 && errno != EEXIST) {
        snprintf(err, cap, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    unsigned long long rows;
    if (write_traffic(dir, lg, s, o->anonymize, err, cap, &rows) < 0 ||
        write_carried(dir, lg, s, o->anonymize, err, cap) < 0)
        return -1;
    FILE *f = create_in(dir, "replay.scn", path, sizeof path, err, cap);
    if (!f)
        return -1;
    header(f, lg, s, rows);
    /* qmail-todo writes "new msg" as it takes a message up and hands it
     * to qmail-send when done: the median wait from that line to the
     * first delivery, where the channel had room, is that work */
    double todo = -1;
    for (int c = 0; c < s->nchan; c++)
        if (s->chans[c].start_delay_p50 >= 0 &&
            (todo < 0 || s->chans[c].start_delay_p50 < todo))
            todo = s->chans[c].start_delay_p50;
    if (todo < 0 || todo > 10)
        todo = 0;
    fprintf(f, "seed 1\nchannels %d\nprofile %s\ntodo-delay %.6g   # from "
               "new msg to the first delivery (median)\n", s->nchan,
            o->profile, todo);
    /* the pictures of a run of this scenario show the log's clock */
    fprintf(f, "clock %lld window %.6f %.6f\n", (long long)(s->origin / QC_SEC),
            s->start > 0 ? s->start : 0, s->end > s->start ? s->end :
            s->start + 1);
    controls(f, lg, s);
    if (models(f, dir, lg, s, err, cap) < 0) {
        fclose(f);
        return -1;
    }
    fputs("\n# Traffic: the log's arrivals, and the messages queued before "
          "it\nreplay traffic.csv\n", f);
    if (s->ncarry)
        fputs("carried carried.csv\n", f);
    char name[QC_CHAN_NAME_MAX];
    for (size_t i = 0; i < s->nhups; i++)
        fprintf(f, "at %.6f hup concurrency%s %u\n", s->hups[i].t,
                qc_channel_name(s->hups[i].chan, name), s->hups[i].limit);
    fprintf(f, "\n# The observed window ends with the log: what is left then "
               "is left at window end\nrun for %.6f\nsample %.6g\n",
            s->end > 0 ? s->end : 0, s->sample);
    if (close_out(f, path, err, cap) < 0)
        return -1;
    return 0;
}
