/*
 * track_alloc.h - a struct qc_alloc for tests: every block it hands out
 * is remembered with its size, so a test can check that the core passes
 * the right sizes back, gives everything back, and survives a refusal.
 *
 * Refusals, two ways: refuse_after (every request once that many
 * succeeded), or fail_at/fail_count (requests number fail_at ..
 * fail_at + fail_count - 1, counting from 1 every request that asks for
 * memory, granted or not): the SQLite-style "fail the Nth allocation".
 */
#ifndef TRACK_ALLOC_H
#define TRACK_ALLOC_H

#include <stdlib.h>

#include "qc.h"

#define TRACK_MAX 256

struct track {
    void *p[TRACK_MAX];
    size_t size[TRACK_MAX];
    unsigned resizes, releases;
    unsigned wrong_size;      /* a size that was not the block's */
    unsigned unknown;         /* a pointer never handed out */
    long refuse_after;        /* resizes allowed before NULLs; -1 never */
    unsigned long calls;      /* requests that asked for memory */
    unsigned long fail_at;    /* first request refused; 0 none */
    unsigned long fail_count; /* how many from fail_at on */
    unsigned long failed;     /* requests refused so far */
};

/* track_find - slot of p, or -1 */
static inline int track_find(const struct track *t, const void *p)
{
    for (int i = 0; i < TRACK_MAX; i++)
        if (t->p[i] == p)
            return i;
    return -1;
}

static inline void *track_resize(void *ctx, void *p, size_t old, size_t new)
{
    struct track *t = ctx;
    int i = p ? track_find(t, p) : track_find(t, NULL);
    if (p && i < 0) {
        t->unknown++;
        return NULL;
    }
    if (p && t->size[i] != old)
        t->wrong_size++;
    if (new > old) {
        t->calls++;
        if (t->fail_at && t->calls >= t->fail_at &&
            t->calls < t->fail_at + t->fail_count) {
            t->failed++;
            return NULL;
        }
    }
    if (t->refuse_after >= 0 && t->resizes >= (unsigned long)t->refuse_after)
        return NULL;
    if (i < 0)
        return NULL;   /* table full: the test is too big */
    void *q = realloc(p, new);
    if (!q)
        return NULL;
    t->resizes++;
    t->p[i] = q;
    t->size[i] = new;
    return q;
}

static inline void track_release(void *ctx, void *p, size_t size)
{
    struct track *t = ctx;
    t->releases++;
    if (!p)
        return;
    int i = track_find(t, p);
    if (i < 0) {
        t->unknown++;
        return;
    }
    if (t->size[i] != size)
        t->wrong_size++;
    free(p);
    t->p[i] = NULL;
    t->size[i] = 0;
}

/* track_live - blocks not given back */
static inline unsigned track_live(const struct track *t)
{
    unsigned n = 0;
    for (int i = 0; i < TRACK_MAX; i++)
        n += t->p[i] != NULL;
    return n;
}

/* track_init - an empty tracker and the qc_alloc over it */
static inline void track_init(struct track *t, struct qc_alloc *a)
{
    *t = (struct track){0};
    t->refuse_after = -1;
    a->ctx = t;
    a->resize = track_resize;
    a->release = track_release;
}

#endif
