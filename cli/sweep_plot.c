/*
 * sweep_plot.c - a sweep's pictures, drawn by plots/sweep_*.gp.
 *
 * One setting: sweep_drain, sweep_fds and, with goals, sweep_goal (the
 * minimised figure with its intervals, the settings that meet every goal
 * filled).  Two settings: sweep_heat, the figure over the grid with the
 * region that meets every goal outlined (without goals: the drain time,
 * the region inside every limit).
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

static int drain_plots(const char *dir, const struct sweep *sw, char *note,
                       size_t cap);

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

/* goal_vars - the variables of sweep_goal.gp and sweep_heat.gp */
static void goal_vars(const struct sweep *sw, const char *dir, char *v,
                      size_t cap)
{
    char goals[1200], chosen[300] = "";
    size_t len = 0;
    goals[0] = '\0';
    for (size_t g = 0; g < sw->ngoals; g++)
        len += (size_t)snprintf(goals + len, sizeof goals - len, "%s%s",
                                g ? "; " : "", sw->goals[g].text);
    if (!sw->decide)
        snprintf(goals, sizeof goals, "stays inside every limit");
    else if (sw->ngoals == 0)
        snprintf(goals, sizeof goals, "none given");
    long c = sw->decide ? sw->choice.chosen : sw->knee;
    if (c >= 0)
        sweep_settings(sw, (size_t)c, chosen, sizeof chosen);
    snprintf(v, cap, "datadir=\"%s\"; scenario=\"%s\"; variant=\"\"; "
             "channels=\"\"; name=\"%s\"; unit=\"%s\"; xname=\"%s\"; "
             "yname=\"%s\"; reps=%u; figure=\"%s\"; goals=\"%s\"; "
             "chosen=\"%s\"", dir, sw->scenario, sw->ax[0].name,
             sw->ax[0].unit, sw->ax[0].name,
             sw->naxes > 1 ? sw->ax[1].name : "", sw->reps,
             sw->decide ? sw->minimize.text : "drain", goals, chosen);
}

/* quoted - a string with '"' in it cannot go into a gnuplot string */
static int quoted(const struct sweep *sw, const char *dir)
{
    if (strchr(dir, '"') || strchr(sw->scenario, '"'))
        return 1;
    for (size_t k = 0; k < sw->naxes; k++)
        if (strchr(sw->ax[k].name, '"'))
            return 1;
    for (size_t g = 0; g < sw->ngoals; g++)
        if (strchr(sw->goals[g].text, '"'))
            return 1;
    return strchr(sw->minimize.text, '"') != NULL;
}

/* sweep_plot - the pictures: one setting, its drain time and descriptors
 * (and with goals the minimised figure); two settings, the heat map */
int sweep_plot(const char *dir, const struct sweep *sw, char *note,
               size_t cap)
{
    if (quoted(sw, dir)) {
        snprintf(note, cap, "no pictures: a path or name contains '\"'");
        return -1;
    }
    if (sw->naxes > 2) {
        snprintf(note, cap, "no pictures: %zu settings (a heat map takes "
                 "two)", sw->naxes);
        return 0;
    }
    char gv[8000];
    goal_vars(sw, dir, gv, sizeof gv);
    if (sw->naxes == 2) {
        static const char *const heat[] = {"sweep_heat"};
        int rc = sim_plot_scripts(heat, 1, gv, dir, note, cap);
        if (rc == 0)
            snprintf(note, cap, "pictures: %s/sweep_heat.{png,svg}", dir);
        return rc;
    }
    if (sw->decide) {
        static const char *const goal[] = {"sweep_goal"};
        int rc = sim_plot_scripts(goal, 1, gv, dir, note, cap);
        if (rc != 0)
            return rc;
    }
    return drain_plots(dir, sw, note, cap);
}

/* drain_plots - sweep_drain and sweep_fds */
static int drain_plots(const char *dir, const struct sweep *sw, char *note,
                       size_t cap)
{
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
        snprintf(note, cap, "pictures: %s/sweep_{%sdrain,fds}.{png,svg}",
                 dir, sw->decide ? "goal," : "");
    return rc;
}
