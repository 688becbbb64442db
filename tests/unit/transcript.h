/*
 * transcript.h - a growing byte string the codec tests write decoded
 * records into, so that feeding the same input whole, byte by byte and
 * split at every position can be compared in one memcmp.
 */
#ifndef TRANSCRIPT_H
#define TRANSCRIPT_H

#include <stdlib.h>
#include <string.h>

struct tr {
    char *s;
    size_t len, cap;
};

/* tr_add - append n bytes, keeping a NUL after them */
static inline void tr_add(struct tr *t, const void *p, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        if (!t->s)
            abort();
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
}

#endif
