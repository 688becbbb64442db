/*
 * fuzz_report.c - libFuzzer target for qmail-send's report decoder.
 *
 * Input: one byte picks the width and the table size, the rest is cut
 * into chunks (see fuzz_split.h).  Each report's framing (a NUL ends it
 * only after the slot bytes), slot, status, text and verdict are checked
 * against its raw bytes; a good one must encode back to exactly those
 * bytes, a cut one must re-encode to a good report; chunking must not
 * change anything.
 */
#include "fuzz_split.h"

static enum proto_width width;
static unsigned nslots;
static struct proto_report_dec dec1, dec2, redec;
static struct proto_report last;
static enum proto_error lasterr;

/* init - a fresh decoder */
static void init(void *d)
{
    proto_report_dec_init(d, width, nslots);
}

/* step - one feed() */
static int step(void *d, const char *in, size_t len, size_t *used)
{
    lasterr = PROTO_E_TYPE;
    int r = proto_report_dec_feed(d, in, len, used, &last, &lasterr);
    if (r == PROTO_MORE)
        FZ_CHECK(lasterr == PROTO_E_NONE);
    return r;
}

/* record - check one report against its raw bytes */
static void record(int r, const char *raw, size_t rawlen, struct fz_tr *t)
{
    size_t w = (size_t)width;
    size_t n = rawlen - 1;
    FZ_CHECK(rawlen > w && raw[n] == '\0');
    FZ_CHECK(memchr(raw + w, '\0', n - w) == NULL);
    unsigned slot = (unsigned char)raw[0];
    if (w == 2)
        slot |= (unsigned)(unsigned char)raw[1] << 8;
    char status = n > w ? raw[w] : '\0';
    size_t textlen = n > w ? n - w - 1 : 0;
    size_t cutlen = PROTO_RECORD_MAX - w - 1;

    FZ_CHECK((r == PROTO_OK) == (lasterr == PROTO_E_NONE));
    FZ_CHECK(last.slot == slot && last.status == status);
    FZ_CHECK(last.len == (textlen < cutlen ? textlen : cutlen));
    FZ_CHECK(last.len <= PROTO_RECORD_MAX && last.text[last.len] == '\0');
    FZ_CHECK(memcmp(last.text, raw + w + 1, last.len) == 0 || last.len == 0);
    int good = status == 'K' || status == 'Z' || status == 'D';
    enum proto_error want = slot >= nslots      ? PROTO_E_RANGE
                            : !good             ? PROTO_E_STATUS
                            : n > PROTO_RECORD_MAX ? PROTO_E_TOOLONG
                                                : PROTO_E_NONE;
    FZ_CHECK(lasterr == want);

    static char out[PROTO_RECORD_MAX + 2];
    if (r == PROTO_OK || lasterr == PROTO_E_TOOLONG) {
        size_t m = proto_report_enc(out, sizeof out, width, last.slot,
                                    last.status, last.text, last.len);
        FZ_CHECK(m == w + 2 + last.len);
        if (r == PROTO_OK)
            FZ_CHECK(m == rawlen && memcmp(out, raw, m) == 0);
        struct proto_report again;
        enum proto_error err;
        size_t used;
        proto_report_dec_init(&redec, width, nslots);
        FZ_CHECK(proto_report_dec_feed(&redec, out, m, &used, &again, &err) ==
                 PROTO_OK);
        FZ_CHECK(used == m && again.slot == last.slot &&
                 again.status == last.status && again.len == last.len);
    }
    fz_num(t, (unsigned long long)r);
    fz_num(t, lasterr);
    fz_num(t, last.slot);
    fz_num(t, (unsigned char)last.status);
    fz_num(t, last.len);
    fz_add(t, last.text, last.len);
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
