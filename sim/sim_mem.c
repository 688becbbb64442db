/*
 * sim_mem.c - memory for the simulator's big arrays (messages,
 * recipients, latencies), in transparent huge pages.
 *
 *	sim_mem_grow(p, old, new)	p's block grown from old to new bytes
 *					(p NULL: a new block); NULL if out of
 *					memory, p still valid
 *	sim_mem_free(p, size)
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

/* sim_mem_grow - a bigger block with the old contents */
void *sim_mem_grow(void *p, size_t old, size_t new)
{
#ifdef SIM_MEM_MALLOC
    (void)old;
    return realloc(p, new);
#else
    void *q;
    if (!p) {
        q = mmap(NULL, new, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (q == MAP_FAILED)
            return NULL;
        (void)madvise(q, new, MADV_HUGEPAGE);
        return q;
    }
    q = mremap(p, old, new, MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
#endif
}

/* sim_mem_free - release a block of size bytes */
void sim_mem_free(void *p, size_t size)
{
#ifdef SIM_MEM_MALLOC
    (void)size;
    free(p);
#else
    if (p)
        munmap(p, size);
#endif
}
