/*
 * quantile.h - the one definition of a quantile in qchan: the nearest
 * rank, so that `qchan run`, `qchan fit`, compare and sweep give the
 * same p50/p95/p99 for the same numbers (a replay is judged by comparing
 * them).
 *
 *	quantile_rank(n, q)		the rank (1..n) of quantile q of n
 *					values: the smallest k with k >= q n,
 *					n > 0
 *	quantile_sorted(v, n, q)	v[rank - 1] of ascending v; -1 when
 *					n is 0 (no value)
 *	quantile_sort(v, n)		sort doubles ascending
 *
 * q n is a product of doubles: 0.95 x 20 may come out a hair above 19.
 * Such a hair (below 1e-9) does not move the rank up; a real fraction
 * does.  The simulator keeps its own sort and selection of integer
 * latencies (a radix sort and a partial selection for millions of
 * values) and takes the rank from here.
 */
#ifndef QUANTILE_H
#define QUANTILE_H

#include <stddef.h>

size_t quantile_rank(size_t n, double q);
double quantile_sorted(const double *v, size_t n, double q);
void quantile_sort(double *v, size_t n);

#endif
