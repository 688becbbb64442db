/* test_lib_decimal.c - strict decimal numbers (lib/decimal). */
#include "cunit_main.h"
#include "decimal.h"

static void test_accepts(void)
{
    uint64_t v = 99;
    CU_ASSERT_EQUAL(decimal_parse_u64("0", 10, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(decimal_parse_u64("007", 10, &v), 0);
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT_EQUAL(decimal_parse_u64("10", 10, &v), 0);
    CU_ASSERT_EQUAL(v, 10);
    CU_ASSERT_EQUAL(decimal_parse_u64("18446744073709551615", UINT64_MAX,
                                      &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
}

static void test_refuses(void)
{
    uint64_t v = 42;
    const char *bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(decimal_parse_u64(bad[i], UINT64_MAX, &v), -1);
    CU_ASSERT_EQUAL(decimal_parse_u64("11", 10, &v), -1);
    CU_ASSERT_EQUAL(decimal_parse_u64("18446744073709551616", UINT64_MAX,
                                      &v), -1);
    CU_ASSERT_EQUAL(decimal_parse_u64("99999999999999999999999", UINT64_MAX,
                                      &v), -1);
    /* a bound below one digit */
    CU_ASSERT_EQUAL(decimal_parse_u64("1", 0, &v), -1);
    CU_ASSERT_EQUAL(decimal_parse_u64("9", 5, &v), -1);
    CU_ASSERT_EQUAL(v, 42);   /* untouched on failure */
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_accepts);
    QC_ADD_TEST(suite, test_refuses);
}

QC_CUNIT_MAIN("lib_decimal")
