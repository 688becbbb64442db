/* test_lib_u64map.c - numbers to numbers (lib/u64map): against a plain
 * array over many random operations, key 0, deletion inside runs. */
#include <stdlib.h>

#include "cunit_main.h"
#include "u64map.h"

static uint64_t rng = 2463534242ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* puts, gets and deletes of keys drawn from a small range (so runs form
 * and deletions hit them) agree with a direct array */
static void test_against_array(void)
{
    enum { KEYS = 3000, OPS = 200000 };
    static uint64_t val[KEYS];
    static unsigned char has[KEYS];
    struct u64map m = {0};
    size_t n = 0;
    int ok = 1;
    for (int op = 0; op < OPS; op++) {
        uint64_t k = next() % KEYS;
        uint64_t key = k * 4096;   /* inode-like: spaced, 0 included */
        switch (next() % 3) {
        case 0: {
            uint64_t v = next();
            ok &= u64map_put(&m, key, v) == 0;
            n += !has[k];
            has[k] = 1;
            val[k] = v;
            break;
        }
        case 1:
            ok &= u64map_del(&m, key) == has[k];
            n -= has[k];
            has[k] = 0;
            break;
        default: {
            uint64_t v = 0;
            int found = u64map_get(&m, key, &v);
            ok &= found == has[k] && (!found || v == val[k]);
        }
        }
        ok &= u64map_len(&m) == n;
    }
    CU_ASSERT_TRUE(ok);
    for (uint64_t k = 0; k < KEYS; k++)
        ok &= u64map_get(&m, k * 4096, NULL) == has[k];
    CU_ASSERT_TRUE(ok);
    u64map_free(&m);
    CU_ASSERT_EQUAL(u64map_len(&m), 0);
    CU_ASSERT_FALSE(u64map_get(&m, 4096, NULL));
}

static void test_zero_and_empty(void)
{
    struct u64map m;
    u64map_init(&m);
    uint64_t v = 9;
    CU_ASSERT_FALSE(u64map_get(&m, 0, &v));
    CU_ASSERT_FALSE(u64map_get(&m, 5, &v));
    CU_ASSERT_FALSE(u64map_del(&m, 5));
    CU_ASSERT_EQUAL(v, 9);
    CU_ASSERT_EQUAL(u64map_put(&m, 0, 17), 0);
    CU_ASSERT_TRUE(u64map_get(&m, 0, &v));
    CU_ASSERT_EQUAL(v, 17);
    CU_ASSERT_EQUAL(u64map_len(&m), 1);
    CU_ASSERT_EQUAL(u64map_put(&m, UINT64_MAX, 1), 0);
    CU_ASSERT_EQUAL(u64map_put(&m, UINT64_MAX, 2), 0);   /* replaces */
    CU_ASSERT_TRUE(u64map_get(&m, UINT64_MAX, &v));
    CU_ASSERT_EQUAL(v, 2);
    CU_ASSERT_EQUAL(u64map_len(&m), 2);
    CU_ASSERT_TRUE(u64map_del(&m, 0));
    CU_ASSERT_FALSE(u64map_del(&m, 0));
    CU_ASSERT_EQUAL(u64map_len(&m), 1);
    u64map_free(&m);
}

/* growing while keys are deleted keeps every survivor */
static void test_grow_and_delete(void)
{
    struct u64map m = {0};
    for (uint64_t k = 1; k <= 100000; k++) {
        CU_ASSERT_EQUAL_FATAL(u64map_put(&m, k, k * 3), 0);
        if (k % 3 == 0)
            u64map_del(&m, k - 1);
    }
    int ok = 1;
    for (uint64_t k = 1; k <= 100000; k++) {
        uint64_t v;
        int want = !(k % 3 == 2 && k + 1 <= 100000);
        int found = u64map_get(&m, k, &v);
        ok &= found == want && (!found || v == k * 3);
    }
    CU_ASSERT_TRUE(ok);
    u64map_free(&m);
}

static void sum_keys(void *ctx, uint64_t key, uint64_t val)
{
    uint64_t *s = ctx;
    s[0] += key;
    s[1] += val;
    s[2]++;
}

/* foreach sees every key once, 0 included */
static void test_foreach(void)
{
    struct u64map m = {0};
    uint64_t want[3] = {0, 0, 0};
    for (uint64_t k = 0; k < 1000; k++) {
        CU_ASSERT_EQUAL_FATAL(u64map_put(&m, k * 977, k), 0);
        want[0] += k * 977;
        want[1] += k;
        want[2]++;
    }
    uint64_t got[3] = {0, 0, 0};
    u64map_foreach(&m, sum_keys, got);
    CU_ASSERT_EQUAL(got[0], want[0]);
    CU_ASSERT_EQUAL(got[1], want[1]);
    CU_ASSERT_EQUAL(got[2], want[2]);
    u64map_free(&m);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_foreach);
    QC_ADD_TEST(suite, test_against_array);
    QC_ADD_TEST(suite, test_zero_and_empty);
    QC_ADD_TEST(suite, test_grow_and_delete);
}

QC_CUNIT_MAIN("lib_u64map")
