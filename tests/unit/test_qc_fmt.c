/* test_qc_fmt.c - decimal digits without printf: the edges and a spread
 * of values against snprintf's "%llu". */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "qc.h"

/* same - qc_fmt_u64(v) writes what snprintf does */
static int same(uint64_t v)
{
    char got[24], want[24];
    memset(got, 'x', sizeof got);
    size_t n = qc_fmt_u64(got, v);
    int wn = snprintf(want, sizeof want, "%llu", (unsigned long long)v);
    if (n != (size_t)wn || memcmp(got, want, n) != 0 || got[n] != 'x') {
        fprintf(stderr, "\n%llu: got %.*s\n", (unsigned long long)v,
                (int)n, got);
        return 0;
    }
    return 1;
}

static void test_edges(void)
{
    static const uint64_t v[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000,
                                 4294967295u, 4294967296u, UINT64_MAX - 1,
                                 UINT64_MAX};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        CU_ASSERT_TRUE(same(v[i]));
    char b[20];
    CU_ASSERT_EQUAL(qc_fmt_u64(b, UINT64_MAX), 20);
}

static void test_spread(void)
{
    int ok = 1;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 100000 && ok; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ok &= same(x >> (i % 64));   /* every number of digits */
        ok &= same((uint64_t)i);
    }
    CU_ASSERT_TRUE(ok);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_edges);
    QC_ADD_TEST(suite, test_spread);
}

QC_CUNIT_MAIN("qc_fmt")
