/* test_lib_json.c - JSON strings (lib/json): escapes, UTF-8 kept,
 * invalid bytes escaped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "json.h"

/* str - json_write_str(s) as a C string (static buffer) */
static const char *str(const char *s)
{
    static char buf[512];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        abort();
    json_write_str(f, s);
    fclose(f);
    return buf;
}

static void test_escapes(void)
{
    CU_ASSERT_STRING_EQUAL(str(""), "\"\"");
    CU_ASSERT_STRING_EQUAL(str("plain"), "\"plain\"");
    CU_ASSERT_STRING_EQUAL(str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    CU_ASSERT_STRING_EQUAL(str("t\tn\nx\x01"), "\"t\\u0009n\\u000ax\\u0001\"");
    CU_ASSERT_STRING_EQUAL(str("del\x7f"), "\"del\\u007f\"");
}

/* well-formed UTF-8 stays as it is, one to four bytes */
static void test_utf8_passes(void)
{
    CU_ASSERT_STRING_EQUAL(str("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    CU_ASSERT_STRING_EQUAL(str("\xd0\xbf\xd1\x80\xd0\xb8"),
                           "\"\xd0\xbf\xd1\x80\xd0\xb8\"");
    CU_ASSERT_STRING_EQUAL(str("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
    CU_ASSERT_STRING_EQUAL(str("\xf0\x9f\x93\xa7"), "\"\xf0\x9f\x93\xa7\"");
    CU_ASSERT_STRING_EQUAL(str("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");
}

/* a byte outside a well-formed sequence is its Latin-1 reading */
static void test_invalid_escaped(void)
{
    /* Latin-1 e-acute alone */
    CU_ASSERT_STRING_EQUAL(str("caf\xe9"), "\"caf\\u00e9\"");
    /* a lead byte cut short, then ASCII */
    CU_ASSERT_STRING_EQUAL(str("\xc3z"), "\"\\u00c3z\"");
    CU_ASSERT_STRING_EQUAL(str("\xe2\x82"), "\"\\u00e2\\u0082\"");
    /* overlong '/', a surrogate, beyond U+10FFFF, a stray continuation */
    CU_ASSERT_STRING_EQUAL(str("\xc0\xaf"), "\"\\u00c0\\u00af\"");
    CU_ASSERT_STRING_EQUAL(str("\xed\xa0\x80"),
                           "\"\\u00ed\\u00a0\\u0080\"");
    CU_ASSERT_STRING_EQUAL(str("\xf4\x90\x80\x80"),
                           "\"\\u00f4\\u0090\\u0080\\u0080\"");
    CU_ASSERT_STRING_EQUAL(str("\x80"), "\"\\u0080\"");
}

static void test_utf8_len(void)
{
    const unsigned char e[] = {0xe2, 0x82, 0xac};
    CU_ASSERT_EQUAL(json_utf8_len(e, 3), 3);
    CU_ASSERT_EQUAL(json_utf8_len(e, 2), 0);   /* cut at the end */
    CU_ASSERT_EQUAL(json_utf8_len(e, 0), 0);
    const unsigned char ff[] = {0xff};
    CU_ASSERT_EQUAL(json_utf8_len(ff, 1), 0);
}

/* num - json_write_num or _opt as a C string */
static const char *num(int opt, double v, int decimals)
{
    static char buf[64];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        abort();
    if (opt)
        json_write_opt(f, v, decimals);
    else
        json_write_num(f, v, decimals);
    fclose(f);
    return buf;
}

/* numbers: the decimals asked, null for no value, never nan or inf */
static void test_numbers(void)
{
    CU_ASSERT_STRING_EQUAL(num(0, 1.5, 6), "1.500000");
    CU_ASSERT_STRING_EQUAL(num(0, 2.5, 0), "2");
    CU_ASSERT_STRING_EQUAL(num(0, 0.000123456789, JSON_G), "0.000123457");
    CU_ASSERT_STRING_EQUAL(num(0, -3, 1), "-3.0");
    CU_ASSERT_STRING_EQUAL(num(0, NAN, 6), "null");
    CU_ASSERT_STRING_EQUAL(num(0, INFINITY, 6), "null");
    CU_ASSERT_STRING_EQUAL(num(0, -INFINITY, JSON_G), "null");
    /* optional measures: negative means none */
    CU_ASSERT_STRING_EQUAL(num(1, -1, 6), "null");
    CU_ASSERT_STRING_EQUAL(num(1, 0, 6), "0.000000");
    CU_ASSERT_STRING_EQUAL(num(1, NAN, JSON_G), "null");
    CU_ASSERT_STRING_EQUAL(num(1, 42, JSON_G), "42");
}

/* a member: the separator, the key, the string escaped or null */
static void test_member(void)
{
    static char buf[128];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        abort();
    json_write_member(f, "{", "name", "a\"b");
    json_write_member(f, ", ", "dir", NULL);
    fputc('}', f);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "{\"name\": \"a\\\"b\", \"dir\": null}");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_member);
    QC_ADD_TEST(suite, test_numbers);
    QC_ADD_TEST(suite, test_escapes);
    QC_ADD_TEST(suite, test_utf8_passes);
    QC_ADD_TEST(suite, test_invalid_escaped);
    QC_ADD_TEST(suite, test_utf8_len);
}

QC_CUNIT_MAIN("lib_json")
