/*
 * prioq.c - (due, id) priority queue: a sorted run and a binary heap;
 * see prioq.h.
 *
 *	prioq_init(q, alloc) / prioq_free(q)
 *	prioq_insert(q, due, id), prioq_min(q, &e), prioq_delmin(q)
 *	prioq_reserve(q, n)		room for n, so inserts cannot fail
 *	prioq_all_due(q, t)		run-queue-now
 *	prioq_foreach(q, fn, ctx)
 *
 * A queue of a million messages that arrived together is a sorted run:
 * taking the first is reading the next element, where a heap would sift
 * a leaf down twenty levels through memory that is not in the cache.
 */
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "prioq.h"

/* before - does a come out ahead of b */
static int before(const struct prioq_elt *a, const struct prioq_elt *b)
{
    return a->due < b->due || (a->due == b->due && a->id < b->id);
}

#define ELT_BEFORE(ctx, a, b) before((a), (b))
HEAP_DEFINE(elt_heap, struct prioq_elt, const void *, ELT_BEFORE)

/* prioq_init - an empty queue */
void prioq_init(struct prioq *q, const struct qc_alloc *alloc)
{
    memset(q, 0, sizeof *q);
    q->alloc = alloc;
}

/* prioq_free - release the storage */
void prioq_free(struct prioq *q)
{
    qc_release(q->alloc, q->p, q->cap * sizeof *q->p);
    qc_release(q->alloc, q->f, q->fcap * sizeof *q->f);
    prioq_init(q, q->alloc);
}

/* heap_reserve - room for n heap elements */
static int heap_reserve(struct prioq *q, size_t n)
{
    if (n <= q->cap)
        return 0;
    size_t cap = q->cap ? 2 * q->cap : 16;
    while (cap < n)
        cap *= 2;
    struct prioq_elt *p = qc_resize(q->alloc, q->p, q->cap * sizeof *p,
                                    cap * sizeof *p);
    if (!p)
        return -1;
    q->p = p;
    q->cap = cap;
    return 0;
}

/* run_slide - move the run to the front of its array */
static void run_slide(struct prioq *q)
{
    size_t n = q->ftail - q->fhead;
    memmove(q->f, q->f + q->fhead, n * sizeof *q->f);
    q->fhead = 0;
    q->ftail = n;
}

/* run_append - e goes after the run's last element */
static int run_append(struct prioq *q, const struct prioq_elt *e)
{
    if (q->ftail == q->fcap) {
        size_t n = q->ftail - q->fhead;
        if (q->fhead > 0 && q->fhead >= n) {
            /* at least half of the array is taken: slide back instead */
            run_slide(q);
        } else {
            size_t cap = q->fcap ? 2 * q->fcap : 16;
            struct prioq_elt *f = qc_resize(q->alloc, q->f,
                                            q->fcap * sizeof *f,
                                            cap * sizeof *f);
            if (!f)
                return -1;
            if (q->fhead)   /* a whole run need not be copied onto itself */
                memmove(f, f + q->fhead, n * sizeof *f);
            q->f = f;
            q->fcap = cap;
            q->fhead = 0;
            q->ftail = n;
        }
    }
    q->f[q->ftail++] = *e;
    return 0;
}

/* run_place - e into the run at its sorted place, without allocating
 * (the run's array has room); O(n), used only when memory ran out */
static void run_place(struct prioq *q, const struct prioq_elt *e)
{
    if (q->ftail == q->fcap)
        run_slide(q);
    size_t i = q->ftail;
    while (i > q->fhead && before(e, &q->f[i - 1])) {
        q->f[i] = q->f[i - 1];
        i--;
    }
    q->f[i] = *e;
    q->ftail++;
}

/* place_without_growing - e where there is room already: any element
 * may go to the heap, and the run takes one at its sorted place; -1 when
 * both arrays are full */
static int place_without_growing(struct prioq *q, const struct prioq_elt *e)
{
    if (q->hlen < q->cap)
        elt_heap_push(NULL, q->p, &q->hlen, *e);
    else if (q->ftail - q->fhead < q->fcap)
        run_place(q, e);
    else
        return -1;
    return 0;
}

/* prioq_insert - add (due, id) */
int prioq_insert(struct prioq *q, qc_time due, uint64_t id)
{
    struct prioq_elt e = {due, id};
    int r;
    if (q->fhead == q->ftail || !before(&e, &q->f[q->ftail - 1])) {
        r = run_append(q, &e);
    } else {
        r = heap_reserve(q, q->hlen + 1);
        if (r == 0)
            elt_heap_push(NULL, q->p, &q->hlen, e);
    }
    /* growing failed: the order is that of one heap wherever e sits */
    if (r == -1 && place_without_growing(q, &e) == -1)
        return -1;
    q->len++;
    return 0;
}

/* prioq_reserve - room for n elements in all: the heap grows to make up
 * what the run's array lacks */
int prioq_reserve(struct prioq *q, size_t n)
{
    if (n <= q->cap + q->fcap)
        return 0;
    size_t want = n - q->fcap;
    size_t cap = q->cap ? 2 * q->cap : 16;
    if (cap < want)
        cap = want;
    struct prioq_elt *p = qc_resize(q->alloc, q->p, q->cap * sizeof *p,
                                    cap * sizeof *p);
    if (!p)
        return -1;
    q->p = p;
    q->cap = cap;
    return 0;
}

/* from_run - is the first element the run's */
static int from_run(const struct prioq *q)
{
    if (q->fhead == q->ftail)
        return 0;
    return q->hlen == 0 || before(&q->f[q->fhead], &q->p[0]);
}

/* prioq_delmin - drop the first element */
void prioq_delmin(struct prioq *q)
{
    if (q->len == 0)
        return;
    q->len--;
    if (from_run(q)) {
        if (++q->fhead == q->ftail)
            q->fhead = q->ftail = 0;
        return;
    }
    (void)elt_heap_pop(NULL, q->p, &q->hlen);
}

/* by_id - qsort order of elements that are all due at once */
static int by_id(const void *a, const void *b)
{
    uint64_t x = ((const struct prioq_elt *)a)->id;
    uint64_t y = ((const struct prioq_elt *)b)->id;
    return (x > y) - (x < y);
}

/* prioq_all_due - make every element due at t, keeping id order */
void prioq_all_due(struct prioq *q, qc_time t)
{
    for (size_t i = 0; i < q->hlen; i++)
        q->p[i].due = t;
    /* equal keys: the heap must now be ordered by id alone */
    elt_heap_heapify(NULL, q->p, q->hlen);
    /* and the run too: it was sorted by (due, id) */
    for (size_t i = q->fhead; i < q->ftail; i++)
        q->f[i].due = t;
    if (q->ftail - q->fhead > 1)
        qsort(q->f + q->fhead, q->ftail - q->fhead, sizeof *q->f, by_id);
}

/* prioq_foreach - every element */
void prioq_foreach(const struct prioq *q,
                   void (*fn)(void *ctx, const struct prioq_elt *e),
                   void *ctx)
{
    for (size_t i = 0; i < q->hlen; i++)
        fn(ctx, &q->p[i]);
    for (size_t i = q->fhead; i < q->ftail; i++)
        fn(ctx, &q->f[i]);
}
