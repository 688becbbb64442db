/*
 * msgtab.c - message table by id; see msgtab.h.
 */
#include <stdlib.h>

#include "msgtab.h"

/* slot_of - home bucket of id (a 64-bit mix, so sequential inode
 * numbers spread over the table) */
static size_t slot_of(const struct msgtab *t, uint64_t id)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)id & t->mask;
}

/* msgtab_init - an empty table */
int msgtab_init(struct msgtab *t)
{
    t->mask = 63;
    t->len = 0;
    t->b = calloc(t->mask + 1, sizeof *t->b);
    return t->b ? 0 : -1;
}

/* msgtab_free - release the storage */
void msgtab_free(struct msgtab *t)
{
    free(t->b);
    t->b = NULL;
    t->len = 0;
}

/* msgtab_find - look id up */
struct msgtab_entry *msgtab_find(const struct msgtab *t, uint64_t id)
{
    for (size_t i = slot_of(t, id);; i = (i + 1) & t->mask) {
        if (t->b[i].id == id)
            return &t->b[i];
        if (t->b[i].id == 0)
            return NULL;
    }
}

/* grow - double the buckets */
static int grow(struct msgtab *t)
{
    struct msgtab old = *t;
    t->mask = 2 * old.mask + 1;
    t->b = calloc(t->mask + 1, sizeof *t->b);
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
    free(old.b);
    return 0;
}

/* msgtab_get - find or create */
struct msgtab_entry *msgtab_get(struct msgtab *t, uint64_t id)
{
    struct msgtab_entry *e = msgtab_find(t, id);
    if (e)
        return e;
    /* keep the load under 1/2 so probes stay short */
    if (2 * (t->len + 1) > t->mask + 1 && grow(t) == -1)
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
