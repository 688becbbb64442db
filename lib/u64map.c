/*
 * u64map.c - numbers to numbers, open addressing; see u64map.h.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "u64map.h"

/* home - the slot key would take in an empty table */
static size_t home(const struct u64map *m, uint64_t key)
{
    return (size_t)hash_mix64(key) & m->mask;
}

/* find - the slot holding key, or the empty slot where it would go */
static size_t find(const struct u64map *m, uint64_t key)
{
    size_t i = home(m, key);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & m->mask;
    return i;
}

/* u64map_init - an empty map */
void u64map_init(struct u64map *m)
{
    memset(m, 0, sizeof *m);
}

/* grow - twice the slots (16 at first), every key placed again; -1 if
 * out of memory (the map is unchanged) */
static int grow(struct u64map *m)
{
    size_t oldn = m->keys ? m->mask + 1 : 0;
    size_t n = oldn ? 2 * oldn : 16;
    uint64_t *keys = calloc(n, sizeof *keys);
    uint64_t *vals = malloc(n * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    struct u64map nm = {keys, vals, n - 1, 0, 0, 0};
    for (size_t i = 0; i < oldn; i++)
        if (m->keys[i]) {
            size_t j = find(&nm, m->keys[i]);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->mask = n - 1;
    return 0;
}

/* u64map_put - add key or replace its value */
int u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
    if (key == 0) {
        m->has_zero = 1;
        m->zero_val = val;
        return 0;
    }
    if ((!m->keys || (m->len + 1) * 2 > m->mask + 1) && grow(m) < 0)
        return -1;
    size_t i = find(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->len++;
    }
    m->vals[i] = val;
    return 0;
}

/* u64map_get - 1 and *val when key is present */
int u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
    if (key == 0) {
        if (m->has_zero && val)
            *val = m->zero_val;
        return m->has_zero;
    }
    if (!m->keys)
        return 0;
    size_t i = find(m, key);
    if (!m->keys[i])
        return 0;
    if (val)
        *val = m->vals[i];
    return 1;
}

/* u64map_del - take key out; later keys of its run move back so every
 * key stays reachable from its home slot */
int u64map_del(struct u64map *m, uint64_t key)
{
    if (key == 0) {
        int had = m->has_zero;
        m->has_zero = 0;
        return had;
    }
    if (!m->keys)
        return 0;
    size_t hole = find(m, key);
    if (!m->keys[hole])
        return 0;
    m->keys[hole] = 0;
    m->len--;
    for (size_t j = (hole + 1) & m->mask; m->keys[j]; j = (j + 1) & m->mask) {
        size_t h = home(m, m->keys[j]);
        /* movable unless its home lies cyclically in (hole, j] */
        int stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (stays)
            continue;
        m->keys[hole] = m->keys[j];
        m->vals[hole] = m->vals[j];
        m->keys[j] = 0;
        hole = j;
    }
    return 1;
}

/* u64map_len - keys present, 0 included */
size_t u64map_len(const struct u64map *m)
{
    return m->len + (m->has_zero ? 1 : 0);
}

/* u64map_foreach - every key and its value */
void u64map_foreach(const struct u64map *m,
                    void (*fn)(void *ctx, uint64_t key, uint64_t val),
                    void *ctx)
{
    if (m->has_zero)
        fn(ctx, 0, m->zero_val);
    for (size_t i = 0; m->keys && i <= m->mask; i++)
        if (m->keys[i])
            fn(ctx, m->keys[i], m->vals[i]);
}

/* u64map_free - release the table */
void u64map_free(struct u64map *m)
{
    free(m->keys);
    free(m->vals);
    u64map_init(m);
}
