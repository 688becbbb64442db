/*
 * test_proto_clean.c - requests to qmail-clean and its answers.
 *
 * Every decoding test runs its input whole, one byte at a time and cut in
 * two at every position; all must give the same transcript.  Each chunk
 * is copied to a heap block of its exact size, so the ASan build catches
 * a decoder that reads past len.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "proto.h"
#include "transcript.h"

/* feed_chunk - feed one chunk, from a copy of its exact size */
static void feed_chunk(struct proto_clean_dec *d, const char *p, size_t n,
                       struct tr *t)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, p, n);
    size_t off = 0;
    do {
        size_t used = 12345;
        const char *path = NULL;
        enum proto_error err = PROTO_E_TYPE;
        int r = proto_clean_dec_feed(d, copy + off, n - off, &used, &path,
                                     &err);
        CU_ASSERT_FATAL(used <= n - off);
        if (r == PROTO_MORE) {
            CU_ASSERT_EQUAL(used, n - off);
            CU_ASSERT_EQUAL(err, PROTO_E_NONE);
        } else {
            CU_ASSERT_FATAL(used > 0 && path != NULL);
            CU_ASSERT((r == PROTO_OK) == (err == PROTO_E_NONE));
            CU_ASSERT(strlen(path) <= PROTO_RECORD_MAX);
            char head[16];
            int k = snprintf(head, sizeof head, "%d %d ", r, (int)err);
            tr_add(t, head, (size_t)k);
            tr_add(t, path, strlen(path) + 1);
        }
        off += used;
    } while (off < n);
    free(copy);
}

/* run - transcript of in, cut at the positions in cuts (ascending) */
static void run(const char *in, size_t len, const size_t *cuts, size_t ncuts,
                struct tr *t)
{
    struct proto_clean_dec *d = malloc(sizeof *d);
    if (!d)
        abort();
    proto_clean_dec_init(d);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        feed_chunk(d, in + at, end - at, t);
        at = end;
    }
    free(d);
}

/* check_splits - whole, byte by byte, every two-chunk cut: same result */
static void check_splits(const char *in, size_t len, struct tr *whole)
{
    run(in, len, NULL, 0, whole);
    size_t *cuts = calloc(len + 1, sizeof *cuts);
    if (!cuts)
        abort();
    for (size_t i = 0; i < len; i++)
        cuts[i] = i + 1;
    struct tr bytes = {0};
    run(in, len, cuts, len ? len - 1 : 0, &bytes);
    CU_ASSERT(bytes.len == whole->len &&
              memcmp(bytes.s, whole->s, whole->len) == 0);
    free(bytes.s);
    size_t step = len > 2000 ? 97 : 1;
    for (size_t k = 0; k <= len; k += step) {
        struct tr two = {0};
        run(in, len, &k, 1, &two);
        CU_ASSERT(two.len == whole->len &&
                  memcmp(two.s, whole->s, whole->len) == 0);
        free(two.s);
    }
    free(cuts);
}

/* decode_one - the one request in in[0..len), splits checked */
static int decode_one(const char *in, size_t len, const char **path,
                      enum proto_error *err)
{
    static struct proto_clean_dec d;
    struct tr whole = {0};
    check_splits(in, len, &whole);
    free(whole.s);
    size_t used;
    proto_clean_dec_init(&d);
    int r = proto_clean_dec_feed(&d, in, len, &used, path, err);
    CU_ASSERT_EQUAL(used, len);
    return r;
}

/* test_roundtrip - the paths qmail-send and qmail-todo ask for */
static void test_roundtrip(void)
{
    static const char *paths[] = {"foop/457", "todo/457", "intd/12",
                                  "mess/3/457", "x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char out[64];
        size_t n = proto_clean_enc_request(out, sizeof out, paths[i]);
        CU_ASSERT_EQUAL_FATAL(n, strlen(paths[i]) + 1);
        const char *path;
        enum proto_error err;
        CU_ASSERT_EQUAL(decode_one(out, n, &path, &err), PROTO_OK);
        CU_ASSERT_EQUAL(err, PROTO_E_NONE);
        CU_ASSERT_STRING_EQUAL(path, paths[i]);
    }
}

/* test_malformed - empty and over-long requests */
static void test_malformed(void)
{
    static char in[PROTO_RECORD_MAX + 100];
    const char *path;
    enum proto_error err;
    CU_ASSERT_EQUAL(decode_one("\0", 1, &path, &err), PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_EMPTY);

    memset(in, 'p', PROTO_RECORD_MAX);
    in[PROTO_RECORD_MAX] = '\0';
    CU_ASSERT_EQUAL(decode_one(in, PROTO_RECORD_MAX + 1, &path, &err), PROTO_OK);
    CU_ASSERT_EQUAL(strlen(path), PROTO_RECORD_MAX);
    char out[PROTO_RECORD_MAX + 2];
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, sizeof out, in),
                    PROTO_RECORD_MAX + 1);

    memset(in, 'q', PROTO_RECORD_MAX + 50);
    in[PROTO_RECORD_MAX + 50] = '\0';
    CU_ASSERT_EQUAL(decode_one(in, PROTO_RECORD_MAX + 51, &path, &err),
                    PROTO_ERR);
    CU_ASSERT_EQUAL(err, PROTO_E_TOOLONG);
    CU_ASSERT_EQUAL(strlen(path), PROTO_RECORD_MAX);
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, sizeof out, in), 0);
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, sizeof out, ""), 0);
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, sizeof out, NULL), 0);
}

/* test_encode_cap - too small a buffer: the size, and nothing written */
static void test_encode_cap(void)
{
    char out[16];
    memset(out, '#', sizeof out);
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, 8, "foop/457"), 9);
    CU_ASSERT_EQUAL(out[0], '#');
    CU_ASSERT_EQUAL(proto_clean_enc_request(out, 9, "foop/457"), 9);
    CU_ASSERT_STRING_EQUAL(out, "foop/457");
    CU_ASSERT_EQUAL(out[9], '#');
}

/* test_stream - several requests in one buffer, a partial one at the end */
static void test_stream(void)
{
    static const char in[] = "foop/1\0\0todo/2\0info/3\0mess/4";
    struct tr whole = {0};
    check_splits(in, sizeof in - 1, &whole);
    static const char want[] = "1 0 foop/1\0-1 7 \0" "1 0 todo/2\0"
                               "1 0 info/3\0";
    CU_ASSERT_EQUAL(whole.len, sizeof want - 1);
    CU_ASSERT(whole.len == sizeof want - 1 &&
              memcmp(whole.s, want, whole.len) == 0);
    free(whole.s);
}

/* test_answer - every byte: only '+' and '!' are answers */
static void test_answer(void)
{
    for (int b = 0; b < 256; b++) {
        enum proto_error err = PROTO_E_TYPE;
        int r = proto_clean_answer((char)b, &err);
        if (b == '+') {
            CU_ASSERT(r == 1 && err == PROTO_E_NONE);
        } else if (b == '!') {
            CU_ASSERT(r == 0 && err == PROTO_E_NONE);
        } else {
            CU_ASSERT(r == -1 && err == PROTO_E_ANSWER);
        }
    }
    CU_ASSERT_EQUAL(proto_clean_answer('+', NULL), 1);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_roundtrip);
    QC_ADD_TEST(suite, test_malformed);
    QC_ADD_TEST(suite, test_encode_cap);
    QC_ADD_TEST(suite, test_stream);
    QC_ADD_TEST(suite, test_answer);
}

QC_CUNIT_MAIN("proto_clean")
