/*
 * fit_map.c - numbers to indexes; see fit_map.h.
 */
#include <stdlib.h>

#include "fit_map.h"

/* slot - the home slot of key: a multiplicative hash, since message
 * numbers (inodes) are often close together */
static size_t slot(const struct fit_map *m, uint64_t key)
{
    uint64_t h = key * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 17) & (m->cap - 1);
}

/* fit_map_init - an empty map */
void fit_map_init(struct fit_map *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->used = NULL;
    m->cap = 0;
    m->n = 0;
}

/* map_grow - double the table (or make the first one) */
static int map_grow(struct fit_map *m)
{
    size_t ncap = m->cap ? 2 * m->cap : 64;
    struct fit_map nm = {calloc(ncap, sizeof *nm.keys),
                         calloc(ncap, sizeof *nm.vals), calloc(ncap, 1), ncap,
                         0};
    if (!nm.keys || !nm.vals || !nm.used) {
        fit_map_free(&nm);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i]) {
            size_t j = slot(&nm, m->keys[i]);
            while (nm.used[j])
                j = (j + 1) & (ncap - 1);
            nm.used[j] = 1;
            nm.keys[j] = m->keys[i];
            nm.vals[j] = m->vals[i];
            nm.n++;
        }
    fit_map_free(m);
    *m = nm;
    return 0;
}

/* fit_map_put - add or replace */
int fit_map_put(struct fit_map *m, uint64_t key, uint32_t val)
{
    if (2 * (m->n + 1) > m->cap && map_grow(m) < 0)
        return -1;
    size_t i = slot(m, key);
    while (m->used[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->used[i]) {
        m->used[i] = 1;
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
    return 0;
}

/* fit_map_get - 1 and *val when key is present */
int fit_map_get(const struct fit_map *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return 0;
    size_t i = slot(m, key);
    while (m->used[i]) {
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return 1;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}

/* fit_map_del - remove key, moving back the entries that probed past it */
void fit_map_del(struct fit_map *m, uint64_t key)
{
    if (!m->cap)
        return;
    size_t mask = m->cap - 1;
    size_t i = slot(m, key);
    while (m->used[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    if (!m->used[i])
        return;
    m->used[i] = 0;
    m->n--;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->used[j])
            return;
        size_t home = slot(m, m->keys[j]);
        /* j's entry may move to the hole at i unless its home lies
         * cyclically in (i, j] */
        int stays = i <= j ? (i < home && home <= j)
                           : (i < home || home <= j);
        if (stays)
            continue;
        m->keys[i] = m->keys[j];
        m->vals[i] = m->vals[j];
        m->used[i] = 1;
        m->used[j] = 0;
        i = j;
    }
}

/* fit_map_free - release the table */
void fit_map_free(struct fit_map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    fit_map_init(m);
}
