/*
 * fuzz_todo.c - libFuzzer target for the todo -> send decoder.
 *
 * Input: one byte picks the channel count (0..66, so bad counts occur
 * too), the rest is cut into chunks (see fuzz_split.h).  Each record's
 * verdict is compared with a plain reading of the format, a good record
 * must survive re-encoding, and chunking must not change anything.
 */
#include "fuzz_split.h"

static int nchan;
static struct proto_todo_dec dec1, dec2, redec;
static struct proto_todo_rec last;
static enum proto_error lasterr;

/* init - a fresh decoder */
static void init(void *d)
{
    proto_todo_dec_init(d, nchan);
}

/* step - one feed() */
static int step(void *d, const char *in, size_t len, size_t *used)
{
    lasterr = PROTO_E_TYPE;
    int r = proto_todo_dec_feed(d, in, len, used, &last, &lasterr);
    if (r == PROTO_MORE)
        FZ_CHECK(lasterr == PROTO_E_NONE);
    return r;
}

/* expected - the verdict on content c[0..n), read the simple way */
static enum proto_error expected(const char *c, size_t n)
{
    if (n > PROTO_RECORD_MAX)
        return PROTO_E_TOOLONG;
    if (n == 0)
        return PROTO_E_EMPTY;
    if (c[0] == 'L' || (c[0] == 'X' && n == 1))
        return PROTO_E_NONE;
    if (c[0] != 'D')
        return PROTO_E_TYPE;
    if (nchan < 1 || nchan > QC_MAX_CHANNELS || n < 1 + (size_t)nchan)
        return PROTO_E_CHANNELS;
    for (int i = 1; i <= nchan; i++)
        if (c[i] != '0' && c[i] != '1')
            return PROTO_E_CHANNELS;
    size_t digits = n - 1 - (size_t)nchan;
    const char *p = c + 1 + nchan;
    if (digits == 0)
        return PROTO_E_DIGITS;
    while (digits > 1 && *p == '0')
        p++, digits--;
    if (digits > 20)
        return PROTO_E_DIGITS;
    for (size_t i = 0; i < digits; i++)
        if (p[i] < '0' || p[i] > '9')
            return PROTO_E_DIGITS;
    if (digits == 20 && memcmp(p, "18446744073709551615", 20) > 0)
        return PROTO_E_DIGITS;
    return PROTO_E_NONE;
}

/* record - check one decoded record against its raw bytes */
static void record(int r, const char *raw, size_t rawlen, struct fz_tr *t)
{
    size_t n = rawlen - 1;
    FZ_CHECK(raw[n] == '\0' && memchr(raw, '\0', n) == NULL);
    FZ_CHECK((r == PROTO_OK) == (lasterr == PROTO_E_NONE));
    FZ_CHECK(lasterr == expected(raw, n));
    FZ_CHECK(last.text != NULL && last.len <= PROTO_RECORD_MAX);
    FZ_CHECK(last.text[last.len] == '\0' && strlen(last.text) == last.len);
    if (n > 0 && (raw[0] == 'L' || raw[0] == 'D'))
        FZ_CHECK(last.type == raw[0]);
    if (last.type == 'L') {
        FZ_CHECK(last.len == (n > PROTO_RECORD_MAX ? PROTO_RECORD_MAX : n) - 1);
        FZ_CHECK(memcmp(last.text, raw + 1, last.len) == 0);
    }

    if (r == PROTO_OK && last.type == 'X')
        FZ_CHECK(n == 1);
    else if (r == PROTO_OK) {
        static char out[PROTO_RECORD_MAX + 2];
        size_t m;
        if (last.type == 'L') {
            m = proto_todo_enc_log(out, sizeof out, last.text, last.len);
            FZ_CHECK(m == rawlen && memcmp(out, raw, m) == 0);
        } else {
            m = proto_todo_enc_delivery(out, sizeof out, nchan, last.chanmask,
                                        last.id);
            /* the id may have had leading zeros: compare decoded values */
            FZ_CHECK(m > 0 && m <= rawlen);
            struct proto_todo_rec again;
            enum proto_error err;
            size_t used;
            proto_todo_dec_init(&redec, nchan);
            FZ_CHECK(proto_todo_dec_feed(&redec, out, m, &used, &again, &err) ==
                     PROTO_OK);
            FZ_CHECK(used == m && again.type == 'D');
            FZ_CHECK(again.chanmask == last.chanmask && again.id == last.id);
        }
    }
    fz_num(t, (unsigned long long)r);
    fz_num(t, lasterr);
    fz_num(t, (unsigned char)last.type);
    fz_num(t, last.chanmask);
    fz_num(t, last.id);
    fz_num(t, last.len);
    fz_add(t, last.text, last.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    nchan = data[0] % 67;
    fz_run(data + 1, size - 1, &dec1, &dec2, init, step, record);
    return 0;
}
