/*
 * strmap.c - case-insensitive string map, open addressing.
 *
 *	strmap_new(hint, alloc), strmap_free(m)
 *	strmap_put(m, key, klen, val, num)
 *	strmap_find(m, key, klen, &val, &num)
 *	strmap_findv(m, h, pieces, n, &val, &num)
 *	strmap_hash_init(), strmap_hash_prepend(h, s, len)
 *	strmap_count(m)
 *
 * The table is never more than half full, so linear probing stays short.
 * Each slot keeps the key's full 64-bit hash: a probe compares bytes only
 * when the hashes agree.  Keys may hold any byte, NUL included.
 */
#include <string.h>

#include "hash.h"
#include "qc_alloc.h"
#include "strmap.h"

struct strmap_slot {
    uint64_t h;
    char *key;      /* NULL: empty slot */
    size_t klen;
    char *val;
    long num;
};

struct strmap {
    struct strmap_slot *slot;
    size_t cap;     /* a power of two */
    size_t count;
    const struct qc_alloc *alloc;   /* every block of the map */
};

/* lower - ASCII lower case, as qmail's case_diffb: locale plays no part */
static unsigned char lower(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + 32) : ch;
}

/* strmap_hash_init - hash of the empty key */
uint64_t strmap_hash_init(void)
{
    return HASH_FNV_OFFSET;
}

/* strmap_hash_prepend - extend h, the hash of some tail, by s in front */
uint64_t strmap_hash_prepend(uint64_t h, const char *s, size_t len)
{
    while (len > 0) {
        h ^= lower((unsigned char)s[--len]);
        h *= HASH_FNV_PRIME;
    }
    return h;
}

/* slots - a table of n empty slots, NULL if refused */
static struct strmap_slot *slots(const struct qc_alloc *a, size_t n)
{
    struct strmap_slot *sl = qc_resize(a, NULL, 0, n * sizeof *sl);
    if (sl)
        memset(sl, 0, n * sizeof *sl);
    return sl;
}

/* strmap_new - empty map with room for hint entries before growing */
struct strmap *strmap_new(size_t hint, const struct qc_alloc *alloc)
{
    struct strmap *m = qc_resize(alloc, NULL, 0, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->alloc = alloc;
    m->cap = 16;
    while (m->cap / 2 <= hint && m->cap < ((size_t)1 << (sizeof(size_t) * 8 - 2)))
        m->cap *= 2;
    m->slot = slots(alloc, m->cap);
    if (!m->slot) {
        qc_release(alloc, m, sizeof *m);
        return NULL;
    }
    return m;
}

/* strmap_free - the map and every copied key and value */
void strmap_free(struct strmap *m)
{
    if (!m)
        return;
    for (size_t i = 0, left = m->count; left > 0 && i < m->cap; i++) {
        if (!m->slot[i].key)
            continue;       /* an empty slot holds no value either */
        qc_release(m->alloc, m->slot[i].key, m->slot[i].klen + 1);
        qc_strfree(m->alloc, m->slot[i].val);
        left--;
    }
    qc_release(m->alloc, m->slot, m->cap * sizeof *m->slot);
    qc_release(m->alloc, m, sizeof *m);
}

/* piece_equal - pieces spell key, ignoring ASCII case */
static int piece_equal(const struct strmap_slot *sl,
                       const struct strmap_piece *pc, int n)
{
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        if (pc[i].len > sl->klen - off)
            return 0;
        for (size_t j = 0; j < pc[i].len; j++)
            if (lower((unsigned char)pc[i].s[j]) !=
                lower((unsigned char)sl->key[off + j]))
                return 0;
        off += pc[i].len;
    }
    return off == sl->klen;
}

/* probe - slot holding the key, or the empty slot where it would go */
static struct strmap_slot *probe(const struct strmap *m, uint64_t h,
                                 const struct strmap_piece *pc, int n)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)hash_mix64(h) & mask;; i = (i + 1) & mask) {
        struct strmap_slot *sl = &m->slot[i];
        if (!sl->key || (sl->h == h && piece_equal(sl, pc, n)))
            return sl;
    }
}

/* grow - double the table; -1 if out of memory (the map is unchanged) */
static int grow(struct strmap *m)
{
    size_t ncap = m->cap * 2;
    struct strmap_slot *ns = slots(m->alloc, ncap);
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i].key)
            continue;
        size_t j = (size_t)hash_mix64(m->slot[i].h) & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slot[i];
    }
    qc_release(m->alloc, m->slot, m->cap * sizeof *m->slot);
    m->slot = ns;
    m->cap = ncap;
    return 0;
}

/* strmap_put - add key or replace its value */
int strmap_put(struct strmap *m, const char *key, size_t klen,
               const char *val, long num)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    struct strmap_piece pc = {key, klen};
    uint64_t h = strmap_hash_prepend(strmap_hash_init(), key, klen);
    struct strmap_slot *sl = probe(m, h, &pc, 1);
    char *nval = NULL;
    if (val && !(nval = qc_strndup(m->alloc, val, strlen(val))))
        return -1;
    if (sl->key) {
        qc_strfree(m->alloc, sl->val);
        sl->val = nval;
        sl->num = num;
        return 0;
    }
    /* +1 so that an empty key still gets a distinct, non-NULL pointer */
    char *nkey = qc_resize(m->alloc, NULL, 0, klen + 1);
    if (!nkey) {
        qc_strfree(m->alloc, nval);
        return -1;
    }
    memcpy(nkey, key, klen);
    nkey[klen] = '\0';
    sl->h = h;
    sl->key = nkey;
    sl->klen = klen;
    sl->val = nval;
    sl->num = num;
    m->count++;
    return 0;
}

/* strmap_findv - look up the key spelled by n pieces, hash h */
int strmap_findv(const struct strmap *m, uint64_t h,
                 const struct strmap_piece *pc, int n,
                 const char **val, long *num)
{
    const struct strmap_slot *sl = probe(m, h, pc, n);
    if (!sl->key)
        return 0;
    if (val)
        *val = sl->val;
    if (num)
        *num = sl->num;
    return 1;
}

/* strmap_find - look up a contiguous key */
int strmap_find(const struct strmap *m, const char *key, size_t klen,
                const char **val, long *num)
{
    if (m->count == 0)
        return 0;   /* an empty list (percenthack, most often): no hashing */
    struct strmap_piece pc = {key, klen};
    return strmap_findv(m, strmap_hash_prepend(strmap_hash_init(), key, klen),
                        &pc, 1, val, num);
}

/* strmap_count - number of distinct keys */
size_t strmap_count(const struct strmap *m)
{
    return m->count;
}
