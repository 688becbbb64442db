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
 *	sim_mem_need(sc, &need)		what a run of sc will hold at most:
 *					bytes, messages, recipients, and the
 *					generator line where the sum passes
 *					a limit
 *	sim_mem_limit()			the default limit: half the machine's
 *					physical memory
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
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "msgtab.h"
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

/* What a run holds for each message and recipient until it ends: every
 * message and recipient record stays in its array for the whole run (the
 * report needs them), so the sum over all generators is the peak.  Per
 * message: its record, the scheduler's table entry (its channel mask,
 * msgtab_width bytes, plus a bit) and its place in a queue (16: due time
 * and id).  Per recipient: its record and its final latency (8).
 * Measured peak RSS agrees: bench-1m peaks at 67 MB (57 estimated); with
 * the 24-byte record and 8-byte masks of before, a burst of 1M messages
 * of 4 recipients peaked at 116 MB (113 estimated), one of 1e8
 * single-recipient messages at 5,760 MB (6,110 estimated).  SIM_MEM_BASE
 * is the run's fixed part: tables, buffers, the program itself. */
#define SIM_MEM_PER_MSG(nchan) (sizeof(struct sim_msg) + msgtab_width(nchan) + 16)
#define SIM_MEM_PER_RCPT (sizeof(struct sim_rcpt) + sizeof(int64_t))
#define SIM_MEM_BASE ((uint64_t)6 << 20)

/* gen_need - messages and recipients one generator adds (their means for
 * a Poisson generator and for a range of recipients) */
static void gen_need(const struct sim_gen *g, double *msgs, double *rcpts,
                     double *text)
{
    double per = ((double)g->rmin + (double)g->rmax) / 2;
    *text = 0;
    switch (g->kind) {
    case SIM_GEN_BURST:
        *msgs = (double)g->count;
        *rcpts = *msgs * per;
        return;
    case SIM_GEN_POISSON:
        *msgs = g->rate * (double)(g->to - g->from) / (double)QC_SEC;
        *rcpts = *msgs * per;
        return;
    case SIM_GEN_REPLAY:
        *msgs = (double)g->nrows;
        *rcpts = 0;
        /* replayed addresses are stored as text in the run's arena (the
         * senders are read from the rows) */
        for (size_t r = 0; r < g->nrows; r++) {
            *rcpts += g->rows[r].nrcpt;
            for (unsigned k = 0; k < g->rows[r].nrcpt; k++)
                *text += (double)strlen(g->rows[r].rcpts[k]) + 1;
        }
        return;
    }
    *msgs = *rcpts = 0;
}

/* sim_mem_need - the run's memory, summed generator by generator; line
 * is the first generator line where the sum passes limit (0: it never
 * does) */
void sim_mem_need(const struct sim_scn *sc, uint64_t limit,
                  struct sim_mem_need *need)
{
    double bytes = (double)SIM_MEM_BASE, msgs = 0, rcpts = 0;
    need->line = 0;
    for (size_t i = 0; i < sc->npools; i++)
        bytes += (double)sc->pools[i].n * (sizeof(double) + 8);
    for (size_t i = 0; i < sc->ngens; i++) {
        double m, r, t;
        gen_need(&sc->gens[i], &m, &r, &t);
        msgs += m;
        rcpts += r;
        bytes += m * (double)SIM_MEM_PER_MSG(sc->nchan) +
                 r * (double)SIM_MEM_PER_RCPT + t;
        if (!need->line && bytes > (double)limit)
            need->line = sc->gens[i].line;
    }
    need->bytes = bytes >= 1.8e19 ? UINT64_MAX : (uint64_t)llround(bytes);
    need->msgs = msgs >= 1.8e19 ? UINT64_MAX : (uint64_t)llround(msgs);
    need->rcpts = rcpts >= 1.8e19 ? UINT64_MAX : (uint64_t)llround(rcpts);
}

/* sim_mem_limit - half the physical memory (the rest for the system and
 * the page cache); 0 when the machine does not say */
uint64_t sim_mem_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 0;
    return (uint64_t)pages * (uint64_t)size / 2;
}
