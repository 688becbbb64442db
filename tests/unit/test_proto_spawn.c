/*
 * test_proto_spawn.c - the spawn protocol: handshake, requests, reports,
 * in the classic (1-byte) and big (2-byte) widths.
 *
 * Every decoding test runs its input whole, one byte at a time and cut in
 * two at every position; all must give the same transcript.  Each chunk
 * is copied to a heap block of its exact size, so the ASan build catches
 * a decoder that reads past len.  The report framing is also compared
 * with a model of qmail-send's del_dochan() loop on random bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "proto.h"
#include "transcript.h"

static const enum proto_width widths[] = {PROTO_WIDTH_CLASSIC,
                                          PROTO_WIDTH_BIG};

/* ---------------------------------------------------------- transcripts */

/* tr_str - append a NUL-terminated string with its NUL */
static void tr_str(struct tr *t, const char *s)
{
    tr_add(t, s, strlen(s) + 1);
}

/* tr_num - append a number and a space */
static void tr_num(struct tr *t, unsigned long long v)
{
    char line[32];
    int n = snprintf(line, sizeof line, "%llu ", v);
    tr_add(t, line, (size_t)n);
}

/* A decoder under test: feed once, note a result into the transcript. */
struct codec {
    void (*init)(void *d, enum proto_width w, unsigned nslots);
    int (*feed)(void *d, const char *in, size_t len, size_t *used,
                struct tr *t);
    size_t size;
};

/* limit_init, limit_feed - the handshake decoder under test */
static void limit_init(void *d, enum proto_width w, unsigned nslots)
{
    (void)nslots;
    proto_limit_dec_init(d, w);
}

static int limit_feed(void *d, const char *in, size_t len, size_t *used,
                      struct tr *t)
{
    unsigned limit = 99999;
    int r = proto_limit_dec_feed(d, in, len, used, &limit);
    if (r == PROTO_OK) {
        tr_add(t, "L ", 2);
        tr_num(t, limit);
    }
    return r;
}

/* request_init, request_feed - the request decoder under test */
static void request_init(void *d, enum proto_width w, unsigned nslots)
{
    proto_request_dec_init(d, w, nslots);
}

static int request_feed(void *d, const char *in, size_t len, size_t *used,
                        struct tr *t)
{
    struct proto_request req;
    enum proto_error err = PROTO_E_TYPE;
    int r = proto_request_dec_feed(d, in, len, used, &req, &err);
    CU_ASSERT((r == PROTO_ERR) == (err != PROTO_E_NONE));
    if (r != PROTO_MORE) {
        tr_add(t, "Q ", 2);
        tr_num(t, (unsigned)err);
        tr_num(t, req.slot);
        tr_str(t, req.path);
        tr_str(t, req.sender);
        tr_str(t, req.rcpt);
        CU_ASSERT(strlen(req.path) + strlen(req.sender) + strlen(req.rcpt) <=
                  PROTO_RECORD_MAX);
    }
    return r;
}

/* report_init, report_feed - the report decoder under test */
static void report_init(void *d, enum proto_width w, unsigned nslots)
{
    proto_report_dec_init(d, w, nslots);
}

static int report_feed(void *d, const char *in, size_t len, size_t *used,
                       struct tr *t)
{
    struct proto_report rep;
    enum proto_error err = PROTO_E_TYPE;
    int r = proto_report_dec_feed(d, in, len, used, &rep, &err);
    CU_ASSERT((r == PROTO_ERR) == (err != PROTO_E_NONE));
    if (r != PROTO_MORE) {
        tr_add(t, "R ", 2);
        tr_num(t, (unsigned)err);
        tr_num(t, rep.slot);
        tr_num(t, (unsigned char)rep.status);
        tr_num(t, rep.len);
        CU_ASSERT(rep.len <= PROTO_RECORD_MAX);
        CU_ASSERT_EQUAL(rep.text[rep.len], '\0');
        tr_add(t, rep.text, rep.len);
    }
    return r;
}

static const struct codec limit_codec = {limit_init, limit_feed,
                                         sizeof(struct proto_limit_dec)};
static const struct codec request_codec = {request_init, request_feed,
                                           sizeof(struct proto_request_dec)};
static const struct codec report_codec = {report_init, report_feed,
                                          sizeof(struct proto_report_dec)};

/* feed_chunk - feed one chunk, from a copy of its exact size */
static void feed_chunk(const struct codec *c, void *d, const char *p,
                       size_t n, struct tr *t)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, p, n);
    size_t off = 0;
    do {
        size_t used = 12345;
        int r = c->feed(d, copy + off, n - off, &used, t);
        CU_ASSERT_FATAL(used <= n - off);
        if (r == PROTO_MORE) {
            CU_ASSERT_EQUAL(used, n - off);
        } else {
            CU_ASSERT_FATAL(used > 0);
        }
        off += used;
    } while (off < n);
    free(copy);
}

/* run - transcript of in, cut at the positions in cuts (ascending) */
static void run(const struct codec *c, enum proto_width w, unsigned nslots,
                const char *in, size_t len, const size_t *cuts, size_t ncuts,
                struct tr *t)
{
    void *d = malloc(c->size);
    if (!d)
        abort();
    c->init(d, w, nslots);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        feed_chunk(c, d, in + at, end - at, t);
        at = end;
    }
    free(d);
}

/* check_splits - whole, byte by byte, every two-chunk cut: same result */
static void check_splits(const struct codec *c, enum proto_width w,
                         unsigned nslots, const char *in, size_t len,
                         struct tr *whole)
{
    run(c, w, nslots, in, len, NULL, 0, whole);

    size_t *cuts = calloc(len + 1, sizeof *cuts);
    if (!cuts)
        abort();
    for (size_t i = 0; i < len; i++)
        cuts[i] = i + 1;
    struct tr bytes = {0};
    run(c, w, nslots, in, len, cuts, len ? len - 1 : 0, &bytes);
    CU_ASSERT(bytes.len == whole->len &&
              memcmp(bytes.s, whole->s, whole->len) == 0);
    free(bytes.s);

    size_t step = len > 2000 ? 97 : 1;
    for (size_t k = 0; k <= len; k += step) {
        struct tr two = {0};
        run(c, w, nslots, in, len, &k, 1, &two);
        CU_ASSERT(two.len == whole->len &&
                  memcmp(two.s, whole->s, whole->len) == 0);
        free(two.s);
    }
    free(cuts);
}

/* splits_ok - check_splits, transcript thrown away */
static void splits_ok(const struct codec *c, enum proto_width w,
                      unsigned nslots, const char *in, size_t len)
{
    struct tr whole = {0};
    check_splits(c, w, nslots, in, len, &whole);
    free(whole.s);
}

/* ---------------------------------------------------------- handshake */

/* test_limit_roundtrip - every classic value, big ones with 0 bytes */
static void test_limit_roundtrip(void)
{
    static const unsigned big[] = {0, 1, 255, 256, 509, 0x0100, 0x00ff,
                                   0xff00, 65535};
    for (unsigned v = 0; v < 256 + 9; v++) {
        enum proto_width w = v < 256 ? PROTO_WIDTH_CLASSIC : PROTO_WIDTH_BIG;
        unsigned limit = v < 256 ? v : big[v - 256];
        char out[2] = {'#', '#'};
        size_t n = proto_limit_enc(out, sizeof out, w, limit);
        CU_ASSERT_EQUAL_FATAL(n, (size_t)w);
        CU_ASSERT_EQUAL((unsigned char)out[0], limit & 0xff);
        if (w == PROTO_WIDTH_BIG) {
            CU_ASSERT_EQUAL((unsigned char)out[1], limit >> 8);
        } else {
            CU_ASSERT_EQUAL(out[1], '#');
        }

        struct proto_limit_dec d;
        size_t used;
        unsigned got = 99999;
        proto_limit_dec_init(&d, w);
        CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, out, n, &used, &got),
                        PROTO_OK);
        CU_ASSERT_EQUAL(used, n);
        CU_ASSERT_EQUAL(got, limit);
        splits_ok(&limit_codec, w, 0, out, n);
    }
}

/* test_limit_partial - the big handshake arriving one byte at a time */
static void test_limit_partial(void)
{
    struct proto_limit_dec d;
    size_t used;
    unsigned got = 7;
    proto_limit_dec_init(&d, PROTO_WIDTH_BIG);
    CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, "\xfd", 1, &used, &got),
                    PROTO_MORE);
    CU_ASSERT_EQUAL(used, 1);
    CU_ASSERT_EQUAL(got, 7);
    CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, "", 0, &used, &got), PROTO_MORE);
    CU_ASSERT_EQUAL(used, 0);
    /* the handshake is two bytes: the third is not taken */
    CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, "\x01Z", 2, &used, &got),
                    PROTO_OK);
    CU_ASSERT_EQUAL(used, 1);
    CU_ASSERT_EQUAL(got, 509);
}

/* test_limit_invalid - values the width cannot carry */
static void test_limit_invalid(void)
{
    char out[4];
    CU_ASSERT_EQUAL(proto_limit_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 256), 0);
    CU_ASSERT_EQUAL(proto_limit_enc(out, sizeof out, PROTO_WIDTH_BIG, 65536), 0);
    CU_ASSERT_EQUAL(proto_limit_enc(out, sizeof out, (enum proto_width)3, 1), 0);
    CU_ASSERT_EQUAL(proto_limit_enc(NULL, 0, PROTO_WIDTH_BIG, 2), 2);
    CU_ASSERT_EQUAL(proto_width_max(PROTO_WIDTH_CLASSIC), 255);
    CU_ASSERT_EQUAL(proto_width_max(PROTO_WIDTH_BIG), 65535);
}

/* ---------------------------------------------------------- requests */

/* decode_request - the one request in in[0..len), splits checked */
static int decode_request(enum proto_width w, unsigned nslots,
                          const char *in, size_t len,
                          struct proto_request *req, enum proto_error *err)
{
    static struct proto_request_dec d;
    size_t used;
    splits_ok(&request_codec, w, nslots, in, len);
    proto_request_dec_init(&d, w, nslots);
    int r = proto_request_dec_feed(&d, in, len, &used, req, err);
    CU_ASSERT_EQUAL(used, len);
    return r;
}

/* test_request_roundtrip - both widths, slots with 0 bytes */
static void test_request_roundtrip(void)
{
    static const unsigned slots[] = {0, 1, 10, 255, 256, 0x0100, 0x1000,
                                     65535};
    static const char *senders[] = {"joe@example.com", ""};
    for (size_t wi = 0; wi < 2; wi++)
        for (size_t si = 0; si < sizeof slots / sizeof slots[0]; si++)
            for (size_t k = 0; k < 2; k++) {
                enum proto_width w = widths[wi];
                unsigned slot = slots[si];
                char out[256];
                size_t n = proto_request_enc(out, sizeof out, w, slot,
                                             "12/457", senders[k],
                                             "kim@example.org");
                if (slot > proto_width_max(w)) {
                    CU_ASSERT_EQUAL(n, 0);
                    continue;
                }
                size_t want = (size_t)w + 7 + strlen(senders[k]) + 1 + 16;
                CU_ASSERT_EQUAL_FATAL(n, want);
                CU_ASSERT_EQUAL((unsigned char)out[0], slot & 0xff);
                if (w == PROTO_WIDTH_BIG)
                    CU_ASSERT_EQUAL((unsigned char)out[1], slot >> 8);
                CU_ASSERT_STRING_EQUAL(out + w, "12/457");

                struct proto_request req;
                enum proto_error err;
                CU_ASSERT_EQUAL(decode_request(w, 65536, out, n, &req, &err),
                                PROTO_OK);
                CU_ASSERT_EQUAL(err, PROTO_E_NONE);
                CU_ASSERT_EQUAL(req.slot, slot);
                CU_ASSERT_STRING_EQUAL(req.path, "12/457");
                CU_ASSERT_STRING_EQUAL(req.sender, senders[k]);
                CU_ASSERT_STRING_EQUAL(req.rcpt, "kim@example.org");
            }
}

/* test_request_zero_slot - a 0 slot byte is not a field's NUL */
static void test_request_zero_slot(void)
{
    struct proto_request req;
    enum proto_error err;
    /* classic: slot 0, then the fields */
    static const char c[] = "\0" "3/3\0" "a@b\0" "c@d\0";
    CU_ASSERT_EQUAL(decode_request(PROTO_WIDTH_CLASSIC, 10, c, sizeof c - 1,
                                   &req, &err), PROTO_OK);
    CU_ASSERT_EQUAL(req.slot, 0);
    CU_ASSERT_STRING_EQUAL(req.path, "3/3");
    CU_ASSERT_STRING_EQUAL(req.rcpt, "c@d");
    /* big: slot 0x0100 has a NUL low byte, slot 0 two */
    static const char b1[] = "\0\1" "3/3\0" "\0" "c@d\0";
    CU_ASSERT_EQUAL(decode_request(PROTO_WIDTH_BIG, 300, b1, sizeof b1 - 1,
                                   &req, &err), PROTO_OK);
    CU_ASSERT_EQUAL(req.slot, 256);
    CU_ASSERT_STRING_EQUAL(req.sender, "");
    static const char b0[] = "\0\0" "3/3\0" "\0" "c@d\0";
    CU_ASSERT_EQUAL(decode_request(PROTO_WIDTH_BIG, 300, b0, sizeof b0 - 1,
                                   &req, &err), PROTO_OK);
    CU_ASSERT_EQUAL(req.slot, 0);
    CU_ASSERT_STRING_EQUAL(req.path, "3/3");
}

/* expect_request_err - one malformed request, *req still filled */
static void expect_request_err(enum proto_width w, unsigned nslots,
                               const char *in, size_t len,
                               enum proto_error want, unsigned slot)
{
    struct proto_request req;
    enum proto_error err = PROTO_E_NONE;
    CU_ASSERT_EQUAL(decode_request(w, nslots, in, len, &req, &err), PROTO_ERR);
    CU_ASSERT_EQUAL(err, want);
    CU_ASSERT_EQUAL(req.slot, slot);
}

#define RQERR(w, n, lit, want, slot) \
    expect_request_err((w), (n), (lit), sizeof(lit) - 1, (want), (slot))

/* test_request_malformed - range and missing fields */
static void test_request_malformed(void)
{
    RQERR(PROTO_WIDTH_CLASSIC, 10, "\x0a" "1/1\0a@b\0c@d\0", PROTO_E_RANGE, 10);
    RQERR(PROTO_WIDTH_CLASSIC, 10, "\xff" "1/1\0a@b\0c@d\0", PROTO_E_RANGE, 255);
    RQERR(PROTO_WIDTH_BIG, 300, "\x2c\x01" "1/1\0a@b\0c@d\0", PROTO_E_RANGE, 300);
    RQERR(PROTO_WIDTH_BIG, 0, "\0\0" "1/1\0a@b\0c@d\0", PROTO_E_RANGE, 0);
    RQERR(PROTO_WIDTH_CLASSIC, 10, "\x03" "\0a@b\0c@d\0", PROTO_E_FIELDS, 3);
    RQERR(PROTO_WIDTH_CLASSIC, 10, "\x03" "1/1\0a@b\0\0", PROTO_E_FIELDS, 3);
    RQERR(PROTO_WIDTH_BIG, 10, "\x03\0" "\0\0\0", PROTO_E_FIELDS, 3);

    /* range wins over missing fields: the slot is what the answer needs */
    struct proto_request req;
    enum proto_error err;
    static const char r[] = "\x0b" "\0\0\0";
    CU_ASSERT_EQUAL(decode_request(PROTO_WIDTH_CLASSIC, 10, r, sizeof r - 1,
                                   &req, &err), PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_RANGE);
    CU_ASSERT_STRING_EQUAL(req.path, "");
}

/* test_request_max - the longest request, and one byte more */
static void test_request_max(void)
{
    static char rcpt[PROTO_RECORD_MAX + 8];
    static char out[PROTO_RECORD_MAX + 16];
    for (size_t wi = 0; wi < 2; wi++) {
        enum proto_width w = widths[wi];
        /* w + "1/1\0" + "\0" + rcpt: PROTO_RECORD_MAX bytes before the NUL */
        size_t rlen = PROTO_RECORD_MAX - (size_t)w - 5;
        memset(rcpt, 'r', rlen);
        rcpt[rlen] = '\0';
        size_t n = proto_request_enc(out, sizeof out, w, 7, "1/1", "", rcpt);
        CU_ASSERT_EQUAL_FATAL(n, PROTO_RECORD_MAX + 1);
        struct proto_request req;
        enum proto_error err;
        CU_ASSERT_EQUAL(decode_request(w, 8, out, n, &req, &err), PROTO_OK);
        CU_ASSERT_EQUAL(strlen(req.rcpt), rlen);

        rcpt[rlen] = 'r';
        rcpt[rlen + 1] = '\0';
        CU_ASSERT_EQUAL(proto_request_enc(out, sizeof out, w, 7, "1/1", "",
                                          rcpt), 0);
        /* built by hand: cut, slot kept, recipient cut */
        memset(out, 0, sizeof out);
        out[0] = 7;
        memcpy(out + w, "1/1\0\0", 5);
        memcpy(out + w + 5, rcpt, rlen + 1);
        n = w + 5 + rlen + 2;
        CU_ASSERT_EQUAL(decode_request(w, 8, out, n, &req, &err), PROTO_ERR);
        CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
        CU_ASSERT_EQUAL(req.slot, 7);
        CU_ASSERT_STRING_EQUAL(req.path, "1/1");
        CU_ASSERT_EQUAL(strlen(req.rcpt), rlen);
    }
    /* a huge path: the fields past the cut come back "" */
    static char big[PROTO_RECORD_MAX + 200];
    big[0] = 1;
    memset(big + 1, '9', PROTO_RECORD_MAX + 100);
    memcpy(big + 1 + PROTO_RECORD_MAX + 100, "\0a@b\0c@d\0", 9);
    struct proto_request req;
    enum proto_error err;
    CU_ASSERT_EQUAL(decode_request(PROTO_WIDTH_CLASSIC, 8, big,
                                   PROTO_RECORD_MAX + 110, &req, &err),
                    PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
    CU_ASSERT_EQUAL(req.slot, 1);
    CU_ASSERT_EQUAL(strlen(req.path), PROTO_RECORD_MAX - 1);
    CU_ASSERT_STRING_EQUAL(req.sender, "");
    CU_ASSERT_STRING_EQUAL(req.rcpt, "");
}

/* test_request_encode - sizes, caps, refusals */
static void test_request_encode(void)
{
    char out[64];
    memset(out, '#', sizeof out);
    CU_ASSERT_EQUAL(proto_request_enc(out, 5, PROTO_WIDTH_BIG, 1, "1/1", "a",
                                      "b@c"), 2 + 4 + 2 + 4);
    CU_ASSERT_EQUAL(out[0], '#');
    CU_ASSERT_EQUAL(proto_request_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 1,
                                      "", "a", "b@c"), 0);
    CU_ASSERT_EQUAL(proto_request_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 1,
                                      "1/1", "a", ""), 0);
    CU_ASSERT_EQUAL(proto_request_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 1,
                                      NULL, "a", "b@c"), 0);
    CU_ASSERT_EQUAL(proto_request_enc(out, sizeof out, (enum proto_width)0, 1,
                                      "1/1", "a", "b@c"), 0);
    CU_ASSERT_EQUAL(out[0], '#');
}

/* test_request_stream - several requests, good and bad, in one buffer */
static void test_request_stream(void)
{
    static const char in[] = "\0" "1/1\0a@b\0c@d\0"
                             "\x09" "2/2\0\0x@y\0"
                             "\x0a" "3/3\0a@b\0c@d\0"
                             "\x01" "4/4\0a@b\0\0"
                             "\x02" "5/5\0a@b\0e@f\0"
                             "\x03" "6/6\0a@b";
    struct tr whole = {0};
    check_splits(&request_codec, PROTO_WIDTH_CLASSIC, 10, in, sizeof in - 1,
                 &whole);
    static const char want[] =
        "Q 0 0 1/1\0a@b\0c@d\0"
        "Q 0 9 2/2\0\0x@y\0"
        "Q 6 10 3/3\0a@b\0c@d\0"
        "Q 8 1 4/4\0a@b\0\0"
        "Q 0 2 5/5\0a@b\0e@f\0";
    CU_ASSERT_EQUAL(whole.len, sizeof want - 1);
    CU_ASSERT(whole.len == sizeof want - 1 &&
              memcmp(whole.s, want, whole.len) == 0);
    free(whole.s);
}

/* ---------------------------------------------------------- reports */

/* decode_report - the one report in in[0..len), splits checked */
static int decode_report(enum proto_width w, unsigned nslots, const char *in,
                         size_t len, struct proto_report *rep,
                         enum proto_error *err)
{
    static struct proto_report_dec d;
    size_t used;
    splits_ok(&report_codec, w, nslots, in, len);
    proto_report_dec_init(&d, w, nslots);
    int r = proto_report_dec_feed(&d, in, len, &used, rep, err);
    CU_ASSERT_EQUAL(used, len);
    return r;
}

/* test_report_roundtrip - both widths, each status, slots with 0 bytes */
static void test_report_roundtrip(void)
{
    static const unsigned slots[] = {0, 1, 255, 256, 0x0100, 0x0001, 65535};
    static const char *texts[] = {"", "did 0+0+1/\n", "Remote host said: 550\n"};
    for (size_t wi = 0; wi < 2; wi++)
        for (size_t si = 0; si < sizeof slots / sizeof slots[0]; si++)
            for (size_t k = 0; k < 3; k++) {
                enum proto_width w = widths[wi];
                char status = "KZD"[k];
                const char *text = texts[k];
                char out[64];
                size_t n = proto_report_enc(out, sizeof out, w, slots[si],
                                            status, text, strlen(text));
                if (slots[si] > proto_width_max(w)) {
                    CU_ASSERT_EQUAL(n, 0);
                    continue;
                }
                CU_ASSERT_EQUAL_FATAL(n, (size_t)w + 1 + strlen(text) + 1);
                CU_ASSERT_EQUAL(out[w], status);
                struct proto_report rep;
                enum proto_error err;
                CU_ASSERT_EQUAL(decode_report(w, 65536, out, n, &rep, &err),
                                PROTO_OK);
                CU_ASSERT_EQUAL(err, PROTO_E_NONE);
                CU_ASSERT_EQUAL(rep.slot, slots[si]);
                CU_ASSERT_EQUAL(rep.status, status);
                CU_ASSERT_EQUAL(rep.len, strlen(text));
                CU_ASSERT_STRING_EQUAL(rep.text, text);
            }
}

/* test_report_zero_slot - NULs inside the number do not end a report */
static void test_report_zero_slot(void)
{
    struct proto_report rep;
    enum proto_error err;
    static const char c[] = "\0Kok\0";
    CU_ASSERT_EQUAL(decode_report(PROTO_WIDTH_CLASSIC, 5, c, sizeof c - 1,
                                  &rep, &err), PROTO_OK);
    CU_ASSERT(rep.slot == 0 && rep.status == 'K');
    CU_ASSERT_STRING_EQUAL(rep.text, "ok");
    static const char b[] = "\0\0Zlater\0";
    CU_ASSERT_EQUAL(decode_report(PROTO_WIDTH_BIG, 5, b, sizeof b - 1,
                                  &rep, &err), PROTO_OK);
    CU_ASSERT(rep.slot == 0 && rep.status == 'Z');
    static const char b2[] = "\0\1D\0";
    CU_ASSERT_EQUAL(decode_report(PROTO_WIDTH_BIG, 300, b2, sizeof b2 - 1,
                                  &rep, &err), PROTO_OK);
    CU_ASSERT(rep.slot == 256 && rep.status == 'D' && rep.len == 0);
    static const char b3[] = "\1\0K\0";
    CU_ASSERT_EQUAL(decode_report(PROTO_WIDTH_BIG, 300, b3, sizeof b3 - 1,
                                  &rep, &err), PROTO_OK);
    CU_ASSERT_EQUAL(rep.slot, 1);
}

/* expect_report_err - one malformed report, *rep still filled */
static void expect_report_err(enum proto_width w, unsigned nslots,
                              const char *in, size_t len,
                              enum proto_error want, unsigned slot,
                              char status, const char *text)
{
    struct proto_report rep;
    enum proto_error err = PROTO_E_NONE;
    CU_ASSERT_EQUAL(decode_report(w, nslots, in, len, &rep, &err), PROTO_ERR);
    CU_ASSERT_EQUAL(err, want);
    CU_ASSERT_EQUAL(rep.slot, slot);
    CU_ASSERT_EQUAL(rep.status, status);
    CU_ASSERT_STRING_EQUAL(rep.text, text);
}

#define RPERR(w, n, lit, want, slot, st, text) \
    expect_report_err((w), (n), (lit), sizeof(lit) - 1, (want), (slot), \
                      (st), (text))

/* test_report_malformed - mangled status, range */
static void test_report_malformed(void)
{
    const enum proto_width C = PROTO_WIDTH_CLASSIC, B = PROTO_WIDTH_BIG;
    RPERR(C, 5, "\x02Xwhat\0", PROTO_E_STATUS, 2, 'X', "what");
    RPERR(C, 5, "\x02k\0", PROTO_E_STATUS, 2, 'k', "");
    RPERR(C, 5, "\x02\0", PROTO_E_STATUS, 2, '\0', "");      /* no status */
    RPERR(C, 5, "\0\0", PROTO_E_STATUS, 0, '\0', "");
    RPERR(B, 5, "\0\0\0", PROTO_E_STATUS, 0, '\0', "");
    RPERR(B, 5, "\x04\0?\0", PROTO_E_STATUS, 4, '?', "");
    RPERR(C, 5, "\x05Kok\0", PROTO_E_RANGE, 5, 'K', "ok");
    RPERR(B, 5, "\x00\x01Kok\0", PROTO_E_RANGE, 256, 'K', "ok");
    RPERR(C, 0, "\x00Kok\0", PROTO_E_RANGE, 0, 'K', "ok");
    /* out of range and mangled: range first, nothing to defer */
    RPERR(C, 5, "\x09Xok\0", PROTO_E_RANGE, 9, 'X', "ok");
}

/* test_report_resize - a SIGHUP changes what is in range */
static void test_report_resize(void)
{
    struct proto_report_dec d;
    struct proto_report rep;
    enum proto_error err;
    size_t used;
    proto_report_dec_init(&d, PROTO_WIDTH_CLASSIC, 4);
    CU_ASSERT_EQUAL(proto_report_dec_feed(&d, "\x05Kx", 3, &used, &rep, &err),
                    PROTO_MORE);
    /* grown while the report was on its way */
    proto_report_dec_resize(&d, 6);
    CU_ASSERT_EQUAL(proto_report_dec_feed(&d, "\0", 1, &used, &rep, &err),
                    PROTO_OK);
    CU_ASSERT_EQUAL(rep.slot, 5);
    CU_ASSERT_STRING_EQUAL(rep.text, "x");
    proto_report_dec_resize(&d, 5);
    CU_ASSERT_EQUAL(proto_report_dec_feed(&d, "\x05K\0", 3, &used, &rep, &err),
                    PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_RANGE);
}

/* test_report_max - the longest report, and a cut one */
static void test_report_max(void)
{
    static char text[PROTO_RECORD_MAX + 100];
    static char out[PROTO_RECORD_MAX + 200];
    memset(text, 't', sizeof text);
    for (size_t wi = 0; wi < 2; wi++) {
        enum proto_width w = widths[wi];
        size_t tmax = proto_report_text_max(w);
        CU_ASSERT_EQUAL(tmax, PROTO_RECORD_MAX - 1 - (size_t)w);
        size_t n = proto_report_enc(out, sizeof out, w, 3, 'D', text, tmax);
        CU_ASSERT_EQUAL_FATAL(n, PROTO_RECORD_MAX + 1);
        struct proto_report rep;
        enum proto_error err;
        CU_ASSERT_EQUAL(decode_report(w, 4, out, n, &rep, &err), PROTO_OK);
        CU_ASSERT_EQUAL(rep.len, tmax);
        CU_ASSERT_EQUAL(proto_report_enc(out, sizeof out, w, 3, 'D', text,
                                         tmax + 1), 0);

        /* by hand, 60 bytes too many: status kept, text cut */
        out[0] = 3;
        out[1] = 0;
        out[w] = 'K';
        memcpy(out + w + 1, text, tmax + 60);
        out[w + 1 + tmax + 60] = '\0';
        CU_ASSERT_EQUAL(decode_report(w, 4, out, w + tmax + 62, &rep, &err),
                        PROTO_ERR);
        CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
        CU_ASSERT(rep.slot == 3 && rep.status == 'K');
        CU_ASSERT_EQUAL(rep.len, tmax);
        CU_ASSERT_EQUAL(strlen(rep.text), rep.len);
    }
}

/* test_report_encode - caps and refusals */
static void test_report_encode(void)
{
    char out[32];
    memset(out, '#', sizeof out);
    CU_ASSERT_EQUAL(proto_report_enc(out, 3, PROTO_WIDTH_BIG, 1, 'K', "ok", 2), 6);
    CU_ASSERT_EQUAL(out[0], '#');
    CU_ASSERT_EQUAL(proto_report_enc(out, sizeof out, PROTO_WIDTH_BIG, 1, '\0',
                                     "ok", 2), 0);
    CU_ASSERT_EQUAL(proto_report_enc(out, sizeof out, PROTO_WIDTH_BIG, 1, 'K',
                                     "o\0k", 3), 0);
    CU_ASSERT_EQUAL(proto_report_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 256,
                                     'K', "ok", 2), 0);
    /* a mangled status can be written, to test the other side */
    CU_ASSERT_EQUAL(proto_report_enc(out, sizeof out, PROTO_WIDTH_CLASSIC, 1,
                                     'Q', "", 0), 3);
    CU_ASSERT_EQUAL(out[1], 'Q');
    CU_ASSERT_EQUAL(out[3], '#');
}

/* qmail_frames - record ends as qmail-send's del_dochan() finds them */
static size_t qmail_frames(const unsigned char *in, size_t len, size_t w,
                           size_t *ends)
{
    size_t n = 0, linelen = 0;
    for (size_t i = 0; i < len; i++) {
        if (linelen < PROTO_RECORD_MAX + 1)     /* REPORTMAX keeps it short */
            linelen++;
        if (in[i] == 0 && linelen > w) {
            ends[n++] = i + 1;
            linelen = 0;
        }
    }
    return n;
}

/* test_report_framing_model - same record boundaries as qmail-send */
static void test_report_framing_model(void)
{
    static unsigned char in[4096];
    static size_t want[4096];
    unsigned long long x = 88172645463325252ull;
    for (int round = 0; round < 200; round++) {
        size_t len = 1 + (size_t)(round * 37 % 4000);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* many NULs, so slots and reports are often made of them */
            in[i] = (x & 3) ? 0 : (unsigned char)(x >> 8);
        }
        for (size_t wi = 0; wi < 2; wi++) {
            size_t w = (size_t)widths[wi];
            size_t n = qmail_frames(in, len, w, want);
            struct proto_report_dec d;
            proto_report_dec_init(&d, widths[wi], 65536);
            size_t off = 0, k = 0;
            while (off < len) {
                size_t used;
                struct proto_report rep;
                int r = proto_report_dec_feed(&d, (const char *)in + off,
                                              len - off, &used, &rep, NULL);
                off += used;
                if (r != PROTO_MORE) {
                    CU_ASSERT(k < n && want[k] == off);
                    k++;
                }
            }
            CU_ASSERT_EQUAL(k, n);
        }
    }
}

/* test_limit_width_check - a limit cut short and bytes before a request
 * tell the width apart; anything else is not (yet) wrong */
static void test_limit_width_check(void)
{
    const enum proto_width w1 = PROTO_WIDTH_CLASSIC, w2 = PROTO_WIDTH_BIG;
    /* a classic spawner read as 2 bytes: one byte, then quiet */
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, 1, 1, 0), PROTO_E_NARROW);
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, 1, 0, 0), PROTO_E_NONE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, 0, 1, 0), PROTO_E_NONE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, 2, 1, 0), PROTO_E_NONE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w1, 1, 1, 0), PROTO_E_NONE);
    /* a 2-byte spawner read as 1: a byte left before any request */
    CU_ASSERT_EQUAL(proto_limit_width_check(w1, 1, 0, 1), PROTO_E_WIDE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, 2, 0, 7), PROTO_E_WIDE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w1, 1, 0, 0), PROTO_E_NONE);
    /* what the encoder writes for 2 bytes, read as 1, leaves one */
    char out[2];
    size_t used;
    unsigned limit;
    struct proto_limit_dec d;
    CU_ASSERT_EQUAL(proto_limit_enc(out, sizeof out, w2, 120), 2);
    proto_limit_dec_init(&d, w1);
    CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, out, 2, &used, &limit),
                    PROTO_OK);
    CU_ASSERT_EQUAL(proto_limit_width_check(w1, 1, 0, 2 - used),
                    PROTO_E_WIDE);
    /* and one byte read as 2 stays unfinished */
    CU_ASSERT_EQUAL(proto_limit_enc(out, sizeof out, w1, 120), 1);
    proto_limit_dec_init(&d, w2);
    CU_ASSERT_EQUAL(proto_limit_dec_feed(&d, out, 1, &used, &limit),
                    PROTO_MORE);
    CU_ASSERT_EQUAL(proto_limit_width_check(w2, d.have, 1, 0),
                    PROTO_E_NARROW);
    CU_ASSERT_STRING_NOT_EQUAL(proto_strerror(PROTO_E_NARROW),
                               proto_strerror(PROTO_E_WIDE));
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_limit_width_check);
    QC_ADD_TEST(suite, test_limit_roundtrip);
    QC_ADD_TEST(suite, test_limit_partial);
    QC_ADD_TEST(suite, test_limit_invalid);
    QC_ADD_TEST(suite, test_request_roundtrip);
    QC_ADD_TEST(suite, test_request_zero_slot);
    QC_ADD_TEST(suite, test_request_malformed);
    QC_ADD_TEST(suite, test_request_max);
    QC_ADD_TEST(suite, test_request_encode);
    QC_ADD_TEST(suite, test_request_stream);
    QC_ADD_TEST(suite, test_report_roundtrip);
    QC_ADD_TEST(suite, test_report_zero_slot);
    QC_ADD_TEST(suite, test_report_malformed);
    QC_ADD_TEST(suite, test_report_resize);
    QC_ADD_TEST(suite, test_report_max);
    QC_ADD_TEST(suite, test_report_encode);
    QC_ADD_TEST(suite, test_report_framing_model);
}

QC_CUNIT_MAIN("proto_spawn")
