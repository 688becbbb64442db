/*
 * qd_alloc.c - a daemon's memory: malloc's, or in the test build one
 * that refuses the requests QCHAN_ALLOC_FAIL (QCHAN_TODO_ALLOC_FAIL)
 * names; see qd_alloc.h.
 *
 * Compiled twice, as qd_clock.c: into the daemons' library without the
 * knob, and with -DQCHAN_TEST_KNOBS into build/testbin's qmail-send and
 * qmail-todo.
 */
#include <stdio.h>
#include <stdlib.h>

#include "qd_alloc.h"

#ifdef QCHAN_TEST_KNOBS
static unsigned long calls, fail_at, fail_count;

/* refusing_resize - realloc, but for the requests to be refused */
static void *refusing_resize(void *ctx, void *p, size_t old, size_t new)
{
    (void)ctx;
    (void)old;
    if (new > old && ++calls >= fail_at && calls < fail_at + fail_count)
        return NULL;
    return realloc(p, new);
}

/* plain_release - free */
static void plain_release(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

static const struct qc_alloc refusing = {NULL, refusing_resize,
                                         plain_release};
#endif

/* qd_alloc_init - the test build: the knob from the environment */
int qd_alloc_init(const char *var, char *err, size_t cap)
{
#ifdef QCHAN_TEST_KNOBS
    const char *v = getenv(var);
    if (!v || !*v)
        return 0;
    char *end;
    unsigned long n = strtoul(v, &end, 10), count = 1;
    if (*end == ':')
        count = strtoul(end + 1, &end, 10);
    if (*end || n == 0 || count == 0) {
        snprintf(err, cap, "%s=%s: expected N or N:COUNT, both at least 1",
                 var, v);
        return -1;
    }
    fail_at = n;
    fail_count = count;
#else
    (void)var;
    (void)err;
    (void)cap;
#endif
    return 0;
}

/* qd_alloc - the daemon's allocator */
const struct qc_alloc *qd_alloc(void)
{
#ifdef QCHAN_TEST_KNOBS
    if (fail_at)
        return &refusing;
#endif
    return NULL;
}
