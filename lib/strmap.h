/*
 * strmap.h - a case-insensitive map from strings to (string, number).
 *
 * Open addressing with linear probing in a power-of-two table kept at most
 * half full, so a lookup costs one hash of the key plus, on a hash hit, one
 * comparison: the same whatever the number of entries.  Keys compare
 * ASCII-case-insensitively, as qmail's constmap does (no locale).
 *
 * Putting a key that is already present replaces its value: a control file
 * that lists a key twice means its later line.
 *
 * The hash of a key folds its bytes from the LAST to the first.  That lets
 * a caller hash every suffix of a string in one right-to-left pass
 * (strmap_hash_prepend), which is how the classifier tries all the
 * dot-suffixes of a domain in time linear in its length.  A key may also
 * be given in pieces (struct strmap_piece) so that a caller can look up
 * "local@domain" without building it.
 *
 *	strmap_new(hint, alloc)	an empty map sized for about hint entries,
 *				all its memory from alloc (NULL: malloc)
 *	strmap_free(m)
 *	strmap_put(m, key, klen, val, num)	add or replace; val may be NULL
 *	strmap_find(m, key, klen, &val, &num)	1 found, 0 not
 *	strmap_findv(m, h, pieces, n, &val, &num)	key in pieces, hash h
 *	strmap_hash_init() / strmap_hash_prepend(h, s, len)
 *	strmap_count(m)
 */
#ifndef STRMAP_H
#define STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "qc_alloc.h"

struct strmap;

struct strmap_piece {
    const char *s;
    size_t len;
};

struct strmap *strmap_new(size_t hint, const struct qc_alloc *alloc);
void strmap_free(struct strmap *m);

/* strmap_put - key -> (val copied or NULL, num); 0 ok, -1 out of memory */
int strmap_put(struct strmap *m, const char *key, size_t klen,
               const char *val, long num);

/* strmap_find - 1 and *val, *num (either pointer may be NULL) if found */
int strmap_find(const struct strmap *m, const char *key, size_t klen,
                const char **val, long *num);

/* strmap_findv - as strmap_find, the key the concatenation of n pieces
 * whose hash the caller computed with strmap_hash_prepend */
int strmap_findv(const struct strmap *m, uint64_t h,
                 const struct strmap_piece *pc, int n,
                 const char **val, long *num);

/* strmap_hash_init - the hash of the empty key */
uint64_t strmap_hash_init(void);
/* strmap_hash_prepend - hash of s followed by what h covers */
uint64_t strmap_hash_prepend(uint64_t h, const char *s, size_t len);

size_t strmap_count(const struct strmap *m);

#endif
