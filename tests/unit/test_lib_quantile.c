/* test_lib_quantile.c - the nearest-rank quantile (lib/quantile), the
 * one definition run, fit, compare and sweep share. */
#include <math.h>

#include "cunit_main.h"
#include "quantile.h"

static void test_rank(void)
{
    /* the smallest k with k >= q n */
    CU_ASSERT_EQUAL(quantile_rank(100, 0.95), 95);
    CU_ASSERT_EQUAL(quantile_rank(100, 0.951), 96);
    CU_ASSERT_EQUAL(quantile_rank(10, 0.5), 5);
    CU_ASSERT_EQUAL(quantile_rank(11, 0.5), 6);
    CU_ASSERT_EQUAL(quantile_rank(1, 0.99), 1);
    CU_ASSERT_EQUAL(quantile_rank(7, 0), 1);
    CU_ASSERT_EQUAL(quantile_rank(7, 1), 7);
    CU_ASSERT_EQUAL(quantile_rank(7, 1.5), 7);
    /* 0.9 is a hair above 9/10 in binary: 0.9 x 30 must still be 27 */
    for (size_t n = 1; n <= 1000; n++) {
        CU_ASSERT_EQUAL(quantile_rank(n * 10, 0.9), n * 9);
        CU_ASSERT_EQUAL(quantile_rank(n * 100, 0.99), n * 99);
        CU_ASSERT_EQUAL(quantile_rank(n * 20, 0.95), n * 19);
    }
}

static void test_sorted(void)
{
    double v[] = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    quantile_sort(v, 10);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_DOUBLE_EQUAL(v[i], i + 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(quantile_sorted(v, 10, 0.5), 5, 0);
    CU_ASSERT_DOUBLE_EQUAL(quantile_sorted(v, 10, 0.9), 9, 0);
    CU_ASSERT_DOUBLE_EQUAL(quantile_sorted(v, 10, 0.91), 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(quantile_sorted(v, 10, 0.99), 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(quantile_sorted(v, 0, 0.5), -1, 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_rank);
    QC_ADD_TEST(suite, test_sorted);
}

QC_CUNIT_MAIN("lib_quantile")
