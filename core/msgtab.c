/*
 * msgtab.c - message table by id; see msgtab.h.
 *
 *	msgtab_init(t, nchan, alloc) / msgtab_free(t)
 *	msgtab_del(t, id)
 *	msgtab_find_hashed, msgtab_set_hashed, msgtab_get_slow
 *					what msgtab.h's inline msgtab_find,
 *					msgtab_set and msgtab_get leave: the
 *					hashed layout, growing the direct one
 *					(msgtab_direct_reach says how far) or
 *					leaving it
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "msgtab.h"


/* slot_of - home bucket of id (a 64-bit mix, so sequential inode
 * numbers spread over the table) */
static size_t slot_of(const struct msgtab *t, uint64_t id)
{
    return (size_t)hash_mix64(id) & t->mask;
}

/* zeroed - n zero bytes from a, NULL if no memory */
static void *zeroed(const struct qc_alloc *a, size_t n)
{
    void *b = qc_resize(a, NULL, 0, n);
    if (b)
        memset(b, 0, n);
    return b;
}

/* present_words - words of the presence bitmap for ids 0..mask */
static size_t present_words(size_t mask)
{
    return mask / 64 + 1;
}

/* release - give back the arrays of the current layout */
static void release(struct msgtab *t)
{
    if (t->direct) {
        qc_release(t->alloc, t->chans,
                   t->chans ? (t->mask + 1) * t->width : 0);
        qc_release(t->alloc, t->present,
                   t->present ? present_words(t->mask) * sizeof *t->present
                              : 0);
    } else {
        qc_release(t->alloc, t->b, t->b ? (t->mask + 1) * sizeof *t->b : 0);
    }
    t->b = NULL;
    t->chans = t->present = NULL;
}

/* msgtab_init - an empty table */
int msgtab_init(struct msgtab *t, int nchan, const struct qc_alloc *alloc)
{
    t->alloc = alloc;
    t->width = msgtab_width(nchan);
    t->mask = 63;
    t->len = 0;
    t->direct = 1;
    t->b = NULL;
    t->chans = zeroed(alloc, (t->mask + 1) * t->width);
    t->present = zeroed(alloc, present_words(t->mask) * sizeof *t->present);
    if (!t->chans || !t->present) {
        release(t);
        return -1;
    }
    return 0;
}

/* msgtab_free - release the storage */
void msgtab_free(struct msgtab *t)
{
    release(t);
    t->len = 0;
}

/* is_present - id is in the direct arrays */
static int is_present(const struct msgtab *t, uint64_t id)
{
    return (t->present[id / 64] >> (id % 64)) & 1;
}

/* bucket - id's hashed bucket, or NULL */
static struct msgtab_entry *bucket(const struct msgtab *t, uint64_t id)
{
    for (size_t i = slot_of(t, id);; i = (i + 1) & t->mask) {
        if (t->b[i].id == id)
            return &t->b[i];
        if (t->b[i].id == 0)
            return NULL;
    }
}

/* msgtab_find_hashed - look id up in the buckets */
int msgtab_find_hashed(const struct msgtab *t, uint64_t id, uint64_t *chans)
{
    const struct msgtab_entry *e = bucket(t, id);
    if (!e)
        return 0;
    if (chans)
        *chans = e->chans;
    return 1;
}

/* msgtab_set_hashed - a new mask for id, which is in the buckets */
void msgtab_set_hashed(struct msgtab *t, uint64_t id, uint64_t chans)
{
    struct msgtab_entry *e = bucket(t, id);
    if (e)
        e->chans = chans;
}

/* put - id with chans into the hashed buckets (not there yet) */
static void put(struct msgtab *t, uint64_t id, uint64_t chans)
{
    size_t i = slot_of(t, id);
    while (t->b[i].id != 0)
        i = (i + 1) & t->mask;
    t->b[i].id = id;
    t->b[i].chans = chans;
}

/* rehash - the hashed layout with mask + 1 buckets, from the entries of
 * either layout */
static int rehash(struct msgtab *t, size_t mask)
{
    struct msgtab old = *t;
    struct msgtab_entry *b = zeroed(t->alloc, (mask + 1) * sizeof *b);
    if (!b)
        return -1;
    t->b = b;
    t->chans = t->present = NULL;
    t->mask = mask;
    t->direct = 0;
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.direct) {
            if (i != 0 && (old.present[i / 64] >> (i % 64)) & 1)
                put(t, i, msgtab_direct_get(&old, i));
        } else if (old.b[i].id != 0) {
            put(t, old.b[i].id, old.b[i].chans);
        }
    }
    release(&old);
    return 0;
}

/* direct_grow - make the direct arrays reach id (it is within reach);
 * on failure the table is as it was */
static int direct_grow(struct msgtab *t, uint64_t id)
{
    size_t n = t->mask + 1;
    while (n <= id)
        n *= 2;
    size_t old_words = present_words(t->mask), words = present_words(n - 1);
    uint64_t *present = zeroed(t->alloc, words * sizeof *present);
    if (!present)
        return -1;
    void *chans = qc_resize(t->alloc, t->chans, (t->mask + 1) * t->width,
                            n * t->width);
    if (!chans) {
        qc_release(t->alloc, present, words * sizeof *present);
        return -1;
    }
    memcpy(present, t->present, old_words * sizeof *present);
    qc_release(t->alloc, t->present, old_words * sizeof *present);
    t->present = present;
    t->chans = chans;
    t->mask = n - 1;
    return 0;
}

/* hashed_size - buckets - 1 for len entries at a load of 1/4 */
static size_t hashed_size(size_t len)
{
    size_t n = 64;
    while (n < 4 * len)
        n *= 2;
    return n - 1;
}

/* msgtab_get_slow - find or create, wherever the inline part did not */
int msgtab_get_slow(struct msgtab *t, uint64_t id, uint64_t *chans)
{
    if (msgtab_find(t, id, chans))
        return 0;
    *chans = 0;
    if (t->direct) {
        if (id != 0 && msgtab_direct_reach(t->len + 1, id)) {
            if (id > t->mask && direct_grow(t, id) == -1)
                return -1;
            t->present[id / 64] |= (uint64_t)1 << (id % 64);
            msgtab_direct_put(t, id, 0);
            t->len++;
            return 0;
        }
        if (rehash(t, hashed_size(t->len + 1)) == -1)
            return -1;
    }
    /* keep the load under 1/2 so probes stay short */
    if (2 * (t->len + 1) > t->mask + 1 && rehash(t, 2 * t->mask + 1) == -1)
        return -1;
    t->len++;
    put(t, id, 0);
    return 0;
}

/* msgtab_del - remove id, shifting later members of its run back */
void msgtab_del(struct msgtab *t, uint64_t id)
{
    if (t->direct) {
        if (id <= t->mask && is_present(t, id)) {
            t->present[id / 64] &= ~((uint64_t)1 << (id % 64));
            t->len--;
        }
        return;
    }
    size_t i = slot_of(t, id);
    while (t->b[i].id != id) {
        if (t->b[i].id == 0)
            return;
        i = (i + 1) & t->mask;
    }
    t->len--;
    for (size_t j = (i + 1) & t->mask;; j = (j + 1) & t->mask) {
        if (t->b[j].id == 0)
            break;
        size_t home = slot_of(t, t->b[j].id);
        /* move j into the hole at i unless its home lies in (i, j] */
        int stays = (i <= j) ? (i < home && home <= j)
                             : (i < home || home <= j);
        if (stays)
            continue;
        t->b[i] = t->b[j];
        i = j;
    }
    t->b[i].id = 0;
    t->b[i].chans = 0;
}
