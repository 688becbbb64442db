/*
 * sweep_plot.c - a sweep's pictures, drawn by plots/sweep_*.gp.
 *
 *	sweep_plot(dir, sw, note, cap)	sweep_drain (drain time and p95
 *					latency against the value, with their
 *					95% intervals, the values that hit a
 *					limit and the chosen one) and
 *					sweep_fds (peak descriptors of each
 *					process against its limit); answers
 *					as sim_plot
 *
 * Spawners take their channel's colour from plots/common.gp, as in every
 * other picture.  qmailr (processes) and the system (file-max) are in
 * the table, not in the descriptor picture: their scales would flatten
 * the lines that matter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_int.h"

static const char *const scripts[] = {"sweep_drain", "sweep_fds"};

/* drawn - process j goes into the descriptor picture */
static int drawn(const struct sweep *sw, size_t j)
{
    return strcmp(sw->procs[j].name, "qmailr") != 0 &&
           strcmp(sw->procs[j].name, "system") != 0;
}

/* same_limits - processes a and b have the same limit at every value */
static int same_limits(const struct sweep *sw, size_t a, size_t b)
{
    for (size_t v = 0; v < sw->n; v++)
        if (sw->procs[v * sw->nprocs + a].limit !=
            sw->procs[v * sw->nprocs + b].limit)
            return 0;
    return 1;
}

/* limit_groups - one dashed line per distinct limit, not one per process:
 * nlims, limK (the process row to draw it from), limtK (its legend),
 * limcK (its colour: the process's own when it is alone) */
static size_t limit_groups(const struct sweep *sw, char *v, size_t len,
                           size_t cap)
{
    int nl = 0;
    for (size_t j = 0; j < sw->nprocs; j++) {
        if (!drawn(sw, j))
            continue;
        int seen = 0;
        for (size_t i = 0; i < j && !seen; i++)
            seen = drawn(sw, i) && same_limits(sw, i, j);
        if (seen)
            continue;
        nl++;
        len += (size_t)snprintf(v + len, cap - len, "; lim%d=%zu; limt%d=\""
                                "limit of ", nl, j + 1, nl);
        int members = 0;
        for (size_t i = j; i < sw->nprocs; i++)
            if (drawn(sw, i) && same_limits(sw, i, j)) {
                len += (size_t)snprintf(v + len, cap - len, "%s%s",
                                        members ? ", " : "",
                                        sw->procs[i].name);
                members++;
            }
        len += (size_t)snprintf(v + len, cap - len, "\"; limc%d=%d", nl,
                                members == 1 ? (int)j + 1 : 0);
    }
    len += (size_t)snprintf(v + len, cap - len, "; nlims=%d", nl);
    return len;
}

/* sweep_plot - both pictures */
int sweep_plot(const char *dir, const struct sweep *sw, char *note,
               size_t cap)
{
    if (strchr(dir, '"') || strchr(sw->scenario, '"') ||
        strchr(sw->name, '"')) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        return -1;
    }
    size_t vcap = 4096 + strlen(dir) + sw->nprocs * sw->nprocs * 64;
    char *v = malloc(vcap);
    if (!v)
        return -1;
    size_t len = (size_t)snprintf(
        v, vcap, "datadir=\"%s\"; scenario=\"%s\"; variant=\"\"; "
        "channels=\"\"; name=\"%s\"; unit=\"%s\"; reps=%u; chan=\"%s\"; "
        "chosen=\"%s\"; nprocs=%zu; procs=\"", dir, sw->scenario, sw->name,
        sw->unit, sw->reps, sw->chan,
        sw->knee >= 0 ? sw->pts[sw->knee].text : "", sw->nprocs);
    for (size_t j = 0; j < sw->nprocs; j++)
        len += (size_t)snprintf(v + len, vcap - len, "%s%s", j ? " " : "",
                                sw->procs[j].name);
    len += (size_t)snprintf(v + len, vcap - len, "\"; pchan=\"");
    for (size_t j = 0; j < sw->nprocs; j++)
        len += (size_t)snprintf(v + len, vcap - len, "%s%d", j ? " " : "",
                                sw->procs[j].chan + 1);
    len += (size_t)snprintf(v + len, vcap - len, "\"; draw=\"");
    int first = 1;
    for (size_t j = 0; j < sw->nprocs; j++)
        if (drawn(sw, j)) {
            len += (size_t)snprintf(v + len, vcap - len, "%s%zu",
                                    first ? "" : " ", j + 1);
            first = 0;
        }
    len += (size_t)snprintf(v + len, vcap - len, "\"");
    len = limit_groups(sw, v, len, vcap);
    int rc = sim_plot_scripts(scripts, sizeof scripts / sizeof scripts[0],
                              v, dir, note, cap);
    free(v);
    if (rc == 0)
        snprintf(note, cap, "pictures: %s/sweep_{drain,fds}.{png,svg}", dir);
    return rc;
}
