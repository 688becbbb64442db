/*
 * sim_sweep_stats.c - the numbers a sweep reports about its replications.
 *
 *	sim_sweep_ci(v, n, mean, half)	mean and 95% confidence half width
 *	sim_sweep_knee(drain, ok, n, frac, best)
 *					the smallest value close enough to the
 *					best drain time inside every limit
 *
 * The interval is Student's t over the replications (their seeds differ,
 * nothing else), which is the honest width for a handful of runs; with
 * one replication there is no interval.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "sim_sweep.h"

/* sim_sweep_ci - mean and half width of the 95% interval */
void sim_sweep_ci(const double *v, size_t n, double *mean, double *half)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    *mean = n ? sum / (double)n : 0;
    if (n < 2) {
        *half = -1;
        return;
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    double sd = sqrt(ss / (double)(n - 1));
    *half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

/* sim_sweep_knee - first ok index within frac of the best drain time */
long sim_sweep_knee(const double *drain, const int *ok, size_t n, double frac,
                    long *best)
{
    *best = -1;
    for (size_t i = 0; i < n; i++)
        if (drain[i] >= 0 && (*best < 0 || drain[i] < drain[*best]))
            *best = (long)i;
    if (*best < 0)
        return -1;
    double bound = drain[*best] * (1 + frac);
    for (size_t i = 0; i < n; i++)
        if (ok[i] && drain[i] >= 0 && drain[i] <= bound + 1e-9)
            return (long)i;
    return -1;
}
