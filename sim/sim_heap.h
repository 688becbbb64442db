/*
 * sim_heap.h - the simulator's event queue: a binary heap ordered by
 * (time, sequence number).
 *
 * The sequence number is given out at push time, so events at the same
 * time come out in the order they were pushed: the run does not depend
 * on the heap's internal layout, which is what makes it deterministic.
 *
 *	sim_heap_init(h)		empty
 *	sim_heap_push(h, t, type, a, b)	0, or -1 out of memory
 *	sim_heap_pop(h, &ev)		1 and the earliest event, 0 if empty
 *	sim_heap_peek(h)		the earliest event or NULL
 *	sim_heap_free(h)
 */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "qc.h"

struct sim_ev {
    qc_time t;
    uint64_t seq;
    uint32_t type;
    uint32_t a;
    uint64_t b;
};

struct sim_heap {
    struct sim_ev *v;
    size_t n, cap;
    uint64_t seq;
};

void sim_heap_init(struct sim_heap *h);
int sim_heap_push(struct sim_heap *h, qc_time t, uint32_t type, uint32_t a,
                  uint64_t b);
int sim_heap_pop(struct sim_heap *h, struct sim_ev *ev);
const struct sim_ev *sim_heap_peek(const struct sim_heap *h);
void sim_heap_free(struct sim_heap *h);

#endif
