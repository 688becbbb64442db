/*
 * sim_heap.c - binary heap of events; see sim_heap.h.
 */
#include <stdlib.h>

#include "heap.h"
#include "sim_heap.h"

/* before - x comes out before y */
static int before(const struct sim_ev *x, const struct sim_ev *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

#define EV_BEFORE(ctx, a, b) before((a), (b))
HEAP_DEFINE(ev_heap, struct sim_ev, const void *, EV_BEFORE)

/* sim_heap_init - an empty heap */
void sim_heap_init(struct sim_heap *h)
{
    h->v = NULL;
    h->n = h->cap = 0;
    h->seq = 0;
}

/* sim_heap_push - add an event, sift up */
int sim_heap_push(struct sim_heap *h, qc_time t, uint32_t type, uint32_t a,
                  uint64_t b)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 256;
        struct sim_ev *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    struct sim_ev e = {t, h->seq++, type, a, b};
    ev_heap_push(NULL, h->v, &h->n, e);
    return 0;
}

/* sim_heap_pop - remove the earliest, sift down */
int sim_heap_pop(struct sim_heap *h, struct sim_ev *ev)
{
    if (h->n == 0)
        return 0;
    *ev = ev_heap_pop(NULL, h->v, &h->n);
    return 1;
}

/* sim_heap_peek - the earliest event */
const struct sim_ev *sim_heap_peek(const struct sim_heap *h)
{
    return h->n ? &h->v[0] : NULL;
}

/* sim_heap_free - release the array */
void sim_heap_free(struct sim_heap *h)
{
    free(h->v);
    sim_heap_init(h);
}
