/*
 * test_qd_clock.c - unit tests of the daemons' clock (daemons/qd_clock.h).
 *
 * At scale 1 every conversion is the identity on whole seconds, as
 * qmail keeps file times; at a scale F times run F times faster from the
 * epoch, file times convert both ways without drift, and real waits are
 * the scenario's divided by F, rounded up to a millisecond; bad settings
 * are refused with the variable named.  The library linked here is the
 * production one: its qd_clock_init ignores the two variables.
 */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "qd_clock.h"
#include "qd_io.h"

/* test_identity - production: the wall clock, whole-second file times */
static void test_identity(void)
{
    char err[200];
    CU_ASSERT_EQUAL(qd_clock_set(NULL, NULL, err, sizeof err), 0);
    qc_time a = qd_now(), b = qd_clock_now(), c = qd_now();
    CU_ASSERT(a <= b && b <= c);
    CU_ASSERT_EQUAL(qd_clock_of_file(1700000000, 999999999),
                    (qc_time)1700000000 * QC_SEC);
    time_t sec;
    long usec;
    qd_clock_to_file((qc_time)1700000000 * QC_SEC + 700000, &sec, &usec);
    CU_ASSERT_EQUAL(sec, 1700000000);
    CU_ASSERT_EQUAL(usec, 0);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(1), 1);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(1000), 1);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(1001), 2);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(0), 0);
}

/* test_scaled - 50 times faster from an epoch */
static void test_scaled(void)
{
    char err[200];
    CU_ASSERT_EQUAL(qd_clock_set("50", "1700000000", err, sizeof err), 0);
    qc_time e = (qc_time)1700000000 * QC_SEC;
    /* a file written 2 s after the epoch is 100 s old in scenario time */
    CU_ASSERT_EQUAL(qd_clock_of_file(1700000002, 0), e + 100 * QC_SEC);
    CU_ASSERT_EQUAL(qd_clock_of_file(1700000000, 500000000),
                    e + 25 * QC_SEC);
    /* a retry time in 1296 scenario seconds is written 25.92 s on */
    time_t sec;
    long usec;
    qd_clock_to_file(e + 1296 * QC_SEC, &sec, &usec);
    CU_ASSERT_EQUAL(sec, 1700000025);
    CU_ASSERT_EQUAL(usec, 920000);
    CU_ASSERT_EQUAL(qd_clock_of_file(sec, usec * 1000), e + 1296 * QC_SEC);
    /* waits: 50 ms of scenario time is 1 ms; 1 us more rounds up */
    CU_ASSERT_EQUAL(qd_clock_wait_ms(50000), 1);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(50001), 2);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(123 * QC_SEC), 2460);
    /* now runs ahead of the wall clock */
    CU_ASSERT(qd_clock_now() > qd_now() + 100 * QC_SEC);
}

/* test_bad_settings - refused, the variable named, scale left at 1 */
static void test_bad_settings(void)
{
    char err[200];
    CU_ASSERT_EQUAL(qd_clock_set("0", NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QCHAN_TIME_SCALE=0"));
    CU_ASSERT_EQUAL(qd_clock_set("fast", NULL, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QCHAN_TIME_SCALE=fast"));
    CU_ASSERT_EQUAL(qd_clock_of_file(5, 0), 5 * QC_SEC);
    CU_ASSERT_EQUAL(qd_clock_set("2", "yesterday", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "QCHAN_TIME_EPOCH=yesterday"));
    CU_ASSERT_EQUAL(qd_clock_of_file(5, 0), 5 * QC_SEC);
    CU_ASSERT_EQUAL(qd_clock_set("", "", err, sizeof err), 0);
    CU_ASSERT_EQUAL(qd_clock_of_file(5, 0), 5 * QC_SEC);
}

/* test_production_ignores_env - the variables set, the real clock kept */
static void test_production_ignores_env(void)
{
    char err[200] = "";
    setenv("QCHAN_TIME_SCALE", "50", 1);
    setenv("QCHAN_TIME_EPOCH", "1700000000", 1);
    CU_ASSERT_EQUAL(qd_clock_set("50", "1700000000", err, sizeof err), 0);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(50000), 1);   /* scaled by set */
    CU_ASSERT_EQUAL(qd_clock_init(err, sizeof err), 0);
    CU_ASSERT_EQUAL(qd_clock_wait_ms(50000), 50);
    CU_ASSERT_EQUAL(qd_clock_of_file(1700000002, 0),
                    (qc_time)1700000002 * QC_SEC);
    qc_time a = qd_now(), b = qd_clock_now(), c = qd_now();
    CU_ASSERT(a <= b && b <= c);
    unsetenv("QCHAN_TIME_SCALE");
    unsetenv("QCHAN_TIME_EPOCH");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_identity);
    QC_ADD_TEST(suite, test_scaled);
    QC_ADD_TEST(suite, test_bad_settings);
    QC_ADD_TEST(suite, test_production_ignores_env);
}

QC_CUNIT_MAIN("qd_clock")
