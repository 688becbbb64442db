/* test_msgtab.c - the message table: find, grow, delete with shifts, in
 * the hashed and the direct layout, and the conversion between them. */
#include <string.h>

#include "cunit_main.h"
#include "msgtab.h"
#include "track_alloc.h"

/* force_hashed - convert t as a real queue's inode number would */
static void force_hashed(struct msgtab *t)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(msgtab_get(t, (uint64_t)1 << 40));
    msgtab_del(t, (uint64_t)1 << 40);
    CU_ASSERT_FALSE(t->direct);
    CU_ASSERT_EQUAL(t->len, 0);
}

static void test_insert_find_delete(void)
{
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
    for (uint64_t id = 1; id <= 5000; id++) {
        uint64_t *e = msgtab_get(&t, id * 3);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        *e = id;
    }
    CU_ASSERT_EQUAL(t.len, 5000);
    CU_ASSERT_PTR_NULL(msgtab_find(&t, 1));
    /* delete every other entry: the rest must stay reachable */
    for (uint64_t id = 1; id <= 5000; id += 2)
        msgtab_del(&t, id * 3);
    CU_ASSERT_EQUAL(t.len, 2500);
    int ok = 1;
    for (uint64_t id = 1; id <= 5000; id++) {
        uint64_t *e = msgtab_find(&t, id * 3);
        if (id % 2)
            ok &= e == NULL;
        else
            ok &= e != NULL && *e == id;
    }
    CU_ASSERT(ok);
    msgtab_del(&t, 999999);   /* absent: nothing happens */
    CU_ASSERT_EQUAL(t.len, 2500);
    CU_ASSERT_EQUAL(*msgtab_get(&t, 6), 2);   /* get finds */
    CU_ASSERT_EQUAL(t.len, 2500);
    msgtab_free(&t);
}

static void test_collisions_wrap(void)
{
    /* a small table filled and emptied in another order exercises the
     * backward shift across the end of the bucket array */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
    force_hashed(&t);   /* small ids would stay in the direct layout */
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

static void test_direct_dense(void)
{
    /* ids 1, 2, 3... as the simulator hands them out stay direct */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
    for (uint64_t id = 1; id <= 100000; id++)
        *msgtab_get(&t, id) = id ^ 5;
    CU_ASSERT(t.direct);
    CU_ASSERT_EQUAL(t.len, 100000);
    CU_ASSERT_PTR_NULL(msgtab_find(&t, 100001));
    CU_ASSERT_PTR_NULL(msgtab_find(&t, 0));
    CU_ASSERT_PTR_NULL(msgtab_find(&t, UINT64_MAX));
    for (uint64_t id = 2; id <= 100000; id += 2)
        msgtab_del(&t, id);
    msgtab_del(&t, 2);   /* twice: nothing happens */
    msgtab_del(&t, 500000);
    CU_ASSERT_EQUAL(t.len, 50000);
    int ok = 1;
    for (uint64_t id = 1; id <= 100000; id++) {
        uint64_t *e = msgtab_find(&t, id);
        ok &= (id % 2) ? e != NULL && *e == (id ^ 5) : e == NULL;
    }
    CU_ASSERT(ok);
    msgtab_free(&t);
}

static void test_direct_converts(void)
{
    /* an inode-sized id converts the table; every entry survives */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
    for (uint64_t id = 1; id <= 3000; id++)
        *msgtab_get(&t, id) = id;
    CU_ASSERT(t.direct);
    *msgtab_get(&t, 1u << 30) = 7;
    CU_ASSERT(!t.direct);
    CU_ASSERT_EQUAL(t.len, 3001);
    int ok = 1;
    for (uint64_t id = 1; id <= 3000; id++) {
        uint64_t *e = msgtab_find(&t, id);
        ok &= e != NULL && *e == id;
    }
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(*msgtab_find(&t, 1u << 30), 7);
    /* it stays hashed, even when small ids come back */
    msgtab_del(&t, 1u << 30);
    msgtab_get(&t, 3001);
    CU_ASSERT(!t.direct);
    msgtab_free(&t);

    /* a sliding window of ids (steady traffic) leaves the direct layout
     * once the ids run far ahead of the messages held */
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
    for (uint64_t id = 1; id <= 20000; id++) {
        msgtab_get(&t, id);
        if (id > 10)
            msgtab_del(&t, id - 10);
    }
    CU_ASSERT(!t.direct);
    CU_ASSERT_EQUAL(t.len, 10);
    CU_ASSERT(t.mask < 4096);
    msgtab_free(&t);
}

/* next - a small deterministic generator */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void test_random_against_model(void)
{
    /* random get/del/find in both layouts agree with a plain array */
    enum { RANGE = 6000 };
    for (int layout = 0; layout < 3; layout++) {
        static uint64_t model[RANGE + 1];   /* chans + 1; 0: absent */
        memset(model, 0, sizeof model);
        struct msgtab t;
        CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, NULL), 0);
        if (layout == 1)
            force_hashed(&t);
        uint64_t s = 42 + (uint64_t)layout, scale = layout == 2 ? 1000 : 1;
        size_t len = 0;
        int ok = 1;
        for (int k = 0; k < 200000 && ok; k++) {
            uint64_t id = 1 + next(&s) % RANGE, op = next(&s) % 3;
            if (op == 0) {
                uint64_t *e = msgtab_get(&t, id * scale);
                len += model[id] == 0;
                if (!model[id])
                    ok &= *e == 0;
                *e = (uint64_t)k;
                model[id] = (uint64_t)k + 1;
            } else if (op == 1) {
                msgtab_del(&t, id * scale);
                len -= model[id] != 0;
                model[id] = 0;
            } else {
                uint64_t *e = msgtab_find(&t, id * scale);
                ok &= model[id] ? e != NULL && *e == model[id] - 1
                                : e == NULL;
            }
            ok &= t.len == len;
        }
        CU_ASSERT(ok);
        msgtab_free(&t);
    }
}

/* test_host_allocator - the table grows, converts to the hashed layout
 * and is freed through the host's allocator with the right sizes; a
 * refusal leaves the table as it was */
static void test_host_allocator(void)
{
    struct track t;
    struct qc_alloc a;
    track_init(&t, &a);
    struct msgtab m;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&m, &a), 0);
    for (uint64_t id = 1; id <= 3000; id++)
        CU_ASSERT_PTR_NOT_NULL(msgtab_get(&m, id));
    CU_ASSERT_TRUE(m.direct);
    CU_ASSERT_PTR_NOT_NULL(msgtab_get(&m, (uint64_t)1 << 40));  /* hashed */
    CU_ASSERT_FALSE(m.direct);
    CU_ASSERT_TRUE(t.resizes >= 3);
    CU_ASSERT_EQUAL(track_live(&t), 1);
    t.refuse_after = (long)t.resizes;
    int refused = 0;
    for (uint64_t id = 5000; id < 200000 && !refused; id++)
        refused = msgtab_get(&m, id) == NULL;
    CU_ASSERT_TRUE(refused);
    for (uint64_t id = 1; id <= 3000; id++)
        CU_ASSERT_PTR_NOT_NULL(msgtab_find(&m, id));
    msgtab_free(&m);
    CU_ASSERT_EQUAL(track_live(&t), 0);
    CU_ASSERT_EQUAL(t.wrong_size, 0);
    CU_ASSERT_EQUAL(t.unknown, 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_host_allocator);
    QC_ADD_TEST(suite, test_direct_dense);
    QC_ADD_TEST(suite, test_direct_converts);
    QC_ADD_TEST(suite, test_random_against_model);
    QC_ADD_TEST(suite, test_insert_find_delete);
    QC_ADD_TEST(suite, test_collisions_wrap);
}

QC_CUNIT_MAIN("msgtab")
