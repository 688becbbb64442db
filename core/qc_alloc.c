/*
 * qc_alloc.c - the core's big blocks, from the host's allocator or malloc.
 *
 *	qc_resize(a, p, old, new)
 *	qc_release(a, p, size)
 */
#include <stdlib.h>

#include "qc.h"

/* qc_resize - p grown or shrunk to new bytes */
void *qc_resize(const struct qc_alloc *a, void *p, size_t old, size_t new)
{
    if (a && a->resize)
        return a->resize(a->ctx, p, old, new);
    return realloc(p, new);
}

/* qc_release - give p back */
void qc_release(const struct qc_alloc *a, void *p, size_t size)
{
    if (a && a->release)
        a->release(a->ctx, p, size);
    else
        free(p);
}
