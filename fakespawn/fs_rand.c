/*
 * fs_rand.c - counter-based random numbers; see fs_rand.h.
 *
 * Each argument is folded in through splitmix64's finalizer, which is a
 * bijection with full avalanche: nearby counters (message 1, 2, 3...)
 * give unrelated outputs.  Good enough for simulation, and the same on
 * every machine because it is integer arithmetic only.
 */
#include "fs_rand.h"
#include "hash.h"

/* fs_rand_mix - splitmix64's output function */
uint64_t fs_rand_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* fs_rand_stream - the part of the hash that only (seed, stream) decide:
 * a caller drawing millions of numbers from one stream keeps it */
uint64_t fs_rand_stream(uint64_t seed, uint64_t stream)
{
    return fs_rand_mix(fs_rand_mix(seed) ^ stream);
}

/* fs_rand_u64_at - 64 bits for (key, sub) of a stream */
uint64_t fs_rand_u64_at(uint64_t stream_hash, uint64_t key, uint64_t sub)
{
    return fs_rand_mix(fs_rand_mix(stream_hash ^ key) ^ sub);
}

/* fs_rand_u01_at - uniform in the open interval (0, 1) */
double fs_rand_u01_at(uint64_t stream_hash, uint64_t key, uint64_t sub)
{
    /* 53 bits and half a step: inverse CDFs never see 0 or 1 */
    uint64_t x = fs_rand_u64_at(stream_hash, key, sub) >> 11;
    return ((double)x + 0.5) * (1.0 / 9007199254740992.0);
}

/* fs_rand_u64 - 64 bits for (seed, stream, key, sub) */
uint64_t fs_rand_u64(uint64_t seed, uint64_t stream, uint64_t key,
                     uint64_t sub)
{
    return fs_rand_u64_at(fs_rand_stream(seed, stream), key, sub);
}

/* fs_rand_u01 - uniform in the open interval (0, 1) */
double fs_rand_u01(uint64_t seed, uint64_t stream, uint64_t key,
                   uint64_t sub)
{
    return fs_rand_u01_at(fs_rand_stream(seed, stream), key, sub);
}

/* fs_rand_hash - FNV-1a, mixed */
uint64_t fs_rand_hash(const char *s, size_t len)
{
    return fs_rand_mix(hash_fnv1a(s, len));
}
