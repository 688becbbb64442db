/*
 * hash.h - the hash functions every table in qchan uses: one mixer and
 * one string hash, so a table never grows its own copy.
 *
 *	hash_mix64(h)		spread the bits of a 64-bit key (or of a
 *				weak hash) over the low bits a table indexes
 *				with: numbers that differ only in their high
 *				bits, or that are close together (inode
 *				numbers), land far apart
 *	hash_fnv1a(s, len)	FNV-1a of len bytes: stable across runs and
 *				machines (anonymized names, seeded streams)
 *	HASH_FNV_OFFSET, HASH_FNV_PRIME	its constants, for a caller that
 *				folds bytes its own way (strmap folds case)
 *
 * Inline: they sit on the hot paths of the simulator's tables.
 */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define HASH_FNV_PRIME UINT64_C(0x100000001b3)

/* hash_mix64 - the first half of MurmurHash3's 64-bit finalizer: one
 * multiply, enough for linear probing in a power-of-two table */
static inline uint64_t hash_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* hash_fnv1a - FNV-1a of s[0..len) */
static inline uint64_t hash_fnv1a(const void *s, size_t len)
{
    const unsigned char *p = s;
    uint64_t h = HASH_FNV_OFFSET;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= HASH_FNV_PRIME;
    }
    return h;
}

#endif
