/* test_lib_heap.c - the generated binary heap (lib/heap.h): random
 * pushes and pops come out sorted, ties as the order says, heapify, and
 * an order that reads its context. */
#include <stdint.h>
#include <stdlib.h>

#include "cunit_main.h"
#include "heap.h"

struct item {
    int key;
    unsigned seq;
};

static int item_before(const struct item *a, const struct item *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

#define ITEM_BEFORE(ctx, a, b) item_before((a), (b))
HEAP_DEFINE(item_heap, struct item, const void *, ITEM_BEFORE)

/* keys[] indirection: the heap holds indexes, the order reads ctx */
#define IDX_BEFORE(keys, a, b) \
    ((keys)[*(a)] < (keys)[*(b)] || ((keys)[*(a)] == (keys)[*(b)] && *(a) < *(b)))
HEAP_DEFINE(idx_heap, unsigned, const int *, IDX_BEFORE)

static uint64_t rng = 88172645463325252ULL;
static unsigned next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)rng;
}

/* interleaved pushes and pops: every pop is the smallest left, and
 * equal keys come out in the order they went in */
static void test_push_pop_in_order(void)
{
    enum { N = 5000 };
    static struct item v[N];
    size_t n = 0;
    unsigned seq = 0;
    int last_key = -1;
    unsigned last_seq = 0;
    size_t popped = 0;
    int ok = 1;
    for (int round = 0; round < 3 * N; round++) {
        if (n < N && (n == 0 || next() % 3 != 0)) {
            struct item e = {(int)(next() % 100) + last_key + 1, seq++};
            item_heap_push(NULL, v, &n, e);
        } else {
            struct item e = item_heap_pop(NULL, v, &n);
            ok &= e.key > last_key || (e.key == last_key && e.seq > last_seq);
            last_key = e.key;
            last_seq = e.seq;
            popped++;
        }
    }
    while (n > 0) {
        struct item e = item_heap_pop(NULL, v, &n);
        ok &= e.key > last_key || (e.key == last_key && e.seq > last_seq);
        last_key = e.key;
        last_seq = e.seq;
        popped++;
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(popped, seq);
}

/* heapify of any array, then pops sorted; the context order sees keys */
static void test_heapify_with_context(void)
{
    enum { N = 1000 };
    static int keys[N];
    static unsigned idx[N];
    for (unsigned i = 0; i < N; i++) {
        keys[i] = (int)(next() % 50);   /* many ties */
        idx[i] = N - 1 - i;
    }
    idx_heap_heapify(keys, idx, N);
    size_t n = N;
    unsigned prev = idx_heap_pop(keys, idx, &n);
    int ok = 1;
    while (n > 0) {
        unsigned cur = idx_heap_pop(keys, idx, &n);
        ok &= keys[prev] < keys[cur] || (keys[prev] == keys[cur] && prev < cur);
        prev = cur;
    }
    CU_ASSERT_TRUE(ok);
}

/* one element, and pop to empty */
static void test_small(void)
{
    struct item v[2];
    size_t n = 0;
    item_heap_push(NULL, v, &n, (struct item){7, 0});
    CU_ASSERT_EQUAL(n, 1);
    item_heap_push(NULL, v, &n, (struct item){3, 1});
    CU_ASSERT_EQUAL(item_heap_pop(NULL, v, &n).key, 3);
    CU_ASSERT_EQUAL(item_heap_pop(NULL, v, &n).key, 7);
    CU_ASSERT_EQUAL(n, 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_push_pop_in_order);
    QC_ADD_TEST(suite, test_heapify_with_context);
    QC_ADD_TEST(suite, test_small);
}

QC_CUNIT_MAIN("lib_heap")
