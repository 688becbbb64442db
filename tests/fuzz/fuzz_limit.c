/*
 * fuzz_limit.c - libFuzzer target for the spawner's handshake decoder.
 *
 * Input: one byte picks the width, the rest is cut into chunks (see
 * fuzz_split.h).  Every group of width bytes is a limit; it must equal
 * the bytes read little-endian and encode back to them.
 */
#include "fuzz_split.h"

static enum proto_width width;
static struct proto_limit_dec dec1, dec2;
static unsigned last;

/* init - a fresh decoder */
static void init(void *d)
{
    proto_limit_dec_init(d, width);
}

/* step - one feed() */
static int step(void *d, const char *in, size_t len, size_t *used)
{
    last = 0xdeadbeef;
    int r = proto_limit_dec_feed(d, in, len, used, &last);
    FZ_CHECK(r != PROTO_ERR);
    return r;
}

/* record - check one handshake against its raw bytes */
static void record(int r, const char *raw, size_t rawlen, struct fz_tr *t)
{
    FZ_CHECK(r == PROTO_OK && rawlen == (size_t)width);
    unsigned want = (unsigned char)raw[0];
    if (width == PROTO_WIDTH_BIG)
        want |= (unsigned)(unsigned char)raw[1] << 8;
    FZ_CHECK(last == want && last <= proto_width_max(width));
    char out[2];
    FZ_CHECK(proto_limit_enc(out, sizeof out, width, last) == rawlen);
    FZ_CHECK(memcmp(out, raw, rawlen) == 0);
    fz_num(t, last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    width = data[0] & 1 ? PROTO_WIDTH_BIG : PROTO_WIDTH_CLASSIC;
    fz_run(data + 1, size - 1, &dec1, &dec2, init, step, record);
    return 0;
}
