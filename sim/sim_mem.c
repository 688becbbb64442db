/*
 * sim_mem.c - memory for the simulator's big arrays (messages,
 * recipients, latencies), in transparent huge pages.
 *
 *	sim_mem_grow(p, old, new)	p's block grown from old to new bytes
 *					(p NULL: a new block); NULL if out of
 *					memory, p still valid
 *	sim_mem_free(p, size)
 *	sim_mem_core			the same as a struct qc_alloc, for the
 *					scheduler's message table and queues
 *
 * A million-message run touches a hundred megabytes once, page by page.
 * On a virtual machine every 4 KB page fault and every TLB miss is
 * expensive (a third of such a run's time went to them); with MADV_HUGEPAGE
 * the kernel backs the blocks with 2 MB pages where it can.  Blocks are
 * private anonymous mappings grown with mremap, which keeps the advice.
 * Where the kernel does not do huge pages the advice is ignored and the
 * blocks are ordinary memory.
 *
 * Sanitizer builds use malloc instead, so AddressSanitizer still sees
 * every access to these arrays.
 */
#define _GNU_SOURCE   /* mremap */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_int.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIM_MEM_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_MEM_MALLOC 1
#endif
#endif

/* Blocks below this stay with malloc: a mapping per small queue would
 * cost a system call per doubling and a page each */
#define SIM_MEM_MAPPED (1u << 20)
/* A huge page: mappings start on such a boundary and are whole multiples
 * of it, or the kernel backs their ragged ends with small pages */
#define SIM_MEM_HUGE ((size_t)2 << 20)

#ifndef SIM_MEM_MALLOC
/* huge_round - n up to a whole number of huge pages */
static size_t huge_round(size_t n)
{
    return (n + SIM_MEM_HUGE - 1) & ~(SIM_MEM_HUGE - 1);
}

/* reserve - size bytes of address space on a huge-page boundary, with
 * prot; the slack around it is given back */
static void *reserve(size_t size, int prot)
{
    char *r = mmap(NULL, size + SIM_MEM_HUGE, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)r + SIM_MEM_HUGE - 1) &
                       ~(uintptr_t)(SIM_MEM_HUGE - 1));
    if (a > r)
        munmap(r, (size_t)(a - r));
    size_t tail = (size_t)(r + size + SIM_MEM_HUGE - (a + size));
    if (tail)
        munmap(a + size, tail);
    return a;
}

/* map - a new block of size bytes (rounded), advised for huge pages */
static void *map(size_t size)
{
    void *q = reserve(huge_round(size), PROT_READ | PROT_WRITE);
    if (q)
        (void)madvise(q, huge_round(size), MADV_HUGEPAGE);
    return q;
}

/* remap - a mapped block grown or shrunk; moved page tables and all to a
 * new aligned place when it cannot grow where it is */
static void *remap(void *p, size_t old, size_t new)
{
    old = huge_round(old);
    new = huge_round(new);
    if (new == old)
        return p;
    void *q = mremap(p, old, new, 0);
    if (q != MAP_FAILED)
        return q;
    void *a = reserve(new, PROT_NONE);
    if (!a)
        return NULL;
    q = mremap(p, old, new, MREMAP_MAYMOVE | MREMAP_FIXED, a);
    if (q == MAP_FAILED) {
        munmap(a, new);
        return NULL;
    }
    return q;
}
#endif

/* sim_mem_grow - p's block resized from old to new bytes, contents kept */
void *sim_mem_grow(void *p, size_t old, size_t new)
{
#ifdef SIM_MEM_MALLOC
    (void)old;
    return realloc(p, new);
#else
    if (!p)
        old = 0;
    if (old < SIM_MEM_MAPPED && new < SIM_MEM_MAPPED)
        return realloc(p, new);
    if (old >= SIM_MEM_MAPPED && new >= SIM_MEM_MAPPED)
        return remap(p, old, new);
    /* across the threshold: copy between malloc and a mapping */
    void *q = new >= SIM_MEM_MAPPED ? map(new) : malloc(new);
    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, old < new ? old : new);
    sim_mem_free(p, old);
    return q;
#endif
}

/* sim_mem_free - release a block of size bytes */
void sim_mem_free(void *p, size_t size)
{
#ifdef SIM_MEM_MALLOC
    (void)size;
    free(p);
#else
    if (!p)
        return;
    if (size < SIM_MEM_MAPPED)
        free(p);
    else
        munmap(p, huge_round(size));
#endif
}

/* core_resize, core_release - sim_mem for the scheduler's tables */
static void *core_resize(void *ctx, void *p, size_t old, size_t new)
{
    (void)ctx;
    return sim_mem_grow(p, old, new);
}

static void core_release(void *ctx, void *p, size_t size)
{
    (void)ctx;
    sim_mem_free(p, size);
}

const struct qc_alloc sim_mem_core = {NULL, core_resize, core_release};
