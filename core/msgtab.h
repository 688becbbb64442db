/*
 * msgtab.h - the scheduler's table of messages it knows, by id.
 *
 * For each message: which channels still hold a list (bit c for channel
 * c; at most 64 channels), so the scheduler knows when a message is
 * finished without asking the queue.  Open addressing with linear
 * probing and backward-shift deletion: O(1) expected, no tombstones.
 */
#ifndef MSGTAB_H
#define MSGTAB_H

#include "qc.h"

struct msgtab_entry {
    uint64_t id;        /* 0 marks an empty bucket; ids are never 0 */
    uint64_t chans;     /* channels with a list */
};

struct msgtab {
    struct msgtab_entry *b;
    size_t mask;        /* buckets - 1; buckets is a power of two */
    size_t len;
};

int msgtab_init(struct msgtab *t);
void msgtab_free(struct msgtab *t);
/* msgtab_find - the entry of id, or NULL */
struct msgtab_entry *msgtab_find(const struct msgtab *t, uint64_t id);
/* msgtab_get - the entry of id, created with chans 0; NULL if no memory */
struct msgtab_entry *msgtab_get(struct msgtab *t, uint64_t id);
void msgtab_del(struct msgtab *t, uint64_t id);

#endif
