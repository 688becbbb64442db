/*
 * prioq.h - a binary min-heap of (due time, message id).
 *
 * Ties on the due time go to the smaller id, so a run is the same on
 * every machine.  Insert and delete-min are O(log n); prioq_all_due()
 * (run-queue-now) is O(n).
 */
#ifndef PRIOQ_H
#define PRIOQ_H

#include "qc.h"

struct prioq_elt {
    qc_time due;
    uint64_t id;
};

struct prioq {
    struct prioq_elt *p;
    size_t len;
    size_t cap;
};

void prioq_init(struct prioq *q);
void prioq_free(struct prioq *q);
/* prioq_insert - 0, or -1 when out of memory */
int prioq_insert(struct prioq *q, qc_time due, uint64_t id);
/* prioq_min - the first element into *e; 0 when the queue is empty */
int prioq_min(const struct prioq *q, struct prioq_elt *e);
void prioq_delmin(struct prioq *q);
/* prioq_all_due - every element becomes due at t */
void prioq_all_due(struct prioq *q, qc_time t);

#endif
