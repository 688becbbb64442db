/*
 * fs_dist.c - latency distributions; see fs_dist.h.
 *
 * Sampling is by inverse CDF (GSL's *_Pinv functions) from a uniform
 * variate the caller supplies.  Inversion, unlike rejection methods,
 * uses exactly one variate per draw, which keeps the random streams of
 * two compared runs aligned draw for draw.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fs_dist.h"

/* fs_parse_number - strict non-negative finite decimal */
int fs_parse_number(const char *s, double *v)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    /* hex floats, "inf" and "nan" are not seconds an administrator writes */
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789.eE-+", *p))
            return -1;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno || !isfinite(x) || x < 0)
        return -1;
    *v = x;
    return 0;
}

/* cmp_double - qsort order */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* load_empirical - the values of path into d->table */
static int load_empirical(struct fs_dist *d, const char *word,
                          const char *basedir, char *err, size_t errcap)
{
    char path[4096];
    if (word[0] != '/' && basedir && *basedir)
        snprintf(path, sizeof path, "%s/%s", basedir, word);
    else
        snprintf(path, sizeof path, "%s", word);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errcap, "cannot open empirical file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    size_t cap = 0;
    char line[256];
    unsigned lineno = 0;
    d->table = NULL;
    d->n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok = strtok(line, " \t\r\n");
        if (!tok)
            continue;
        double v;
        if (fs_parse_number(tok, &v) < 0 || strtok(NULL, " \t\r\n")) {
            snprintf(err, errcap, "%s:%u: expected one number of seconds",
                     path, lineno);
            goto fail;
        }
        if (d->n == cap) {
            cap = cap ? 2 * cap : 64;
            double *t = realloc(d->table, cap * sizeof *t);
            if (!t) {
                snprintf(err, errcap, "%s: out of memory", path);
                goto fail;
            }
            d->table = t;
        }
        d->table[d->n++] = v;
    }
    fclose(f);
    if (d->n == 0) {
        snprintf(err, errcap, "%s: no values", path);
        free(d->table);
        d->table = NULL;
        return -1;
    }
    qsort(d->table, d->n, sizeof *d->table, cmp_double);
    return 0;
fail:
    fclose(f);
    free(d->table);
    d->table = NULL;
    d->n = 0;
    return -1;
}

/* param - the i-th number of a model; -1 with a message if missing */
static int param(char **w, int n, int i, const char *what, double *v,
                 char *err, size_t errcap)
{
    if (i >= n || fs_parse_number(w[i], v) < 0) {
        snprintf(err, errcap, "expected %s after '%s'%s%s%s", what, w[0],
                 i < n ? ", not '" : "", i < n ? w[i] : "", i < n ? "'" : "");
        return -1;
    }
    return 0;
}

/* fs_dist_parse - one distribution from words */
int fs_dist_parse(struct fs_dist *d, char **w, int n, int *used,
                  const char *basedir, char *err, size_t errcap)
{
    memset(d, 0, sizeof *d);
    if (n < 1) {
        snprintf(err, errcap, "expected a latency model (const, uniform, "
                 "exp, lognormal, pareto, empirical)");
        return -1;
    }
    const char *k = w[0];
    if (strcmp(k, "const") == 0) {
        d->kind = FS_DIST_CONST;
        *used = 2;
        return param(w, n, 1, "seconds", &d->a, err, errcap);
    }
    if (strcmp(k, "uniform") == 0) {
        d->kind = FS_DIST_UNIFORM;
        *used = 3;
        if (param(w, n, 1, "the lowest seconds A", &d->a, err, errcap) < 0 ||
            param(w, n, 2, "the highest seconds B", &d->b, err, errcap) < 0)
            return -1;
        if (d->b < d->a) {
            snprintf(err, errcap, "uniform: expected A <= B");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "exp") == 0) {
        d->kind = FS_DIST_EXP;
        *used = 2;
        return param(w, n, 1, "the mean in seconds", &d->a, err, errcap);
    }
    if (strcmp(k, "lognormal") == 0) {
        d->kind = FS_DIST_LOGNORMAL;
        *used = 3;
        if (param(w, n, 1, "the median in seconds", &d->a, err, errcap) < 0 ||
            param(w, n, 2, "sigma", &d->b, err, errcap) < 0)
            return -1;
        if (d->a <= 0) {
            snprintf(err, errcap, "lognormal: expected a median above 0");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "pareto") == 0) {
        d->kind = FS_DIST_PARETO;
        *used = 3;
        if (param(w, n, 1, "the scale in seconds", &d->a, err, errcap) < 0 ||
            param(w, n, 2, "the shape", &d->b, err, errcap) < 0)
            return -1;
        if (d->a <= 0 || d->b <= 0) {
            snprintf(err, errcap, "pareto: expected scale and shape above 0");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "empirical") == 0) {
        d->kind = FS_DIST_EMPIRICAL;
        *used = 2;
        if (n < 2) {
            snprintf(err, errcap, "expected a file name after 'empirical'");
            return -1;
        }
        return load_empirical(d, w[1], basedir, err, errcap);
    }
    snprintf(err, errcap, "expected a latency model (const, uniform, exp, "
             "lognormal, pareto, empirical), not '%s'", k);
    return -1;
}

/* fs_dist_sample - inverse CDF at u */
double fs_dist_sample(const struct fs_dist *d, double u)
{
    double x;
    switch (d->kind) {
    case FS_DIST_CONST:
        x = d->a;
        break;
    case FS_DIST_UNIFORM:
        x = d->a == d->b ? d->a : gsl_cdf_flat_Pinv(u, d->a, d->b);
        break;
    case FS_DIST_EXP:
        /* gsl_cdf_exponential_Pinv(u, d->a), which is this expression,
         * without the call into the library for each delivery */
        x = d->a == 0 ? 0 : -d->a * log1p(-u);
        break;
    case FS_DIST_LOGNORMAL:
        x = gsl_cdf_lognormal_Pinv(u, log(d->a), d->b);
        break;
    case FS_DIST_PARETO:
        x = gsl_cdf_pareto_Pinv(u, d->b, d->a);
        break;
    case FS_DIST_EMPIRICAL: {
        size_t i = (size_t)(u * (double)d->n);
        x = d->table[i < d->n ? i : d->n - 1];
        break;
    }
    default:
        x = 0;
        break;
    }
    if (!(x >= 0))
        x = 0;
    return x > FS_DIST_MAX_SECONDS ? FS_DIST_MAX_SECONDS : x;
}

/* fs_dist_mean - the mean of the model */
double fs_dist_mean(const struct fs_dist *d)
{
    switch (d->kind) {
    case FS_DIST_CONST:
        return d->a;
    case FS_DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case FS_DIST_EXP:
        return d->a;
    case FS_DIST_LOGNORMAL:
        return d->a * exp(d->b * d->b / 2);
    case FS_DIST_PARETO:
        return d->b <= 1 ? INFINITY : d->b * d->a / (d->b - 1);
    case FS_DIST_EMPIRICAL: {
        double s = 0;
        for (size_t i = 0; i < d->n; i++)
            s += d->table[i];
        return s / (double)d->n;
    }
    }
    return 0;
}

/* fs_dist_copy - deep copy */
int fs_dist_copy(struct fs_dist *dst, const struct fs_dist *src)
{
    *dst = *src;
    if (src->table) {
        dst->table = malloc(src->n * sizeof *dst->table);
        if (!dst->table)
            return -1;
        memcpy(dst->table, src->table, src->n * sizeof *dst->table);
    }
    return 0;
}

/* fs_dist_free - release an empirical table */
void fs_dist_free(struct fs_dist *d)
{
    free(d->table);
    d->table = NULL;
    d->n = 0;
}
