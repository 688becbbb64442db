/*
 * test_retry.c - the retry schedule against values worked out by hand.
 *
 * Every expected value below carries its arithmetic in a comment, so a
 * reader can check it without running anything.  S is one second in
 * qc_time (1000000 microseconds).
 */
#include "cunit_main.h"
#include "retry.h"

#define S QC_SEC

/* test_isqrt_small - first values, exact squares and squares minus one */
static void test_isqrt_small(void)
{
    CU_ASSERT_EQUAL(retry_isqrt(0), 0);
    CU_ASSERT_EQUAL(retry_isqrt(1), 1);
    CU_ASSERT_EQUAL(retry_isqrt(2), 1);
    CU_ASSERT_EQUAL(retry_isqrt(3), 1);     /* 4 - 1 */
    CU_ASSERT_EQUAL(retry_isqrt(4), 2);     /* 2*2 */
    CU_ASSERT_EQUAL(retry_isqrt(8), 2);     /* 9 - 1 */
    CU_ASSERT_EQUAL(retry_isqrt(9), 3);     /* 3*3 */
    CU_ASSERT_EQUAL(retry_isqrt(15), 3);    /* 16 - 1 */
    CU_ASSERT_EQUAL(retry_isqrt(16), 4);
    CU_ASSERT_EQUAL(retry_isqrt(399), 19);  /* 20*20 - 1 */
    CU_ASSERT_EQUAL(retry_isqrt(400), 20);  /* 20*20 */
    CU_ASSERT_EQUAL(retry_isqrt(999999), 999);   /* 1000*1000 - 1 */
    CU_ASSERT_EQUAL(retry_isqrt(1000000), 1000); /* 1000*1000 */
}

/* test_isqrt_large - the top of the range, where a double rounds wrongly */
static void test_isqrt_large(void)
{
    /* (2^32 - 1)^2 = 2^64 - 2^33 + 1 = 18446744065119617025 <= 2^64 - 1,
       and 2^32 squared does not fit: the root of the maximum is 2^32 - 1. */
    CU_ASSERT_EQUAL(retry_isqrt(UINT64_MAX), 4294967295u);
    CU_ASSERT_EQUAL(retry_isqrt(18446744065119617025u), 4294967295u);
    CU_ASSERT_EQUAL(retry_isqrt(18446744065119617024u), 4294967294u);
    /* 2^62 = (2^31)^2 */
    CU_ASSERT_EQUAL(retry_isqrt((uint64_t)1 << 62), 2147483648u);
    CU_ASSERT_EQUAL(retry_isqrt(((uint64_t)1 << 62) - 1), 2147483647u);
    /* 10^18 = (10^9)^2; a double holds 10^18 - 1 as 10^18 and would
       answer 10^9 */
    CU_ASSERT_EQUAL(retry_isqrt(1000000000000000000u), 1000000000u);
    CU_ASSERT_EQUAL(retry_isqrt(999999999999999999u), 999999999u);
}

/* test_isqrt_squares - k*k gives k and k*k - 1 gives k - 1, over a spread */
static void test_isqrt_squares(void)
{
    /* k runs over small values and, by a stride, up to 2^32 - 1, so the
       identity is checked at every magnitude and not only at chosen k. */
    for (uint64_t k = 1; k <= 4294967295u; k = k < 5000 ? k + 1 : k * 3 + 7) {
        CU_ASSERT_EQUAL(retry_isqrt(k * k), k);
        CU_ASSERT_EQUAL(retry_isqrt(k * k - 1), k - 1);
        if (k < 4294967295u)
            CU_ASSERT_EQUAL(retry_isqrt(k * k + 2 * k), k); /* (k+1)^2 - 1 */
    }
    CU_ASSERT_EQUAL(retry_isqrt((uint64_t)4294967295u * 4294967295u),
                    4294967295u);
}

/* test_chanskip - local 10, remote 20, every supplemental channel 20 */
static void test_chanskip(void)
{
    CU_ASSERT_EQUAL(retry_chanskip(0), 10);
    CU_ASSERT_EQUAL(retry_chanskip(1), 20);
    CU_ASSERT_EQUAL(retry_chanskip(2), 20);
    CU_ASSERT_EQUAL(retry_chanskip(QC_MAX_CHANNELS - 1), 20);
}

/* test_next_fresh - a message seen at its birth */
static void test_next_fresh(void)
{
    /* age 0: n = 0 + 10 = 10, 10*10 = 100 s */
    CU_ASSERT_EQUAL(retry_next(0, 0, 10), 100 * S);
    /* age 0: n = 0 + 20 = 20, 400 s */
    CU_ASSERT_EQUAL(retry_next(0, 0, 20), 400 * S);
    /* age 0.999999 s is 0 whole seconds: still 400 s */
    CU_ASSERT_EQUAL(retry_next(0, S - 1, 20), 400 * S);
    /* age 1 s: n = 1 + 20 = 21, 441 s */
    CU_ASSERT_EQUAL(retry_next(0, S, 20), 441 * S);
}

/* test_next_squares - ages on and just below a square */
static void test_next_squares(void)
{
    qc_time birth = 1000 * S;

    /* age 400 = 20^2: n = 20 + 20 = 40, 1600 s: 1000 + 1600 = 2600 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 400 * S, 20), 2600 * S);
    /* age 399 = 20^2 - 1: n = 19 + 20 = 39, 1521 s: 2521 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 399 * S, 20), 2521 * S);
    /* age 399.999999 s cuts to 399: still 2521 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 400 * S - 1, 20), 2521 * S);
    /* local, age 100 = 10^2: n = 10 + 10 = 20, 400 s: 1400 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 100 * S, 10), 1400 * S);
    /* local, age 99: n = 9 + 10 = 19, 361 s: 1361 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 99 * S, 10), 1361 * S);
    /* one day, 86400 s: isqrt = 293 (293^2 = 85849, 294^2 = 86436),
       n = 313, 313^2 = 97969 s: 1000 + 97969 = 98969 s */
    CU_ASSERT_EQUAL(retry_next(birth, birth + 86400 * S, 20), 98969 * S);
}

/* test_next_fraction - the result keeps birth's fraction of a second */
static void test_next_fraction(void)
{
    /* birth 1.5 s, age 100 s: n = 10 + 20 = 30, 900 s: 901.5 s */
    CU_ASSERT_EQUAL(retry_next(1500000, 1500000 + 100 * S, 20), 901500000);
}

/* test_next_future_birth - a birth after now counts as age 0 */
static void test_next_future_birth(void)
{
    /* birth 5000 s, now 1000 s: n = 0 + 20, 400 s: 5400 s */
    CU_ASSERT_EQUAL(retry_next(5000 * S, 1000 * S, 20), 5400 * S);
    /* birth one microsecond ahead: the same rule */
    CU_ASSERT_EQUAL(retry_next(7 * S + 1, 7 * S, 10), 107 * S + 1);
}

/* test_next_negative_birth - the simulator may date messages before 0 */
static void test_next_negative_birth(void)
{
    /* birth -100 s, now 0: age 100, n = 10 + 10 = 20, 400 s: 300 s */
    CU_ASSERT_EQUAL(retry_next(-100 * S, 0, 10), 300 * S);
}

/* test_next_very_old - 300 years and more, no overflow */
static void test_next_very_old(void)
{
    /* 300 years = 300 * 365 * 86400 = 9460800000 s.
       97266^2 = 9460674756 <= 9460800000 < 97267^2 = 9460869289,
       so isqrt = 97266, n = 97286 and n^2 = 97286^2 = 9460674756
       + 2*97266*20 + 400 = 9464565796 s after birth 0. */
    qc_time now = (qc_time)9460800000 * S;
    CU_ASSERT_EQUAL(retry_next(0, now, 20), (qc_time)9464565796 * S);
    CU_ASSERT(retry_next(0, now, 20) > now);
}

/* test_next_extremes - the ends of qc_time */
static void test_next_extremes(void)
{
    /* birth INT64_MIN, now INT64_MAX: age = (2^64 - 1) / 10^6 =
       18446744073709 s (floor), isqrt = 4294967 (4294967^2 =
       18446741531089 <= 18446744073709 < 4294968^2 = 18446750121024).
       chanskip 0: offset 18446741531089 s = 18446741531089000000 us,
       more than INT64_MAX, yet the sum
       -9223372036854775808 + 18446741531089000000 =
       9223369494234224192 fits. */
    CU_ASSERT_EQUAL(retry_next(INT64_MIN, INT64_MAX, 0),
                    (qc_time)9223369494234224192);
    /* chanskip 20: n = 4294987, n^2 = 18446913330169 s, and
       -2^63 + 18446913330169 * 10^6 = 9223541293314224192 > INT64_MAX:
       never. */
    CU_ASSERT_EQUAL(retry_next(INT64_MIN, INT64_MAX, 20), QC_TIME_NEVER);
    /* birth 10 s before the end: the 400 s offset does not fit */
    qc_time late = INT64_MAX - 10 * S;
    CU_ASSERT_EQUAL(retry_next(late, late, 20), QC_TIME_NEVER);
    /* a chanskip so large that n*n would overflow uint64 */
    CU_ASSERT_EQUAL(retry_next(0, 0, 4294967295u), QC_TIME_NEVER);
    /* n = 2^32 - 2 is allowed into the product but too big for qc_time */
    CU_ASSERT_EQUAL(retry_next(0, 0, 4294967294u), QC_TIME_NEVER);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_isqrt_small);
    QC_ADD_TEST(suite, test_isqrt_large);
    QC_ADD_TEST(suite, test_isqrt_squares);
    QC_ADD_TEST(suite, test_chanskip);
    QC_ADD_TEST(suite, test_next_fresh);
    QC_ADD_TEST(suite, test_next_squares);
    QC_ADD_TEST(suite, test_next_fraction);
    QC_ADD_TEST(suite, test_next_future_birth);
    QC_ADD_TEST(suite, test_next_negative_birth);
    QC_ADD_TEST(suite, test_next_very_old);
    QC_ADD_TEST(suite, test_next_extremes);
}

QC_CUNIT_MAIN("retry")
