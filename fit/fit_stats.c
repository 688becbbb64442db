/*
 * fit_stats.c - counts, quantiles, the time series, the busiest hour
 * and burst, and time at the limit; see fit_sum.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_sum.h"
#include "quantile.h"
#include "u64map.h"

#define HOUR (3600 * QC_SEC)
#define BURST_WINDOW 600.0
/* The series is the one table over time: a garbled stamp years away (or
 * a clock that jumped) costs a coarser series, not all the memory (at
 * most fit_opts.max_cells cells).  Hours and burst windows are counted
 * only where something arrived. */
#define MAX_CELLS 500000

/* fit_opts_default - the defaults the command documents */
void fit_opts_default(struct fit_opts *o)
{
    o->anonymize = 0;
    o->sample = 60;
    o->min_attempts = 20;
    o->outage_attempts = 3;
    o->outage_secs = 60;
    o->profile = "qchan";
    o->have_window = 0;
    o->origin = 0;
    o->win_start = o->win_end = 0;
    o->max_cells = MAX_CELLS;
}

/* busiest_ctx - the key with the largest count, the lowest key on a tie,
 * per group (key % ngroups) */
struct busiest_ctx {
    uint64_t ngroups;
    uint64_t *best_key, *best_n;
};

/* busiest_note - u64map_foreach callback */
static void busiest_note(void *ctx, uint64_t key, uint64_t n)
{
    struct busiest_ctx *b = ctx;
    uint64_t g = key % b->ngroups, k = key / b->ngroups;
    if (n > b->best_n[g] || (n == b->best_n[g] && k < b->best_key[g])) {
        b->best_n[g] = n;
        b->best_key[g] = k;
    }
}

/* count_up - one more at key; 0, -1 out of memory */
static int count_up(struct u64map *m, uint64_t key)
{
    uint64_t n = 0;
    u64map_get(m, key, &n);
    return u64map_put(m, key, n + 1);
}

/* fit_secs - seconds since the origin */
double fit_secs(const struct fit_sum *s, int64_t t)
{
    return (double)(t - s->origin) / (double)QC_SEC;
}

/* fit_answered - an attempt with a spawner's answer */
int fit_answered(const struct fit_attempt *a)
{
    return a->outcome == 'K' || a->outcome == 'Z' || a->outcome == 'D';
}

/* fit_channel_busy - at the last status line before t, chan had at most
 * slack free slots (a limit of 1 counts as busy only when full) */
int fit_channel_busy(const struct fit_log *lg, int chan, int64_t t,
                     unsigned slack)
{
    size_t lo = 0, hi = lg->nstats;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lg->stats[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const struct fit_status *st = &lg->stats[lo - 1];
    if (chan >= st->n)
        return 0;
    unsigned in = lg->stat_vals[st->off + 2 * (size_t)chan];
    unsigned lim = lg->stat_vals[st->off + 2 * (size_t)chan + 1];
    if (lim <= slack)
        return in >= lim;
    return in + slack >= lim;
}

/* in_window - log time t is inside the observed window */
static int in_window(const struct fit_sum *s, int64_t t)
{
    double x = fit_secs(s, t);
    return x >= s->start - 1e-6 && x <= s->end + 1e-6;
}

/* arrival_latency - per channel, arrival to final outcome of the
 * recipients of messages that arrived in the window, the outcome in it */
static int arrival_latency(struct fit_sum *s, const struct fit_log *lg)
{
    /* per recipient a value (negative: none), then grouped by channel
     * in one pass each, so a log with many channels costs no more */
    double *val = malloc((lg->nrcpts + 1) * sizeof *val);
    double *v = malloc((lg->nrcpts + 1) * sizeof *v);
    if (!val || !v) {
        free(val);
        free(v);
        return -1;
    }
    for (int which = 0; which < 2; which++) {
        for (size_t i = 0; i < lg->nrcpts; i++)
            val[i] = which == 0 ? -2 : -1;
        if (which == 0) {
            /* the first attempt's wait, only where the channel had room
             * when the message came: otherwise the wait is the queue's,
             * not qmail-todo's (-2: not tried yet) */
            for (size_t i = 0; i < lg->natts; i++) {
                const struct fit_attempt *a = &lg->atts[i];
                const struct fit_rcpt *r = &lg->rcpts[a->rcpt];
                const struct fit_msg *m = &lg->msgs[r->msg];
                if (val[a->rcpt] > -2)
                    continue;
                val[a->rcpt] = -1;
                if (m->arrived && in_window(s, m->arrival) &&
                    !fit_channel_busy(lg, r->chan, m->arrival, 1))
                    val[a->rcpt] = (double)(a->start - m->arrival) /
                                   (double)QC_SEC;
            }
        } else {
            for (size_t i = 0; i < lg->nrcpts; i++) {
                const struct fit_rcpt *r = &lg->rcpts[i];
                const struct fit_msg *m = &lg->msgs[r->msg];
                if (m->arrived && r->final_at >= 0 &&
                    in_window(s, m->arrival) && in_window(s, r->final_at))
                    val[i] = (double)(r->final_at - m->arrival) /
                             (double)QC_SEC;
            }
        }
        size_t off[QC_MAX_CHANNELS + 1] = {0}, fill[QC_MAX_CHANNELS];
        for (size_t i = 0; i < lg->nrcpts; i++)
            if (val[i] >= 0)
                off[lg->rcpts[i].chan + 1]++;
        for (int c = 0; c < s->nchan; c++)
            off[c + 1] += off[c];
        memcpy(fill, off, sizeof fill);
        for (size_t i = 0; i < lg->nrcpts; i++)
            if (val[i] >= 0)
                v[fill[lg->rcpts[i].chan]++] = val[i];
        for (int c = 0; c < s->nchan; c++) {
            double *seg = v + off[c];
            size_t n = off[c + 1] - off[c];
            quantile_sort(seg, n);
            struct fit_chan_sum *cs = &s->chans[c];
            if (which == 0) {
                cs->start_delay_p50 = quantile_sorted(seg, n, 0.50);
                continue;
            }
            cs->lat_n = n;
            cs->lat_p50 = quantile_sorted(seg, n, 0.50);
            cs->lat_p95 = quantile_sorted(seg, n, 0.95);
            cs->lat_p99 = quantile_sorted(seg, n, 0.99);
        }
    }
    free(val);
    free(v);
    return 0;
}

/* chan_counts - attempts, outcomes and attempt durations per channel,
 * of the attempts that started in the window; recipients by their
 * outcome at the window's end */
static int chan_counts(struct fit_sum *s, const struct fit_log *lg)
{
    double *lat[QC_MAX_CHANNELS] = {0};
    size_t nlat[QC_MAX_CHANNELS] = {0};
    int rc = 0;
    for (int c = 0; c < s->nchan && rc == 0; c++)
        if (!(lat[c] = malloc((lg->natts + 1) * sizeof **lat)))
            rc = -1;
    for (size_t i = 0; i < lg->natts && rc == 0; i++) {
        const struct fit_attempt *a = &lg->atts[i];
        if (!in_window(s, a->start))
            continue;
        int c = lg->rcpts[a->rcpt].chan;
        struct fit_chan_sum *cs = &s->chans[c];
        cs->attempts++;
        switch (a->outcome) {
        case 'K': cs->delivered++; break;
        case 'Z': cs->deferred++; break;
        case 'D': cs->failed++; break;
        case FIT_LOST: cs->lost++; break;
        default: cs->open++; break;
        }
        if (fit_answered(a))
            lat[c][nlat[c]++] = (double)(a->end - a->start) / (double)QC_SEC;
    }
    for (int c = 0; c < s->nchan && rc == 0; c++) {
        struct fit_chan_sum *cs = &s->chans[c];
        quantile_sort(lat[c], nlat[c]);
        cs->finished = nlat[c];
        cs->p50 = quantile_sorted(lat[c], nlat[c], 0.50);
        cs->p90 = quantile_sorted(lat[c], nlat[c], 0.90);
        cs->p95 = quantile_sorted(lat[c], nlat[c], 0.95);
        cs->p99 = quantile_sorted(lat[c], nlat[c], 0.99);
        cs->max = nlat[c] ? lat[c][nlat[c] - 1] : -1;
    }
    for (int c = 0; c < s->nchan; c++)
        free(lat[c]);
    for (size_t i = 0; i < lg->nrcpts; i++) {
        const struct fit_rcpt *r = &lg->rcpts[i];
        struct fit_chan_sum *cs = &s->chans[r->chan];
        cs->rcpts++;
        /* an outcome after the window is still pending at its end */
        char fin = r->final_at >= 0 && in_window(s, r->final_at) ? r->final
                                                                : 0;
        if (fin == 'K')
            cs->rcpt_delivered++;
        else if (fin == 'D')
            cs->rcpt_failed++;
        else
            cs->rcpt_pending++;
    }
    return rc;
}

/* messages - arrivals, endings, the busiest hour */
static int messages(struct fit_sum *s, const struct fit_log *lg)
{
    struct u64map hours;    /* hour -> arrivals in it */
    u64map_init(&hours);
    for (size_t i = 0; i < lg->nmsgs; i++) {
        const struct fit_msg *m = &lg->msgs[i];
        if (m->arrived) {
            s->arrived++;
            double t = fit_secs(s, m->arrival);
            if (count_up(&hours, t < 0 ? 0 : (uint64_t)(t / 3600)) < 0) {
                u64map_free(&hours);
                return -1;
            }
            if (m->ended)
                s->complete++;
            if (m->nrcpt == 0)
                s->no_rcpts++;
        } else {
            s->carried++;
        }
        if (m->ended)
            s->ended++;
        else
            s->unfinished++;
        if (m->bounce)
            s->bounces++;
    }
    s->rcpts = lg->nrcpts;
    uint64_t best_h = 0, best_n = 0;
    struct busiest_ctx b = {1, &best_h, &best_n};
    u64map_foreach(&hours, busiest_note, &b);
    u64map_free(&hours);
    s->busiest_arrivals = best_n;
    s->busiest_hour = best_n ? (double)best_h * 3600 : -1;
    return 0;
}

/* bursts - per channel, the 10 minutes with the most recipient arrivals
 * and how long until each of them had its first answer */
static int bursts(struct fit_sum *s, const struct fit_log *lg)
{
    uint64_t nc = (uint64_t)s->nchan;
    struct u64map w;        /* window * nchan + channel -> arrivals */
    u64map_init(&w);
    for (size_t i = 0; i < lg->nrcpts; i++) {
        const struct fit_rcpt *r = &lg->rcpts[i];
        const struct fit_msg *m = &lg->msgs[r->msg];
        double t = fit_secs(s, m->arrival);
        if (!m->arrived || t < 0)
            continue;
        if (count_up(&w, (uint64_t)(t / BURST_WINDOW) * nc +
                             (uint64_t)r->chan) < 0) {
            u64map_free(&w);
            return -1;
        }
    }
    uint64_t best_k[QC_MAX_CHANNELS] = {0}, best_n[QC_MAX_CHANNELS] = {0};
    struct busiest_ctx b = {nc, best_k, best_n};
    u64map_foreach(&w, busiest_note, &b);
    u64map_free(&w);
    for (int c = 0; c < s->nchan; c++) {
        struct fit_chan_sum *cs = &s->chans[c];
        cs->burst_rcpts = best_n[c];
        cs->burst_start = (double)best_k[c] * BURST_WINDOW;
        cs->burst_clear = cs->burst_rcpts ? 0 : -1;
    }
    for (size_t i = 0; i < lg->nrcpts; i++) {
        const struct fit_rcpt *r = &lg->rcpts[i];
        const struct fit_msg *m = &lg->msgs[r->msg];
        struct fit_chan_sum *cs = &s->chans[r->chan];
        double t = fit_secs(s, m->arrival);
        if (!m->arrived || cs->burst_rcpts == 0 || t < cs->burst_start ||
            t >= cs->burst_start + BURST_WINDOW || cs->burst_clear < 0)
            continue;
        if (r->first_done < 0 || !in_window(s, r->first_done)) {
            cs->burst_clear = -1;    /* not cleared within the window */
            continue;
        }
        double d = fit_secs(s, r->first_done) - cs->burst_start;
        if (d > cs->burst_clear)
            cs->burst_clear = d;
    }
    return 0;
}

/* stat_at - in-flight and limit of channel c in status line i */
static void stat_at(const struct fit_log *lg, size_t i, int c, unsigned *in,
                    unsigned *lim)
{
    const struct fit_status *st = &lg->stats[i];
    if (c >= st->n) {
        *in = *lim = 0;
        return;
    }
    *in = lg->stat_vals[st->off + 2 * (size_t)c];
    *lim = lg->stat_vals[st->off + 2 * (size_t)c + 1];
}

/* limits - limits in force, their changes, and time at the limit: the
 * fraction of the window in which a status line said in flight >= limit
 * (each status line holding until the next, the last until the window's
 * end; before the first the channel counts as not at its limit) */
static int limits(struct fit_sum *s, const struct fit_log *lg)
{
    s->have_limits = lg->nstats > 0;
    unsigned cur[QC_MAX_CHANNELS] = {0};
    double total = s->end - s->start;
    double busy[QC_MAX_CHANNELS] = {0};
    for (size_t i = 0; i < lg->nstats; i++) {
        double a = fit_secs(s, lg->stats[i].t);
        double b = i + 1 < lg->nstats ? fit_secs(s, lg->stats[i + 1].t)
                                      : s->end;
        if (a < s->start)
            a = s->start;
        if (b > s->end)
            b = s->end;
        double dt = b > a ? b - a : 0;
        for (int c = 0; c < s->nchan; c++) {
            unsigned in, lim;
            stat_at(lg, i, c, &in, &lim);
            struct fit_chan_sum *cs = &s->chans[c];
            if (in > cs->max_inflight)
                cs->max_inflight = in;
            if (lim > cs->limit_max)
                cs->limit_max = lim;
            if (lim && in >= lim)
                busy[c] += dt;
            if (c >= lg->stats[i].n)
                continue;
            if (i == 0) {
                cs->limit_first = cur[c] = lim;
            } else if (lim != cur[c]) {
                struct fit_hup *h = realloc(s->hups,
                                            (s->nhups + 1) * sizeof *h);
                if (!h)
                    return -1;
                s->hups = h;
                h[s->nhups].t = fit_secs(s, lg->stats[i].t);
                h[s->nhups].chan = c;
                h[s->nhups].limit = lim;
                s->nhups++;
                cur[c] = lim;
            }
        }
    }
    for (int c = 0; c < s->nchan; c++)
        s->chans[c].at_limit = total > 0 && s->have_limits
                                   ? busy[c] / total : -1;
    return 0;
}

/* bucket - the series row whose interval (t - sample, t] holds time t */
static size_t bucket(const struct fit_sum *s, int64_t t)
{
    double x = fit_secs(s, t) / s->sample;
    if (x <= 0)
        return 0;
    size_t k = (size_t)ceil(x) - 1;
    return k >= s->nrows ? s->nrows - 1 : k;
}

/* row_end - the stamp that ends row k; the last rows of a series
 * coarsened for a far-off stamp may end past the largest stamp there can
 * be, which they then take */
static int64_t row_end(const struct fit_sum *s, size_t k)
{
    double off = (double)(k + 1) * s->sample * (double)QC_SEC;
    double end = (double)s->origin + off;
    if (end >= 9.2e18)
        return INT64_MAX;
    if (off < 9.2e18)
        return s->origin + (int64_t)llround(off);
    return (int64_t)llround(end);   /* a negative origin, far from 0 */
}

/* series - per sample and channel: started, answers, in flight, limit */
static int series(struct fit_sum *s, const struct fit_log *lg,
                  const struct fit_opts *o)
{
    s->sample = o->sample > 0 ? o->sample : 60;
    double span = s->end > 0 ? s->end : 0;
    double max_cells = o->max_cells > 0 ? (double)o->max_cells : MAX_CELLS;
    if (max_cells < 4.0 * s->nchan)
        max_cells = 4.0 * s->nchan;     /* room for the two rows any span has */
    while ((span / s->sample + 2) * (double)s->nchan > max_cells)
        s->sample *= 2;
    s->nrows = (size_t)ceil(span / s->sample) + 1;
    size_t nc = (size_t)s->nchan;
    s->rows = calloc(s->nrows * nc, sizeof *s->rows);
    long long *delta = calloc(s->nrows * nc + nc, sizeof *delta);
    if (!s->rows || !delta) {
        free(delta);
        return -1;
    }
    for (size_t i = 0; i < lg->natts; i++) {
        const struct fit_attempt *a = &lg->atts[i];
        size_t c = (size_t)lg->rcpts[a->rcpt].chan;
        size_t k = bucket(s, a->start);
        s->rows[k * nc + c].started++;
        /* its time in flight, row by row, up to the window's end */
        double t0 = fit_secs(s, a->start);
        double t1 = a->outcome == FIT_OPEN ? s->end : fit_secs(s, a->end);
        if (t1 > s->end)
            t1 = s->end;
        for (size_t j = k; j < s->nrows && t1 > t0; j++) {
            double lo = (double)j * s->sample, hi = lo + s->sample;
            double a0 = t0 > lo ? t0 : lo, a1 = t1 < hi ? t1 : hi;
            if (a1 > a0)
                s->rows[j * nc + c].busy += a1 - a0;
            if (hi >= t1)
                break;
        }
        /* in flight at the row's time: started by then, not yet ended */
        delta[k * nc + c]++;
        if (a->outcome != FIT_OPEN) {
            size_t e = bucket(s, a->end);
            delta[e * nc + c]--;
            struct fit_row *r = &s->rows[e * nc + c];
            if (a->outcome == 'K')
                r->ok++;
            else if (a->outcome == 'Z')
                r->defer++;
            else if (a->outcome == 'D')
                r->fail++;
        }
    }
    size_t st = 0;
    long long run[QC_MAX_CHANNELS] = {0};
    for (size_t k = 0; k < s->nrows; k++) {
        int64_t t = row_end(s, k);
        while (st < lg->nstats && lg->stats[st].t <= t)
            st++;
        for (size_t c = 0; c < nc; c++) {
            struct fit_row *r = &s->rows[k * nc + c];
            run[c] += delta[k * nc + c];
            if (st > 0) {
                /* the status lines know deliveries the log never saw
                 * start; they win where there are any */
                stat_at(lg, st - 1, (int)c, &r->inflight, &r->limit);
            } else {
                r->inflight = run[c] > 0 ? (unsigned)run[c] : 0;
            }
            if (!s->have_limits && r->inflight > s->chans[c].max_inflight)
                s->chans[c].max_inflight = r->inflight;
        }
    }
    free(delta);
    return 0;
}

/* fit_sum_build - everything the outputs need */
int fit_sum_build(struct fit_sum *s, const struct fit_log *lg,
                  const struct fit_opts *o)
{
    memset(s, 0, sizeof *s);
    s->nchan = lg->nchan;
    int64_t first = lg->have_time ? lg->first : 0;
    s->origin = first >= 0 ? first - first % HOUR
                           : first - (HOUR + first % HOUR) % HOUR;
    s->start = lg->have_time ? fit_secs(s, lg->first) : 0;
    s->end = lg->have_time ? fit_secs(s, lg->last) : 0;
    if (o->have_window) {
        s->origin = o->origin;
        s->start = o->win_start;
        s->end = o->win_end;
    }
    s->busiest_hour = -1;
    if (chan_counts(s, lg) < 0 || arrival_latency(s, lg) < 0 ||
        messages(s, lg) < 0 || bursts(s, lg) < 0 ||
        limits(s, lg) < 0 || series(s, lg, o) < 0 ||
        fit_model_build(s, lg, o) < 0 || fit_carry_build(s, lg) < 0) {
        fit_sum_free(s);
        return -1;
    }
    return 0;
}

/* fit_sum_free - release the summary */
void fit_sum_free(struct fit_sum *s)
{
    free(s->doms);
    free(s->dom_atts);
    free(s->dom_off);
    free(s->outs);
    free(s->att_out);
    free(s->carry);
    free(s->hups);
    free(s->rows);
    memset(s, 0, sizeof *s);
}
