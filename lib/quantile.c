/*
 * quantile.c - nearest-rank quantiles; see quantile.h.
 */
#include <stdlib.h>

#include "quantile.h"

/* quantile_rank - ceil(q n), forgiving rounding noise, within 1..n */
size_t quantile_rank(size_t n, double q)
{
    double x = q * (double)n;
    size_t k = x <= 0 ? 0 : (size_t)(x + 0.999999999);
    if (k < 1)
        k = 1;
    return k > n ? n : k;
}

/* quantile_sorted - the nearest-rank quantile of ascending v */
double quantile_sorted(const double *v, size_t n, double q)
{
    if (n == 0)
        return -1;
    return v[quantile_rank(n, q) - 1];
}

/* cmp_double - ascending, for qsort */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* quantile_sort - v ascending */
void quantile_sort(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_double);
}
