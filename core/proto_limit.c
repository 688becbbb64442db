/*
 * proto_limit.c - the spawner's handshake and the delivery-number width.
 *
 *	proto_width_max(w) is the largest number w bytes carry: 255 for the
 *	classic 1-byte protocol, 65535 for the "big concurrency" 2 bytes.
 *	proto_limit_dec_init(d, w) readies a decoder for the handshake.
 *	proto_limit_dec_feed(d, in, len, &used, &limit) collects its bytes
 *	(little-endian) and returns PROTO_OK with the limit once all came.
 *	proto_limit_enc(out, cap, w, limit) writes the handshake.
 *	proto_limit_width_check(w, have, quiet, early) says whether the
 *	spawner's first bytes fit width w.
 *
 * The handshake cannot be malformed: any value is a limit (0 included;
 * qmail-send then runs that channel with concurrency 0).  Only a spawner
 * that closes its end early is an error, and that is the host's to see.
 *
 * The width is not on the wire, but the order of the protocol gives it
 * away: a spawner writes its limit at once and then nothing until its
 * first request.  So a limit that stops short and stays short was
 * written narrower than it is read, and bytes after a complete limit,
 * before any request, mean it was written wider (or by something that
 * is no spawner).
 */
#include "proto.h"

/* proto_width_max - the largest number w bytes carry */
unsigned proto_width_max(enum proto_width w)
{
    return w == PROTO_WIDTH_BIG ? 65535u : 255u;
}

/* proto_limit_dec_init - a handshake decoder for width w */
void proto_limit_dec_init(struct proto_limit_dec *d, enum proto_width w)
{
    d->width = w == PROTO_WIDTH_BIG ? PROTO_WIDTH_BIG : PROTO_WIDTH_CLASSIC;
    d->have = 0;
    d->value = 0;
}

/* proto_limit_dec_feed - collect the handshake's bytes */
int proto_limit_dec_feed(struct proto_limit_dec *d, const char *in,
                         size_t len, size_t *used, unsigned *limit)
{
    size_t i = 0;

    while (i < len && d->have < (unsigned)d->width) {
        d->value |= (unsigned)(unsigned char)in[i] << (8 * d->have);
        d->have++;
        i++;
    }
    *used = i;
    if (d->have < (unsigned)d->width)
        return PROTO_MORE;
    *limit = d->value;
    d->have = 0;
    d->value = 0;
    return PROTO_OK;
}

/* proto_limit_enc - the handshake; 0 if w is bad or limit does not fit */
size_t proto_limit_enc(char *out, size_t cap, enum proto_width w,
                       unsigned limit)
{
    if (w != PROTO_WIDTH_CLASSIC && w != PROTO_WIDTH_BIG)
        return 0;
    if (limit > proto_width_max(w))
        return 0;
    size_t need = (size_t)w;
    if (need > cap)
        return need;
    for (size_t i = 0; i < need; i++)
        out[i] = (char)(unsigned char)(limit >> (8 * i));
    return need;
}

/* proto_limit_width_check - do a spawner's first bytes fit width w? */
enum proto_error proto_limit_width_check(enum proto_width w, unsigned have,
                                         int quiet, size_t early)
{
    if (early)
        return PROTO_E_WIDE;
    if (quiet && have > 0 && have < (unsigned)w)
        return PROTO_E_NARROW;
    return PROTO_E_NONE;
}
