/*
 * msgtab.h - the scheduler's table of messages it knows, by id.
 *
 * For each message: which channels still hold a list (bit c for channel
 * c; at most 64 channels), so the scheduler knows when a message is
 * finished without asking the queue.
 *
 * Two layouts behind one interface, with the same answers:
 *	direct	the mask of id at index id, in as few bytes as the channel
 *		count needs (one for up to 8 channels), and bit id of present
 *		says it is there.  A table starts so, and stays so while the
 *		ids are small next to the number of messages (the simulator
 *		numbers its messages 1, 2, 3...): a lookup is one array
 *		access, and neighbouring ids share cache lines.
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
    void *chans;              /* direct: the masks by id, width bytes each */
    uint64_t *present;        /* direct: a bit per id */
    size_t mask;        /* buckets - 1, or the highest id the direct
                           arrays reach; a power of two minus one */
    size_t len;
    const struct qc_alloc *alloc;  /* where the arrays live; NULL: malloc */
    int direct;         /* the direct layout; 0 after the conversion */
    unsigned width;     /* bytes of a direct mask: 1, 2, 4 or 8 */
};

/* msgtab_width - the bytes of a direct mask for nchan channels */
static inline unsigned msgtab_width(int nchan)
{
    return nchan <= 8 ? 1 : nchan <= 16 ? 2 : nchan <= 32 ? 4 : 8;
}

/* msgtab_init - an empty table for masks of nchan channels (1..64) whose
 * storage comes from alloc (NULL: malloc); alloc must outlive the table */
int msgtab_init(struct msgtab *t, int nchan, const struct qc_alloc *alloc);
void msgtab_free(struct msgtab *t);
void msgtab_del(struct msgtab *t, uint64_t id);
/* the rest of msgtab_find, msgtab_set and msgtab_get below: the hashed
 * layout, and growing or leaving the direct one */
int msgtab_find_hashed(const struct msgtab *t, uint64_t id, uint64_t *chans);
void msgtab_set_hashed(struct msgtab *t, uint64_t id, uint64_t chans);
int msgtab_get_slow(struct msgtab *t, uint64_t id, uint64_t *chans);

/* msgtab_direct_reach - may the direct layout cover id with len
 * messages: ids up to MSGTAB_DIRECT_SLACK + MSGTAB_DIRECT_SPREAD times
 * the messages held, so its array is at most twice that and never takes
 * much more memory than the hashed layout (two to four buckets a
 * message) would */
#define MSGTAB_DIRECT_SLACK 1024
#define MSGTAB_DIRECT_SPREAD 4
static inline int msgtab_direct_reach(size_t len, uint64_t id)
{
    return id <= MSGTAB_DIRECT_SLACK + MSGTAB_DIRECT_SPREAD * (uint64_t)len;
}

/* The direct layout's lookups are inline: the scheduler makes several
 * for each message, and a call with a switch on the width cost more than
 * the lookup. */

/* msgtab_direct_get, msgtab_direct_put - the direct mask at index i */
static inline uint64_t msgtab_direct_get(const struct msgtab *t, size_t i)
{
    if (t->width == 1)
        return ((const uint8_t *)t->chans)[i];
    if (t->width == 2)
        return ((const uint16_t *)t->chans)[i];
    if (t->width == 4)
        return ((const uint32_t *)t->chans)[i];
    return ((const uint64_t *)t->chans)[i];
}

static inline void msgtab_direct_put(struct msgtab *t, size_t i, uint64_t v)
{
    if (t->width == 1)
        ((uint8_t *)t->chans)[i] = (uint8_t)v;
    else if (t->width == 2)
        ((uint16_t *)t->chans)[i] = (uint16_t)v;
    else if (t->width == 4)
        ((uint32_t *)t->chans)[i] = (uint32_t)v;
    else
        ((uint64_t *)t->chans)[i] = v;
}

/* msgtab_find - is id there; its channel mask into *chans (if not NULL) */
static inline int msgtab_find(const struct msgtab *t, uint64_t id,
                              uint64_t *chans)
{
    if (!t->direct)
        return msgtab_find_hashed(t, id, chans);
    if (id > t->mask || !((t->present[id / 64] >> (id % 64)) & 1))
        return 0;
    if (chans)
        *chans = msgtab_direct_get(t, id);
    return 1;
}

/* msgtab_get - id's channel mask into *chans, id made with mask 0 if it
 * was not there; 0, or -1 if out of memory (the table unchanged) */
static inline int msgtab_get(struct msgtab *t, uint64_t id, uint64_t *chans)
{
    if (t->direct && id != 0 && id <= t->mask &&
        msgtab_direct_reach(t->len + 1, id)) {
        uint64_t *w = &t->present[id / 64], bit = (uint64_t)1 << (id % 64);
        if (*w & bit) {
            *chans = msgtab_direct_get(t, id);
        } else {
            *w |= bit;
            msgtab_direct_put(t, id, 0);
            t->len++;
            *chans = 0;
        }
        return 0;
    }
    return msgtab_get_slow(t, id, chans);
}

/* msgtab_set - the channel mask of id, which is there (never allocates);
 * only bits below nchan */
static inline void msgtab_set(struct msgtab *t, uint64_t id, uint64_t chans)
{
    if (!t->direct)
        msgtab_set_hashed(t, id, chans);
    else if (id <= t->mask)
        msgtab_direct_put(t, id, chans);
}

#endif
