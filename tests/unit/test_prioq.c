/* test_prioq.c - the (due, id) heap: order, ties, run-queue-now. */
#include "cunit_main.h"
#include "prioq.h"

static void test_order_and_ties(void)
{
    struct prioq q;
    prioq_init(&q);
    static const struct prioq_elt in[] = {
        {50, 3}, {10, 9}, {50, 1}, {10, 2}, {30, 7}, {50, 2}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        CU_ASSERT_EQUAL(prioq_insert(&q, in[i].due, in[i].id), 0);
    static const struct prioq_elt want[] = {
        {10, 2}, {10, 9}, {30, 7}, {50, 1}, {50, 2}, {50, 3}};
    struct prioq_elt e;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CU_ASSERT_FATAL(prioq_min(&q, &e));
        CU_ASSERT_EQUAL(e.due, want[i].due);
        CU_ASSERT_EQUAL(e.id, want[i].id);
        prioq_delmin(&q);
    }
    CU_ASSERT_FALSE(prioq_min(&q, &e));
    prioq_delmin(&q);   /* harmless on an empty queue */
    prioq_free(&q);
}

static void test_all_due_orders_by_id(void)
{
    struct prioq q;
    prioq_init(&q);
    for (uint64_t id = 1; id <= 100; id++)
        prioq_insert(&q, (qc_time)((id * 37) % 101) * 1000, 101 - id);
    prioq_all_due(&q, 5);
    struct prioq_elt e;
    for (uint64_t id = 1; id <= 100; id++) {
        CU_ASSERT_FATAL(prioq_min(&q, &e));
        CU_ASSERT_EQUAL(e.due, 5);
        CU_ASSERT_EQUAL(e.id, id);
        prioq_delmin(&q);
    }
    prioq_free(&q);
}

static void test_many_sorted(void)
{
    struct prioq q;
    prioq_init(&q);
    uint64_t x = 12345;
    for (int i = 0; i < 10000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        prioq_insert(&q, (qc_time)(x >> 40), (uint64_t)i + 1);
    }
    struct prioq_elt prev = {-1, 0}, e;
    int ordered = 1;
    while (prioq_min(&q, &e)) {
        ordered &= prev.due < e.due || (prev.due == e.due && prev.id < e.id);
        prev = e;
        prioq_delmin(&q);
    }
    CU_ASSERT(ordered);
    prioq_free(&q);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_order_and_ties);
    QC_ADD_TEST(suite, test_all_due_orders_by_id);
    QC_ADD_TEST(suite, test_many_sorted);
}

QC_CUNIT_MAIN("prioq")
