/* test_qc_channel.c - channel names and their parsing. */
#include <string.h>

#include "cunit_main.h"
#include "qc.h"

static void test_names(void)
{
    char buf[QC_CHAN_NAME_MAX];
    CU_ASSERT_STRING_EQUAL(qc_channel_name(0, buf), "local");
    CU_ASSERT_STRING_EQUAL(qc_channel_name(1, buf), "remote");
    CU_ASSERT_STRING_EQUAL(qc_channel_name(2, buf), "suppl0");
    CU_ASSERT_STRING_EQUAL(qc_channel_name(63, buf), "suppl61");
}

static void test_parse(void)
{
    CU_ASSERT_EQUAL(qc_channel_parse("local", 2), 0);
    CU_ASSERT_EQUAL(qc_channel_parse("remote", 2), 1);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl0", 2), -1);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl0", 3), 2);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl10", 13), 12);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl01", 13), -1);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl", 13), -1);
    CU_ASSERT_EQUAL(qc_channel_parse("suppl1x", 13), -1);
    CU_ASSERT_EQUAL(qc_channel_parse("Remote", 2), -1);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_names);
    QC_ADD_TEST(suite, test_parse);
}

QC_CUNIT_MAIN("qc_channel")
