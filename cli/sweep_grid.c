/*
 * sweep_grid.c - the settings a sweep varies, and its points.
 *
 *	sweep_grid(sw, args, n, err, cap)	each arg NAME=FROM:TO:STEP or
 *					NAME=v1,v2,... is an axis; every
 *					combination is a point, the first
 *					setting varying slowest (so grid order
 *					is "smallest settings first" when the
 *					values are given rising)
 *	sweep_settings(sw, v, buf, cap)	point v as NAME=VALUE words
 *	sweep_free(sw)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_int.h"

/* parse_num - a finite decimal number */
static int parse_num(const char *s, size_t len, double *v)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *v = strtod(buf, &end);
    return *end || !isfinite(*v) ? -1 : 0;
}

/* whole - x is a whole number */
static int whole(double x)
{
    return fabs(x - (double)llround(x)) < 1e-9;
}

/* unit_of - a setting's unit, for the pictures' axes */
static const char *unit_of(const char *name)
{
    if (strncmp(name, "concurrency", 11) == 0 ||
        strcmp(name, "conf-spawn") == 0)
        return "deliveries at once";
    if (strcmp(name, "nofile") == 0 || strcmp(name, "fd-setsize") == 0 ||
        strcmp(name, "file-max") == 0)
        return "descriptors";
    if (strcmp(name, "nproc") == 0)
        return "processes";
    if (strcmp(name, "todo-delay") == 0 ||
        strcmp(name, "queuelifetime") == 0)
        return "s";
    return "value";
}

/* axis_alloc - room for n values */
static int axis_alloc(struct sweep_axis *a, size_t n)
{
    a->n = n;
    a->text = calloc(n, sizeof *a->text);
    a->value = calloc(n, sizeof *a->value);
    return a->text && a->value ? 0 : -1;
}

/* axis_range - FROM:TO:STEP */
static int axis_range(struct sweep_axis *a, const char *spec, char *err,
                      size_t cap)
{
    const char *c1 = strchr(spec, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double from, to, step;
    if (!c2 || strchr(c2 + 1, ':') ||
        parse_num(spec, (size_t)(c1 - spec), &from) < 0 ||
        parse_num(c1 + 1, (size_t)(c2 - c1 - 1), &to) < 0 ||
        parse_num(c2 + 1, strlen(c2 + 1), &step) < 0) {
        snprintf(err, cap, "%s=%s: expected NAME=FROM:TO:STEP (numbers, "
                 "e.g. concurrencyremote=10:100:10) or NAME=v1,v2,...",
                 a->name, spec);
        return -1;
    }
    if (step <= 0 || to < from) {
        snprintf(err, cap, "%s=%s: expected FROM <= TO and a STEP above 0",
                 a->name, spec);
        return -1;
    }
    double count = floor((to - from) / step + 1e-9) + 1;
    if (count > SWEEP_MAX_POINTS) {
        snprintf(err, cap, "%s=%s: %.0f values; at most %d", a->name, spec,
                 count, SWEEP_MAX_POINTS);
        return -1;
    }
    if (axis_alloc(a, (size_t)count) < 0) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    int ints = whole(from) && whole(step);
    for (size_t i = 0; i < a->n; i++) {
        a->value[i] = from + (double)i * step;
        if (ints)
            snprintf(a->text[i], sizeof a->text[i], "%lld",
                     llround(a->value[i]));
        else
            snprintf(a->text[i], sizeof a->text[i], "%.9g", a->value[i]);
    }
    return 0;
}

/* axis_list - v1,v2,... (numbers or words, e.g. profile=qchan,...) */
static int axis_list(struct sweep_axis *a, const char *spec, char *err,
                     size_t cap)
{
    size_t n = 1;
    for (const char *p = spec; *p; p++)
        n += *p == ',';
    if (n > SWEEP_MAX_POINTS) {
        snprintf(err, cap, "%s=%s: %zu values; at most %d", a->name, spec,
                 n, SWEEP_MAX_POINTS);
        return -1;
    }
    if (axis_alloc(a, n) < 0) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    const char *p = spec;
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len >= sizeof a->text[i]) {
            snprintf(err, cap, "%s=%s: value %zu is %s", a->name, spec,
                     i + 1, len ? "too long" : "empty");
            return -1;
        }
        memcpy(a->text[i], p, len);
        a->text[i][len] = '\0';
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->text[j], a->text[i]) == 0) {
                snprintf(err, cap, "%s=%s: %s given twice", a->name, spec,
                         a->text[i]);
                return -1;
            }
        if (parse_num(p, len, &a->value[i]) < 0)
            a->value[i] = NAN;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

/* sweep_grid - the axes and the points */
int sweep_grid(struct sweep *sw, char *const *args, size_t n, char *err,
               size_t cap)
{
    if (n > SWEEP_MAX_AXES) {
        snprintf(err, cap, "%zu settings; at most %d at once", n,
                 SWEEP_MAX_AXES);
        return -1;
    }
    sw->naxes = n;
    size_t points = 1;
    for (size_t k = 0; k < n; k++) {
        struct sweep_axis *a = &sw->ax[k];
        const char *eq = strchr(args[k], '=');
        if (!eq || eq == args[k] || (size_t)(eq - args[k]) >= sizeof a->name ||
            strlen(eq + 1) >= sizeof a->spec) {
            snprintf(err, cap, "%s: expected NAME=FROM:TO:STEP or "
                     "NAME=v1,v2,...", args[k]);
            return -1;
        }
        snprintf(a->name, sizeof a->name, "%.*s", (int)(eq - args[k]),
                 args[k]);
        snprintf(a->spec, sizeof a->spec, "%s", eq + 1);
        a->unit = unit_of(a->name);
        for (size_t j = 0; j < k; j++)
            if (strcmp(sw->ax[j].name, a->name) == 0) {
                snprintf(err, cap, "%s is swept twice", a->name);
                return -1;
            }
        int rc = strchr(eq + 1, ':') ? axis_range(a, eq + 1, err, cap)
                                     : axis_list(a, eq + 1, err, cap);
        if (rc < 0)
            return -1;
        points *= a->n;
        if (points > SWEEP_MAX_POINTS) {
            snprintf(err, cap, "the grid has more than %d points",
                     SWEEP_MAX_POINTS);
            return -1;
        }
    }
    sw->name = sw->ax[0].name;
    sw->unit = sw->ax[0].unit;
    snprintf(sw->range, sizeof sw->range, "%s", sw->ax[0].spec);
    sw->n = points;
    sw->pts = calloc(points, sizeof *sw->pts);
    if (!sw->pts) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    for (size_t v = 0; v < points; v++) {
        struct sweep_point *pt = &sw->pts[v];
        size_t rest = v, len = 0;
        for (size_t k = n; k-- > 0;) {
            pt->idx[k] = rest % sw->ax[k].n;
            rest /= sw->ax[k].n;
        }
        for (size_t k = 0; k < n; k++)
            len += (size_t)snprintf(pt->text + len, sizeof pt->text - len,
                                    "%s%s", k ? "," : "",
                                    sw->ax[k].text[pt->idx[k]]);
    }
    return 0;
}

/* sweep_settings - point v as NAME=VALUE words */
void sweep_settings(const struct sweep *sw, size_t v, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sw->naxes && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s=%s",
                                k ? " " : "", sw->ax[k].name,
                                sw->ax[k].text[sw->pts[v].idx[k]]);
}

/* sweep_free - what sweep_grid and sweep_collect allocated */
void sweep_free(struct sweep *sw)
{
    for (size_t k = 0; k < sw->naxes; k++) {
        free(sw->ax[k].text);
        free(sw->ax[k].value);
    }
    free(sw->pts);
    free(sw->procs);
}
