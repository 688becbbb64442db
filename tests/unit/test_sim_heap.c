/* test_sim_heap.c - the simulator's event queue: time order, ties in push
 * order, growth. */
#include <stdlib.h>

#include "cunit_main.h"
#include "fs_rand.h"
#include "sim_heap.h"

/* pops come out by time */
static void test_order(void)
{
    struct sim_heap h;
    sim_heap_init(&h);
    qc_time ts[] = {50, 10, 40, 10, 30, 0, 20};
    for (unsigned i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(sim_heap_push(&h, ts[i], 1, i, 0), 0);
    CU_ASSERT_EQUAL(sim_heap_peek(&h)->t, 0);
    qc_time last = -1;
    struct sim_ev ev;
    unsigned n = 0;
    while (sim_heap_pop(&h, &ev)) {
        CU_ASSERT(ev.t >= last);
        last = ev.t;
        n++;
    }
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_EQUAL(sim_heap_pop(&h, &ev), 0);
    CU_ASSERT_PTR_NULL(sim_heap_peek(&h));
    sim_heap_free(&h);
}

/* equal times come out in push order, whatever the interleaving */
static void test_ties(void)
{
    struct sim_heap h;
    sim_heap_init(&h);
    for (unsigned i = 0; i < 1000; i++)
        sim_heap_push(&h, (qc_time)(fs_rand_u64(1, 1, i, 0) % 5), 0, i, 0);
    struct sim_ev ev;
    qc_time lt = -1;
    uint32_t la = 0;
    while (sim_heap_pop(&h, &ev)) {
        if (ev.t == lt)
            CU_ASSERT(ev.a > la);
        CU_ASSERT(ev.t >= lt);
        lt = ev.t;
        la = ev.a;
    }
    sim_heap_free(&h);
}

/* a big random mix against sorting, with pops interleaved */
static void test_random(void)
{
    struct sim_heap h;
    sim_heap_init(&h);
    qc_time now = 0;
    size_t popped = 0;
    for (unsigned i = 0; i < 100000; i++) {
        qc_time t = now + (qc_time)(fs_rand_u64(2, 2, i, 0) % 1000);
        CU_ASSERT_EQUAL_FATAL(sim_heap_push(&h, t, 0, i, t), 0);
        if (i % 3 == 0) {
            struct sim_ev ev;
            CU_ASSERT_FATAL(sim_heap_pop(&h, &ev));
            CU_ASSERT(ev.t >= now);
            CU_ASSERT_EQUAL(ev.b, (uint64_t)ev.t);
            now = ev.t;
            popped++;
        }
    }
    struct sim_ev ev;
    while (sim_heap_pop(&h, &ev)) {
        CU_ASSERT(ev.t >= now);
        now = ev.t;
        popped++;
    }
    CU_ASSERT_EQUAL(popped, 100000);
    sim_heap_free(&h);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_order);
    QC_ADD_TEST(suite, test_ties);
    QC_ADD_TEST(suite, test_random);
}

QC_CUNIT_MAIN("sim_heap")
