/*
 * qc_alloc.c - blocks from the host's allocator or malloc; see
 * qc_alloc.h.
 *
 *	qc_resize(a, p, old, new)
 *	qc_release(a, p, size)
 *	qc_strndup(a, s, n), qc_strfree(a, s)
 */
#include <stdlib.h>
#include <string.h>

#include "qc_alloc.h"

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

/* qc_strndup - a copy of s, at most n bytes and never past a NUL */
char *qc_strndup(const struct qc_alloc *a, const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    size_t len = nul ? (size_t)(nul - s) : n;
    char *d = qc_resize(a, NULL, 0, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

/* qc_strfree - give back a qc_strndup copy */
void qc_strfree(const struct qc_alloc *a, char *s)
{
    if (s)
        qc_release(a, s, strlen(s) + 1);
}
