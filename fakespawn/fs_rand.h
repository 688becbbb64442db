/*
 * fs_rand.h - counter-based random numbers for the models and traffic.
 *
 * A variate is a pure function of (seed, stream, key, sub): no generator
 * state is carried from one draw to the next.  That is what makes common
 * random numbers work: the latency of attempt 3 of recipient 2 of message
 * 17 is the same number whatever else happened in the run, so two
 * configurations compared on one scenario see the same destinations.
 *
 *	fs_rand_u64(seed, stream, key, sub)	64 well-mixed bits
 *	fs_rand_u01(seed, stream, key, sub)	uniform in (0, 1), never 0 or 1
 *	fs_rand_mix(x)				splitmix64's finalizer
 *	fs_rand_hash(s, len)			a 64-bit hash of bytes (keys
 *						from addresses)
 */
#ifndef FS_RAND_H
#define FS_RAND_H

#include <stddef.h>
#include <stdint.h>

/* The streams the project uses; a new use takes a new number. */
enum fs_stream {
    FS_STREAM_LATENCY = 1,
    FS_STREAM_OUTCOME = 2,
    FS_STREAM_ARRIVAL = 3,  /* inter-arrival times of a generator */
    FS_STREAM_NRCPT = 4,    /* recipients per message */
    FS_STREAM_TARGET = 5,   /* which target of a generator */
    FS_STREAM_DOMAIN = 6,   /* which domain of a pool */
};

uint64_t fs_rand_mix(uint64_t x);
uint64_t fs_rand_u64(uint64_t seed, uint64_t stream, uint64_t key,
                     uint64_t sub);
double fs_rand_u01(uint64_t seed, uint64_t stream, uint64_t key,
                   uint64_t sub);
uint64_t fs_rand_hash(const char *s, size_t len);
/* the same numbers with the (seed, stream) part computed once */
uint64_t fs_rand_stream(uint64_t seed, uint64_t stream);
uint64_t fs_rand_u64_at(uint64_t stream_hash, uint64_t key, uint64_t sub);
double fs_rand_u01_at(uint64_t stream_hash, uint64_t key, uint64_t sub);

#endif
