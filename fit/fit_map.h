/*
 * fit_map.h - a map from 64-bit numbers to 32-bit indexes.
 *
 * The log names messages and deliveries by numbers that qmail reuses
 * (a message number is an inode number, a delivery number restarts at
 * 1 with qmail-send), so the reconstruction keeps only the live
 * incarnation of each number here and removes it when it ends.
 *
 *	fit_map_init(m)			an empty map
 *	fit_map_put(m, key, val)	add or replace; 0 ok, -1 out of memory
 *	fit_map_get(m, key, &val)	1 found, 0 not
 *	fit_map_del(m, key)		remove if present
 *	fit_map_free(m)
 *
 * Open addressing with linear probing, at most half full; deletion
 * shifts the following run back, so no tombstones pile up over a long
 * log with millions of short-lived numbers.
 */
#ifndef FIT_MAP_H
#define FIT_MAP_H

#include <stddef.h>
#include <stdint.h>

struct fit_map {
    uint64_t *keys;
    uint32_t *vals;
    unsigned char *used;
    size_t cap;      /* a power of two, or 0 */
    size_t n;
};

void fit_map_init(struct fit_map *m);
int fit_map_put(struct fit_map *m, uint64_t key, uint32_t val);
int fit_map_get(const struct fit_map *m, uint64_t key, uint32_t *val);
void fit_map_del(struct fit_map *m, uint64_t key);
void fit_map_free(struct fit_map *m);

#endif
