/*
 * sim_plot.c - pictures of a run, drawn by the gnuplot scripts in plots/.
 *
 *	sim_plot(dir, sc, r, note, cap)	run each script on dir's CSV files;
 *					0 drawn, 1 gnuplot missing, -1 failed
 *	sim_plot_script(name, vars, log, note, cap)
 *					run one script plots/NAME.gp with the
 *					gnuplot assignments vars (plotdir is
 *					added); same answers (compare, sweep)
 *	sim_plot_scripts(names, n, vars, dir, note, cap)
 *					each of n scripts so, gnuplot's words
 *					in dir/gnuplot.log; on 0 note is the
 *					caller's to write
 *
 * The scripts are found through $QCHAN_PLOTS, then plots/ beside the
 * source tree the program was built in (walking up from the executable),
 * then ./plots.  gnuplot's own messages go to dir/gnuplot.log.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path.h"
#include "sim.h"

static const char *const scripts[] = {"throughput", "inflight", "queue",
                                      "fds"};

/* has_common - dir holds common.gp */
static int has_common(const char *dir)
{
    char buf[4200];
    snprintf(buf, sizeof buf, "%.4000s/common.gp", dir);
    return access(buf, R_OK) == 0;
}

/* find_plots - the directory of the scripts */
static int find_plots(char *out, size_t cap)
{
    const char *env = getenv("QCHAN_PLOTS");
    if (env && has_common(env)) {
        snprintf(out, cap, "%s", env);
        return 0;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 6; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            char cand[4096];
            snprintf(cand, sizeof cand, "%.4000s/plots", exe);
            if (has_common(cand)) {
                snprintf(out, cap, "%s", cand);
                return 0;
            }
        }
    }
    if (has_common("plots")) {
        snprintf(out, cap, "plots");
        return 0;
    }
    return -1;
}

/* run_script - gnuplot -e VARS SCRIPT, output to log */
static int run_script(const char *vars, const char *script, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* sim_plot - every picture */
int sim_plot(const char *dir, const struct sim_scn *sc,
             const struct sim_result *r, char *note, size_t cap)
{
    if (!path_has_program("gnuplot")) {
        snprintf(note, cap, "no pictures: gnuplot is not installed "
                 "(apt-get install gnuplot-nox)");
        return 1;
    }
    char plots[4096];
    if (find_plots(plots, sizeof plots) < 0) {
        snprintf(note, cap, "no pictures: the gnuplot scripts (plots/) were "
                 "not found; set QCHAN_PLOTS to their directory");
        return -1;
    }
    if (strchr(dir, '"') || strchr(plots, '"') || strchr(sc->name, '"')) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        return -1;
    }
    char channels[QC_MAX_CHANNELS * QC_CHAN_NAME_MAX];
    channels[0] = '\0';
    for (int c = 0; c < r->nchan; c++) {
        if (c)
            strcat(channels, " ");
        strcat(channels, r->chans[c].name);
    }
    size_t vcap = strlen(dir) + strlen(plots) + strlen(sc->name) +
                  sizeof channels + 512;
    char *vars = malloc(vcap);
    if (!vars)
        return -1;
    snprintf(vars, vcap, "datadir=\"%s\"; plotdir=\"%s\"; scenario=\"%s\"; "
             "variant=\"\"; channels=\"%s\"; nproc=%d; fdsetsize=%llu; "
             "nofile=%llu", dir, plots, sc->name, channels, r->nchan + 4,
             sc->lim.fd_setsize, sc->lim.nofile);
    char log[4200];
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    unlink(log);
    int rc = 0;
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        char script[4200];
        snprintf(script, sizeof script, "%.4000s/%s.gp", plots, scripts[i]);
        if (run_script(vars, script, log) < 0)
            rc = -1;
    }
    free(vars);
    if (rc < 0)
        snprintf(note, cap, "gnuplot failed on some pictures: see %s", log);
    else
        snprintf(note, cap, "pictures: %s/{throughput,inflight,queue,fds}"
                 ".{png,svg}", dir);
    return rc;
}

/* sim_plot_script - one script with the caller's variables */
int sim_plot_script(const char *name, const char *vars, const char *log,
                    char *note, size_t cap)
{
    if (!path_has_program("gnuplot")) {
        snprintf(note, cap, "no pictures: gnuplot is not installed "
                 "(apt-get install gnuplot-nox)");
        return 1;
    }
    char plots[4096];
    if (find_plots(plots, sizeof plots) < 0) {
        snprintf(note, cap, "no pictures: the gnuplot scripts (plots/) were "
                 "not found; set QCHAN_PLOTS to their directory");
        return -1;
    }
    if (strchr(plots, '"')) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        return -1;
    }
    size_t vcap = strlen(vars) + strlen(plots) + 32;
    char *all = malloc(vcap);
    if (!all)
        return -1;
    snprintf(all, vcap, "plotdir=\"%s\"; %s", plots, vars);
    char script[4200];
    snprintf(script, sizeof script, "%.4000s/%s.gp", plots, name);
    int rc = run_script(all, script, log);
    free(all);
    if (rc < 0)
        snprintf(note, cap, "gnuplot failed on %s: see %s", name, log);
    else
        note[0] = '\0';
    return rc;
}

/* sim_plot_scripts - run every script; 1 gnuplot missing, -1 if one or
 * more failed (note says where to look), 0 all drawn */
int sim_plot_scripts(const char *const *names, size_t n, const char *vars,
                     const char *dir, char *note, size_t cap)
{
    char log[4200];
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    remove(log);
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        int r = sim_plot_script(names[k], vars, log, note, cap);
        if (r == 1)
            return 1;
        if (r < 0)
            rc = -1;
    }
    if (rc < 0)
        snprintf(note, cap, "gnuplot failed on some pictures: see %s", log);
    return rc;
}
