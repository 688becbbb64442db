/*
 * sweep_jobs.c - a sweep's runs as jobs; see sweep_jobs.h.
 *
 * The emitted directory is self-contained: the scenario is copied with
 * its replay and carried files and control directories (those lines
 * rewritten to the copies), the sweep's own options are kept in
 * sweep.args, and every line of jobs.txt names the directory by its
 * absolute path, so a line runs from any working directory and on any
 * host that sees the directory.  The program is named by its absolute
 * path too, or by $QCHAN where it lives elsewhere.  The scheduler (GNU
 * parallel, Slurm) is the user's: nothing here waits for or orders the
 * jobs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "sweep_jobs.h"

#define MAX_INPUTS 64

/* sweep_jobs_make - one job per point and replication */
int sweep_jobs_make(const struct sweep_opts *o, const struct sweep *sw,
                    struct sweep_run *run)
{
    size_t per = o->nsets + sw->naxes;
    run->n = sw->n * sw->reps;
    run->reps = sw->reps;
    run->jobs = calloc(run->n, sizeof *run->jobs);
    run->res = calloc(run->n, sizeof *run->res);
    run->sets = calloc(per * sw->n + 1, sizeof *run->sets);
    run->setbuf = calloc(sw->n * sw->naxes + 1, 200);
    run->desc = calloc(sw->n, sizeof *run->desc);
    if (!run->jobs || !run->res || !run->sets || !run->setbuf ||
        !run->desc) {
        fprintf(stderr, "qchan sweep: out of memory\n");
        return -1;
    }
    for (size_t v = 0; v < sw->n; v++) {
        char **s = run->sets + v * per;
        for (size_t k = 0; k < o->nsets; k++)
            s[k] = o->sets[k];
        for (size_t k = 0; k < sw->naxes; k++) {
            s[o->nsets + k] = run->setbuf + (v * sw->naxes + k) * 200;
            snprintf(s[o->nsets + k], 200, "%s=%s", sw->ax[k].name,
                     sw->ax[k].text[sw->pts[v].idx[k]]);
        }
        sweep_settings(sw, v, run->desc[v], sizeof run->desc[v]);
        for (unsigned k = 0; k < sw->reps; k++) {
            struct sim_sweep_job *j = &run->jobs[v * sw->reps + k];
            j->scenario = o->scn;
            j->sets = s;
            j->nsets = per;
            j->has_seed = 1;
            j->seed = sw->seed0 + k;
        }
    }
    return 0;
}

/* sweep_jobs_free - what sweep_jobs_make allocated */
void sweep_jobs_free(struct sweep_run *run)
{
    free(run->jobs);
    free(run->res);
    free(run->sets);
    free(run->setbuf);
    free(run->desc);
    memset(run, 0, sizeof *run);
}

/* copy_file - src to dst, byte for byte */
static int copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb");
    if (!in) {
        fprintf(stderr, "qchan sweep: cannot read %s: %s\n", src,
                strerror(errno));
        return -1;
    }
    FILE *out = fopen(dst, "wb");
    if (!out) {
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", dst,
                strerror(errno));
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, got, out) != got)
            break;
    int bad = ferror(in) || ferror(out);
    fclose(in);
    if (fclose(out) != 0 || bad) {
        fprintf(stderr, "qchan sweep: error copying %s to %s\n", src, dst);
        return -1;
    }
    return 0;
}

/* copy_dir - the regular files of a control directory */
static int copy_dir(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (!d) {
        fprintf(stderr, "qchan sweep: cannot read %s: %s\n", src,
                strerror(errno));
        return -1;
    }
    if (path_mkdirs(dst) < 0) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", dst,
                strerror(errno));
        closedir(d);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        char from[8400], to[8400];
        struct stat st;
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        if (stat(from, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        rc = copy_file(from, to);
    }
    closedir(d);
    return rc;
}

/* base_name - the last part of a path */
static const char *base_name(const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    const char *s = p + n;
    while (s > p && s[-1] != '/')
        s--;
    return s;
}

/* copy_scenario - the scenario into dir/input, its inputs into
 * dir/input/files, the lines naming them rewritten */
static int copy_scenario(const char *dir, const char *scn)
{
    static struct sim_scn_input in[MAX_INPUTS];
    size_t n;
    struct sim_err err;
    if (sim_scn_inputs(scn, in, MAX_INPUTS, &n, &err) < 0) {
        fprintf(stderr, "qchan sweep: %s\n", err.msg);
        return -1;
    }
    char path[8400], name[300];
    snprintf(path, sizeof path, "%s/input/files", dir);
    if (path_mkdirs(path) < 0) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/input/files/%zu-%.200s", dir, i,
                 base_name(in[i].word));
        if ((in[i].is_dir ? copy_dir(in[i].path, path)
                          : copy_file(in[i].path, path)) < 0)
            return -1;
    }
    FILE *src = fopen(scn, "r");
    snprintf(path, sizeof path, "%s/input/%.250s", dir, base_name(scn));
    FILE *dst = src ? fopen(path, "w") : NULL;
    if (!src || !dst) {
        fprintf(stderr, "qchan sweep: cannot copy %s to %s: %s\n", scn, path,
                strerror(errno));
        if (src)
            fclose(src);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned no = 0;
    while (getline(&line, &cap, src) >= 0) {
        no++;
        size_t i = 0;
        while (i < n && in[i].line != no)
            i++;
        if (i == n) {
            fputs(line, dst);
            continue;
        }
        snprintf(name, sizeof name, "%zu-%.200s", i, base_name(in[i].word));
        fprintf(dst, "%s files/%s\n", in[i].keyword, name);
    }
    free(line);
    int bad = ferror(src) || ferror(dst);
    fclose(src);
    if (fclose(dst) != 0 || bad) {
        fprintf(stderr, "qchan sweep: error copying %s\n", scn);
        return -1;
    }
    return 0;
}

/* write_args - the sweep's options, one a line, the scenario as its copy
 * and the first seed written out (the copy must not decide it anew) */
static int write_args(const char *dir, const struct sweep_opts *o,
                      const struct sweep *sw)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/sweep.args", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    fprintf(f, "input/%s\n", base_name(o->scn));
    for (size_t k = 0; k < o->naxes; k++)
        fprintf(f, "%s\n", o->axes[k]);
    for (size_t k = 0; k < o->nsets; k++)
        fprintf(f, "--set\n%s\n", o->sets[k]);
    for (size_t g = 0; g < o->ngoals; g++)
        fprintf(f, "--goal\n%s\n", o->goals[g]);
    if (o->minimize)
        fprintf(f, "--minimize\n%s\n", o->minimize);
    if (o->chan)
        fprintf(f, "--channel\n%s\n", o->chan);
    fprintf(f, "--replications\n%u\n--seed\n%llu\n--within\n%.17g\n",
            sw->reps, (unsigned long long)sw->seed0, o->within * 100);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "qchan sweep: error writing %s\n", path);
        return -1;
    }
    return 0;
}

/* safe_word - a path the shell takes as it is, unquoted */
static int safe_word(const char *s)
{
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789/._+-=:,@", *s))
            return 0;
    return 1;
}

/* write_jobs - jobs.txt and slurm.sh */
static int write_jobs(const char *dir, const struct sweep *sw,
                      const struct sweep_run *run, const char *self)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/jobs.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < run->n; i++)
        fprintf(f, "\"${QCHAN:-%s}\" sweep --job-dir %s --job %zu  # %s "
                "seed %llu\n", self, dir, i, run->desc[i / sw->reps],
                (unsigned long long)run->jobs[i].seed);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "qchan sweep: error writing %s\n", path);
        return -1;
    }
    snprintf(path, sizeof path, "%s/slurm.sh", dir);
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    fprintf(f, "#!/bin/sh\n"
            "# qchan sweep of %s as a Slurm job array: one task a line of\n"
            "# jobs.txt, SLURM_ARRAY_TASK_ID (from 0) selects the line.\n"
            "#   sbatch --array=0-%zu %s/slurm.sh\n"
            "# then: qchan sweep --collect %s\n"
            "#SBATCH --job-name=qchan-sweep\n"
            "#SBATCH --array=0-%zu\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --output=%s/results/slurm-%%A_%%a.out\n"
            "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" %s/jobs.txt)\n"
            "if [ -z \"$line\" ]; then\n"
            "  echo \"slurm.sh: no line $SLURM_ARRAY_TASK_ID in "
            "%s/jobs.txt\" >&2\n"
            "  exit 2\n"
            "fi\n"
            "exec /bin/sh -c \"$line\"\n", sw->scenario, run->n - 1, dir,
            dir, run->n - 1, dir, dir, dir);
    bad = ferror(f);
    if (fclose(f) != 0 || bad || chmod(path, 0755) < 0) {
        fprintf(stderr, "qchan sweep: error writing %s\n", path);
        return -1;
    }
    return 0;
}

/* sweep_jobs_emit - the sweep as jobs in dir */
int sweep_jobs_emit(const char *dir, const struct sweep_opts *o,
                    const struct sweep *sw, const struct sweep_run *run)
{
    char abs[PATH_MAX], self[PATH_MAX], path[PATH_MAX + 64];
    for (size_t k = 0; k < o->naxes + o->nsets + o->ngoals + 2; k++) {
        const char *a = k < o->naxes ? o->axes[k]
                        : k < o->naxes + o->nsets ? o->sets[k - o->naxes]
                        : k < o->naxes + o->nsets + o->ngoals
                            ? o->goals[k - o->naxes - o->nsets]
                        : k == o->naxes + o->nsets + o->ngoals ? o->minimize
                                                               : o->chan;
        if (a && strchr(a, '\n')) {
            fprintf(stderr, "qchan sweep: --emit: an option holds a newline\n");
            return -1;
        }
    }
    if (path_mkdirs(dir) < 0 || !realpath(dir, abs)) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        fprintf(stderr, "qchan sweep: cannot find this program's path: %s\n",
                strerror(errno));
        return -1;
    }
    self[sl] = '\0';
    if (!safe_word(abs) || !safe_word(self)) {
        fprintf(stderr, "qchan sweep: --emit: %s or %s has characters the "
                "job lines cannot carry unquoted\n", abs, self);
        return -1;
    }
    snprintf(path, sizeof path, "%s/results", abs);
    if (path_mkdirs(path) < 0) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    if (copy_scenario(abs, o->scn) < 0 || write_args(abs, o, sw) < 0 ||
        write_jobs(abs, sw, run, self) < 0)
        return -1;
    printf("qchan sweep: %zu jobs (%zu points x %u replications) in %s\n"
           "  run them:  parallel -j N < %s/jobs.txt\n"
           "         or  sbatch --array=0-%zu %s/slurm.sh\n"
           "  then:      qchan sweep --collect %s\n", run->n, sw->n,
           sw->reps, abs, abs, run->n - 1, abs, abs);
    return 0;
}

/* done_text - what results/K/done says: the run's settings and seed */
static void done_text(const struct sweep_run *run, size_t k, char *buf,
                      size_t cap)
{
    snprintf(buf, cap, "%s seed %llu\n", run->desc[k / run->reps],
             (unsigned long long)run->jobs[k].seed);
}

/* sweep_jobs_run_one - line k */
int sweep_jobs_run_one(const char *dir, struct sweep_run *run, long k)
{
    if (k < 0 || (size_t)k >= run->n) {
        fprintf(stderr, "qchan sweep: --job %ld: %s has lines 0 to %zu\n", k,
                dir, run->n - 1);
        return 2;
    }
    char out[8400], path[8500], tmp[8500], text[400];
    snprintf(out, sizeof out, "%s/results/%ld", dir, k);
    snprintf(path, sizeof path, "%s/done", out);
    unlink(path);
    struct sim_sweep_job job = run->jobs[k];
    job.outdir = out;
    struct sim_sweep_res *res = &run->res[k];
    sim_sweep_run(&job, res);
    if (res->status) {
        fprintf(stderr, "qchan sweep: job %ld (%s seed %llu): %s\n", k,
                run->desc[(size_t)k / run->reps],
                (unsigned long long)job.seed, res->msg);
        return res->status;
    }
    done_text(run, (size_t)k, text, sizeof text);
    snprintf(tmp, sizeof tmp, "%s/done.tmp", out);
    FILE *f = fopen(tmp, "w");
    int bad = !f || fputs(text, f) < 0;
    if (f)
        bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) < 0) {
        fprintf(stderr, "qchan sweep: cannot write %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    return 0;
}

/* read_done - results/K/done holds what this sweep's line K is */
static int read_done(const char *path, const char *want)
{
    char buf[400];
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    return strcmp(buf, want) == 0;
}

/* sweep_jobs_read - every line's result */
int sweep_jobs_read(const char *dir, struct sweep_run *run, int partial)
{
    size_t missing = 0, have = 0;
    char path[8500], want[400], err[1200];
    for (size_t k = 0; k < run->n; k++) {
        struct sim_sweep_res *res = &run->res[k];
        done_text(run, k, want, sizeof want);
        snprintf(path, sizeof path, "%s/results/%zu/done", dir, k);
        const char *why = NULL;
        if (access(path, F_OK) < 0) {
            why = "missing (no results/N/done: not run, or not finished)";
        } else if (!read_done(path, want)) {
            why = "from another sweep (results/N/done names other "
                  "settings)";
        } else {
            snprintf(path, sizeof path, "%s/results/%zu/summary.json", dir,
                     k);
            if (sim_sweep_read(path, res, err, sizeof err) < 0)
                why = err;
        }
        if (why) {
            memset(res, 0, sizeof *res);
            res->status = 4;
            snprintf(res->msg, sizeof res->msg, "%s", why);
            if (missing++ < 50)
                fprintf(stderr, "qchan sweep: line %zu (%s seed %llu): %s\n",
                        k, run->desc[k / run->reps],
                        (unsigned long long)run->jobs[k].seed, why);
            continue;
        }
        res->seed = run->jobs[k].seed;
        if (have++ == 0)
            run->first = k;
    }
    if (missing > 50)
        fprintf(stderr, "qchan sweep: ... and %zu more\n", missing - 50);
    if (missing && (!partial || !have)) {
        fprintf(stderr, "qchan sweep: %zu of %zu jobs have no result; rerun "
                "those lines of %s/jobs.txt%s\n", missing, run->n, dir,
                have ? ", or report without them (--partial)" : "");
        return -1;
    }
    /* a missing run keeps the first run's names, no numbers */
    for (size_t k = 0; k < run->n; k++)
        if (run->res[k].status == 4) {
            const struct sim_sweep_res *t = &run->res[run->first];
            struct sim_sweep_res *r = &run->res[k];
            r->nchan = t->nchan;
            r->nprocs = t->nprocs;
            for (int c = 0; c < t->nchan; c++) {
                snprintf(r->chans[c].name, sizeof r->chans[c].name, "%s",
                         t->chans[c].name);
                r->chans[c].p50 = r->chans[c].p95 = r->chans[c].p99 = -1;
            }
            for (size_t p = 0; p < t->nprocs; p++) {
                snprintf(r->procs[p].name, sizeof r->procs[p].name, "%s",
                         t->procs[p].name);
                r->procs[p].fd_limit = t->procs[p].fd_limit;
            }
        }
    run->nchan = run->res[run->first].nchan;
    return 0;
}

/* sweep_jobs_load_args - dir/sweep.args as an argv */
int sweep_jobs_load_args(const char *dir, struct sweep_saved *saved)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/sweep.args", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "qchan sweep: %s: %s (not a directory written by "
                "qchan sweep --emit?)\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 0, len = 0;
    char *buf = NULL, chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *nb = len + got + 1 > cap ? realloc(buf, cap = 2 * (len + got + 1))
                                       : buf;
        if (!nb) {
            free(buf);
            fclose(f);
            return -1;
        }
        buf = nb;
        memcpy(buf + len, chunk, got);
        len += got;
    }
    fclose(f);
    if (!buf || len == 0 || buf[len - 1] != '\n') {
        fprintf(stderr, "qchan sweep: %s: empty or cut short\n", path);
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    saved->argv = calloc(lines + 2, sizeof *saved->argv);
    if (!saved->argv) {
        free(buf);
        return -1;
    }
    saved->buf = buf;
    saved->argv[0] = "sweep";
    saved->argc = 1;
    for (char *p = buf; *p;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        saved->argv[saved->argc++] = p;
        p = nl + 1;
    }
    /* the scenario (the first line) is under dir */
    snprintf(saved->scn, sizeof saved->scn, "%s/%s", dir, saved->argv[1]);
    saved->argv[1] = saved->scn;
    return 0;
}

/* sweep_jobs_free_args - what sweep_jobs_load_args allocated */
void sweep_jobs_free_args(struct sweep_saved *saved)
{
    free(saved->argv);
    free(saved->buf);
    memset(saved, 0, sizeof *saved);
}
