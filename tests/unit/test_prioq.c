/* test_prioq.c - the (due, id) queue: order, ties, run-queue-now, the
 * sorted run next to the heap, against a brute-force model. */
#include "cunit_main.h"
#include "prioq.h"
#include "track_alloc.h"

static void test_order_and_ties(void)
{
    struct prioq q;
    prioq_init(&q, NULL);
    static const struct prioq_elt in[] = {
        {50, 3}, {10, 9}, {50, 1}, {10, 2}, {30, 7}, {50, 2}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        CU_ASSERT_EQUAL(prioq_insert(&q, in[i].due, in[i].id), 0);
    static const struct prioq_elt want[] = {
        {10, 2}, {10, 9}, {30, 7}, {50, 1}, {50, 2}, {50, 3}};
    struct prioq_elt e = {0, 0};
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
    prioq_init(&q, NULL);
    for (uint64_t id = 1; id <= 100; id++)
        prioq_insert(&q, (qc_time)((id * 37) % 101) * 1000, 101 - id);
    prioq_all_due(&q, 5);
    struct prioq_elt e = {0, 0};
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
    prioq_init(&q, NULL);
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

/* model of the queue: an unsorted array, minimum by scanning */
struct model {
    struct prioq_elt v[4096];
    size_t n;
};

/* model_min - index of the first element */
static size_t model_min(const struct model *m)
{
    size_t b = 0;
    for (size_t i = 1; i < m->n; i++)
        if (m->v[i].due < m->v[b].due ||
            (m->v[i].due == m->v[b].due && m->v[i].id < m->v[b].id))
            b = i;
    return b;
}

static void count_one(void *ctx, const struct prioq_elt *e)
{
    uint64_t *sum = ctx;
    sum[0]++;
    sum[1] += e->id * 31 + (uint64_t)e->due;
}

static void test_run_and_heap_against_model(void)
{
    /* in-order arrivals (the run), retries out of order (the heap),
     * run-queue-now, all interleaved: the same answers as a scan */
    static struct model m;
    m.n = 0;
    struct prioq q;
    prioq_init(&q, NULL);
    uint64_t x = 99, next_id = 1;
    qc_time now = 0;
    int ok = 1;
    for (int k = 0; k < 100000 && ok; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned op = (unsigned)(x >> 60);
        if (op < 6 && m.n < 4096) {
            /* an arrival now: in order */
            CU_ASSERT_EQUAL(prioq_insert(&q, now, next_id), 0);
            m.v[m.n++] = (struct prioq_elt){now, next_id++};
        } else if (op < 9 && m.n < 4096) {
            /* a retry later, or a stale id */
            qc_time due = now + (qc_time)((x >> 20) % 5000);
            uint64_t id = 1 + (x >> 8) % next_id;
            CU_ASSERT_EQUAL(prioq_insert(&q, due, id), 0);
            m.v[m.n++] = (struct prioq_elt){due, id};
        } else if (op < 15) {
            struct prioq_elt e;
            ok &= prioq_min(&q, &e) == (m.n > 0);
            if (m.n > 0) {
                size_t b = model_min(&m);
                ok &= e.due == m.v[b].due && e.id == m.v[b].id;
                now = e.due > now ? e.due : now;
                m.v[b] = m.v[--m.n];
                prioq_delmin(&q);
            }
        } else {
            now += 10;
            prioq_all_due(&q, now);
            for (size_t i = 0; i < m.n; i++)
                m.v[i].due = now;
        }
        ok &= q.len == m.n;
    }
    CU_ASSERT(ok);
    uint64_t got[2] = {0, 0}, want[2] = {m.n, 0};
    for (size_t i = 0; i < m.n; i++)
        want[1] += m.v[i].id * 31 + (uint64_t)m.v[i].due;
    prioq_foreach(&q, count_one, got);
    CU_ASSERT_EQUAL(got[0], want[0]);
    CU_ASSERT_EQUAL(got[1], want[1]);
    prioq_free(&q);
}

static void test_all_due_with_run(void)
{
    /* a run sorted by due time is not sorted by id: all_due fixes that */
    struct prioq q;
    prioq_init(&q, NULL);
    prioq_insert(&q, 10, 9);
    prioq_insert(&q, 20, 3);
    prioq_insert(&q, 30, 1);
    prioq_insert(&q, 15, 5);   /* out of order: the heap */
    prioq_all_due(&q, 40);
    static const uint64_t want[] = {1, 3, 5, 9};
    struct prioq_elt e = {0, 0};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_FATAL(prioq_min(&q, &e));
        CU_ASSERT_EQUAL(e.due, 40);
        CU_ASSERT_EQUAL(e.id, want[i]);
        prioq_delmin(&q);
    }
    CU_ASSERT_EQUAL(q.len, 0);
    prioq_free(&q);
}

/* test_host_allocator - both arrays come from the host's allocator, with
 * their sizes, and go back to it; a refusal is an error, not a loss */
static void test_host_allocator(void)
{
    struct track t;
    struct qc_alloc a;
    track_init(&t, &a);
    struct prioq q;
    prioq_init(&q, &a);
    for (uint64_t id = 1; id <= 5000; id++)   /* in order: the run */
        CU_ASSERT_EQUAL(prioq_insert(&q, (qc_time)id, id), 0);
    for (uint64_t id = 1; id <= 500; id++)    /* out of order: the heap */
        CU_ASSERT_EQUAL(prioq_insert(&q, 0, 6000 - id), 0);
    CU_ASSERT_TRUE(t.resizes >= 2);
    CU_ASSERT_EQUAL(track_live(&t), 2);
    t.refuse_after = (long)t.resizes;
    size_t before = q.len;
    int refused = 0;
    for (uint64_t id = 1; id <= 5000 && !refused; id++)
        refused = prioq_insert(&q, -(qc_time)id, 9000 + id) == -1;
    CU_ASSERT_TRUE(refused);
    struct prioq_elt e = {0, 0};
    size_t n = 0;
    while (prioq_min(&q, &e)) {
        n++;
        prioq_delmin(&q);
    }
    CU_ASSERT_TRUE(n >= before);
    prioq_free(&q);
    CU_ASSERT_EQUAL(track_live(&t), 0);
    CU_ASSERT_EQUAL(t.wrong_size, 0);
    CU_ASSERT_EQUAL(t.unknown, 0);
}

/* test_no_memory_put_back - with every allocation refused, an element
 * put back after a delmin always fits (in whichever array has the
 * place), a reserved room is there, a full queue says so, and the order
 * stays that of the model */
static void test_no_memory_put_back(void)
{
    static struct model m;
    m.n = 0;
    struct track t;
    struct qc_alloc a;
    track_init(&t, &a);
    struct prioq q;
    prioq_init(&q, &a);
    for (uint64_t id = 1; id <= 40; id++) {   /* run and heap both used */
        qc_time due = id % 3 ? (qc_time)id : 100 - (qc_time)id;
        CU_ASSERT_EQUAL(prioq_insert(&q, due, id), 0);
        m.v[m.n++] = (struct prioq_elt){due, id};
    }
    CU_ASSERT_EQUAL(prioq_reserve(&q, q.len + 7), 0);
    t.refuse_after = (long)t.resizes;
    for (uint64_t id = 41; id <= 47; id++) {   /* the reserved room */
        qc_time due = (qc_time)(id * 7919 % 97);
        CU_ASSERT_EQUAL(prioq_insert(&q, due, id), 0);
        m.v[m.n++] = (struct prioq_elt){due, id};
    }
    /* fill what is left, then one more is refused and changes nothing */
    uint64_t id = 100;
    while (prioq_insert(&q, (qc_time)(id * 31 % 200), id) == 0) {
        m.v[m.n++] = (struct prioq_elt){(qc_time)(id * 31 % 200), id};
        id++;
    }
    CU_ASSERT_EQUAL(q.len, m.n);
    CU_ASSERT_EQUAL(q.len, q.cap + q.fcap);
    uint64_t x = 7;
    int ok = 1;
    for (int k = 0; k < 20000 && ok; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        struct prioq_elt e;
        ok &= prioq_min(&q, &e) == 1;
        size_t b = model_min(&m);
        ok &= e.due == m.v[b].due && e.id == m.v[b].id;
        prioq_delmin(&q);
        /* back later, or earlier than the run's tail: either array */
        qc_time due = e.due + (qc_time)((x >> 33) % 300) - 100;
        ok &= prioq_insert(&q, due, e.id) == 0;
        m.v[b].due = due;
        ok &= q.len == m.n;
    }
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(prioq_insert(&q, 0, 1), -1);
    CU_ASSERT_EQUAL(prioq_reserve(&q, q.len + 1), -1);
    while (m.n > 0) {
        struct prioq_elt e;
        CU_ASSERT_FATAL(prioq_min(&q, &e));
        size_t b = model_min(&m);
        CU_ASSERT_EQUAL(e.id, m.v[b].id);
        CU_ASSERT_EQUAL(e.due, m.v[b].due);
        m.v[b] = m.v[--m.n];
        prioq_delmin(&q);
    }
    prioq_free(&q);
    CU_ASSERT_EQUAL(track_live(&t), 0);
    CU_ASSERT_EQUAL(t.wrong_size, 0);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_host_allocator);
    QC_ADD_TEST(suite, test_run_and_heap_against_model);
    QC_ADD_TEST(suite, test_all_due_with_run);
    QC_ADD_TEST(suite, test_order_and_ties);
    QC_ADD_TEST(suite, test_all_due_orders_by_id);
    QC_ADD_TEST(suite, test_many_sorted);
    QC_ADD_TEST(suite, test_no_memory_put_back);
}

QC_CUNIT_MAIN("prioq")
