/*
 * msgtab.h - the scheduler's table of messages it knows, by id.
 *
 * For each message: which channels still hold a list (bit c for channel
 * c; at most 64 channels), so the scheduler knows when a message is
 * finished without asking the queue.
 *
 * Two layouts behind one interface, with the same answers:
 *	direct	chans[id] is id's channel mask and bit id of present says
 *		it is there: 8 bytes and a bit per id.  A table starts so,
 *		and stays so while the ids are small next to the number of
 *		messages (the simulator numbers its messages 1, 2, 3...): a
 *		lookup is one array access, and neighbouring ids share
 *		cache lines.
 *	hashed	open addressing with linear probing and backward-shift
 *		deletion: O(1) expected, no tombstones.  The first id too
 *		large for the direct layout (an inode number of a real queue,
 *		or a long simulation whose old ids are gone) converts the
 *		table once, for good.
 */
#ifndef MSGTAB_H
#define MSGTAB_H

#include "qc.h"

struct msgtab_entry {
    uint64_t id;        /* 0 marks an empty bucket; ids are never 0 */
    uint64_t chans;     /* channels with a list */
};

struct msgtab {
    struct msgtab_entry *b;   /* hashed: the buckets */
    uint64_t *chans;          /* direct: the masks, by id */
    uint64_t *present;        /* direct: a bit per id */
    size_t mask;        /* buckets - 1, or the highest id the direct
                           arrays reach; a power of two minus one */
    size_t len;
    const struct qc_alloc *alloc;  /* where the arrays live; NULL: malloc */
    int direct;         /* the direct layout; 0 after the conversion */
};

/* msgtab_init - an empty table whose storage comes from alloc (NULL:
 * malloc); alloc must outlive the table */
int msgtab_init(struct msgtab *t, const struct qc_alloc *alloc);
void msgtab_free(struct msgtab *t);
/* msgtab_find - the channel mask of id, or NULL when id is absent */
uint64_t *msgtab_find(const struct msgtab *t, uint64_t id);
/* msgtab_get - the channel mask of id, created 0; NULL if no memory */
uint64_t *msgtab_get(struct msgtab *t, uint64_t id);
void msgtab_del(struct msgtab *t, uint64_t id);

#endif
