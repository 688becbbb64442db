/*
 * fit_build.c - the reconstruction: messages, recipients, attempts and
 * status lines from a stream of parsed log lines; see fit.h.
 *
 * Everything is kept in flat arrays indexed by 32-bit numbers, since a
 * busy day is millions of attempts; the maps hold only what is live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "fit_line.h"
#include "strmap.h"

/* grow - room for one more element in *p */
static int grow(void *pp, size_t *cap, size_t n, size_t size)
{
    void **p = pp;
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 4;
    void *np = realloc(*p, ncap * size);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

/* fit_log_init - an empty reconstruction */
void fit_log_init(struct fit_log *lg)
{
    memset(lg, 0, sizeof *lg);
    u64map_init(&lg->live);
    u64map_init(&lg->inflight);
    u64map_init(&lg->bounce_qp);
    lg->nchan = QC_MIN_CHANNELS;
}

/* fit_rcpt_domain - lower-cased domain of addr into buf */
const char *fit_rcpt_domain(const char *addr, size_t len, char *buf,
                            size_t cap)
{
    size_t at = len;
    for (size_t i = len; i > 0; i--)
        if (addr[i - 1] == '@') {
            at = i - 1;
            break;
        }
    size_t n = 0;
    if (at < len)
        for (size_t i = at + 1; i < len && n + 1 < cap; i++) {
            char ch = addr[i];
            buf[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
        }
    buf[n] = '\0';
    return buf;
}

/* new_msg - a message record; its index or -1 */
static long new_msg(struct fit_log *lg, uint64_t num, int64_t t, int arrived)
{
    if (grow(&lg->msgs, &lg->msgcap, lg->nmsgs, sizeof *lg->msgs) < 0)
        return -1;
    struct fit_msg *m = &lg->msgs[lg->nmsgs];
    memset(m, 0, sizeof *m);
    m->num = num;
    m->arrival = t;
    m->arrived = (unsigned char)arrived;
    if (u64map_put(&lg->live, num, lg->nmsgs) < 0)
        return -1;
    return (long)lg->nmsgs++;
}

/* live_msg - the live message numbered num, made (carried over, or
 * arriving now) when there is none; index or -1 */
static long live_msg(struct fit_log *lg, uint64_t num, int64_t t,
                     int arrived)
{
    uint64_t mi;
    if (u64map_get(&lg->live, num, &mi))
        return mi;
    return new_msg(lg, num, t, arrived);
}

/* intern_domain - the index of a domain name */
static long intern_domain(struct fit_log *lg, const char *name)
{
    long idx;
    size_t len = strlen(name);
    if (!lg->dom_index && !(lg->dom_index = strmap_new(16, NULL)))
        return -1;
    if (strmap_find(lg->dom_index, name, len, NULL, &idx))
        return idx;
    if (grow(&lg->doms, &lg->domcap, lg->ndoms, sizeof *lg->doms) < 0)
        return -1;
    char *copy = strdup(name);
    if (!copy || strmap_put(lg->dom_index, name, len, NULL,
                            (long)lg->ndoms) < 0) {
        free(copy);
        return -1;
    }
    lg->doms[lg->ndoms].name = copy;
    return (long)lg->ndoms++;
}

/* find_rcpt - the recipient addr of message mi on chan, made if new;
 * an address a message lists twice (a mailing list with a duplicate
 * subscriber) starts again after its final outcome or while its first
 * copy is in flight: that is a second recipient, not a retry */
static long find_rcpt(struct fit_log *lg, uint32_t mi, int chan,
                      const char *addr, size_t len)
{
    char small[512];
    size_t klen = len + 32;
    char *key = klen <= sizeof small ? small : malloc(klen);
    if (!key)
        return -1;
    int n = snprintf(key, 32, "%u %d ", (unsigned)mi, chan);
    memcpy(key + n, addr, len);
    klen = (size_t)n + len;
    long idx = -1;
    if (!lg->rcpt_index && !(lg->rcpt_index = strmap_new(16, NULL)))
        goto out;
    if (strmap_find(lg->rcpt_index, key, klen, NULL, &idx) &&
        !lg->rcpts[idx].final && !lg->rcpts[idx].busy)
        goto out;
    idx = -1;
    char dbuf[256];
    long dom = intern_domain(lg, fit_rcpt_domain(addr, len, dbuf,
                                                 sizeof dbuf));
    struct fit_msg *m = &lg->msgs[mi];
    if (dom < 0 ||
        grow(&lg->rcpts, &lg->rcptcap, lg->nrcpts, sizeof *lg->rcpts) < 0 ||
        grow(&m->rcpts, &m->rcptcap, m->nrcpt, sizeof *m->rcpts) < 0)
        goto out;
    struct fit_rcpt *r = &lg->rcpts[lg->nrcpts];
    memset(r, 0, sizeof *r);
    r->addr = malloc(len + 1);
    if (!r->addr)
        goto out;
    memcpy(r->addr, addr, len);
    r->addr[len] = '\0';
    r->msg = mi;
    r->dom = (uint32_t)dom;
    r->chan = chan;
    r->first_done = -1;
    r->final_at = -1;
    if (strmap_put(lg->rcpt_index, key, klen, NULL, (long)lg->nrcpts) < 0) {
        free(r->addr);
        goto out;
    }
    m->rcpts[m->nrcpt++] = (uint32_t)lg->nrcpts;
    idx = (long)lg->nrcpts++;
out:
    if (key != small)
        free(key);
    return idx;
}

struct lose_ctx {
    struct fit_log *lg;
    int64_t t;
};

/* lose_one - the attempt at index ai ends unknown at c->t */
static void lose_one(void *ctx, uint64_t delid, uint64_t ai)
{
    struct lose_ctx *c = ctx;
    struct fit_attempt *a = &c->lg->atts[ai];
    (void)delid;
    a->outcome = FIT_LOST;
    a->end = c->t < a->start ? a->start : c->t;
    c->lg->rcpts[a->rcpt].busy = 0;
    c->lg->lost++;
}

/* lose_inflight - every attempt in flight ends unknown (qmail-send went) */
static void lose_inflight(struct fit_log *lg, int64_t t)
{
    struct lose_ctx c = {lg, t};
    u64map_foreach(&lg->inflight, lose_one, &c);
    u64map_free(&lg->inflight);
}

/* on_start - "starting delivery D: msg N to CHAN RCPT" */
static int on_start(struct fit_log *lg, int64_t t, const struct fit_line *ln)
{
    uint64_t ai;
    if (u64map_get(&lg->inflight, ln->delid, &ai)) {
        /* its number came round again: a qmail-send that died without
         * "status: exiting" left it */
        lg->atts[ai].outcome = FIT_LOST;
        lg->atts[ai].end = t < lg->atts[ai].start ? lg->atts[ai].start : t;
        lg->rcpts[lg->atts[ai].rcpt].busy = 0;
        lg->lost++;
        u64map_del(&lg->inflight, ln->delid);
    }
    long mi = live_msg(lg, ln->msg, t, 0);
    if (mi < 0)
        return -1;
    long ri = find_rcpt(lg, (uint32_t)mi, ln->chan, ln->rcpt, ln->rcptlen);
    if (ri < 0 ||
        grow(&lg->atts, &lg->attcap, lg->natts, sizeof *lg->atts) < 0)
        return -1;
    struct fit_attempt *a = &lg->atts[lg->natts];
    a->rcpt = (uint32_t)ri;
    a->start = t;
    a->end = -1;
    a->outcome = FIT_OPEN;
    a->expired = 0;
    lg->rcpts[ri].attempts++;
    lg->rcpts[ri].busy = 1;
    if (u64map_put(&lg->inflight, ln->delid, lg->natts) < 0)
        return -1;
    lg->natts++;
    if (ln->chan + 1 > lg->nchan)
        lg->nchan = ln->chan + 1;
    return 0;
}

/* on_result - "delivery D: success|deferral|failure: ..." */
static void on_result(struct fit_log *lg, int64_t t, const struct fit_line *ln)
{
    uint64_t ai;
    if (!u64map_get(&lg->inflight, ln->delid, &ai)) {
        lg->orphan_results++;
        return;
    }
    u64map_del(&lg->inflight, ln->delid);
    struct fit_attempt *a = &lg->atts[ai];
    a->end = t < a->start ? a->start : t;
    a->outcome = ln->outcome;
    a->expired = (unsigned char)ln->expired;
    if (ln->expired)
        lg->expired++;
    struct fit_rcpt *r = &lg->rcpts[a->rcpt];
    r->busy = 0;
    if (ln->outcome != 'Z') {
        r->final = ln->outcome;
        r->final_at = a->end;
    }
    if (r->first_done < 0)
        r->first_done = a->end;
}

/* on_status - limits and counts in force */
static int on_status(struct fit_log *lg, int64_t t, const struct fit_line *ln)
{
    if (grow(&lg->stats, &lg->statcap, lg->nstats, sizeof *lg->stats) < 0)
        return -1;
    while (lg->nvals + 2 * (size_t)ln->nstat > lg->valcap)
        if (grow(&lg->stat_vals, &lg->valcap, lg->valcap,
                 sizeof *lg->stat_vals) < 0)
            return -1;
    struct fit_status *s = &lg->stats[lg->nstats++];
    s->t = t;
    s->n = ln->nstat;
    s->off = (uint32_t)lg->nvals;
    for (int c = 0; c < ln->nstat; c++) {
        lg->stat_vals[lg->nvals++] = ln->inflight[c];
        lg->stat_vals[lg->nvals++] = ln->limit[c];
    }
    if (ln->nstat > lg->nchan)
        lg->nchan = ln->nstat;
    return 0;
}

/* on_info - size, sender and qp of a message */
static int on_info(struct fit_log *lg, int64_t t, const struct fit_line *ln)
{
    long mi = live_msg(lg, ln->msg, t, 1);
    if (mi < 0)
        return -1;
    struct fit_msg *m = &lg->msgs[mi];
    if (m->sender)
        return 0;
    m->sender = malloc(ln->senderlen + 1);
    if (!m->sender)
        return -1;
    memcpy(m->sender, ln->sender, ln->senderlen);
    m->sender[ln->senderlen] = '\0';
    m->bytes = ln->bytes;
    m->qp = ln->qp;
    if ((ln->senderlen == 0 || strcmp(m->sender, "#@[]") == 0) &&
        u64map_get(&lg->bounce_qp, ln->qp, NULL)) {
        m->bounce = 1;
        u64map_del(&lg->bounce_qp, ln->qp);
    }
    return 0;
}

/* apply - one parsed line; 0 ok, -1 out of memory */
static int apply(struct fit_log *lg, int64_t t, const struct fit_line *ln)
{
    uint64_t mi;
    switch (ln->kind) {
    case FIT_L_NEW:
        if (u64map_get(&lg->live, ln->msg, &mi))
            lg->reused_msgs++;
        return new_msg(lg, ln->msg, t, 1) < 0 ? -1 : 0;
    case FIT_L_INFO:
        return on_info(lg, t, ln);
    case FIT_L_START:
        return on_start(lg, t, ln);
    case FIT_L_RESULT:
        on_result(lg, t, ln);
        return 0;
    case FIT_L_STATUS:
        return on_status(lg, t, ln);
    case FIT_L_EXITING:
        lg->restarts++;
        lose_inflight(lg, t);
        return 0;
    case FIT_L_END:
        if (!u64map_get(&lg->live, ln->msg, &mi)) {
            lg->orphan_ends++;
            return 0;
        }
        lg->msgs[mi].ended = 1;
        lg->msgs[mi].end = t;
        u64map_del(&lg->live, ln->msg);
        return 0;
    case FIT_L_BOUNCE:
        return u64map_put(&lg->bounce_qp, ln->qp, 1);
    case FIT_L_OTHER:
        lg->other++;
        return 0;
    }
    return 0;
}

/* keep_example - a printable copy of a line into ex; -1 out of memory */
static int keep_example(struct fit_example *ex, const char *text, size_t len,
                        const char *file, unsigned long lineno)
{
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    if (len > 200)
        len = 200;
    ex->file = strdup(file ? file : "-");
    ex->text = malloc(len + 1);
    if (!ex->file || !ex->text) {
        free(ex->file);
        free(ex->text);
        ex->file = ex->text = NULL;
        return -1;
    }
    /* keep the example printable: it goes to a terminal and into JSON */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        ex->text[i] = ch < 32 || ch > 126 ? '?' : (char)ch;
    }
    ex->text[len] = '\0';
    ex->line = lineno;
    return 0;
}

/* drop_example - release an example's copies */
static void drop_example(struct fit_example *ex)
{
    free(ex->file);
    free(ex->text);
    ex->file = ex->text = NULL;
}

/* fit_log_unparsed - count a line nobody could read, keep an example */
int fit_log_unparsed(struct fit_log *lg, const char *text, size_t len,
                     const char *file, unsigned long lineno)
{
    lg->unparsed++;
    if (lg->nexamples == FIT_EXAMPLES)
        return 0;
    if (keep_example(&lg->examples[lg->nexamples], text, len, file,
                     lineno) < 0)
        return -1;
    lg->nexamples++;
    return 0;
}

/* far_line - one more line far from its neighbours, with an example */
static void far_line(struct fit_log *lg, struct fit_example *ex)
{
    lg->far++;
    if (lg->nfar_ex < FIT_EXAMPLES && ex->file)
        lg->far_ex[lg->nfar_ex++] = *ex;
    else
        drop_example(ex);
    memset(ex, 0, sizeof *ex);
}

/* check_clock - the line's time against its neighbours: lines earlier than
 * the one before are out of order; a line far (FIT_FAR) from both
 * neighbours is a wild stamp and moves neither the log's start nor its
 * end, while a jump the next line confirms is the clock (or a quiet
 * night); -1 out of memory */
static int check_clock(struct fit_log *lg, int64_t t, const char *text, size_t len,
                 const char *file, unsigned long lineno)
{
    if (!lg->have_time) {
        lg->first = lg->last = t;
        lg->have_time = 1;
        return 0;
    }
    if (lg->jump) {
        lg->jump = 0;
        if (t >= lg->jump_t - FIT_FAR) {
            drop_example(&lg->jump_ex);    /* confirmed */
            lg->last = lg->jump_t;
        } else {
            far_line(lg, &lg->jump_ex);    /* it was the odd one */
        }
    }
    if (t < lg->last) {
        lg->backwards++;
        if (lg->last - t > FIT_FAR) {
            struct fit_example ex = {0};
            if (lg->nfar_ex < FIT_EXAMPLES &&
                keep_example(&ex, text, len, file, lineno) < 0)
                return -1;
            far_line(lg, &ex);
            return 0;
        }
        if (lg->nback_ex < FIT_EXAMPLES) {
            if (keep_example(&lg->back_ex[lg->nback_ex], text, len, file,
                             lineno) < 0)
                return -1;
            lg->nback_ex++;
        }
        if (t < lg->first)
            lg->first = t;
    } else if (t - lg->last > FIT_FAR) {
        lg->jump = 1;
        lg->jump_t = t;
        if (lg->nfar_ex < FIT_EXAMPLES &&
            keep_example(&lg->jump_ex, text, len, file, lineno) < 0)
            return -1;
    } else {
        lg->last = t;
    }
    return 0;
}

/* fit_log_line - one line with its time */
int fit_log_line(struct fit_log *lg, int64_t t, const char *text, size_t len,
                 const char *file, unsigned long lineno)
{
    struct fit_line ln;
    lg->lines++;
    if (fit_line_parse(text, len, &ln) < 0)
        return fit_log_unparsed(lg, text, len, file, lineno);
    lg->parsed++;
    if (check_clock(lg, t, text, len, file, lineno) < 0)
        return -1;
    return apply(lg, t, &ln);
}

/* fit_log_finish - the end of the log */
void fit_log_finish(struct fit_log *lg)
{
    if (lg->jump) {
        /* the last line jumped: nothing came back, so believe it */
        lg->jump = 0;
        lg->last = lg->jump_t;
        drop_example(&lg->jump_ex);
    }
    if (lg->nchan < QC_MIN_CHANNELS)
        lg->nchan = QC_MIN_CHANNELS;
}

/* fit_log_free - release everything */
void fit_log_free(struct fit_log *lg)
{
    for (size_t i = 0; i < lg->nmsgs; i++) {
        free(lg->msgs[i].sender);
        free(lg->msgs[i].rcpts);
    }
    for (size_t i = 0; i < lg->nrcpts; i++)
        free(lg->rcpts[i].addr);
    for (size_t i = 0; i < lg->ndoms; i++)
        free(lg->doms[i].name);
    for (size_t i = 0; i < lg->nexamples; i++)
        drop_example(&lg->examples[i]);
    for (size_t i = 0; i < lg->nback_ex; i++)
        drop_example(&lg->back_ex[i]);
    for (size_t i = 0; i < lg->nfar_ex; i++)
        drop_example(&lg->far_ex[i]);
    drop_example(&lg->jump_ex);
    for (size_t i = 0; i < lg->nfiles; i++)
        free(lg->files[i]);
    free(lg->files);
    free(lg->msgs);
    free(lg->rcpts);
    free(lg->atts);
    free(lg->stats);
    free(lg->stat_vals);
    free(lg->doms);
    strmap_free(lg->dom_index);
    strmap_free(lg->rcpt_index);
    u64map_free(&lg->live);
    u64map_free(&lg->inflight);
    u64map_free(&lg->bounce_qp);
    fit_log_init(lg);
}
