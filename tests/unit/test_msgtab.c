/* test_msgtab.c - the message table: find, grow, delete with shifts, in
 * the hashed and the direct layout, and the conversion between them. */
#include <string.h>

#include "cunit_main.h"
#include "msgtab.h"
#include "track_alloc.h"

/* has, val, put - find, the mask found (~0 when absent), get and set */
static int has(const struct msgtab *t, uint64_t id)
{
    return msgtab_find(t, id, NULL);
}

static uint64_t val(const struct msgtab *t, uint64_t id)
{
    uint64_t v = ~(uint64_t)0;
    msgtab_find(t, id, &v);
    return v;
}

static int put(struct msgtab *t, uint64_t id, uint64_t chans)
{
    uint64_t old;
    if (msgtab_get(t, id, &old) == -1)
        return -1;
    msgtab_set(t, id, chans);
    return 0;
}

/* force_hashed - convert t as a real queue's inode number would */
static void force_hashed(struct msgtab *t)
{
    uint64_t v;
    CU_ASSERT_EQUAL_FATAL(msgtab_get(t, (uint64_t)1 << 40, &v), 0);
    msgtab_del(t, (uint64_t)1 << 40);
    CU_ASSERT_FALSE(t->direct);
    CU_ASSERT_EQUAL(t->len, 0);
}

static void test_insert_find_delete(void)
{
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
    for (uint64_t id = 1; id <= 5000; id++) {
        CU_ASSERT_EQUAL_FATAL(put(&t, id * 3, id), 0);
    }
    CU_ASSERT_EQUAL(t.len, 5000);
    CU_ASSERT_FALSE(has(&t, 1));
    /* delete every other entry: the rest must stay reachable */
    for (uint64_t id = 1; id <= 5000; id += 2)
        msgtab_del(&t, id * 3);
    CU_ASSERT_EQUAL(t.len, 2500);
    int ok = 1;
    for (uint64_t id = 1; id <= 5000; id++) {
        if (id % 2)
            ok &= !has(&t, id * 3);
        else
            ok &= has(&t, id * 3) && val(&t, id * 3) == id;
    }
    CU_ASSERT(ok);
    msgtab_del(&t, 999999);   /* absent: nothing happens */
    CU_ASSERT_EQUAL(t.len, 2500);
    uint64_t got = 0;
    CU_ASSERT_EQUAL(msgtab_get(&t, 6, &got), 0);   /* get finds */
    CU_ASSERT_EQUAL(got, 2);
    CU_ASSERT_EQUAL(t.len, 2500);
    msgtab_free(&t);
}

static void test_collisions_wrap(void)
{
    /* a small table filled and emptied in another order exercises the
     * backward shift across the end of the bucket array */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
    force_hashed(&t);   /* small ids would stay in the direct layout */
    for (uint64_t id = 1; id <= 30; id++)
        put(&t, id, 0);
    for (uint64_t id = 30; id >= 1; id -= 3)
        msgtab_del(&t, id);
    int ok = 1;
    for (uint64_t id = 1; id <= 30; id++)
        ok &= has(&t, id) == ((30 - id) % 3 != 0);
    CU_ASSERT(ok);
    msgtab_free(&t);
}

static void test_direct_dense(void)
{
    /* ids 1, 2, 3... as the simulator hands them out stay direct */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
    for (uint64_t id = 1; id <= 100000; id++)
        put(&t, id, id ^ 5);
    CU_ASSERT(t.direct);
    CU_ASSERT_EQUAL(t.len, 100000);
    CU_ASSERT_FALSE(has(&t, 100001));
    CU_ASSERT_FALSE(has(&t, 0));
    CU_ASSERT_FALSE(has(&t, UINT64_MAX));
    for (uint64_t id = 2; id <= 100000; id += 2)
        msgtab_del(&t, id);
    msgtab_del(&t, 2);   /* twice: nothing happens */
    msgtab_del(&t, 500000);
    CU_ASSERT_EQUAL(t.len, 50000);
    int ok = 1;
    for (uint64_t id = 1; id <= 100000; id++) {
        ok &= (id % 2) ? has(&t, id) && val(&t, id) == (id ^ 5)
                       : !has(&t, id);
    }
    CU_ASSERT(ok);
    msgtab_free(&t);
}

static void test_direct_converts(void)
{
    /* an inode-sized id converts the table; every entry survives */
    struct msgtab t;
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
    for (uint64_t id = 1; id <= 3000; id++)
        put(&t, id, id);
    CU_ASSERT(t.direct);
    put(&t, 1u << 30, 7);
    CU_ASSERT(!t.direct);
    CU_ASSERT_EQUAL(t.len, 3001);
    int ok = 1;
    for (uint64_t id = 1; id <= 3000; id++) {
        ok &= has(&t, id) && val(&t, id) == id;
    }
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(val(&t, 1u << 30), 7);
    /* it stays hashed, even when small ids come back */
    msgtab_del(&t, 1u << 30);
    put(&t, 3001, 0);
    CU_ASSERT(!t.direct);
    msgtab_free(&t);

    /* a sliding window of ids (steady traffic) leaves the direct layout
     * once the ids run far ahead of the messages held */
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
    for (uint64_t id = 1; id <= 20000; id++) {
        put(&t, id, 0);
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
        CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, 64, NULL), 0);
        if (layout == 1)
            force_hashed(&t);
        uint64_t s = 42 + (uint64_t)layout, scale = layout == 2 ? 1000 : 1;
        size_t len = 0;
        int ok = 1;
        for (int k = 0; k < 200000 && ok; k++) {
            uint64_t id = 1 + next(&s) % RANGE, op = next(&s) % 3;
            if (op == 0) {
                uint64_t e = ~(uint64_t)0;
                ok &= msgtab_get(&t, id * scale, &e) == 0;
                len += model[id] == 0;
                ok &= e == (model[id] ? model[id] - 1 : 0);
                msgtab_set(&t, id * scale, (uint64_t)k);
                model[id] = (uint64_t)k + 1;
            } else if (op == 1) {
                msgtab_del(&t, id * scale);
                len -= model[id] != 0;
                model[id] = 0;
            } else {
                ok &= model[id] ? has(&t, id * scale) &&
                                      val(&t, id * scale) == model[id] - 1
                                : !has(&t, id * scale);
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
    CU_ASSERT_EQUAL_FATAL(msgtab_init(&m, 64, &a), 0);
    for (uint64_t id = 1; id <= 3000; id++)
        CU_ASSERT_EQUAL(put(&m, id, 1), 0);
    CU_ASSERT_TRUE(m.direct);
    CU_ASSERT_EQUAL(put(&m, (uint64_t)1 << 40, 1), 0);  /* hashed */
    CU_ASSERT_FALSE(m.direct);
    CU_ASSERT_TRUE(t.resizes >= 3);
    CU_ASSERT_EQUAL(track_live(&t), 1);
    t.refuse_after = (long)t.resizes;
    int refused = 0;
    for (uint64_t id = 5000; id < 200000 && !refused; id++)
        refused = put(&m, id, 1) == -1;
    CU_ASSERT_TRUE(refused);
    for (uint64_t id = 1; id <= 3000; id++)
        CU_ASSERT_EQUAL(val(&m, id), 1);
    msgtab_free(&m);
    CU_ASSERT_EQUAL(track_live(&t), 0);
    CU_ASSERT_EQUAL(t.wrong_size, 0);
    CU_ASSERT_EQUAL(t.unknown, 0);
}

/* the direct masks take the bytes the channel count needs: every bit
 * below nchan kept, in the direct layout and through the conversion */
static void test_mask_widths(void)
{
    static const int nchans[] = {2, 8, 9, 16, 17, 32, 33, 64};
    for (size_t k = 0; k < sizeof nchans / sizeof nchans[0]; k++) {
        int n = nchans[k];
        uint64_t full = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
        struct msgtab t;
        CU_ASSERT_EQUAL_FATAL(msgtab_init(&t, n, NULL), 0);
        CU_ASSERT_EQUAL(t.width, n <= 8 ? 1u : n <= 16 ? 2u : n <= 32 ? 4u : 8u);
        int ok = 1;
        for (uint64_t id = 1; id <= 5000; id++)
            ok &= put(&t, id, (id * 0x9e3779b97f4a7c15ULL) & full) == 0;
        CU_ASSERT(t.direct);
        for (uint64_t id = 1; id <= 5000; id++)
            ok &= val(&t, id) == ((id * 0x9e3779b97f4a7c15ULL) & full);
        ok &= put(&t, (uint64_t)1 << 40, full) == 0;   /* converts */
        CU_ASSERT_FALSE(t.direct);
        for (uint64_t id = 1; id <= 5000; id++)
            ok &= val(&t, id) == ((id * 0x9e3779b97f4a7c15ULL) & full);
        ok &= val(&t, (uint64_t)1 << 40) == full;
        CU_ASSERT(ok);
        msgtab_free(&t);
    }
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_host_allocator);
    QC_ADD_TEST(suite, test_direct_dense);
    QC_ADD_TEST(suite, test_direct_converts);
    QC_ADD_TEST(suite, test_random_against_model);
    QC_ADD_TEST(suite, test_insert_find_delete);
    QC_ADD_TEST(suite, test_collisions_wrap);
    QC_ADD_TEST(suite, test_mask_widths);
}

QC_CUNIT_MAIN("msgtab")
