/*
 * proto_record.c - what every NUL-ended protocol decoder shares.
 *
 *	proto_set_err(err, e) stores e when the caller asked for errors.
 *	proto_nul_take(buf, &blen, &overflow, in, len, &used) adds the bytes
 *	of in[0..len) up to and including the first NUL to the record being
 *	gathered in buf, and answers 1 when that NUL ended it.  Of an
 *	over-long record the head (PROTO_RECORD_MAX bytes) is kept and
 *	*overflow is set; the rest is dropped up to its NUL, so one bad
 *	record never desynchronises the stream.
 */
#include <string.h>

#include "proto.h"

/* proto_set_err - report e when the caller asked for it */
void proto_set_err(enum proto_error *err, enum proto_error e)
{
    if (err)
        *err = e;
}

/* proto_nul_take - gather up to one NUL-ended record; 1 when complete */
int proto_nul_take(char *buf, size_t *blen, int *overflow, const char *in,
                   size_t len, size_t *used)
{
    const char *nul = len ? memchr(in, '\0', len) : NULL;
    size_t n = nul ? (size_t)(nul - in) : len;
    size_t room = PROTO_RECORD_MAX - *blen;

    if (n > room) {
        memcpy(buf + *blen, in, room);
        *blen = PROTO_RECORD_MAX;
        *overflow = 1;
    } else {
        memcpy(buf + *blen, in, n);
        *blen += n;
    }
    if (!nul) {
        *used = len;
        return 0;
    }
    *used = n + 1;
    buf[*blen] = '\0';
    return 1;
}
