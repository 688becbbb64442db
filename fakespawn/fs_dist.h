/*
 * fs_dist.h - latency distributions, drawn by inverse CDF.
 *
 *	const S			always S seconds
 *	uniform A B		flat between A and B
 *	exp MEAN		exponential with that mean
 *	lognormal MEDIAN SIGMA	log-normal; MEDIAN in seconds, SIGMA of the log
 *	pareto SCALE SHAPE	Pareto: at least SCALE, tail index SHAPE
 *	empirical FILE		the values of FILE (one number of seconds a
 *				line, '#' comments), each equally likely
 *
 * fs_dist_parse() reads one of these from words of a line and says how
 * many words it used; fs_dist_sample() maps a uniform u in (0,1) to
 * seconds, so the caller chooses the random stream (see fs_rand.h).
 */
#ifndef FS_DIST_H
#define FS_DIST_H

#include <stddef.h>

enum fs_dist_kind {
    FS_DIST_CONST,
    FS_DIST_UNIFORM,
    FS_DIST_EXP,
    FS_DIST_LOGNORMAL,
    FS_DIST_PARETO,
    FS_DIST_EMPIRICAL,
};

struct fs_dist {
    enum fs_dist_kind kind;
    double a, b;        /* the parameters, in the order written */
    double *table;      /* empirical: sorted values */
    size_t n;
};

/* Longest latency a draw returns: heavy tails stay finite. */
#define FS_DIST_MAX_SECONDS 1e7

/* fs_parse_number - a finite number >= 0, the whole string; 0 ok, -1 not */
int fs_parse_number(const char *s, double *v);

/* fs_dist_parse - a distribution from w[0..n-1]; *used words consumed;
 * FILE is relative to basedir (NULL: the working directory); on error
 * -1 and err says what was expected */
int fs_dist_parse(struct fs_dist *d, char **w, int n, int *used,
                  const char *basedir, char *err, size_t errcap);
/* fs_dist_sample - seconds for the uniform variate u in (0, 1) */
double fs_dist_sample(const struct fs_dist *d, double u);
/* fs_dist_mean - the mean in seconds (infinite for pareto SHAPE <= 1) */
double fs_dist_mean(const struct fs_dist *d);
/* fs_dist_copy - deep copy; 0 ok, -1 out of memory */
int fs_dist_copy(struct fs_dist *dst, const struct fs_dist *src);
void fs_dist_free(struct fs_dist *d);

#endif
