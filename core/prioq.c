/*
 * prioq.c - binary min-heap of (due, id); see prioq.h.
 */
#include <stdlib.h>

#include "prioq.h"

/* before - does a come out ahead of b */
static int before(const struct prioq_elt *a, const struct prioq_elt *b)
{
    return a->due < b->due || (a->due == b->due && a->id < b->id);
}

/* prioq_init - an empty queue */
void prioq_init(struct prioq *q)
{
    q->p = NULL;
    q->len = 0;
    q->cap = 0;
}

/* prioq_free - release the storage */
void prioq_free(struct prioq *q)
{
    free(q->p);
    prioq_init(q);
}

/* sift_up - restore the heap above position i */
static void sift_up(struct prioq *q, size_t i)
{
    struct prioq_elt e = q->p[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &q->p[parent]))
            break;
        q->p[i] = q->p[parent];
        i = parent;
    }
    q->p[i] = e;
}

/* sift_down - restore the heap below position i */
static void sift_down(struct prioq *q, size_t i)
{
    struct prioq_elt e = q->p[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->len)
            break;
        if (child + 1 < q->len && before(&q->p[child + 1], &q->p[child]))
            child++;
        if (!before(&q->p[child], &e))
            break;
        q->p[i] = q->p[child];
        i = child;
    }
    q->p[i] = e;
}

/* prioq_insert - add (due, id) */
int prioq_insert(struct prioq *q, qc_time due, uint64_t id)
{
    if (q->len == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 16;
        struct prioq_elt *p = realloc(q->p, cap * sizeof *p);
        if (!p)
            return -1;
        q->p = p;
        q->cap = cap;
    }
    q->p[q->len].due = due;
    q->p[q->len].id = id;
    sift_up(q, q->len++);
    return 0;
}

/* prioq_min - peek at the first element */
int prioq_min(const struct prioq *q, struct prioq_elt *e)
{
    if (q->len == 0)
        return 0;
    *e = q->p[0];
    return 1;
}

/* prioq_delmin - drop the first element */
void prioq_delmin(struct prioq *q)
{
    if (q->len == 0)
        return;
    q->p[0] = q->p[--q->len];
    if (q->len > 0)
        sift_down(q, 0);
}

/* prioq_all_due - make every element due at t, keeping id order */
void prioq_all_due(struct prioq *q, qc_time t)
{
    for (size_t i = 0; i < q->len; i++)
        q->p[i].due = t;
    /* equal keys: the heap must now be ordered by id alone */
    for (size_t i = q->len / 2; i-- > 0;)
        sift_down(q, i);
}
