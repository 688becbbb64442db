/*
 * sim_result.c - the numbers of a finished run, and the expects.
 *
 *	sim_result_build(s)	fill s->r from the run's state: per channel
 *				counts and latency quantiles, per process
 *				descriptor peaks, the end-of-run checks, the
 *				verdict of every expect line
 *	sim_result_free(r)
 *	sim_finding_text(f, buf, cap)	a finding's sentence, from its fields
 *	sim_finding_kind_name(k), sim_finding_effect_name(e)
 *					the words summary.json writes
 *	sim_finding_is_limit(f)		the finding says a limit was hit
 *
 * A finding is a record (sim.h): what happened, to which channel and
 * process, which limit and its number.  Everything that decides on
 * findings (regress, sweep, compare, expect lines) reads those fields;
 * the sentence exists for people and is made here, in one place.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantile.h"
#include "sim_int.h"

/* cmp_i64 - qsort order */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* sort_i64 - sort v ascending: a byte-wise radix sort (qsort of a
 * million latencies was a tenth of a big run); qsort when there is no
 * memory for the second array */
static void sort_i64(int64_t *v, size_t n)
{
    if (n < 2)
        return;
    uint64_t *a = (uint64_t *)v, *b = sim_mem_grow(NULL, 0, n * sizeof *b);
    if (!b) {
        qsort(v, n, sizeof *v, cmp_i64);
        return;
    }
    const uint64_t flip = (uint64_t)1 << 63;   /* signed order */
    uint64_t *src = a, *dst = b;
    for (size_t i = 0; i < n; i++)
        src[i] ^= flip;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xff]++;
        if (count[(src[0] >> shift) & 0xff] == n)
            continue;   /* every key has this byte: nothing to do */
        size_t pos = 0;
        for (int k = 0; k < 256; k++) {
            size_t c = count[k];
            count[k] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] ^= flip;
    sim_mem_free(b, n * sizeof *b);
}

/* quantile - nearest rank of sorted v, in seconds; -1 if empty */
static double quantile(const int64_t *v, size_t n, double p)
{
    if (n == 0)
        return -1;
    return (double)v[quantile_rank(n, p) - 1] / QC_SEC;
}

/* select_nth - put the value of sorted position k of v[lo..hi) at v[k],
 * smaller ones before it and larger ones after (quickselect, median of
 * three; a range that does not shrink fast enough is sorted instead, so
 * the worst case stays n log n) */
static void select_nth(int64_t *v, size_t lo, size_t hi, size_t k)
{
    unsigned budget = 64;
    while (hi - lo > 16) {
        if (budget-- == 0) {
            sort_i64(v + lo, hi - lo);
            return;
        }
        size_t mid = lo + (hi - lo) / 2;
        int64_t a = v[lo], b = v[mid], c = v[hi - 1];
        int64_t pivot = a < b ? (b < c ? b : (a < c ? c : a))
                              : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi - 1;
        for (;;) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            int64_t t = v[i];
            v[i] = v[j];
            v[j] = t;
            i++;
            j--;
        }
        /* now v[lo..j] <= pivot <= v[j+1..hi) */
        if (k <= j)
            hi = j + 1;
        else
            lo = j + 1;
    }
    sort_i64(v + lo, hi - lo);
}

/* chan_quantiles - p50, p95, p99 of v without sorting all of it */
static void chan_quantiles(int64_t *v, size_t n, double *p50, double *p95,
                           double *p99)
{
    if (n == 0) {
        *p50 = *p95 = *p99 = -1;
        return;
    }
    size_t k50 = quantile_rank(n, 0.50) - 1;
    size_t k95 = quantile_rank(n, 0.95) - 1;
    size_t k99 = quantile_rank(n, 0.99) - 1;
    select_nth(v, 0, n, k50);
    select_nth(v, k50, n, k95);
    select_nth(v, k95, n, k99);
    *p50 = (double)v[k50] / QC_SEC;
    *p95 = (double)v[k95] / QC_SEC;
    *p99 = (double)v[k99] / QC_SEC;
}

/* set_exhausted - the first limit a process hit */
static void set_exhausted(struct sim_proc_result *pr, unsigned hit,
                          const qc_time *at)
{
    static const enum limits_kind order[] = {LIMITS_FD_SETSIZE, LIMITS_NOFILE,
                                             LIMITS_FILE_MAX, LIMITS_NPROC};
    qc_time best = QC_TIME_NEVER;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if ((hit & (1u << order[i])) && at[order[i]] < best) {
            best = at[order[i]];
            snprintf(pr->exhausted_by, sizeof pr->exhausted_by, "%s",
                     limits_kind_name(order[i]));
        }
    pr->exhausted = hit != 0;
    pr->exhausted_at = hit ? best : 0;
}

/* add_proc - one process's line */
static void add_proc(struct sim *s, const struct sim_proc *p)
{
    struct sim_proc_result *pr = &s->r->procs[s->r->nprocs++];
    memset(pr, 0, sizeof *pr);
    snprintf(pr->name, sizeof pr->name, "%s", p->name);
    pr->fd_peak = p->peak;
    pr->fd_highest = p->highest_peak;
    pr->fd_limit = sim_proc_fd_limit(&s->fds, p);
    set_exhausted(pr, p->hit, p->hit_at);
}

/* find_proc - a process line by name */
static const struct sim_proc_result *find_proc(const struct sim_result *r,
                                               const char *name)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (strcmp(r->procs[i].name, name) == 0)
            return &r->procs[i];
    return NULL;
}

/* chan_sum - a counter of one channel, or of all with chan -1 */
static double chan_sum(const struct sim_result *r, int chan, size_t off)
{
    double v = 0;
    for (int c = 0; c < r->nchan; c++)
        if (chan < 0 || chan == c)
            v += (double)*(const unsigned long long *)
                     ((const char *)&r->chans[c] + off);
    return v;
}

/* all_quantile - a quantile over every channel's latencies */
static double all_quantile(struct sim *s, double p)
{
    size_t n = 0;
    for (int c = 0; c < s->nchan; c++)
        n += s->chans[c].nlat;
    if (n == 0)
        return -1;
    int64_t *v = malloc(n * sizeof *v);
    if (!v) {
        s->oom = 1;
        return -1;
    }
    size_t k = 0;
    for (int c = 0; c < s->nchan; c++) {
        if (s->chans[c].nlat)
            memcpy(v + k, s->chans[c].lat, s->chans[c].nlat * sizeof *v);
        k += s->chans[c].nlat;
    }
    sort_i64(v, n);
    double q = quantile(v, n, p);
    free(v);
    return q;
}

/* fd_exhausted - a descriptor limit (not nproc) was hit */
static int fd_exhausted(const struct sim_proc_result *p)
{
    return p->exhausted && strcmp(p->exhausted_by, "nproc") != 0;
}

/* finding_matches - `expect finding WORDS`: WORDS names the finding's
 * kind or its limit ("limit", "curbed", "nproc", "conf-spawn"), or is a
 * part of the sentence a person reads (the scenario author copies it
 * from the report) */
static int finding_matches(const struct sim_finding *f, const char *words)
{
    if (strcmp(words, sim_finding_kind_name(f->kind)) == 0 ||
        (f->limit && strcmp(words, f->limit) == 0))
        return 1;
    char text[768];
    sim_finding_text(f, text, sizeof text);
    return strstr(text, words) != NULL;
}

/* evaluate - one expect */
static void evaluate(struct sim *s, const struct sim_expect *e,
                     struct sim_expect_result *x)
{
    struct sim_result *r = s->r;
    x->line = e->line;
    x->text = e->text;
    x->has_value = 1;
    double v = 0;
    switch (e->kind) {
    case SIM_EXP_MAX_INFLIGHT:
        v = r->chans[e->chan].max_inflight;
        break;
    case SIM_EXP_MAX_QUEUE:
        v = (double)r->chans[e->chan].max_queue;
        break;
#define SUM(field) chan_sum(r, e->chan, offsetof(struct sim_chan_result, field))
    case SIM_EXP_DELIVERED:
        v = SUM(delivered);
        break;
    case SIM_EXP_ATTEMPTS:
        v = SUM(attempts);
        break;
    case SIM_EXP_DEFERRED:
        v = SUM(deferred);
        break;
    case SIM_EXP_FAILED:
        v = SUM(failed);
        break;
    case SIM_EXP_PENDING:
        v = SUM(pending);
        break;
#undef SUM
    case SIM_EXP_P50:
    case SIM_EXP_P95:
    case SIM_EXP_P99: {
        double p = e->kind == SIM_EXP_P50 ? 0.5
                   : e->kind == SIM_EXP_P95 ? 0.95 : 0.99;
        if (e->chan >= 0)
            v = e->kind == SIM_EXP_P50 ? r->chans[e->chan].p50
                : e->kind == SIM_EXP_P95 ? r->chans[e->chan].p95
                                         : r->chans[e->chan].p99;
        else
            v = all_quantile(s, p);
        if (v < 0) {
            x->has_value = 0;
            x->ok = 0;
            return;
        }
        break;
    }
    case SIM_EXP_DRAINED_BY:
        x->value = (double)(r->drained ? r->drain_time : r->end_time) /
                   QC_SEC;
        x->ok = r->drained && x->value <= e->value + 1e-9;
        return;
    case SIM_EXP_DRAINED:
    case SIM_EXP_NOT_DRAINED:
        x->value = r->drained;
        x->ok = e->kind == SIM_EXP_DRAINED ? r->drained : !r->drained;
        return;
    case SIM_EXP_NO_FD_EXHAUSTION:
        for (size_t i = 0; i < r->nprocs; i++)
            v += fd_exhausted(&r->procs[i]);
        x->value = v;
        x->ok = v == 0;
        return;
    case SIM_EXP_FD_EXHAUSTION: {
        const struct sim_proc_result *p = find_proc(r, e->name);
        x->value = p && p->exhausted;
        x->ok = x->value != 0;
        return;
    }
    case SIM_EXP_FD_PEAK: {
        const struct sim_proc_result *p = find_proc(r, e->name);
        v = p ? (double)(strcmp(p->name, "qmailr") == 0 ? p->proc_peak
                                                       : p->fd_peak)
              : 0;
        break;
    }
    case SIM_EXP_FINDING:
    case SIM_EXP_NO_FINDING:
        for (size_t i = 0; i < r->nfindings; i++)
            v += finding_matches(&r->findings[i], e->name);
        x->value = v;
        x->ok = e->kind == SIM_EXP_FINDING ? v > 0 : v == 0;
        return;
    }
    x->value = v;
    x->ok = sim_op_holds(e->op, v, e->value);
}

/* sim_result_build - the numbers of the run */
void sim_result_build(struct sim *s)
{
    struct sim_result *r = s->r;
    r->messages = s->nmsgs;
    r->recipients = s->nrcpts;
    r->drained = s->gens_active == 0 && s->finished == s->nmsgs &&
                 s->todo_next == s->nmsgs;
    r->drain_time = r->drained ? s->last_finish : 0;
    for (size_t m = 0; m < s->nmsgs; m++) {
        const struct sim_msg *msg = &s->msgs[m];
        if (!(msg->flags & MF_TODO)) {
            r->todo_pending++;
            continue;
        }
        for (uint32_t i = msg->first; i < msg->first + msg->nrcpt; i++) {
            uint8_t st = s->rcpts[i].state;
            int final = (st & (RS_OK | RS_FAIL)) != 0;
            if (!final)
                r->chans[s->rcpts[i].chan].pending++;
            if (final != ((st & RS_DONE) != 0))
                s->now = r->end_time,
                sim_violation(s, "message %zu recipient %u: outcome and "
                              "done mark disagree", m + 1, i - msg->first);
            if ((msg->flags & MF_DONE) && !final)
                sim_violation(s, "message %zu finished but recipient %u "
                              "has no outcome (lost)", m + 1,
                              i - msg->first);
        }
    }
    for (int c = 0; c < s->nchan; c++) {
        struct sim_chan *ch = &s->chans[c];
        struct sim_chan_result *cr = &r->chans[c];
        chan_quantiles(ch->lat, ch->nlat, &cr->p50, &cr->p95, &cr->p99);
        cr->concurrency = sched_limit(s->sched, c);
    }
    r->nprocs = 0;
    add_proc(s, &s->fds.send);
    add_proc(s, &s->fds.todo);
    for (int c = 0; c < s->nchan; c++)
        add_proc(s, &s->fds.spawn[c]);
    struct sim_proc_result *q = &r->procs[r->nprocs++];
    memset(q, 0, sizeof *q);
    snprintf(q->name, sizeof q->name, "qmailr");
    q->proc_peak = q->fd_peak = s->fds.qmailr_peak;
    q->proc_limit = q->fd_limit = s->fds.lim.nproc;
    if (s->fds.qmailr_hit) {
        q->exhausted = 1;
        snprintf(q->exhausted_by, sizeof q->exhausted_by, "nproc");
        q->exhausted_at = s->fds.qmailr_hit_at;
    }
    q = &r->procs[r->nprocs++];
    memset(q, 0, sizeof *q);
    snprintf(q->name, sizeof q->name, "system");
    q->fd_peak = s->fds.system_peak;
    q->fd_limit = s->fds.lim.file_max;
    if (s->fds.system_hit) {
        q->exhausted = 1;
        snprintf(q->exhausted_by, sizeof q->exhausted_by, "file-max");
        q->exhausted_at = s->fds.system_hit_at;
    }
    r->nexpects = s->sc->nexpects;
    r->expects = calloc(r->nexpects ? r->nexpects : 1, sizeof *r->expects);
    if (!r->expects) {
        s->oom = 1;
        return;
    }
    for (size_t i = 0; i < r->nexpects; i++) {
        evaluate(s, &s->sc->expects[i], &r->expects[i]);
        if (!r->expects[i].ok)
            r->expects_failed++;
    }
}

/* sim_finding_kind_name - the kind as summary.json writes it */
const char *sim_finding_kind_name(enum sim_finding_kind k)
{
    switch (k) {
    case SIM_FIND_LIMIT:
        return "limit";
    case SIM_FIND_CURBED:
        return "curbed";
    case SIM_FIND_OVERRUN:
        return "overrun";
    case SIM_FIND_SPAWNER_LOST:
        return "spawner-lost";
    default:
        return "hup-error";
    }
}

/* sim_finding_effect_name - the effect as summary.json writes it */
const char *sim_finding_effect_name(enum sim_finding_effect e)
{
    switch (e) {
    case SIM_EFFECT_OPEN_MESSAGE:
        return "unable-to-open-message";
    case SIM_EFFECT_CREATE_PIPE:
        return "unable-to-create-pipe";
    case SIM_EFFECT_TROUBLE_OPENING:
        return "trouble-opening";
    case SIM_EFFECT_NO_BOUNCES:
        return "cannot-inject-bounces";
    default:
        return NULL;
    }
}

/* sim_finding_is_limit - a limit was hit: a process's, conf-spawn, the
 * delivery table */
int sim_finding_is_limit(const struct sim_finding *f)
{
    return f->limit != NULL;
}

/* effect_text - what an effect does, in qmail's words */
static const char *effect_text(enum sim_finding_effect e)
{
    switch (e) {
    case SIM_EFFECT_OPEN_MESSAGE:
        return "deliveries deferred (\"unable to open message\")";
    case SIM_EFFECT_CREATE_PIPE:
        return "deliveries deferred (\"unable to create pipe\")";
    case SIM_EFFECT_TROUBLE_OPENING:
        return "qmail-send cannot open channel files (\"trouble opening\")";
    case SIM_EFFECT_NO_BOUNCES:
        return "qmail-send cannot inject bounces";
    default:
        return "";
    }
}

/* sim_finding_text - the sentence for people */
void sim_finding_text(const struct sim_finding *f, char *buf, size_t cap)
{
    char cn[QC_CHAN_NAME_MAX] = "";
    if (f->chan >= 0)
        qc_channel_name(f->chan, cn);
    switch (f->kind) {
    case SIM_FIND_LIMIT:
        if (strcmp(f->limit, "nofile") == 0)
            snprintf(buf, cap, "%s: descriptors reached nofile %llu: %s",
                     f->process, f->limit_value, effect_text(f->effect));
        else if (strcmp(f->limit, "file-max") == 0)
            snprintf(buf, cap, "%s: the system reached file-max %llu: %s",
                     f->process, f->limit_value, effect_text(f->effect));
        else if (strcmp(f->limit, "nproc") == 0)
            snprintf(buf, cap, "%s: processes of qmailr reached nproc %llu: "
                     "fork fails, deliveries deferred (\"unable to fork\")",
                     f->process, f->limit_value);
        else
            snprintf(buf, cap, "%s: descriptor %llu reached FD_SETSIZE %llu: "
                     "select() is broken%s", f->process, f->value,
                     f->limit_value,
                     f->chan >= 0 ? "; the spawner dies" : "");
        return;
    case SIM_FIND_CURBED:
        snprintf(buf, cap, "%s: concurrency %llu curbed to the spawner's "
                 "limit %llu", cn, f->value, f->limit_value);
        return;
    case SIM_FIND_OVERRUN:
        snprintf(buf, cap, "%s: concurrency raised to %llu by HUP: a "
                 "CHANNELS qmail-send would overrun its delivery table of "
                 "%llu entries (channels-compat keeps %llu)", cn, f->value,
                 f->limit_value, f->limit_value);
        return;
    case SIM_FIND_SPAWNER_LOST:
        snprintf(buf, cap, "%s: spawner lost: qmail-send stops starting "
                 "deliveries and exits (\"alert: oh no! lost spawn "
                 "connection! dying...\")", cn);
        return;
    default:
        snprintf(buf, cap, "hup at line %u: %s", f->line,
                 f->detail ? f->detail : "");
    }
}

/* sim_result_free - release what the run allocated */
void sim_result_free(struct sim_result *r)
{
    for (size_t i = 0; i < r->nfindings; i++)
        free(r->findings[i].detail);
    free(r->findings);
    free(r->expects);
    for (size_t i = 0; i < r->nviolations && i < 50; i++)
        free(r->violations[i]);
    free(r->violations);
    memset(r, 0, sizeof *r);
}
