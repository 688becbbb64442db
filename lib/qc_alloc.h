/*
 * qc_alloc.h - the one allocator seam: where memory comes from.
 *
 *	qc_resize(a, p, old, new)	grow, shrink, make or (new 0) keep
 *	qc_release(a, p, size)		give back
 *	qc_strndup(a, s, n)		a string copy through a
 *	qc_strfree(a, s)		give back what qc_strndup made
 *
 * Every block made through the seam is given back with its size: a host
 * allocator may keep blocks in pools (the simulator's huge pages) and a
 * test allocator checks sizes and refuses chosen requests (the failure
 * loops).  NULL means malloc's.  It lives in lib/, the layer under
 * core, so that lib's maps the core builds (strmap) take the same
 * allocator as the core.
 */
#ifndef QC_ALLOC_H
#define QC_ALLOC_H

#include <stddef.h>

/*
 * Where the core keeps its memory (the message table, the queues, the
 * controls and the classifier's tables).  NULL means malloc.  The core
 * makes no system calls, so a host that holds millions of messages (the
 * simulator) passes blocks of its own, on huge pages, through this, and
 * the daemons' test build one that refuses requests on purpose.
 */
struct qc_alloc {
    void *ctx;
    /* resize - a block of new bytes holding the first min(old, new) of p
     * (p NULL when old is 0); NULL on failure, p then untouched */
    void *(*resize)(void *ctx, void *p, size_t old, size_t new);
    /* release - p, of size bytes (p may be NULL) */
    void (*release)(void *ctx, void *p, size_t size);
};

/* qc_resize, qc_release - through a, or malloc's when a is NULL */
void *qc_resize(const struct qc_alloc *a, void *p, size_t old, size_t new);
void qc_release(const struct qc_alloc *a, void *p, size_t size);

/* qc_strndup - s up to its first NUL or n bytes, NUL-terminated, in a
 * block of exactly strlen(copy) + 1 bytes; NULL if refused */
char *qc_strndup(const struct qc_alloc *a, const char *s, size_t n);
/* qc_strfree - release a qc_strndup copy (its size is its length + 1;
 * s may be NULL) */
void qc_strfree(const struct qc_alloc *a, char *s);

#endif
