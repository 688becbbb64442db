/*
 * prioq.h - a min-priority queue of (due time, message id).
 *
 * Ties on the due time go to the smaller id, so a run is the same on
 * every machine.  Insert and delete-min are O(log n); prioq_all_due()
 * (run-queue-now) is O(n).
 *
 * Most insertions come in order (messages arriving now, with growing
 * ids): those go to the end of a sorted run, a FIFO, in O(1); the others
 * go to a binary heap.  The minimum is the smaller of the run's head and
 * the heap's top, so the order is exactly that of one heap.
 */
#ifndef PRIOQ_H
#define PRIOQ_H

#include "qc.h"

struct prioq_elt {
    qc_time due;
    uint64_t id;
};

struct prioq {
    struct prioq_elt *p;    /* the heap */
    size_t hlen, cap;
    struct prioq_elt *f;    /* the sorted run: f[fhead..ftail) */
    size_t fhead, ftail, fcap;
    size_t len;             /* elements in both */
    const struct qc_alloc *alloc;  /* where p and f live; NULL: malloc */
};

/* prioq_init - an empty queue; its arrays come from alloc (NULL: malloc),
 * which must outlive the queue */
void prioq_init(struct prioq *q, const struct qc_alloc *alloc);
void prioq_free(struct prioq *q);
/* prioq_insert - 0, or -1 when out of memory.  It fails only when the
 * queue is full to its capacity: an insert after a delmin, or up to the
 * room prioq_reserve made, cannot fail */
int prioq_insert(struct prioq *q, qc_time due, uint64_t id);
/* prioq_reserve - capacity for n elements in all; 0, or -1 when out of
 * memory (the queue unchanged) */
int prioq_reserve(struct prioq *q, size_t n);
/* prioq_min - the first element into *e; 0 when the queue is empty
 * (inline: the scheduler peeks at its queues several times an event) */
static inline int prioq_min(const struct prioq *q, struct prioq_elt *e)
{
    if (q->len == 0) {
        e->due = 0;   /* defined, though the caller must not use it */
        e->id = 0;
        return 0;
    }
    /* the run's head when it comes out ahead of the heap's top (as
     * prioq_delmin decides) */
    if (q->fhead == q->ftail) {
        *e = q->p[0];
        return 1;
    }
    const struct prioq_elt *r = &q->f[q->fhead];
    int run = q->hlen == 0 || r->due < q->p[0].due ||
              (r->due == q->p[0].due && r->id < q->p[0].id);
    *e = run ? *r : q->p[0];
    return 1;
}
void prioq_delmin(struct prioq *q);
/* prioq_all_due - every element becomes due at t */
void prioq_all_due(struct prioq *q, qc_time t);
/* prioq_foreach - every element, in no particular order */
void prioq_foreach(const struct prioq *q,
                   void (*fn)(void *ctx, const struct prioq_elt *e),
                   void *ctx);

#endif
