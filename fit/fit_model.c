/*
 * fit_model.c - the destination models of a replay: per domain outcome
 * weights and latencies, deferral runs as outages, and per channel
 * pools for the domains with too few attempts; see fit_sum.h.
 *
 * Why outages: a destination that was down answered every attempt with
 * a deferral for a stretch, then came back.  Folding those attempts into
 * its outcome weights would make it defer at random all day, which
 * retries differently and clears the backlog at the wrong time; as an
 * outage the simulator defers exactly the attempts that fall in the
 * stretch, and the weights describe the destination when it was up.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_sum.h"
#include "quantile.h"

/* a deferral run is an outage when chance() gives fewer than this */
#define OUTAGE_CHANCE 0.01

/* latency_buf - room for up to max durations, *n set to 0 */
static double *latency_buf(size_t max, size_t *n)
{
    *n = 0;
    return malloc((max + 1) * sizeof(double));
}

/* attempt_secs - how long attempt a took, in seconds */
static double attempt_secs(const struct fit_attempt *a)
{
    return (double)(a->end - a->start) / (double)QC_SEC;
}

/* sorted_or_null - v[0..n) sorted, or NULL (v freed) when n is 0 */
static double *sorted_or_null(double *v, size_t n)
{
    if (n == 0) {
        free(v);
        return NULL;
    }
    quantile_sort(v, n);
    return v;
}

/* fit_dom_latencies - sorted durations of domain d's answered attempts */
double *fit_dom_latencies(const struct fit_sum *s, const struct fit_log *lg,
                          uint32_t d, size_t *n)
{
    size_t lo = s->dom_off[d], hi = s->dom_off[d + 1];
    double *v = latency_buf(hi - lo, n);
    if (!v)
        return NULL;
    for (size_t i = lo; i < hi; i++) {
        const struct fit_attempt *a = &lg->atts[s->dom_atts[i]];
        if (fit_answered(a))
            v[(*n)++] = attempt_secs(a);
    }
    return sorted_or_null(v, *n);
}

/* fit_outcome_latencies - sorted durations of the answered attempts
 * outside outages with outcome out ('K', 'Z', 'D'; 0 any) of domain d,
 * or (d == UINT32_MAX) of the domains on channel chan whose own_latency
 * equals own (own < 0: every domain); NULL with *n 0 when none */
double *fit_outcome_latencies(const struct fit_sum *s,
                              const struct fit_log *lg, uint32_t d, int chan,
                              int own, char out, size_t *n)
{
    size_t lo = d == UINT32_MAX ? 0 : s->dom_off[d];
    size_t hi = d == UINT32_MAX ? lg->natts : s->dom_off[d + 1];
    double *v = latency_buf(hi - lo, n);
    if (!v)
        return NULL;
    for (size_t i = lo; i < hi; i++) {
        uint32_t ai = d == UINT32_MAX ? (uint32_t)i : s->dom_atts[i];
        const struct fit_attempt *a = &lg->atts[ai];
        if (!fit_answered(a) || s->att_out[ai] || (out && fit_answer(a) != out))
            continue;
        if (d == UINT32_MAX) {
            const struct fit_dom_sum *ds = &s->doms[lg->rcpts[a->rcpt].dom];
            if (ds->chan != chan || (own >= 0 && ds->own_latency != own))
                continue;
        }
        v[(*n)++] = attempt_secs(a);
    }
    return sorted_or_null(v, *n);
}

/* fit_outage_latencies - sorted durations of outage k's deferrals */
double *fit_outage_latencies(const struct fit_sum *s,
                             const struct fit_log *lg, size_t k, size_t *n)
{
    uint32_t d = s->outs[k].dom;
    size_t lo = s->dom_off[d], hi = s->dom_off[d + 1];
    double *v = latency_buf(hi - lo, n);
    if (!v)
        return NULL;
    for (size_t i = lo; i < hi; i++) {
        const struct fit_attempt *a = &lg->atts[s->dom_atts[i]];
        if (s->att_out[s->dom_atts[i]] == k + 1 && fit_answer(a) == 'Z')
            v[(*n)++] = attempt_secs(a);
    }
    return sorted_or_null(v, *n);
}

/* group - attempt indexes by domain, each group in log order */
static int group(struct fit_sum *s, const struct fit_log *lg)
{
    size_t nd = lg->ndoms;
    s->dom_off = calloc(nd + 1, sizeof *s->dom_off);
    s->dom_atts = malloc((lg->natts + 1) * sizeof *s->dom_atts);
    s->doms = calloc(nd + 1, sizeof *s->doms);
    if (!s->dom_off || !s->dom_atts || !s->doms)
        return -1;
    for (size_t i = 0; i < lg->natts; i++)
        s->dom_off[lg->rcpts[lg->atts[i].rcpt].dom + 1]++;
    for (size_t d = 0; d < nd; d++)
        s->dom_off[d + 1] += s->dom_off[d];
    size_t *fill = malloc((nd + 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, s->dom_off, (nd + 1) * sizeof *fill);
    for (size_t i = 0; i < lg->natts; i++)
        s->dom_atts[fill[lg->rcpts[lg->atts[i].rcpt].dom]++] = (uint32_t)i;
    free(fill);
    for (size_t i = 0; i < lg->nrcpts; i++)
        s->doms[lg->rcpts[i].dom].rcpts++;
    return 0;
}

/* add_outage - remember a deferral run of domain d */
static int add_outage(struct fit_sum *s, uint32_t d, double from, double to,
                      int open, unsigned long long n)
{
    struct fit_outage *o = realloc(s->outs, (s->nouts + 1) * sizeof *o);
    if (!o)
        return -1;
    s->outs = o;
    o[s->nouts].dom = d;
    o[s->nouts].from = from;
    o[s->nouts].to = to;
    o[s->nouts].open = open;
    o[s->nouts].attempts = n;
    s->nouts++;
    return 0;
}

/* chance - how likely a run of n deferrals among a domain's total
 * answered attempts is if it deferred at its usual rate outside the run
 * (the expected number of such runs, a union bound) */
static double chance(unsigned long long n, unsigned long long total,
                     unsigned long long defers)
{
    if (total <= n)
        return 0;
    double p = (double)(defers - n) / (double)(total - n);
    return (double)total * pow(p, (double)n);
}

/* outages - the deferral runs of domain d; marks their attempts in
 * in_out (indexes into the domain's group) */
static int outages(struct fit_sum *s, const struct fit_log *lg, uint32_t d,
                   const struct fit_opts *o, unsigned char *in_out)
{
    size_t lo = s->dom_off[d], hi = s->dom_off[d + 1];
    unsigned long long total = 0, defers = 0;
    for (size_t k = lo; k < hi; k++) {
        const struct fit_attempt *a = &lg->atts[s->dom_atts[k]];
        total += fit_answered(a);
        defers += fit_answer(a) == 'Z';
    }
    size_t i = lo;
    s->doms[d].first_out = s->nouts;
    while (i < hi) {
        const struct fit_attempt *a = &lg->atts[s->dom_atts[i]];
        if (fit_answer(a) != 'Z') {
            i++;
            continue;
        }
        /* a run: deferrals, with unanswered attempts allowed inside */
        size_t j = i, last = i;
        unsigned long long n = 0;
        while (j < hi) {
            const struct fit_attempt *b = &lg->atts[s->dom_atts[j]];
            if (fit_answer(b) == 'Z') {
                n++;
                last = j;
            } else if (fit_answered(b)) {
                break;
            }
            j++;
        }
        double first = fit_secs(s, a->start);
        double lastt = fit_secs(s, lg->atts[s->dom_atts[last]].start);
        /* a destination that defers some of the time has runs by
         * chance; only a run its usual rate cannot explain is an
         * outage */
        if (n >= o->outage_attempts && lastt - first >= o->outage_secs &&
            chance(n, total, defers) < OUTAGE_CHANCE) {
            /* the log says only that the destination went down after
             * its previous answer that was not a deferral and came back
             * before its next one: the outage spans half of each gap,
             * so a replay that tries a little earlier or later than the
             * log still meets it; a run still going when the log ends
             * stays open */
            double from = s->start < first ? s->start : first;
            for (size_t k = i; k-- > lo;) {
                const struct fit_attempt *p = &lg->atts[s->dom_atts[k]];
                if (fit_answered(p)) {
                    from = (fit_secs(s, p->start) + first) / 2;
                    break;
                }
            }
            int open = j >= hi;
            double to = open ? s->end
                             : (lastt + fit_secs(s, lg->atts[s->dom_atts[j]]
                                                        .start)) / 2;
            if (add_outage(s, d, from, to, open, n) < 0)
                return -1;
            for (size_t k = i; k <= last; k++) {
                in_out[k - lo] = 1;
                s->att_out[s->dom_atts[k]] = (uint32_t)s->nouts;
            }
        }
        i = j;
    }
    s->doms[d].nout = s->nouts - s->doms[d].first_out;
    return 0;
}

/* domain - counts, majority channel, outages and own-model flags of d */
static int domain(struct fit_sum *s, const struct fit_log *lg, uint32_t d,
                  const struct fit_opts *o, unsigned long long *per_chan,
                  unsigned char *tried)
{
    struct fit_dom_sum *ds = &s->doms[d];
    size_t lo = s->dom_off[d], hi = s->dom_off[d + 1];
    unsigned char *in_out = calloc(hi - lo + 1, 1);
    if (!in_out)
        return -1;
    memset(per_chan, 0, (size_t)s->nchan * sizeof *per_chan);
    if (outages(s, lg, d, o, in_out) < 0) {
        free(in_out);
        return -1;
    }
    for (size_t i = lo; i < hi; i++) {
        const struct fit_attempt *a = &lg->atts[s->dom_atts[i]];
        per_chan[lg->rcpts[a->rcpt].chan]++;
        /* a retry: its recipient was tried before (in the log; a
         * carried-over recipient's first attempt in the log counts as its
         * first, as in the replay) */
        int retry = tried[a->rcpt];
        tried[a->rcpt] = 1;
        if (!fit_answered(a))
            continue;
        ds->attempts++;
        int out = in_out[i - lo];
        if (fit_answer(a) == 'K') {
            ds->ok++;
            ds->n_ok++;
            ds->r_ok += retry;
        } else if (fit_answer(a) == 'Z') {
            ds->defer++;
            ds->n_defer += !out;
            ds->r_defer += !out && retry;
        } else {
            ds->fail++;
            ds->n_fail++;
            ds->r_fail += retry;
        }
    }
    free(in_out);
    ds->chan = QC_CHAN_REMOTE;
    unsigned long long best = 0;
    for (int c = 0; c < s->nchan; c++)
        if (per_chan[c] > best) {
            best = per_chan[c];
            ds->chan = c;
        }
    unsigned long long n = ds->n_ok + ds->n_defer + ds->n_fail;
    ds->own_latency = ds->attempts >= o->min_attempts && ds->attempts > 0;
    /* a destination that never accepted a message in the log keeps
     * its own deferrals and failures, however few: the pool's weights
     * (mostly successes) would deliver what the log never could */
    ds->own_outcome = n > 0 && (n >= o->min_attempts || ds->n_ok == 0);
    size_t nl;
    double *lat = fit_dom_latencies(s, lg, d, &nl);
    ds->p50 = quantile_sorted(lat, nl, 0.5);
    ds->p95 = quantile_sorted(lat, nl, 0.95);
    free(lat);
    return 0;
}

/* pools - each channel's model for the domains without their own */
static void pools(struct fit_sum *s, const struct fit_log *lg)
{
    unsigned long long all[QC_MAX_CHANNELS][3] = {{0}};
    for (size_t d = 0; d < lg->ndoms; d++) {
        const struct fit_dom_sum *ds = &s->doms[d];
        struct fit_chan_sum *cs = &s->chans[ds->chan];
        all[ds->chan][0] += ds->n_ok;
        all[ds->chan][1] += ds->n_defer;
        all[ds->chan][2] += ds->n_fail;
        if (!ds->own_outcome) {
            cs->pool_ok += (double)ds->n_ok;
            cs->pool_defer += (double)ds->n_defer;
            cs->pool_fail += (double)ds->n_fail;
            cs->pool_rok += (double)ds->r_ok;
            cs->pool_rdefer += (double)ds->r_defer;
            cs->pool_rfail += (double)ds->r_fail;
        }
        if (!ds->own_latency)
            cs->pool_n += ds->attempts;
    }
    for (int c = 0; c < s->nchan; c++) {
        struct fit_chan_sum *cs = &s->chans[c];
        if (cs->pool_ok + cs->pool_defer + cs->pool_fail > 0)
            continue;
        /* every domain has its own weights: the pool is the channel's
         * whole day, for domains the log never saw */
        cs->pool_ok = (double)all[c][0];
        cs->pool_defer = (double)all[c][1];
        cs->pool_fail = (double)all[c][2];
        if (cs->pool_ok + cs->pool_defer + cs->pool_fail <= 0)
            cs->pool_ok = 1;
    }
}

/* lifetime - queuelifetime between the ages of deferrals and of
 * failures for it, in messages whose arrival the log shows */
static void lifetime(struct fit_sum *s, const struct fit_log *lg)
{
    double lo = 0, hi = -1;
    for (size_t i = 0; i < lg->natts; i++) {
        const struct fit_attempt *a = &lg->atts[i];
        const struct fit_msg *m = &lg->msgs[lg->rcpts[a->rcpt].msg];
        if (!m->arrived || fit_answer(a) != 'Z')
            continue;
        double age = (double)(a->start - m->arrival) / (double)QC_SEC;
        if (a->expired && (hi < 0 || age < hi))
            hi = age;
        else if (!a->expired && age > lo)
            lo = age;
    }
    s->lifetime_lo = hi < 0 ? -1 : lo;
    s->lifetime_hi = hi;
    s->lifetime = hi < 0 ? -1 : lo < hi ? floor((lo + hi) / 2) : hi;
}

/* fit_model_build - models, outages and pools */
int fit_model_build(struct fit_sum *s, const struct fit_log *lg,
                    const struct fit_opts *o)
{
    if (group(s, lg) < 0 ||
        !(s->att_out = calloc(lg->natts + 1, sizeof *s->att_out)))
        return -1;
    unsigned long long per_chan[QC_MAX_CHANNELS];
    unsigned char *tried = calloc(lg->nrcpts + 1, 1);
    if (!tried)
        return -1;
    for (size_t d = 0; d < lg->ndoms; d++)
        if (domain(s, lg, (uint32_t)d, o, per_chan, tried) < 0) {
            free(tried);
            return -1;
        }
    free(tried);
    pools(s, lg);
    lifetime(s, lg);
    return 0;
}
