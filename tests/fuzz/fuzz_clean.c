/*
 * fuzz_clean.c - libFuzzer target for qmail-clean's request decoder.
 *
 * The input is cut into chunks (see fuzz_split.h).  Each request's
 * verdict and path are checked against its raw bytes, a good one must
 * encode back to exactly those bytes, and chunking must not change
 * anything.
 */
#include "fuzz_split.h"

static struct proto_clean_dec dec1, dec2;
static const char *last;
static enum proto_error lasterr;

/* init - a fresh decoder */
static void init(void *d)
{
    proto_clean_dec_init(d);
}

/* step - one feed() */
static int step(void *d, const char *in, size_t len, size_t *used)
{
    lasterr = PROTO_E_TYPE;
    last = NULL;
    int r = proto_clean_dec_feed(d, in, len, used, &last, &lasterr);
    if (r == PROTO_MORE)
        FZ_CHECK(lasterr == PROTO_E_NONE);
    return r;
}

/* record - check one request against its raw bytes */
static void record(int r, const char *raw, size_t rawlen, struct fz_tr *t)
{
    size_t n = rawlen - 1;
    FZ_CHECK(raw[n] == '\0' && memchr(raw, '\0', n) == NULL);
    FZ_CHECK(last != NULL);
    FZ_CHECK((r == PROTO_OK) == (lasterr == PROTO_E_NONE));
    enum proto_error want = n > PROTO_RECORD_MAX ? PROTO_E_TOOLONG
                            : n == 0             ? PROTO_E_EMPTY
                                                 : PROTO_E_NONE;
    FZ_CHECK(lasterr == want);
    size_t plen = strlen(last);
    FZ_CHECK(plen == (n > PROTO_RECORD_MAX ? PROTO_RECORD_MAX : n));
    FZ_CHECK(memcmp(last, raw, plen) == 0);
    if (r == PROTO_OK) {
        static char out[PROTO_RECORD_MAX + 2];
        size_t m = proto_clean_enc_request(out, sizeof out, last);
        FZ_CHECK(m == rawlen && memcmp(out, raw, m) == 0);
    }
    fz_num(t, (unsigned long long)r);
    fz_num(t, lasterr);
    fz_add(t, last, plen + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(data, size, &dec1, &dec2, init, step, record);
    return 0;
}
