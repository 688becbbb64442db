/*
 * proto_report.c - a spawner's delivery reports to qmail-send.
 *
 *	proto_report_dec_init(d, w, nslots) readies a decoder on qmail-send's
 *	side; proto_report_dec_resize(d, nslots) follows a SIGHUP.
 *	proto_report_dec_feed(d, in, len, &used, &rep, &err) takes at most one
 *	report: delivery number (w bytes, little-endian), status byte, text,
 *	"\0".
 *	proto_report_enc(out, cap, w, slot, status, text, len) writes one.
 *
 * The delivery number is binary and may hold NUL bytes.  As in qmail-send's
 * del_dochan() a NUL ends the report only once the number is complete; a
 * NUL right after it ends a report with no status byte, which is mangled.
 *
 * Diagnostics, in this order: PROTO_E_RANGE (number >= nslots: qmail-send
 * only warns), PROTO_E_STATUS (status not K, Z or D: "report mangled, will
 * defer"; rep->status holds the byte, 0 when there was none),
 * PROTO_E_TOOLONG (over PROTO_RECORD_MAX bytes: the text is cut and the
 * report otherwise good, qmail-send acts on it).  *rep is filled in on
 * every PROTO_ERR.
 */
#include <string.h>

#include "proto.h"

/* proto_report_dec_init - a report decoder for width w */
void proto_report_dec_init(struct proto_report_dec *d, enum proto_width w,
                           unsigned nslots)
{
    d->width = w == PROTO_WIDTH_BIG ? PROTO_WIDTH_BIG : PROTO_WIDTH_CLASSIC;
    d->nslots = nslots;
    d->len = 0;
    d->overflow = 0;
    d->buf[0] = '\0';
}

/* proto_report_dec_resize - the table grew or shrank (SIGHUP) */
void proto_report_dec_resize(struct proto_report_dec *d, unsigned nslots)
{
    d->nslots = nslots;
}

/* finish - parse the complete report in d->buf */
static enum proto_error finish(struct proto_report_dec *d,
                               struct proto_report *rep)
{
    size_t w = (size_t)d->width;

    d->buf[d->len] = '\0';
    rep->slot = 0;
    for (size_t i = 0; i < w; i++)
        rep->slot |= (unsigned)(unsigned char)d->buf[i] << (8 * i);
    if (d->len > w) {
        rep->status = d->buf[w];
        rep->text = d->buf + w + 1;
        rep->len = d->len - w - 1;
    } else {
        rep->status = '\0';
        rep->text = d->buf + d->len;
        rep->len = 0;
    }
    if (rep->slot >= d->nslots)
        return PROTO_E_RANGE;
    if (rep->status != 'K' && rep->status != 'Z' && rep->status != 'D')
        return PROTO_E_STATUS;
    if (d->overflow)
        return PROTO_E_TOOLONG;
    return PROTO_E_NONE;
}

/* proto_report_dec_feed - take at most one report from in[0..len) */
int proto_report_dec_feed(struct proto_report_dec *d, const char *in,
                          size_t len, size_t *used, struct proto_report *rep,
                          enum proto_error *err)
{
    size_t w = (size_t)d->width;

    proto_set_err(err, PROTO_E_NONE);
    for (size_t i = 0; i < len; i++) {
        char ch = in[i];

        /* a NUL inside the delivery number is part of the number */
        if (ch == '\0' && d->len >= w) {
            *used = i + 1;
            enum proto_error e = finish(d, rep);
            d->len = 0;
            d->overflow = 0;
            proto_set_err(err, e);
            return e == PROTO_E_NONE ? PROTO_OK : PROTO_ERR;
        }
        if (d->len < PROTO_RECORD_MAX)
            d->buf[d->len++] = ch;
        else
            d->overflow = 1;
    }
    *used = len;
    return PROTO_MORE;
}

/* proto_report_text_max - the longest text a report of width w carries */
size_t proto_report_text_max(enum proto_width w)
{
    return PROTO_RECORD_MAX - 1 - (w == PROTO_WIDTH_BIG ? 2 : 1);
}

/* proto_report_enc - one report; 0 if it cannot be encoded */
size_t proto_report_enc(char *out, size_t cap, enum proto_width w,
                        unsigned slot, char status, const char *text,
                        size_t len)
{
    if (w != PROTO_WIDTH_CLASSIC && w != PROTO_WIDTH_BIG)
        return 0;
    if (slot > proto_width_max(w) || status == '\0')
        return 0;
    if (len > proto_report_text_max(w) || (len && memchr(text, '\0', len)))
        return 0;
    size_t need = (size_t)w + 1 + len + 1;
    if (need > cap)
        return need;
    for (size_t i = 0; i < (size_t)w; i++)
        out[i] = (char)(unsigned char)(slot >> (8 * i));
    out[w] = status;
    if (len)
        memcpy(out + w + 1, text, len);
    out[need - 1] = '\0';
    return need;
}
