/*
 * fuzz_request.c - libFuzzer target for the spawner's request decoder.
 *
 * Input: one byte picks the width and the table size, the rest is cut
 * into chunks (see fuzz_split.h).  Each request's framing, fields and
 * verdict are checked against its raw bytes, a good one must encode back
 * to exactly those bytes, and chunking must not change anything.
 */
#include "fuzz_split.h"

static enum proto_width width;
static unsigned nslots;
static struct proto_request_dec dec1, dec2;
static struct proto_request last;
static enum proto_error lasterr;

/* init - a fresh decoder */
static void init(void *d)
{
    proto_request_dec_init(d, width, nslots);
}

/* step - one feed() */
static int step(void *d, const char *in, size_t len, size_t *used)
{
    lasterr = PROTO_E_TYPE;
    int r = proto_request_dec_feed(d, in, len, used, &last, &lasterr);
    if (r == PROTO_MORE)
        FZ_CHECK(lasterr == PROTO_E_NONE);
    return r;
}

/* prefix - s is a prefix of the raw field at f (NUL-terminated in raw) */
static int prefix(const char *s, const char *f)
{
    return strncmp(s, f, strlen(s)) == 0;
}

/* record - check one request against its raw bytes */
static void record(int r, const char *raw, size_t rawlen, struct fz_tr *t)
{
    size_t w = (size_t)width;
    size_t n = rawlen - 1;
    FZ_CHECK(rawlen >= w + 3 && raw[n] == '\0');
    unsigned slot = (unsigned char)raw[0];
    if (w == 2)
        slot |= (unsigned)(unsigned char)raw[1] << 8;
    const char *path = raw + w;
    const char *sender = path + strlen(path) + 1;
    const char *rcpt = sender + strlen(sender) + 1;
    FZ_CHECK(rcpt + strlen(rcpt) == raw + n);      /* exactly three NULs */

    FZ_CHECK((r == PROTO_OK) == (lasterr == PROTO_E_NONE));
    FZ_CHECK(last.slot == slot);
    enum proto_error want = n > PROTO_RECORD_MAX ? PROTO_E_TOOLONG
                            : slot >= nslots      ? PROTO_E_RANGE
                            : !*path || !*rcpt    ? PROTO_E_FIELDS
                                                  : PROTO_E_NONE;
    FZ_CHECK(lasterr == want);
    FZ_CHECK(strlen(last.path) + strlen(last.sender) + strlen(last.rcpt) <=
             PROTO_RECORD_MAX);
    if (lasterr == PROTO_E_TOOLONG) {
        /* cut: each field a prefix of the real one, or "" past the cut */
        FZ_CHECK(prefix(last.path, path));
        FZ_CHECK(!*last.sender || prefix(last.sender, sender));
        FZ_CHECK(!*last.rcpt || prefix(last.rcpt, rcpt));
    } else {
        FZ_CHECK(strcmp(last.path, path) == 0);
        FZ_CHECK(strcmp(last.sender, sender) == 0);
        FZ_CHECK(strcmp(last.rcpt, rcpt) == 0);
    }
    if (r == PROTO_OK) {
        static char out[PROTO_RECORD_MAX + 2];
        size_t m = proto_request_enc(out, sizeof out, width, last.slot,
                                     last.path, last.sender, last.rcpt);
        FZ_CHECK(m == rawlen && memcmp(out, raw, m) == 0);
    }
    fz_num(t, (unsigned long long)r);
    fz_num(t, lasterr);
    fz_num(t, last.slot);
    fz_add(t, last.path, strlen(last.path) + 1);
    fz_add(t, last.sender, strlen(last.sender) + 1);
    fz_add(t, last.rcpt, strlen(last.rcpt) + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    width = data[0] & 1 ? PROTO_WIDTH_BIG : PROTO_WIDTH_CLASSIC;
    nslots = (unsigned)(data[0] >> 1) * (width == PROTO_WIDTH_BIG ? 600 : 3);
    fz_run(data + 1, size - 1, &dec1, &dec2, init, step, record);
    return 0;
}
