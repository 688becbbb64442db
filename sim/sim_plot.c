/*
 * sim_plot.c - pictures of a run, drawn by the gnuplot scripts in plots/.
 *
 *	sim_plot_start(p, dir)		gnuplot processes started before a
 *					run, ready when its data is
 *	sim_plot(dir, sc, r, p, note, cap)
 *					the run's pictures from dir's CSV
 *					files (with p's processes, or new
 *					ones when p is NULL or empty); 0
 *					drawn, 1 gnuplot missing, -1 failed
 *					(note says why)
 *	sim_plot_clock(sc, buf, cap)	the gnuplot assignments (origin,
 *					window_from, window_to) that put a
 *					replay's pictures on its log's clock;
 *					"" for a scenario without one
 *	sim_plot_scripts(names, n, vars, dir, note, cap)
 *					plots/NAME.gp for each of n names
 *					with the gnuplot assignments vars
 *					(compare, sweep); same answers, on 0
 *					note is the caller's to write
 *
 * The pictures are drawn at once by a few gnuplot processes (as many as
 * there are processors, at most four), each fed its scripts through a
 * pipe; qchan run starts them before the simulation, so that starting
 * gnuplot and loading its fonts happens on the other processors while
 * it runs.  Drawing is most of what a big run costs after its
 * simulation: a process per picture, one after another, took twice the
 * run itself.
 * A series longer than a picture can show (SIM_PLOT_SAMPLES samples, about
 * a pixel each) is handed to gnuplot reduced, in a file of the output
 * directory removed after drawing (.series-plot.csv, .fds-plot.csv): counts
 * summed over the samples merged, levels (in flight, queued, descriptors)
 * their maximum, so no peak is lost; the CSV files keep every sample.
 *
 * The scripts are found through $QCHAN_PLOTS, then plots/ beside the
 * source tree the program was built in (walking up from the executable),
 * then ./plots.  gnuplot's own messages go to dir/gnuplot.log.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path.h"
#include "sim.h"

/* samples of a series a picture gets: the plot area is about 800 pixels
 * wide in the 1100-pixel pictures */
#define SIM_PLOT_SAMPLES 800
#define SIM_PLOT_COLS 32

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

/* gp_open - start gnuplot with its output appended to log */
static int gp_open(struct sim_gp *g, const char *log)
{
    int fd[2];
    if (pipe(fd) < 0)
        return -1;
    /* the write end must not leak into the next gnuplot started, or this
     * one never sees the end of its commands */
    fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    g->pid = fork();
    if (g->pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (g->pid == 0) {
        int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd[0], 0);
        if (lfd >= 0) {
            dup2(lfd, 1);
            dup2(lfd, 2);
            close(lfd);
        }
        close(fd[0]);
        close(fd[1]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    g->in = fdopen(fd[1], "w");
    if (!g->in) {
        close(fd[1]);
        waitpid(g->pid, NULL, 0);
        return -1;
    }
    return 0;
}

/* gp_close - end of commands; 0 when gnuplot drew everything without an
 * error (it exits non-zero after one) */
static int gp_close(struct sim_gp *g)
{
    int bad = fclose(g->in) != 0;
    int st;
    if (waitpid(g->pid, &st, 0) < 0)
        return -1;
    return !bad && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* read_file - the whole file, NUL-terminated; NULL if unreadable */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* split_row - the comma-separated fields of one line (cut in place) */
static int split_row(char *line, char **field, int max)
{
    int n = 0;
    while (n < max) {
        field[n++] = line;
        char *comma = strchr(line, ',');
        if (!comma)
            break;
        *comma = '\0';
        line = comma + 1;
    }
    return n;
}

/* put_reduced - the CSV file at path reduced into the file at to, every
 * k samples of `per` rows merged into one when it has more than
 * SIM_PLOT_SAMPLES: per column rule 's' sums, 'm' keeps the maximum,
 * anything else (and a column past the rules) the last sample's text.
 * 1 written, 0 short enough to be drawn as it is (nothing written), -1
 * unreadable or unwritable.  (A file: gnuplot reads a datablock of the
 * same rows several times slower.) */
static int put_reduced(const char *to, const char *path, size_t per,
                       const char *rules)
{
    size_t len;
    char *buf = read_file(path, &len);
    if (!buf)
        return -1;
    size_t rows = 0;
    for (char *p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        rows++;
    size_t samples = per ? rows / per : 0;
    if (samples <= SIM_PLOT_SAMPLES) {
        free(buf);
        return 0;
    }
    size_t k = (samples + SIM_PLOT_SAMPLES - 1) / SIM_PLOT_SAMPLES;
    FILE *out = fopen(to, "w");
    if (!out) {
        free(buf);
        return -1;
    }
    char *line = buf, *next = strchr(line, '\n');
    *next = '\0';
    fprintf(out, "%s\n", line);                        /* the header */
    size_t nrule = strlen(rules);
    double (*acc)[SIM_PLOT_COLS] = calloc(per, sizeof *acc);
    char *(*last)[SIM_PLOT_COLS] = calloc(per, sizeof *last);
    int *ncol = calloc(per, sizeof *ncol);
    if (!acc || !last || !ncol) {
        free(acc), free(last), free(ncol), free(buf);
        fclose(out);
        return -1;
    }
    size_t row = 0;
    for (line = next + 1; *line; line = next + 1, row++) {
        next = strchr(line, '\n');
        if (!next)
            next = line + strlen(line) - 1;   /* no newline at the end */
        else
            *next = '\0';
        size_t j = row % per, s = row / per;
        ncol[j] = split_row(line, last[j], SIM_PLOT_COLS);
        for (int c = 0; c < ncol[j]; c++) {
            double v = strtod(last[j][c], NULL);
            char rule = (size_t)c < nrule ? rules[c] : 'l';
            if (s % k == 0)
                acc[j][c] = v;
            else if (rule == 's')
                acc[j][c] += v;
            else if (rule == 'm' && v > acc[j][c])
                acc[j][c] = v;
        }
        if (s % k != k - 1 && s != samples - 1)
            continue;
        for (int c = 0; c < ncol[j]; c++) {
            char rule = (size_t)c < nrule ? rules[c] : 'l';
            if (c)
                fputc(',', out);
            if (rule == 's' || rule == 'm')
                fprintf(out, "%.15g", acc[j][c]);
            else
                fputs(last[j][c], out);
        }
        fputc('\n', out);
        if (row + 1 >= samples * per)
            break;
    }
    free(acc), free(last), free(ncol), free(buf);
    return fclose(out) == 0 ? 1 : -1;
}

/* nprocs - how many gnuplot processes draw n pictures */
static size_t nprocs(size_t n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t np = cpus > 0 ? (size_t)cpus : 1;
    if (np > SIM_PLOT_PROCS)
        np = SIM_PLOT_PROCS;
    return np > n ? n : np;
}

/* plotter_open - up to np gnuplot processes writing to log; p->n says
 * how many started */
static void plotter_open(struct sim_plotter *p, size_t np, const char *log)
{
    for (p->n = 0; p->n < np; p->n++)
        if (gp_open(&p->gp[p->n], log) < 0)
            break;
}

/* plot_batch - the scripts, shared out over the plotter's processes (or
 * new ones), which draw at once; each reads head (the variables) and its
 * scripts.  0 all drawn, -1 one or more failed */
static int plot_batch(struct sim_plotter *p, const char *plots,
                      const char *const *names, size_t n, const char *head,
                      size_t headlen, const char *log)
{
    struct sim_plotter own = {0};
    if (!p || !p->n) {
        p = &own;
        plotter_open(p, nprocs(n), log);
    }
    /* a gnuplot that dies early must not take qchan with it */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    for (size_t k = 0; k < p->n; k++) {
        fwrite(head, 1, headlen, p->gp[k].in);
        for (size_t j = k; j < n; j += p->n)
            fprintf(p->gp[k].in, "reset\nload \"%s/%s.gp\"\n", plots,
                    names[j]);
    }
    int rc = p->n ? 0 : -1;
    for (size_t k = 0; k < p->n; k++)
        if (gp_close(&p->gp[k]) < 0)
            rc = -1;
    p->n = 0;
    sigaction(SIGPIPE, &old, NULL);
    return rc;
}

/* sim_plot_start - gnuplot processes for the run's pictures, started now
 * and made to load their terminals' fonts while the simulation runs (on
 * the other processors); none when gnuplot or the scripts are missing */
void sim_plot_start(struct sim_plotter *p, const char *dir)
{
    char plots[4096], log[4200];
    p->n = 0;
    if (!path_has_program("gnuplot") || find_plots(plots, sizeof plots) < 0)
        return;
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    unlink(log);
    plotter_open(p, nprocs(sizeof scripts / sizeof scripts[0]), log);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    for (size_t k = 0; k < p->n; k++) {
        fputs("set terminal pngcairo font \",10\"\nset output \"/dev/null\"\n"
              "plot x notitle\nset output\n", p->gp[k].in);
        fflush(p->gp[k].in);
    }
    sigaction(SIGPIPE, &old, NULL);
}

/* script_dir - the scripts' directory, or a note saying why not */
static int script_dir(char *plots, size_t pcap, char *note, size_t cap)
{
    if (!path_has_program("gnuplot")) {
        snprintf(note, cap, "no pictures: gnuplot is not installed "
                 "(apt-get install gnuplot-nox)");
        return 1;
    }
    if (find_plots(plots, pcap) < 0) {
        snprintf(note, cap, "no pictures: the gnuplot scripts (plots/) were "
                 "not found; set QCHAN_PLOTS to their directory");
        return -1;
    }
    if (strchr(plots, '"')) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        return -1;
    }
    return 0;
}

/* sim_plot_clock - the gnuplot assignments of sc's clock line */
void sim_plot_clock(const struct sim_scn *sc, char *buf, size_t cap)
{
    int n = 0;
    buf[0] = '\0';
    if (sc->clock_origin)
        n = snprintf(buf, cap, "origin=%lld", sc->clock_origin);
    if (sc->has_window && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n,
                 "; window_from=%.6f; window_to=%.6f",
                 (double)sc->window_from / QC_SEC,
                 (double)sc->window_to / QC_SEC);
}

/* sim_plot - every picture of a run */
int sim_plot(const char *dir, const struct sim_scn *sc,
             const struct sim_result *r, struct sim_plotter *p, char *note,
             size_t cap)
{
    char plots[4096];
    int rc = script_dir(plots, sizeof plots, note, cap);
    if (!rc && (strchr(dir, '"') || strchr(sc->name, '"'))) {
        snprintf(note, cap, "no pictures: a path contains '\"'");
        rc = -1;
    }
    if (rc) {
        if (p)
            for (; p->n > 0; p->n--)
                gp_close(&p->gp[p->n - 1]);
        return rc;
    }
    char *head = NULL;
    size_t headlen = 0;
    FILE *h = open_memstream(&head, &headlen);
    if (!h)
        return -1;
    fprintf(h, "plotdir=\"%s\"; datadir=\"%s\"; scenario=\"%s\"; "
            "variant=\"\"; channels=\"", plots, dir, sc->name);
    for (int c = 0; c < r->nchan; c++)
        fprintf(h, "%s%s", c ? " " : "", r->chans[c].name);
    fprintf(h, "\"; nproc=%d; fdsetsize=%llu; nofile=%llu\n", r->nchan + 4,
            sc->lim.fd_setsize, sc->lim.nofile);
    char clock[SIM_PLOT_CLOCK_CAP];
    sim_plot_clock(sc, clock, sizeof clock);
    fprintf(h, "%s\n", clock);
    char path[4200], series[4200], fds[4200];
    snprintf(path, sizeof path, "%.4000s/series.csv", dir);
    snprintf(series, sizeof series, "%.4000s/.series-plot.csv", dir);
    int rs = put_reduced(series, path, (size_t)r->nchan, "llsssmlmmms");
    if (rs > 0)
        fprintf(h, "series = \"%s\"\n", series);
    snprintf(path, sizeof path, "%.4000s/fds.csv", dir);
    snprintf(fds, sizeof fds, "%.4000s/.fds-plot.csv", dir);
    int rf = put_reduced(fds, path, (size_t)r->nchan + 4, "llmml");
    if (rf > 0)
        fprintf(h, "fdsdata = \"%s\"\n", fds);
    if (fclose(h) != 0) {
        free(head);
        return -1;
    }
    char log[4200];
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    if (!p || !p->n)
        unlink(log);
    rc = plot_batch(p, plots, scripts, sizeof scripts / sizeof scripts[0],
                    head, headlen, log);
    free(head);
    if (rs > 0)
        unlink(series);
    if (rf > 0)
        unlink(fds);
    if (rc < 0)
        snprintf(note, cap, "gnuplot failed on some pictures: see %s", log);
    else
        snprintf(note, cap, "pictures: %s/{throughput,inflight,queue,fds}"
                 ".{png,svg}", dir);
    return rc;
}

/* sim_plot_scripts - each script with the caller's variables */
int sim_plot_scripts(const char *const *names, size_t n, const char *vars,
                     const char *dir, char *note, size_t cap)
{
    char plots[4096];
    int rc = script_dir(plots, sizeof plots, note, cap);
    if (rc)
        return rc;
    char log[4200];
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    remove(log);
    size_t hcap = strlen(vars) + strlen(plots) + 32;
    char *head = malloc(hcap);
    if (!head)
        return -1;
    int hl = snprintf(head, hcap, "plotdir=\"%s\"; %s\n", plots, vars);
    rc = plot_batch(NULL, plots, names, n, head, (size_t)hl, log);
    free(head);
    if (rc < 0)
        snprintf(note, cap, "gnuplot failed on some pictures: see %s", log);
    else
        note[0] = '\0';
    return rc;
}
