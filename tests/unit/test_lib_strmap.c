/* test_lib_strmap.c - the case-insensitive string map (lib/strmap). */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "strmap.h"

/* find_s - strmap_find on a C string */
static int find_s(const struct strmap *m, const char *k, const char **v,
                  long *n)
{
    return strmap_find(m, k, strlen(k), v, n);
}

static void test_put_find(void)
{
    struct strmap *m = strmap_new(0, NULL);
    const char *v = NULL;
    long n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(strmap_count(m), 0);
    CU_ASSERT_FALSE(find_s(m, "a.org", &v, &n));
    CU_ASSERT_EQUAL(strmap_put(m, "a.org", 5, "alice", 7), 0);
    CU_ASSERT_EQUAL(strmap_put(m, "b.org", 5, NULL, 9), 0);
    CU_ASSERT_TRUE(find_s(m, "a.org", &v, &n));
    CU_ASSERT_STRING_EQUAL(v, "alice");
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_TRUE(find_s(m, "b.org", &v, &n));
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_FALSE(find_s(m, "a.or", NULL, NULL));
    CU_ASSERT_FALSE(find_s(m, "a.orgx", NULL, NULL));
    CU_ASSERT_FALSE(find_s(m, "", NULL, NULL));
    CU_ASSERT_EQUAL(strmap_count(m), 2);
    strmap_free(m);
}

static void test_case_insensitive(void)
{
    struct strmap *m = strmap_new(4, NULL);
    const char *v = NULL;

    CU_ASSERT_EQUAL(strmap_put(m, "Example.COM", 11, "x", 0), 0);
    CU_ASSERT_TRUE(find_s(m, "example.com", &v, NULL));
    CU_ASSERT_TRUE(find_s(m, "EXAMPLE.COM", &v, NULL));
    CU_ASSERT_TRUE(find_s(m, "eXaMpLe.CoM", &v, NULL));
    /* ASCII letters only, like qmail: '@'/'`' and '['/'{' are no pairs */
    CU_ASSERT_EQUAL(strmap_put(m, "a@b", 3, "y", 0), 0);
    CU_ASSERT_FALSE(find_s(m, "a`b", NULL, NULL));
    CU_ASSERT_EQUAL(strmap_put(m, "a[b", 3, "w", 0), 0);
    CU_ASSERT_FALSE(find_s(m, "a{b", NULL, NULL));
    /* putting the other case replaces, it does not add */
    CU_ASSERT_EQUAL(strmap_put(m, "EXAMPLE.com", 11, "z", 1), 0);
    CU_ASSERT_EQUAL(strmap_count(m), 3);
    CU_ASSERT_TRUE(find_s(m, "example.com", &v, NULL));
    CU_ASSERT_STRING_EQUAL(v, "z");
    strmap_free(m);
}

static void test_replace_later_wins(void)
{
    struct strmap *m = strmap_new(0, NULL);
    const char *v = NULL;
    long n;

    strmap_put(m, "k", 1, "first", 1);
    strmap_put(m, "k", 1, "second", 2);
    strmap_put(m, "k", 1, NULL, 3);
    CU_ASSERT_TRUE(find_s(m, "k", &v, &n));
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(strmap_count(m), 1);
    strmap_free(m);
}

static void test_empty_and_nul_keys(void)
{
    struct strmap *m = strmap_new(0, NULL);
    const char *v = NULL;

    CU_ASSERT_EQUAL(strmap_put(m, "", 0, "empty", 0), 0);
    CU_ASSERT_TRUE(strmap_find(m, "", 0, &v, NULL));
    CU_ASSERT_STRING_EQUAL(v, "empty");
    CU_ASSERT_EQUAL(strmap_put(m, "a\0b", 3, "nul", 0), 0);
    CU_ASSERT_TRUE(strmap_find(m, "A\0B", 3, &v, NULL));
    CU_ASSERT_STRING_EQUAL(v, "nul");
    CU_ASSERT_FALSE(strmap_find(m, "a", 1, NULL, NULL));
    CU_ASSERT_FALSE(strmap_find(m, "a\0c", 3, NULL, NULL));
    strmap_free(m);
}

static void test_grow_many(void)
{
    struct strmap *m = strmap_new(0, NULL);
    char k[32];
    long n;
    int ok = 1;

    for (int i = 0; i < 20000; i++) {
        int len = snprintf(k, sizeof k, "host%d.example", i);
        if (strmap_put(m, k, (size_t)len, NULL, i) < 0)
            ok = 0;
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(strmap_count(m), 20000);
    for (int i = 0; i < 20000; i++) {
        int len = snprintf(k, sizeof k, "HOST%d.EXAMPLE", i);
        if (!strmap_find(m, k, (size_t)len, NULL, &n) || n != i)
            ok = 0;
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_FALSE(find_s(m, "host20000.example", NULL, NULL));
    strmap_free(m);
}

static void test_hash_pieces(void)
{
    uint64_t h0 = strmap_hash_init();
    uint64_t whole = strmap_hash_prepend(h0, "user@Dom.Org", 12);
    /* right-to-left folding: suffix first, then what goes in front */
    uint64_t h = strmap_hash_prepend(h0, "dom.org", 7);
    h = strmap_hash_prepend(h, "@", 1);
    h = strmap_hash_prepend(h, "USER", 4);
    CU_ASSERT_EQUAL(h, whole);
    CU_ASSERT_NOT_EQUAL(strmap_hash_prepend(h0, "ab", 2),
                        strmap_hash_prepend(h0, "ba", 2));

    struct strmap *m = strmap_new(0, NULL);
    const char *v = NULL;
    strmap_put(m, "user@dom.org", 12, "hit", 0);
    struct strmap_piece pc[3] = {{"User", 4}, {"@", 1}, {"DOM.org", 7}};
    CU_ASSERT_TRUE(strmap_findv(m, h, pc, 3, &v, NULL));
    CU_ASSERT_STRING_EQUAL(v, "hit");
    /* same bytes split differently: same key */
    struct strmap_piece pc2[2] = {{"user@d", 6}, {"om.org", 6}};
    CU_ASSERT_TRUE(strmap_findv(m, h, pc2, 2, NULL, NULL));
    /* a piece that runs past the stored key */
    struct strmap_piece pc3[2] = {{"user@dom.org", 12}, {"x", 1}};
    uint64_t h3 = strmap_hash_prepend(strmap_hash_prepend(h0, "x", 1),
                                      "user@dom.org", 12);
    CU_ASSERT_FALSE(strmap_findv(m, h3, pc3, 2, NULL, NULL));
    strmap_free(m);
}

static void test_free_null(void)
{
    strmap_free(NULL);
    CU_PASS("strmap_free(NULL) is a no-op");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_put_find);
    QC_ADD_TEST(suite, test_case_insensitive);
    QC_ADD_TEST(suite, test_replace_later_wins);
    QC_ADD_TEST(suite, test_empty_and_nul_keys);
    QC_ADD_TEST(suite, test_grow_many);
    QC_ADD_TEST(suite, test_hash_pieces);
    QC_ADD_TEST(suite, test_free_null);
}

QC_CUNIT_MAIN("strmap")
