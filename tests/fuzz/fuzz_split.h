/*
 * fuzz_split.h - the driver every protocol fuzz target shares.
 *
 * The input is cut into chunks whose sizes come from the input itself:
 * a length byte k, then up to k bytes of payload, again and again (255 is
 * a repeat, see fz_chunks).  The
 * payload is fed chunk by chunk (each chunk copied to a heap block of its
 * exact size, so ASan sees any read past len), then all at once into a
 * fresh decoder; both runs must give the same transcript.
 *
 * A target supplies step() (one feed() call; it keeps what it decoded)
 * and record() (called with the raw bytes of each complete record, it
 * checks the record and notes it in the transcript).
 */
#ifndef FUZZ_SPLIT_H
#define FUZZ_SPLIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define FZ_CHECK(cond)                                                   \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

/* The driver's own loops are not what is fuzzed: without coverage
 * instrumentation they neither cost time per byte nor show libFuzzer
 * features that only say how the input was cut.  ASan still checks them. */
#define FZ_HARNESS __attribute__((no_sanitize("coverage")))

struct fz_tr {
    char *s;
    size_t len, cap;
};

/* fz_add - append n bytes to the transcript */
FZ_HARNESS static void fz_add(struct fz_tr *t, const void *p, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        FZ_CHECK(t->s != NULL);
    }
    if (n)
        memcpy(t->s + t->len, p, n);
    t->len += n;
}

/* fz_num - append a number */
FZ_HARNESS static void fz_num(struct fz_tr *t, unsigned long long v)
{
    fz_add(t, &v, sizeof v);
}

typedef int (*fz_step_fn)(void *d, const char *in, size_t len, size_t *used);
typedef void (*fz_record_fn)(int r, const char *raw, size_t rawlen,
                             struct fz_tr *t);

/* Over-long records need more bytes than a fuzz input holds: a length
 * byte of 255 followed by r makes one chunk of r + 1 copies of the
 * previous chunk.  The payload is capped so one run stays fast. */
#define FZ_PAYLOAD_MAX (PROTO_RECORD_MAX + PROTO_RECORD_MAX / 5)
#define FZ_CHUNKS_MAX 4096

/* fz_chunks - split data into payload and chunk ends; payload's length */
FZ_HARNESS static size_t fz_chunks(const uint8_t *data, size_t size, char *payload,
                        size_t *ends, size_t *nends)
{
    size_t off = 0, len = 0, prev_at = 0, prev_len = 0;
    *nends = 0;
    while (off < size && *nends < FZ_CHUNKS_MAX) {
        size_t k = data[off++];
        if (k == 255 && off < size) {
            size_t reps = (size_t)data[off++] + 1;
            for (size_t r = 0; r < reps; r++) {
                size_t n = prev_len;
                if (n > FZ_PAYLOAD_MAX - len)
                    n = FZ_PAYLOAD_MAX - len;
                memmove(payload + len, payload + prev_at, n);
                len += n;
            }
            ends[(*nends)++] = len;
            continue;
        }
        if (k > size - off)
            k = size - off;
        size_t n = k < FZ_PAYLOAD_MAX - len ? k : FZ_PAYLOAD_MAX - len;
        memcpy(payload + len, data + off, n);
        prev_at = len;
        prev_len = n;
        len += n;
        off += k;
        ends[(*nends)++] = len;
    }
    return len;
}

/* fz_drive - feed payload cut at ends[] through d, noting records */
FZ_HARNESS static void fz_drive(void *d, const char *payload, const size_t *ends,
                     size_t nends, fz_step_fn step, fz_record_fn record,
                     struct fz_tr *t)
{
    static char raw[FZ_PAYLOAD_MAX + 1];
    size_t rawlen = 0, at = 0;
    for (size_t i = 0; i < nends; i++) {
        size_t n = ends[i] - at;
        char *copy = malloc(n ? n : 1);
        FZ_CHECK(copy != NULL);
        memcpy(copy, payload + at, n);
        size_t off = 0;
        do {
            size_t used = (size_t)-1;
            int r = step(d, copy + off, n - off, &used);
            FZ_CHECK(r == PROTO_MORE || r == PROTO_OK || r == PROTO_ERR);
            FZ_CHECK(used <= n - off);
            if (r == PROTO_MORE)
                FZ_CHECK(used == n - off);
            else
                FZ_CHECK(used > 0);
            memcpy(raw + rawlen, copy + off, used);
            rawlen += used;
            off += used;
            if (r != PROTO_MORE) {
                record(r, raw, rawlen, t);
                rawlen = 0;
            }
        } while (off < n);
        free(copy);
        at = ends[i];
    }
    fz_add(t, "|", 1);
    fz_num(t, rawlen);          /* a partial record is pending, not lost */
}

/* fz_run - chunked and whole runs of the payload in data; same results */
FZ_HARNESS static void fz_run(const uint8_t *data, size_t size, void *d1, void *d2,
                   void (*init)(void *d), fz_step_fn step,
                   fz_record_fn record)
{
    /* big and reused: only the chunks fed need exact heap blocks */
    static char payload[FZ_PAYLOAD_MAX + 1];
    static size_t ends[FZ_CHUNKS_MAX + 1];
    size_t nends;
    size_t len = fz_chunks(data, size, payload, ends, &nends);

    /* the transcripts keep their blocks from input to input: growing
     * them anew each time cost more than the decoding */
    static struct fz_tr chunked, whole;
    chunked.len = whole.len = 0;
    init(d1);
    fz_drive(d1, payload, ends, nends, step, record, &chunked);
    init(d2);
    fz_drive(d2, payload, &len, 1, step, record, &whole);
    FZ_CHECK(chunked.len == whole.len);
    FZ_CHECK(memcmp(chunked.s, whole.s, whole.len) == 0);
}

#endif
