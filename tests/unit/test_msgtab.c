/* test_msgtab.c - the message table: find, grow, delete with shifts. */
#include "cunit_main.h"
#include "msgtab.h"

static void test_insert_find_delete(void)
{
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t), 0);
    for (uint64_t id = 1; id <= 5000; id++) {
        struct msgtab_entry *e = msgtab_get(&t, id * 3);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        e->chans = id;
    }
    CU_ASSERT_EQUAL(t.len, 5000);
    CU_ASSERT_PTR_NULL(msgtab_find(&t, 1));
    /* delete every other entry: the rest must stay reachable */
    for (uint64_t id = 1; id <= 5000; id += 2)
        msgtab_del(&t, id * 3);
    CU_ASSERT_EQUAL(t.len, 2500);
    int ok = 1;
    for (uint64_t id = 1; id <= 5000; id++) {
        struct msgtab_entry *e = msgtab_find(&t, id * 3);
        if (id % 2)
            ok &= e == NULL;
        else
            ok &= e != NULL && e->chans == id;
    }
    CU_ASSERT(ok);
    msgtab_del(&t, 999999);   /* absent: nothing happens */
    CU_ASSERT_EQUAL(t.len, 2500);
    CU_ASSERT_EQUAL(msgtab_get(&t, 6)->chans, 2);   /* get finds */
    CU_ASSERT_EQUAL(t.len, 2500);
    msgtab_free(&t);
}

static void test_collisions_wrap(void)
{
    /* a small table filled and emptied in another order exercises the
     * backward shift across the end of the bucket array */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t), 0);
    for (uint64_t id = 1; id <= 30; id++)
        msgtab_get(&t, id);
    for (uint64_t id = 30; id >= 1; id -= 3)
        msgtab_del(&t, id);
    int ok = 1;
    for (uint64_t id = 1; id <= 30; id++)
        ok &= (msgtab_find(&t, id) != NULL) == ((30 - id) % 3 != 0);
    CU_ASSERT(ok);
    msgtab_free(&t);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_insert_find_delete);
    QC_ADD_TEST(suite, test_collisions_wrap);
}

QC_CUNIT_MAIN("msgtab")
