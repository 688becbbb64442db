/*
 * u64map.h - a map from 64-bit numbers to 64-bit values.
 *
 *	struct u64map m = {0};		empty, ready (or u64map_init)
 *	u64map_put(&m, key, val)	add or replace; 0, -1 out of memory
 *	u64map_get(&m, key, &val)	1 and val (val may be NULL), 0 absent
 *	u64map_del(&m, key)		1 removed, 0 was absent
 *	u64map_len(&m)			number of keys
 *	u64map_foreach(&m, fn, ctx)	fn(ctx, key, val) for every key, in
 *					no meaningful order (whatever depends
 *					on the order must sort)
 *	u64map_free(&m)			release; empty and usable again
 *
 * For numbers the outside world hands out: inode numbers of queue files
 * (close together), qmail-send's delivery numbers (reused), log message
 * numbers.  Any key is allowed, 0 included (kept beside the table).
 * Open addressing with linear probing in a power-of-two table at most
 * half full, keys spread by hash_mix64; deletion shifts the rest of the
 * run back instead of leaving tombstones, so a long log with millions
 * of short-lived numbers does not slow the table down.
 */
#ifndef U64MAP_H
#define U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
    uint64_t *keys;     /* 0: empty slot */
    uint64_t *vals;
    size_t mask;        /* slots - 1; 0 with no table */
    size_t len;         /* keys in the table, key 0 not counted */
    int has_zero;       /* key 0 is present, its value zero_val */
    uint64_t zero_val;
};

void u64map_init(struct u64map *m);
int u64map_put(struct u64map *m, uint64_t key, uint64_t val);
int u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
int u64map_del(struct u64map *m, uint64_t key);
size_t u64map_len(const struct u64map *m);
void u64map_foreach(const struct u64map *m,
                    void (*fn)(void *ctx, uint64_t key, uint64_t val),
                    void *ctx);
void u64map_free(struct u64map *m);

#endif
