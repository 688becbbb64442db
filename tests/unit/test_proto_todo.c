/*
 * test_proto_todo.c - the todo -> send records and send -> todo commands.
 *
 * Every decoding test runs its input whole, one byte at a time and cut in
 * two at every position; all three must give the same transcript.  Each
 * chunk is copied to a heap block of its exact size, so the ASan build
 * catches a decoder that reads past len.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "proto.h"
#include "transcript.h"

/* ---------------------------------------------------------- transcripts */

/* tr_fmt - append a formatted line */
static void tr_fmt(struct tr *t, const char *fmt, unsigned long long a,
                   unsigned long long b)
{
    char line[128];
    int n = snprintf(line, sizeof line, fmt, a, b);
    tr_add(t, line, (size_t)n);
}

/* note - one decoder result, as text */
static void note(struct tr *t, int r, enum proto_error err,
                 const struct proto_todo_rec *rec)
{
    if (r == PROTO_ERR)
        tr_fmt(t, "ERR %llu %llu ", (unsigned long long)err,
               (unsigned long long)(unsigned char)rec->type);
    else
        tr_fmt(t, "OK %llu %llu ", 0, (unsigned long long)(unsigned char)rec->type);
    if (rec->type == 'D')
        tr_fmt(t, "mask %llx id %llu\n", rec->chanmask, rec->id);
    else {
        tr_fmt(t, "text %llu %llu:", rec->len, strlen(rec->text));
        tr_add(t, rec->text, rec->len);
        tr_add(t, "\n", 1);
    }
}

/* feed_chunk - feed one chunk through d, from a copy of its exact size */
static void feed_chunk(struct proto_todo_dec *d, const char *p, size_t n,
                       struct tr *t)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, p, n);
    size_t off = 0;
    do {
        size_t used = 12345;
        struct proto_todo_rec rec;
        enum proto_error err = PROTO_E_TYPE;
        int r = proto_todo_dec_feed(d, copy + off, n - off, &used, &rec, &err);
        CU_ASSERT_FATAL(used <= n - off);
        if (r == PROTO_MORE) {
            CU_ASSERT_EQUAL(used, n - off);
            CU_ASSERT_EQUAL(err, PROTO_E_NONE);
        } else {
            CU_ASSERT_FATAL(used > 0);
            CU_ASSERT((r == PROTO_OK) == (err == PROTO_E_NONE));
            CU_ASSERT(rec.len <= PROTO_RECORD_MAX);
            note(t, r, err, &rec);
        }
        off += used;
    } while (off < n);
    free(copy);
}

/* run - transcript of in, cut at the positions in cuts (ascending) */
static void run(int nchan, const char *in, size_t len, const size_t *cuts,
                size_t ncuts, struct tr *t)
{
    struct proto_todo_dec *d = malloc(sizeof *d);
    if (!d)
        abort();
    proto_todo_dec_init(d, nchan);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        feed_chunk(d, in + at, end - at, t);
        at = end;
    }
    /* a trailing partial record leaves the decoder waiting, never lost */
    size_t used;
    struct proto_todo_rec rec;
    CU_ASSERT_EQUAL(proto_todo_dec_feed(d, "", 0, &used, &rec, NULL), PROTO_MORE);
    CU_ASSERT_EQUAL(used, 0);
    free(d);
}

/* check_splits - whole, byte by byte, every two-chunk cut: same result */
static void check_splits(int nchan, const char *in, size_t len,
                         struct tr *whole)
{
    run(nchan, in, len, NULL, 0, whole);

    size_t *cuts = calloc(len + 1, sizeof *cuts);
    if (!cuts)
        abort();
    for (size_t i = 0; i < len; i++)
        cuts[i] = i + 1;
    struct tr bytes = {0};
    run(nchan, in, len, cuts, len ? len - 1 : 0, &bytes);
    CU_ASSERT_EQUAL(bytes.len, whole->len);
    CU_ASSERT(bytes.len == whole->len && memcmp(bytes.s, whole->s, whole->len) == 0);
    free(bytes.s);

    /* long inputs: every cut costs a full pass, so step through them */
    size_t step = len > 2000 ? 97 : 1;
    for (size_t c = 0; c <= len; c += step) {
        struct tr two = {0};
        run(nchan, in, len, &c, 1, &two);
        CU_ASSERT(two.len == whole->len && memcmp(two.s, whole->s, whole->len) == 0);
        free(two.s);
    }
    free(cuts);
}

/* decode_one - the one record in in[0..len), checked against all splits */
static int decode_one(int nchan, const char *in, size_t len,
                      struct proto_todo_rec *rec, enum proto_error *err,
                      struct proto_todo_dec *d)
{
    struct tr whole = {0};
    check_splits(nchan, in, len, &whole);
    free(whole.s);

    size_t used;
    proto_todo_dec_init(d, nchan);
    int r = proto_todo_dec_feed(d, in, len, &used, rec, err);
    CU_ASSERT_EQUAL(used, len);
    return r;
}

/* ---------------------------------------------------------- tests */

static struct proto_todo_dec dec;

/* test_delivery_roundtrip - D records for several channel counts */
static void test_delivery_roundtrip(void)
{
    static const struct {
        int nchan;
        uint64_t mask, id;
        const char *wire;
    } cases[] = {
        {2, 0x1, 457, "D10457"},
        {2, 0x2, 1, "D011"},
        {4, 0xd, 457, "D1011457"},
        {3, 0x0, 99, "D00099"},                 /* no recipients: valid */
        {2, 0x3, UINT64_MAX, "D1118446744073709551615"},
        {1, 0x1, 0, "D10"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[128];
        size_t n = proto_todo_enc_delivery(out, sizeof out, cases[i].nchan,
                                           cases[i].mask, cases[i].id);
        CU_ASSERT_EQUAL(n, strlen(cases[i].wire) + 1);
        CU_ASSERT_STRING_EQUAL(out, cases[i].wire);
        struct proto_todo_rec rec;
        enum proto_error err;
        CU_ASSERT_EQUAL(decode_one(cases[i].nchan, out, n, &rec, &err, &dec),
                        PROTO_OK);
        CU_ASSERT_EQUAL(err, PROTO_E_NONE);
        CU_ASSERT_EQUAL(rec.type, 'D');
        CU_ASSERT_EQUAL(rec.chanmask, cases[i].mask);
        CU_ASSERT_EQUAL(rec.id, cases[i].id);
    }
}

/* test_delivery_64 - the widest mask, bit 63 included */
static void test_delivery_64(void)
{
    char out[128];
    uint64_t mask = 0x8000000000000001ull | (1ull << 40);
    size_t n = proto_todo_enc_delivery(out, sizeof out, 64, mask, 12);
    CU_ASSERT_EQUAL(n, 1 + 64 + 2 + 1);
    CU_ASSERT_EQUAL(out[1], '1');
    CU_ASSERT_EQUAL(out[64], '1');
    CU_ASSERT_EQUAL(out[41], '1');
    CU_ASSERT_EQUAL(out[2], '0');
    struct proto_todo_rec rec;
    enum proto_error err;
    CU_ASSERT_EQUAL(decode_one(64, out, n, &rec, &err, &dec), PROTO_OK);
    CU_ASSERT_EQUAL(rec.chanmask, mask);
    CU_ASSERT_EQUAL(rec.id, 12);
}

/* test_log_roundtrip - L records, empty and longest */
static void test_log_roundtrip(void)
{
    static char text[PROTO_RECORD_MAX];
    static char out[PROTO_RECORD_MAX + 2];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    size_t lens[] = {0, 1, 37, PROTO_RECORD_MAX - 1};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t n = proto_todo_enc_log(out, sizeof out, text, lens[i]);
        CU_ASSERT_EQUAL_FATAL(n, lens[i] + 2);
        CU_ASSERT_EQUAL(out[0], 'L');
        CU_ASSERT_EQUAL(out[n - 1], '\0');
        struct proto_todo_rec rec;
        enum proto_error err;
        CU_ASSERT_EQUAL(decode_one(2, out, n, &rec, &err, &dec), PROTO_OK);
        CU_ASSERT_EQUAL(rec.type, 'L');
        CU_ASSERT_EQUAL(rec.len, lens[i]);
        CU_ASSERT(memcmp(rec.text, text, lens[i]) == 0);
        CU_ASSERT_EQUAL(rec.text[rec.len], '\0');
    }
    /* one byte more than a record holds */
    CU_ASSERT_EQUAL(proto_todo_enc_log(out, sizeof out, text, PROTO_RECORD_MAX), 0);
    CU_ASSERT_EQUAL(proto_todo_enc_log(out, sizeof out, "a\0b", 3), 0);
}

/* test_encode_cap - too small a buffer: the size, and nothing written */
static void test_encode_cap(void)
{
    char out[16];
    memset(out, '#', sizeof out);
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(out, 5, 3, 5, 12345), 10);
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(NULL, 0, 3, 5, 12345), 10);
    CU_ASSERT_EQUAL(proto_todo_enc_log(out, 4, "hello", 5), 7);
    for (size_t i = 0; i < sizeof out; i++)
        CU_ASSERT_EQUAL(out[i], '#');
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(out, 10, 3, 5, 12345), 10);
    CU_ASSERT_STRING_EQUAL(out, "D10112345");
    CU_ASSERT_EQUAL(out[10], '#');
}

/* test_encode_invalid - what cannot be written is refused */
static void test_encode_invalid(void)
{
    char out[128];
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(out, sizeof out, 2, 0x4, 1), 0);
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(out, sizeof out, 0, 0, 1), 0);
    CU_ASSERT_EQUAL(proto_todo_enc_delivery(out, sizeof out, 65, 0, 1), 0);
    CU_ASSERT_NOT_EQUAL(proto_todo_enc_delivery(out, sizeof out, 64, ~0ull, 1), 0);
}

/* expect_err - in[0..len) is one malformed record */
static void expect_err(int nchan, const char *in, size_t len,
                       enum proto_error want)
{
    struct proto_todo_rec rec;
    enum proto_error err = PROTO_E_NONE;
    int r = decode_one(nchan, in, len, &rec, &err, &dec);
    CU_ASSERT_EQUAL(r, PROTO_ERR);
    CU_ASSERT_EQUAL(err, want);
    if (r != PROTO_ERR || err != want)
        fprintf(stderr, "\n  record '%.*s': got %d/%d, want %d\n",
                (int)len, in, r, err, want);
}

#define ERR(nchan, lit, want) expect_err((nchan), (lit), sizeof(lit) - 1, (want))

/* test_malformed - each way a record can be wrong */
static void test_malformed(void)
{
    ERR(2, "\0", PROTO_E_EMPTY);
    ERR(2, "X10457\0", PROTO_E_TYPE);
    ERR(2, "Xy\0", PROTO_E_TYPE);
    ERR(2, "d10457\0", PROTO_E_TYPE);
    ERR(2, "S\0", PROTO_E_TYPE);
    ERR(2, "D\0", PROTO_E_CHANNELS);
    ERR(2, "D1\0", PROTO_E_CHANNELS);           /* flags run out */
    ERR(3, "D10\0", PROTO_E_CHANNELS);
    ERR(2, "D12457\0", PROTO_E_CHANNELS);       /* '2' in a flag position */
    ERR(2, "D 1457\0", PROTO_E_CHANNELS);
    ERR(4, "D101457\0", PROTO_E_CHANNELS);      /* 3 flags, nchan 4: '4' */
    ERR(2, "D10\0", PROTO_E_DIGITS);            /* no id */
    ERR(2, "D10x\0", PROTO_E_DIGITS);
    ERR(2, "D1045 7\0", PROTO_E_DIGITS);
    ERR(2, "D10-1\0", PROTO_E_DIGITS);
    ERR(2, "D1018446744073709551616\0", PROTO_E_DIGITS); /* UINT64_MAX + 1 */
    ERR(2, "D1099999999999999999999\0", PROTO_E_DIGITS);
    ERR(0, "D457\0", PROTO_E_CHANNELS);         /* a decoder set up wrong */
}

/* test_leading_zero_id - scan_ulong accepts it; so do we */
static void test_leading_zero_id(void)
{
    struct proto_todo_rec rec;
    enum proto_error err;
    CU_ASSERT_EQUAL(decode_one(2, "D01007\0", 7, &rec, &err, &dec), PROTO_OK);
    CU_ASSERT_EQUAL(rec.chanmask, 0x2);
    CU_ASSERT_EQUAL(rec.id, 7);
}

/* test_toolong - records over the limit are cut and reported */
static void test_toolong(void)
{
    static char in[PROTO_RECORD_MAX + 100];
    struct proto_todo_rec rec;
    enum proto_error err;

    /* L + 9999 bytes: exactly the limit, fine */
    in[0] = 'L';
    memset(in + 1, 'x', PROTO_RECORD_MAX - 1);
    in[PROTO_RECORD_MAX] = '\0';
    CU_ASSERT_EQUAL(decode_one(2, in, PROTO_RECORD_MAX + 1, &rec, &err, &dec),
                    PROTO_OK);
    CU_ASSERT_EQUAL(rec.len, PROTO_RECORD_MAX - 1);

    /* one more: cut, the head kept */
    memset(in + 1, 'y', PROTO_RECORD_MAX + 50);
    in[PROTO_RECORD_MAX + 51] = '\0';
    CU_ASSERT_EQUAL(decode_one(2, in, PROTO_RECORD_MAX + 52, &rec, &err, &dec),
                    PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
    CU_ASSERT_EQUAL(rec.type, 'L');
    CU_ASSERT_EQUAL(rec.len, PROTO_RECORD_MAX - 1);
    CU_ASSERT_EQUAL(strlen(rec.text), PROTO_RECORD_MAX - 1);

    /* a D record of digits over the limit */
    in[0] = 'D';
    memset(in + 1, '1', PROTO_RECORD_MAX);
    in[PROTO_RECORD_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(decode_one(2, in, PROTO_RECORD_MAX + 2, &rec, &err, &dec),
                    PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
}

/* test_stop_answer - "X\0" is qmail-todo saying it has stopped */
static void test_stop_answer(void)
{
    struct proto_todo_dec dec;
    struct proto_todo_rec rec;
    enum proto_error err;
    size_t used;
    proto_todo_dec_init(&dec, 2);
    CU_ASSERT_EQUAL(proto_todo_dec_feed(&dec, "X\0D10457\0", 9, &used, &rec,
                                        &err), PROTO_OK);
    CU_ASSERT_EQUAL(used, 2);
    CU_ASSERT_EQUAL(rec.type, 'X');
    CU_ASSERT_EQUAL(err, PROTO_E_NONE);
}

/* test_stream - several records, good and bad, in one buffer */
static void test_stream(void)
{
    static const char in[] = "D10457\0Lhello\0\0Y\0D01\0D0112\0L\0D119\0";
    struct tr whole = {0};
    check_splits(2, in, sizeof in - 1, &whole);

    /* and the same by hand, with the consumed counts */
    static const struct {
        int r;
        enum proto_error err;
        size_t used;
    } want[] = {
        {PROTO_OK, PROTO_E_NONE, 7},     {PROTO_OK, PROTO_E_NONE, 7},
        {PROTO_ERR, PROTO_E_EMPTY, 1},   {PROTO_ERR, PROTO_E_TYPE, 2},
        {PROTO_ERR, PROTO_E_DIGITS, 4},  {PROTO_OK, PROTO_E_NONE, 6},
        {PROTO_OK, PROTO_E_NONE, 2},     {PROTO_OK, PROTO_E_NONE, 5},
    };
    proto_todo_dec_init(&dec, 2);
    size_t off = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t used;
        struct proto_todo_rec rec;
        enum proto_error err;
        int r = proto_todo_dec_feed(&dec, in + off, sizeof in - 1 - off, &used,
                                    &rec, &err);
        CU_ASSERT_EQUAL(r, want[i].r);
        CU_ASSERT_EQUAL(err, want[i].err);
        CU_ASSERT_EQUAL(used, want[i].used);
        if (i == 1)
            CU_ASSERT_STRING_EQUAL(rec.text, "hello");
        if (i == 5)
            CU_ASSERT(rec.chanmask == 2 && rec.id == 12);
        if (i == 6)
            CU_ASSERT(rec.type == 'L' && rec.len == 0);
        off += used;
    }
    CU_ASSERT_EQUAL(off, sizeof in - 1);
    /* the transcript saw five good and three bad records */
    size_t ok = 0, bad = 0;
    for (const char *p = whole.s; (p = strstr(p, "OK ")) != NULL; p++)
        ok++;
    for (const char *p = whole.s; (p = strstr(p, "ERR ")) != NULL; p++)
        bad++;
    CU_ASSERT_EQUAL(ok, 5);
    CU_ASSERT_EQUAL(bad, 3);
    free(whole.s);
}

/* test_cmd - every byte: only S, H and X are commands */
static void test_cmd(void)
{
    for (int b = 0; b < 256; b++) {
        enum proto_error err = PROTO_E_RANGE;
        char c = proto_cmd_decode((char)b, &err);
        if (b == 'S' || b == 'H' || b == 'X') {
            CU_ASSERT_EQUAL(c, (char)b);
            CU_ASSERT_EQUAL(err, PROTO_E_NONE);
        } else {
            CU_ASSERT_EQUAL(c, 0);
            CU_ASSERT_EQUAL(err, PROTO_E_TYPE);
        }
    }
    CU_ASSERT_EQUAL(proto_cmd_decode('S', NULL), 'S');
}

/* test_strerror - every error has its own phrase */
static void test_strerror(void)
{
    for (int a = PROTO_E_NONE; a <= PROTO_E_ANSWER; a++) {
        CU_ASSERT(strlen(proto_strerror((enum proto_error)a)) > 0);
        for (int b = a + 1; b <= PROTO_E_ANSWER; b++)
            CU_ASSERT(strcmp(proto_strerror((enum proto_error)a),
                             proto_strerror((enum proto_error)b)) != 0);
    }
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_delivery_roundtrip);
    QC_ADD_TEST(suite, test_delivery_64);
    QC_ADD_TEST(suite, test_log_roundtrip);
    QC_ADD_TEST(suite, test_encode_cap);
    QC_ADD_TEST(suite, test_encode_invalid);
    QC_ADD_TEST(suite, test_malformed);
    QC_ADD_TEST(suite, test_leading_zero_id);
    QC_ADD_TEST(suite, test_toolong);
    QC_ADD_TEST(suite, test_stream);
    QC_ADD_TEST(suite, test_stop_answer);
    QC_ADD_TEST(suite, test_cmd);
    QC_ADD_TEST(suite, test_strerror);
}

QC_CUNIT_MAIN("proto_todo")
