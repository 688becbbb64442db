/*
 * heap.h - a binary min-heap over an array, generated for one element
 * type and one order.
 *
 *	HEAP_DEFINE(name, T, C, before)
 *
 * defines, for elements of type T, a context of type C (passed through
 * to the order; any pointer type) and an order before(ctx, a, b), true
 * when *a must come out ahead of *b:
 *
 *	name_sift_up(ctx, v, i)		v[0..i] a heap but for v[i]: fixed
 *	name_sift_down(ctx, v, n, i)	v[0..n) a heap below i but for v[i]
 *	name_push(ctx, v, &n, e)	add e (the caller made room for it)
 *	name_pop(ctx, v, &n)		remove and return the first (n > 0)
 *	name_heapify(ctx, v, n)		make any v[0..n) a heap
 *
 * The array, its growth and where its memory comes from stay with the
 * caller: the scheduler's queue takes the host's allocator, the
 * simulator's event queue realloc, fakespawn a fixed table.  Ties are
 * the order's to break: a heap that must give the same run on every
 * machine orders equal keys by a sequence number or an id.
 *
 * Generated rather than generic (a comparison through a function
 * pointer and memcpy of element-sized bytes) because the heaps sit on
 * the simulator's hottest path: a million-message run pops tens of
 * millions of events, and the inlined order and typed moves keep that
 * at the speed of the hand-written heaps this replaces
 * (bench/RESULTS.md).  The sifts move a hole rather than swapping, one
 * element write per level.
 */
#ifndef HEAP_H
#define HEAP_H

#include <stddef.h>

/* a file uses some of the functions a HEAP_DEFINE makes: the others must
 * not be warnings (clang warns of unused static inline functions defined
 * in a .c file, which is where the macro puts them) */
#define HEAP_FN static inline __attribute__((unused))

#define HEAP_DEFINE(name, T, C, before)                                      \
    HEAP_FN void name##_sift_up(C ctx, T *v, size_t i)                       \
    {                                                                        \
        T e = v[i];                                                          \
        (void)ctx;                                                           \
        while (i > 0) {                                                      \
            size_t parent = (i - 1) / 2;                                     \
            if (!before(ctx, &e, &v[parent]))                                \
                break;                                                       \
            v[i] = v[parent];                                                \
            i = parent;                                                      \
        }                                                                    \
        v[i] = e;                                                            \
    }                                                                        \
                                                                             \
    HEAP_FN void name##_sift_down(C ctx, T *v, size_t n, size_t i)           \
    {                                                                        \
        T e = v[i];                                                          \
        (void)ctx;                                                           \
        for (;;) {                                                           \
            size_t child = 2 * i + 1;                                        \
            if (child >= n)                                                  \
                break;                                                       \
            if (child + 1 < n && before(ctx, &v[child + 1], &v[child]))      \
                child++;                                                     \
            if (!before(ctx, &v[child], &e))                                 \
                break;                                                       \
            v[i] = v[child];                                                 \
            i = child;                                                       \
        }                                                                    \
        v[i] = e;                                                            \
    }                                                                        \
                                                                             \
    HEAP_FN void name##_push(C ctx, T *v, size_t *n, T e)                    \
    {                                                                        \
        v[*n] = e;                                                           \
        name##_sift_up(ctx, v, (*n)++);                                      \
    }                                                                        \
                                                                             \
    HEAP_FN T name##_pop(C ctx, T *v, size_t *n)                             \
    {                                                                        \
        T top = v[0];                                                        \
        if (--*n > 0) {                                                      \
            v[0] = v[*n];                                                    \
            name##_sift_down(ctx, v, *n, 0);                                 \
        }                                                                    \
        return top;                                                          \
    }                                                                        \
                                                                             \
    HEAP_FN void name##_heapify(C ctx, T *v, size_t n)                       \
    {                                                                        \
        for (size_t i = n / 2; i-- > 0;)                                     \
            name##_sift_down(ctx, v, n, i);                                  \
    }

#endif
