/* test_lib_tai64n.c - TAI64N labels written and read back (lib/tai64n). */
#include <string.h>

#include "cunit_main.h"
#include "tai64n.h"

#define SEC INT64_C(1000000)

static void test_fmt(void)
{
    char label[TAI64N_LEN + 1];
    tai64n_fmt(0, label);
    CU_ASSERT_STRING_EQUAL(label, "@400000000000000a00000000");
    tai64n_fmt(1767225600 * SEC + 500000, label);
    /* 2026-01-01T00:00:00Z = 1767225600 = 0x6955b900; + 2^62 + 10 */
    CU_ASSERT_STRING_EQUAL(label, "@400000006955b90a1dcd6500");
    /* before the epoch: the second below, and a positive fraction */
    tai64n_fmt(-1, label);
    CU_ASSERT_STRING_EQUAL(label, "@40000000000000093b9ac618");
}

static void test_parse(void)
{
    int64_t t = -1;
    CU_ASSERT_EQUAL(tai64n_parse("@400000006955b90a00000000 new msg 1", 35,
                                 &t), 0);
    CU_ASSERT_EQUAL(t, 1767225600 * SEC);
    /* upper-case digits; nanoseconds cut to microseconds */
    CU_ASSERT_EQUAL(tai64n_parse("@400000006955B90B1DCD65FF", 25, &t), 0);
    CU_ASSERT_EQUAL(t, 1767225601 * SEC + 500000);
    t = 7;
    CU_ASSERT_EQUAL(tai64n_parse("@400000006955b9zz00000000", 25, &t), -1);
    CU_ASSERT_EQUAL(tai64n_parse("@400000006955b90a0000", 21, &t), -1);
    CU_ASSERT_EQUAL(tai64n_parse("400000006955b90a000000000", 25, &t), -1);
    /* 10^9 nanoseconds is not a fraction */
    CU_ASSERT_EQUAL(tai64n_parse("@400000006955b90a3b9aca00", 25, &t), -1);
    /* before 1970, and beyond what microseconds in int64 hold */
    CU_ASSERT_EQUAL(tai64n_parse("@400000000000000900000000", 25, &t), -1);
    CU_ASSERT_EQUAL(tai64n_parse("@7fffffffffffffff00000000", 25, &t), -1);
    CU_ASSERT_EQUAL(t, 7);
}

/* what the simulator writes, qchan fit reads back to the microsecond */
static void test_round_trip(void)
{
    const int64_t times[] = {0, 1, 999999, 1767225600 * SEC + 123456,
                             4102444800 * SEC + 999999};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        char label[TAI64N_LEN + 1];
        int64_t back = -1;
        tai64n_fmt(times[i], label);
        CU_ASSERT_EQUAL(strlen(label), TAI64N_LEN);
        CU_ASSERT_EQUAL(tai64n_parse(label, strlen(label), &back), 0);
        CU_ASSERT_EQUAL(back, times[i]);
    }
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_fmt);
    QC_ADD_TEST(suite, test_parse);
    QC_ADD_TEST(suite, test_round_trip);
}

QC_CUNIT_MAIN("lib_tai64n")
