/*
 * sim_heap.c - binary heap of events; see sim_heap.h.
 */
#include <stdlib.h>

#include "sim_heap.h"

/* before - x comes out before y */
static int before(const struct sim_ev *x, const struct sim_ev *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

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
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
    return 0;
}

/* sim_heap_pop - remove the earliest, sift down */
int sim_heap_pop(struct sim_heap *h, struct sim_ev *ev)
{
    if (h->n == 0)
        return 0;
    *ev = h->v[0];
    struct sim_ev last = h->v[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&h->v[c + 1], &h->v[c]))
            c++;
        if (!before(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (n)
        h->v[i] = last;
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
