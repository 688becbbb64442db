/*
 * proto_request.c - qmail-send's delivery requests to a spawner.
 *
 *	proto_request_dec_init(d, w, nslots) readies a spawner-side decoder.
 *	proto_request_dec_feed(d, in, len, &used, &req, &err) takes at most
 *	one request: the delivery number (w bytes, little-endian), then
 *	path "\0" sender "\0" recipient "\0".
 *	proto_request_enc(out, cap, w, slot, path, sender, rcpt) writes one.
 *
 * The path is the message file relative to queue/mess, as qmail-send's
 * fnmake_split() makes it: "<id % split>/<id>".  The delivery number is
 * binary and may hold NUL bytes, so the fields' NULs are counted only
 * after it.  A request's end is its third NUL: until then nothing can be
 * said about missing fields.
 *
 * Diagnostics: on PROTO_ERR *req is still filled in as far as the bytes
 * go, so a spawner can answer for that delivery number the way
 * qmail-spawn does: PROTO_E_TOOLONG (over PROTO_RECORD_MAX bytes; fields
 * past the cut are ""), PROTO_E_RANGE (number >= nslots), PROTO_E_FIELDS
 * (empty path or empty recipient; an empty sender is a bounce and valid).
 */
#include <string.h>

#include "proto.h"

/* proto_request_dec_init - a request decoder for width w */
void proto_request_dec_init(struct proto_request_dec *d, enum proto_width w,
                            unsigned nslots)
{
    d->width = w == PROTO_WIDTH_BIG ? PROTO_WIDTH_BIG : PROTO_WIDTH_CLASSIC;
    d->nslots = nslots;
    d->len = 0;
    d->overflow = 0;
    d->nuls = 0;
    d->buf[0] = '\0';
}

/* next_field - the field after the one at f, "" past the record's end */
static const char *next_field(const char *f, const char *end)
{
    const char *p = f + strlen(f);
    return p < end ? p + 1 : end;
}

/* finish - parse the complete request in d->buf */
static enum proto_error finish(struct proto_request_dec *d,
                               struct proto_request *req)
{
    size_t w = (size_t)d->width;
    const char *end = d->buf + d->len;

    d->buf[d->len] = '\0';
    req->slot = 0;
    for (size_t i = 0; i < w; i++)
        req->slot |= (unsigned)(unsigned char)d->buf[i] << (8 * i);
    req->path = d->buf + w;
    req->sender = next_field(req->path, end);
    req->rcpt = next_field(req->sender, end);
    if (d->overflow)
        return PROTO_E_TOOLONG;
    if (req->slot >= d->nslots)
        return PROTO_E_RANGE;
    if (*req->path == '\0' || *req->rcpt == '\0')
        return PROTO_E_FIELDS;
    return PROTO_E_NONE;
}

/* proto_request_dec_feed - take at most one request from in[0..len) */
int proto_request_dec_feed(struct proto_request_dec *d, const char *in,
                           size_t len, size_t *used,
                           struct proto_request *req, enum proto_error *err)
{
    size_t w = (size_t)d->width;

    proto_set_err(err, PROTO_E_NONE);
    for (size_t i = 0; i < len; i++) {
        char ch = in[i];

        /* d->len stops at PROTO_RECORD_MAX, far beyond the slot bytes */
        if (ch == '\0' && d->len >= w && ++d->nuls == 3) {
            *used = i + 1;
            enum proto_error e = finish(d, req);
            d->len = 0;
            d->overflow = 0;
            d->nuls = 0;
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

/* proto_request_enc - one request; 0 if it cannot be encoded */
size_t proto_request_enc(char *out, size_t cap, enum proto_width w,
                         unsigned slot, const char *path, const char *sender,
                         const char *rcpt)
{
    if (w != PROTO_WIDTH_CLASSIC && w != PROTO_WIDTH_BIG)
        return 0;
    if (slot > proto_width_max(w) || !path || !sender || !rcpt)
        return 0;
    size_t lp = strlen(path), ls = strlen(sender), lr = strlen(rcpt);
    if (lp == 0 || lr == 0)
        return 0;
    size_t need = (size_t)w + lp + 1 + ls + 1 + lr + 1;
    if (need > PROTO_RECORD_MAX + 1)
        return 0;
    if (need > cap)
        return need;
    char *p = out;
    for (size_t i = 0; i < (size_t)w; i++)
        *p++ = (char)(unsigned char)(slot >> (8 * i));
    memcpy(p, path, lp + 1);
    p += lp + 1;
    memcpy(p, sender, ls + 1);
    p += ls + 1;
    memcpy(p, rcpt, lr + 1);
    return need;
}
