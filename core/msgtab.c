/*
 * msgtab.c - message table by id; see msgtab.h.
 *
 *	msgtab_init(t, alloc) / msgtab_free(t)
 *	msgtab_find(t, id), msgtab_get(t, id), msgtab_del(t, id)
 *
 * The direct layout may cover ids up to DIRECT_SLACK + DIRECT_SPREAD
 * times the messages in the table; its array is at most twice that, so
 * it never takes much more memory than the hashed layout (two to four
 * buckets a message) would.
 */
#include <stdlib.h>
#include <string.h>

#include "msgtab.h"

#define DIRECT_SLACK 1024
#define DIRECT_SPREAD 4

/* slot_of - home bucket of id (a 64-bit mix, so sequential inode
 * numbers spread over the table) */
static size_t slot_of(const struct msgtab *t, uint64_t id)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)id & t->mask;
}

/* zeroed - n empty buckets, NULL if no memory */
static struct msgtab_entry *zeroed(const struct qc_alloc *a, size_t n)
{
    struct msgtab_entry *b = qc_resize(a, NULL, 0, n * sizeof *b);
    if (b)
        memset(b, 0, n * sizeof *b);
    return b;
}

/* msgtab_init - an empty table */
int msgtab_init(struct msgtab *t, const struct qc_alloc *alloc)
{
    t->alloc = alloc;
    t->mask = 63;
    t->len = 0;
    t->direct = 1;
    t->b = zeroed(alloc, t->mask + 1);
    return t->b ? 0 : -1;
}

/* msgtab_free - release the storage */
void msgtab_free(struct msgtab *t)
{
    qc_release(t->alloc, t->b, t->b ? (t->mask + 1) * sizeof *t->b : 0);
    t->b = NULL;
    t->len = 0;
}

/* msgtab_find - look id up */
struct msgtab_entry *msgtab_find(const struct msgtab *t, uint64_t id)
{
    if (t->direct)
        return id <= t->mask && id != 0 && t->b[id].id == id ? &t->b[id]
                                                             : NULL;
    for (size_t i = slot_of(t, id);; i = (i + 1) & t->mask) {
        if (t->b[i].id == id)
            return &t->b[i];
        if (t->b[i].id == 0)
            return NULL;
    }
}

/* rehash - the hashed layout with mask + 1 buckets, from the entries of
 * old (either layout) */
static int rehash(struct msgtab *t, size_t mask)
{
    struct msgtab old = *t;
    t->mask = mask;
    t->direct = 0;
    t->b = zeroed(t->alloc, t->mask + 1);
    if (!t->b) {
        *t = old;
        return -1;
    }
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.b[i].id == 0)
            continue;
        size_t j = slot_of(t, old.b[i].id);
        while (t->b[j].id != 0)
            j = (j + 1) & t->mask;
        t->b[j] = old.b[i];
    }
    qc_release(t->alloc, old.b, (old.mask + 1) * sizeof *old.b);
    return 0;
}

/* direct_reach - may the direct layout cover id with len messages */
static int direct_reach(size_t len, uint64_t id)
{
    return id <= DIRECT_SLACK + DIRECT_SPREAD * (uint64_t)len;
}

/* direct_grow - make the direct array reach id (it is within reach) */
static int direct_grow(struct msgtab *t, uint64_t id)
{
    size_t n = t->mask + 1;
    while (n <= id)
        n *= 2;
    struct msgtab_entry *b = qc_resize(t->alloc, t->b,
                                       (t->mask + 1) * sizeof *b,
                                       n * sizeof *b);
    if (!b)
        return -1;
    memset(b + t->mask + 1, 0, (n - t->mask - 1) * sizeof *b);
    t->b = b;
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

/* msgtab_get - find or create */
struct msgtab_entry *msgtab_get(struct msgtab *t, uint64_t id)
{
    struct msgtab_entry *e = msgtab_find(t, id);
    if (e)
        return e;
    if (t->direct) {
        if (id != 0 && direct_reach(t->len + 1, id)) {
            if (id > t->mask && direct_grow(t, id) == -1)
                return NULL;
            t->b[id].id = id;
            t->b[id].chans = 0;
            t->len++;
            return &t->b[id];
        }
        if (rehash(t, hashed_size(t->len + 1)) == -1)
            return NULL;
    }
    /* keep the load under 1/2 so probes stay short */
    if (2 * (t->len + 1) > t->mask + 1 && rehash(t, 2 * t->mask + 1) == -1)
        return NULL;
    size_t i = slot_of(t, id);
    while (t->b[i].id != 0)
        i = (i + 1) & t->mask;
    t->b[i].id = id;
    t->b[i].chans = 0;
    t->len++;
    return &t->b[i];
}

/* msgtab_del - remove id, shifting later members of its run back */
void msgtab_del(struct msgtab *t, uint64_t id)
{
    if (t->direct) {
        struct msgtab_entry *e = msgtab_find(t, id);
        if (e) {
            e->id = 0;
            e->chans = 0;
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
