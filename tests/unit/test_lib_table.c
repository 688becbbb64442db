/* test_lib_table.c - result tables (lib/table): the same cells as
 * aligned text, CSV and JSON; missing values, escaping, alignment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "table.h"

enum { WHO, COUNT, LAT, SHARE, OK };

static const struct table_col cols[] = {
    [WHO] = {"name", "channel", NULL, TABLE_STR, 0, 0, 6, TABLE_AUTO, 0, 0},
    [COUNT] = {"delivered", NULL, "recipients", TABLE_UINT, 0, 0, 0,
               TABLE_AUTO, 0, 0},
    [LAT] = {"latency_p95", "p95", "s", TABLE_NUM, 3, 6, 0, TABLE_AUTO, 0,
             TABLE_UNIT},
    [SHARE] = {"at_limit", "at limit", NULL, TABLE_FRACTION, 1,
               TABLE_SIG(6), 0, TABLE_AUTO, 2, 0},
    [OK] = {"ok", NULL, NULL, TABLE_BOOL, 0, 0, 0, TABLE_AUTO, 0, 0},
};

/* render - one rendering of t as a C string (static buffer) */
static const char *render(const struct table *t, int how)
{
    static char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        abort();
    int rc = how == 0   ? table_write_text(t, f, 0)
             : how == 1 ? table_write_csv(t, f)
                        : table_write_json(t, f, 2);
    CU_ASSERT_EQUAL(rc, 0);
    fclose(f);
    return buf;
}

/* two rows: one full, one with a name to escape and values missing */
static void fill(struct table *t)
{
    table_init(t, cols, sizeof cols / sizeof cols[0]);
    CU_ASSERT_EQUAL(table_row(t), 0);
    table_str(t, WHO, "remote");
    table_uint(t, COUNT, 7871);
    table_num(t, LAT, 661.8564);
    table_num(t, SHARE, 0.25);
    table_bool(t, OK, 1);
    CU_ASSERT_EQUAL(table_row(t), 0);
    table_str(t, WHO, "a,\"b\"");
    table_uint(t, COUNT, 0);
    table_num(t, LAT, NAN);        /* no value */
    table_opt(t, SHARE, -1);       /* none */
    table_bool(t, OK, 0);
}

static void test_text_aligned(void)
{
    struct table t;
    fill(&t);
    /* numbers right, text left, at least `width`, the unit in the
     * header, "-" for missing, the gap asked, no trailing blanks */
    CU_ASSERT_STRING_EQUAL(render(&t, 0),
                           "channel delivered p95 (s)  at limit ok\n"
                           "remote       7871 661.856     25.0% yes\n"
                           "a,\"b\"           0       -         - no\n");
    table_free(&t);
}

static void test_csv(void)
{
    struct table t;
    fill(&t);
    /* keys in the header, fields with a comma or quote quoted and the
     * quotes doubled, missing cells empty, data precision */
    CU_ASSERT_STRING_EQUAL(render(&t, 1),
                           "name,delivered,latency_p95,at_limit,ok\n"
                           "remote,7871,661.856400,0.25,1\n"
                           "\"a,\"\"b\"\"\",0,,,0\n");
    table_free(&t);
}

static void test_json(void)
{
    struct table t;
    fill(&t);
    /* one object a line, null for missing, strings escaped */
    CU_ASSERT_STRING_EQUAL(
        render(&t, 2),
        "[\n"
        "    {\"name\": \"remote\", \"delivered\": 7871, \"latency_p95\": "
        "661.856400, \"at_limit\": 0.25, \"ok\": true},\n"
        "    {\"name\": \"a,\\\"b\\\"\", \"delivered\": 0, \"latency_p95\": "
        "null, \"at_limit\": null, \"ok\": false}\n"
        "  ]");
    table_free(&t);
}

/* an empty table: a header line, a header of keys, an empty array */
static void test_empty(void)
{
    struct table t;
    table_init(&t, cols, sizeof cols / sizeof cols[0]);
    CU_ASSERT_STRING_EQUAL(render(&t, 1),
                           "name,delivered,latency_p95,at_limit,ok\n");
    CU_ASSERT_STRING_EQUAL(render(&t, 2), "[]");
    CU_ASSERT_STRING_EQUAL(render(&t, 0),
                           "channel delivered p95 (s)  at limit ok\n");
    table_free(&t);
}

/* CSV line breaks quoted; JSON control characters and invalid UTF-8
 * escaped (lib/json) */
static void test_escaping(void)
{
    static const struct table_col one[] = {
        {"t", NULL, NULL, TABLE_STR, 0, 0, 0, TABLE_AUTO, 0, 0}};
    struct table t;
    table_init(&t, one, 1);
    table_row(&t);
    table_str(&t, 0, "line\nbreak");
    table_row(&t);
    table_str(&t, 0, "caf\xe9\t");
    CU_ASSERT_STRING_EQUAL(render(&t, 1), "t\n\"line\nbreak\"\ncaf\xe9\t\n");
    CU_ASSERT_STRING_EQUAL(render(&t, 2),
                           "[\n    {\"t\": \"line\\u000abreak\"},\n"
                           "    {\"t\": \"caf\\u00e9\\u0009\"}\n  ]");
    table_free(&t);
}

/* widths count characters, not bytes: "±" is one column */
static void test_utf8_width(void)
{
    static const struct table_col two[] = {
        {"a", NULL, NULL, TABLE_STR, 0, 0, 0, TABLE_AUTO, 0, 0},
        {"b", NULL, NULL, TABLE_STR, 0, 0, 0, TABLE_RIGHT, 0, 0}};
    struct table t;
    table_init(&t, two, 2);
    table_row(&t);
    table_str(&t, 0, "1 \xc2\xb1 2");
    table_str(&t, 1, "x");
    table_row(&t);
    table_str(&t, 0, "12345");
    table_str(&t, 1, "yy");
    CU_ASSERT_STRING_EQUAL(render(&t, 0), "a      b\n1 \xc2\xb1 2  x\n"
                                          "12345 yy\n");
    table_free(&t);
}

/* shown text replaces the text cell only; groups head their rows;
 * NOTEXT columns are data only, TEXTONLY ones for people only */
static void test_show_and_groups(void)
{
    static const struct table_col g[] = {
        {"section", NULL, NULL, TABLE_STR, 0, 0, 0, TABLE_AUTO, 0,
         TABLE_GROUP},
        {"metric", "", NULL, TABLE_STR, 0, 0, 8, TABLE_AUTO, 0, 0},
        {"value", "A", NULL, TABLE_NUM, 0, 0, 0, TABLE_AUTO, 0, 0},
        {"limit", NULL, NULL, TABLE_NUM, 0, 0, 0, TABLE_AUTO, 0,
         TABLE_NOTEXT},
        {"note", "", NULL, TABLE_STR, 0, 0, 0, TABLE_AUTO, 0,
         TABLE_TEXTONLY}};
    struct table t;
    table_init(&t, g, 5);
    const char *sec[] = {"remote", "remote", "local"};
    for (int i = 0; i < 3; i++) {
        table_row(&t);
        table_str(&t, 0, sec[i]);
        table_show(&t, 0, i < 2 ? "channel remote" : "channel local");
        table_str(&t, 1, i == 1 ? "peak" : "queue");
        table_num(&t, 2, 10 + i);
        if (i == 1) {
            table_num(&t, 3, 20);
            table_show(&t, 2, "11/20");
            table_str(&t, 4, "at the limit");
        }
    }
    CU_ASSERT_STRING_EQUAL(render(&t, 0),
                           "               A\n"
                           "channel remote\n"
                           "  queue       10 -\n"
                           "  peak     11/20 at the limit\n"
                           "channel local\n"
                           "  queue       12 -\n");
    CU_ASSERT_STRING_EQUAL(render(&t, 1),
                           "section,metric,value,limit\n"
                           "remote,queue,10,\nremote,peak,11,20\n"
                           "local,queue,12,\n");
    table_free(&t);
}

/* a table whose headers are all empty prints no header line */
static void test_no_header(void)
{
    static const struct table_col two[] = {
        {"a", "", NULL, TABLE_STR, 0, 0, 4, TABLE_AUTO, 0, 0},
        {"b", "", NULL, TABLE_UINT, 0, 0, 0, TABLE_AUTO, 0, 0}};
    struct table t;
    table_init(&t, two, 2);
    table_row(&t);
    table_str(&t, 0, "x");
    table_uint(&t, 1, 12);
    CU_ASSERT_STRING_EQUAL(render(&t, 0), "x    12\n");
    table_free(&t);
}

/* numbers for people: decimals, or significant digits without an
 * exponent for large values */
static void test_fmt_num(void)
{
    char b[32];
    table_fmt_num(b, sizeof b, 9.5984, 3);
    CU_ASSERT_STRING_EQUAL(b, "9.598");
    table_fmt_num(b, sizeof b, 9.5984, TABLE_SIG(3));
    CU_ASSERT_STRING_EQUAL(b, "9.6");
    table_fmt_num(b, sizeof b, 1234.4, TABLE_SIG(3));
    CU_ASSERT_STRING_EQUAL(b, "1234");
    table_fmt_num(b, sizeof b, 0.000123456, TABLE_SIG(3));
    CU_ASSERT_STRING_EQUAL(b, "0.000123");
}

/* many rows: the storage grows, every row kept */
static void test_many_rows(void)
{
    static const struct table_col one[] = {
        {"n", NULL, NULL, TABLE_UINT, 0, 0, 0, TABLE_AUTO, 0, 0}};
    struct table t;
    table_init(&t, one, 1);
    for (unsigned i = 0; i < 1000; i++) {
        CU_ASSERT_EQUAL_FATAL(table_row(&t), 0);
        table_uint(&t, 0, i);
    }
    CU_ASSERT_EQUAL(t.nrows, 1000);
    CU_ASSERT_EQUAL(t.cells[999].u, 999);
    table_free(&t);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_text_aligned);
    QC_ADD_TEST(suite, test_csv);
    QC_ADD_TEST(suite, test_json);
    QC_ADD_TEST(suite, test_empty);
    QC_ADD_TEST(suite, test_escaping);
    QC_ADD_TEST(suite, test_utf8_width);
    QC_ADD_TEST(suite, test_show_and_groups);
    QC_ADD_TEST(suite, test_no_header);
    QC_ADD_TEST(suite, test_fmt_num);
    QC_ADD_TEST(suite, test_many_rows);
}

QC_CUNIT_MAIN("lib_table")
