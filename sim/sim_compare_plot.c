/*
 * sim_compare_plot.c - overlay pictures of a comparison.
 *
 *	sim_compare_plot(dir, scn, clock, vars, res, nvar, note, cap)
 *
 * plots/compare_{throughput,queue,inflight}.gp draw one line per channel
 * and variant from dir/<label>/series.csv: the channel gives the colour
 * (the palette of every other picture), the variant the dash pattern.
 * Only channels that carried mail in some variant are drawn.  A replay's
 * pictures show its log's clock and window, as qchan run's do (clock:
 * sim_plot_clock's assignments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_compare.h"

static const char *const scripts[] = {"compare_throughput", "compare_queue",
                                      "compare_inflight"};

/* tame - a label safe inside a gnuplot double-quoted string */
static void tame(char *s)
{
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            *s = '\'';
}

/* sim_compare_plot - the overlay pictures */
int sim_compare_plot(const char *dir, const char *scenario,
                     const char *clock, const struct sim_cmp_variant *vars,
                     const struct sim_sweep_res *res, size_t nvar,
                     char *note, size_t cap)
{
    if (strchr(dir, '"') || strchr(scenario, '"')) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        return -1;
    }
    size_t vcap = 8192 + strlen(dir) + nvar * 1200;
    char *v = malloc(vcap);
    if (!v)
        return -1;
    int nchan = res[0].nchan;
    size_t len = (size_t)snprintf(v, vcap, "datadir=\"%s\"; scenario=\"%s\"; "
                                  "variant=\"\"; nvar=%zu; channels=\"", dir,
                                  scenario, nvar);
    for (int c = 0; c < nchan; c++)
        len += (size_t)snprintf(v + len, vcap - len, "%s%s", c ? " " : "",
                                res[0].chans[c].name);
    len += (size_t)snprintf(v + len, vcap - len, "\"; used=\"");
    int first = 1;
    for (int c = 0; c < nchan; c++) {
        int used = 0;
        for (size_t i = 0; i < nvar; i++)
            if (res[i].chans[c].attempts)
                used = 1;
        if (used) {
            len += (size_t)snprintf(v + len, vcap - len, "%s%d",
                                    first ? "" : " ", c + 1);
            first = 0;
        }
    }
    len += (size_t)snprintf(v + len, vcap - len, "\"%s%s", *clock ? "; " : "",
                            clock);
    for (size_t i = 0; i < nvar; i++) {
        char desc[1024];
        sim_compare_desc(&vars[i], desc, sizeof desc);
        tame(desc);
        len += (size_t)snprintf(v + len, vcap - len, "; dir%zu=\"%s\"; "
                                "label%zu=\"%s: %.900s\"", i + 1,
                                vars[i].label, i + 1, vars[i].label, desc);
    }
    int rc = sim_plot_scripts(scripts, sizeof scripts / sizeof scripts[0],
                              v, dir, note, cap);
    free(v);
    if (rc == 0)
        snprintf(note, cap, "pictures: %s/compare_{throughput,queue,inflight}"
                 ".{png,svg}", dir);
    return rc;
}
