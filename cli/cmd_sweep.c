/*
 * cmd_sweep.c - `qchan sweep`: one setting over a range of values.
 *
 *	qchan sweep SCENARIO NAME=FROM:TO:STEP [--replications R]
 *		[--set NAME=VALUE]... [--seed N] [--channel CHAN]
 *		[--within PCT] [--out DIR] [--jobs N] [--no-plots]
 *
 * Runs the scenario for every value FROM, FROM+STEP, ... up to TO, R
 * times each (seeds S, S+1, ... S+R-1, S the scenario's seed or --seed;
 * the same seeds for every value, so values are compared on the same
 * traffic).  The runs go to worker processes, --jobs at once (default:
 * the processors); a progress line goes to standard error.  Prints per
 * value the drain time and the p95 latency of a channel with their 95%
 * confidence intervals, the busiest process's descriptors against its
 * limit and any limit hit; names the smallest value within PCT (5) % of
 * the best drain time that stays inside every limit; writes sweep.json,
 * sweep.csv, sweep_fds.csv and the pictures into DIR (default
 * build/sweep/SCENARIO).  Exit 0, 2 bad input, 3 an invariant broke.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "path.h"
#include "sweep_int.h"

#define MAX_VALUES 1000
#define MAX_REPS 1000

/* usage - the options */
static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: qchan sweep SCENARIO NAME=FROM:TO:STEP [--replications "
            "R]\n"
            "         [--set NAME=VALUE]... [--seed N] [--channel CHAN] "
            "[--within PCT]\n"
            "         [--out DIR] [--jobs N] [--no-plots]\n\n"
            "Runs the scenario for each value of NAME (anything --set "
            "takes), R seeds\neach (default 5), and reports drain time and "
            "p95 latency with 95%% confidence\nintervals, peak descriptors "
            "against the limits and any limit hit; names the\nsmallest "
            "value within PCT%% (default 5) of the best drain time that "
            "stays\ninside every limit.\n\n"
            "  --replications R  seeds per value: S .. S+R-1, S the "
            "scenario's seed or --seed\n"
            "  --set NAME=VALUE  an override for every run\n"
            "  --channel CHAN    whose p95 latency (default: the swept "
            "concurrency's channel,\n"
            "                    else the busiest)\n"
            "  --within PCT      how close to the best drain time (default "
            "5)\n"
            "  --out DIR         where to write (default build/sweep/"
            "SCENARIO)\n"
            "  --jobs N          runs at once (default: the processors)\n"
            "  --no-plots        no pictures\n\n"
            "exit: 0 swept, 2 bad input, 3 a broken invariant in some run\n");
    return rc;
}

/* parse_uint - a whole number up to max */
static int parse_uint(const char *s, unsigned long long max,
                      unsigned long long *v)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    *v = strtoull(s, &end, 10);
    return *end || errno || *v > max ? -1 : 0;
}

/* parse_num - a finite decimal number */
static int parse_num(const char *s, size_t len, double *v)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    return *end || errno || !isfinite(*v) ? -1 : 0;
}

/* whole - x is a whole number */
static int whole(double x)
{
    return fabs(x - (double)llround(x)) < 1e-9;
}

/* parse_range - NAME=FROM:TO:STEP into the sweep and its values */
static int parse_range(const char *arg, struct sweep *sw, char **name)
{
    const char *eq = strchr(arg, '=');
    const char *c1 = eq ? strchr(eq + 1, ':') : NULL;
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double from, to, step;
    if (!eq || eq == arg || !c2 || strchr(c2 + 1, ':') ||
        parse_num(eq + 1, (size_t)(c1 - eq - 1), &from) < 0 ||
        parse_num(c1 + 1, (size_t)(c2 - c1 - 1), &to) < 0 ||
        parse_num(c2 + 1, strlen(c2 + 1), &step) < 0) {
        fprintf(stderr, "qchan sweep: %s: expected NAME=FROM:TO:STEP "
                "(numbers, e.g. concurrencyremote=10:100:10)\n", arg);
        return -1;
    }
    if (step <= 0 || to < from) {
        fprintf(stderr, "qchan sweep: %s: expected FROM <= TO and a STEP "
                "above 0\n", arg);
        return -1;
    }
    double count = floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_VALUES) {
        fprintf(stderr, "qchan sweep: %s: %.0f values; at most %d\n", arg,
                count, MAX_VALUES);
        return -1;
    }
    *name = strndup(arg, (size_t)(eq - arg));
    sw->n = (size_t)count;
    sw->pts = calloc(sw->n, sizeof *sw->pts);
    if (!*name || !sw->pts) {
        fprintf(stderr, "qchan sweep: out of memory\n");
        return -1;
    }
    snprintf(sw->range, sizeof sw->range, "%s", eq + 1);
    int ints = whole(from) && whole(step);
    for (size_t i = 0; i < sw->n; i++) {
        struct sweep_point *pt = &sw->pts[i];
        pt->value = from + (double)i * step;
        if (ints)
            snprintf(pt->text, sizeof pt->text, "%lld", llround(pt->value));
        else
            snprintf(pt->text, sizeof pt->text, "%.9g", pt->value);
    }
    return 0;
}

/* unit_of - the unit of a setting, for the picture's axis */
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

/* chan_index - a channel by name among n, -1 if none */
static int chan_index(const char *name, int n)
{
    char buf[QC_CHAN_NAME_MAX];
    for (int c = 0; c < n; c++)
        if (strcmp(qc_channel_name(c, buf), name) == 0)
            return c;
    return -1;
}

/* progress - the progress line: rewritten in place on a terminal, a
 * line every tenth of the runs in a log */
static void progress(void *ctx, size_t done, size_t n)
{
    (void)ctx;
    if (isatty(2)) {
        fprintf(stderr, "\rqchan sweep: %zu/%zu runs done", done, n);
        if (done == n)
            fputc('\n', stderr);
    } else if (done == n || done * 10 / n != (done - 1) * 10 / n) {
        fprintf(stderr, "qchan sweep: %zu/%zu runs done\n", done, n);
    }
}

struct opts {
    const char *scn, *range, *seed, *chan, *out;
    char **sets;
    size_t nsets;
    unsigned reps;
    double within;
    int jobs, plots;
};

/* check_values - the first and last values load (a bad --set fails here,
 * before any run); learns the seed and the channels */
static int check_values(const struct opts *o, struct sweep *sw,
                        struct sim_sweep_job *job, char **sets, int *nchan)
{
    for (size_t k = 0; k < 2; k++) {
        size_t i = k ? sw->n - 1 : 0;
        snprintf(sets[o->nsets], 128, "%s=%s", sw->name, sw->pts[i].text);
        struct sim_scn sc;
        struct sim_err err;
        int bad = sim_sweep_load(&sc, job, &err) < 0;
        if (!bad) {
            sw->seed0 = sc.seed;
            *nchan = sc.nchan;
        }
        if (sc.path)
            sim_scn_free(&sc);
        if (bad) {
            fprintf(stderr, "qchan sweep: %s\n", err.msg);
            return -1;
        }
    }
    return 0;
}

/* pick_channel - whose latency: --channel, the swept concurrency's
 * channel, else the one with the most deliveries in the first run */
static int pick_channel(const struct opts *o, struct sweep *sw, int nchan,
                        const struct sim_sweep_res *res)
{
    const char *want = o->chan;
    if (!want && strncmp(sw->name, "concurrency", 11) == 0 &&
        chan_index(sw->name + 11, nchan) >= 0)
        want = sw->name + 11;
    if (want) {
        sw->chan_index = chan_index(want, nchan);
        if (sw->chan_index < 0) {
            fprintf(stderr, "qchan sweep: --channel %s: the scenario has no "
                    "such channel\n", want);
            return -1;
        }
    } else {
        sw->chan_index = 0;
        for (int c = 1; c < res[0].nchan; c++)
            if (res[0].chans[c].delivered >
                res[0].chans[sw->chan_index].delivered)
                sw->chan_index = c;
    }
    qc_channel_name(sw->chan_index, sw->chan);
    return 0;
}

/* sweep - run every value and replication, report */
static int sweep(const struct opts *o)
{
    struct sweep sw;
    memset(&sw, 0, sizeof sw);
    char *name = NULL;
    struct sim_sweep_job *jobs = NULL;
    struct sim_sweep_res *res = NULL;
    char **sets = NULL;
    char *setbuf = NULL;
    int rc = 2, nchan = 0;
    if (parse_range(o->range, &sw, &name) < 0)
        goto done;
    sw.name = name;
    sw.unit = unit_of(name);
    sw.reps = o->reps;
    sw.within = o->within;
    const char *slash = strrchr(o->scn, '/');
    char scn_name[256], defout[600];
    snprintf(scn_name, sizeof scn_name, "%s", slash ? slash + 1 : o->scn);
    size_t sl = strlen(scn_name);
    if (sl > 4 && strcmp(scn_name + sl - 4, ".scn") == 0)
        scn_name[sl - 4] = '\0';
    sw.scenario = scn_name;
    const char *out = o->out;
    if (!out) {
        snprintf(defout, sizeof defout, "build/sweep/%s", scn_name);
        out = defout;
    }
    size_t nruns = sw.n * sw.reps;
    jobs = calloc(nruns, sizeof *jobs);
    res = calloc(nruns, sizeof *res);
    /* each value's overrides: the common --set list, then NAME=value */
    sets = calloc((o->nsets + 1) * sw.n, sizeof *sets);
    setbuf = calloc(sw.n, 128);
    if (!jobs || !res || !sets || !setbuf) {
        fprintf(stderr, "qchan sweep: out of memory\n");
        goto done;
    }
    for (size_t v = 0; v < sw.n; v++) {
        char **s = sets + v * (o->nsets + 1);
        for (size_t k = 0; k < o->nsets; k++)
            s[k] = o->sets[k];
        s[o->nsets] = setbuf + v * 128;
        snprintf(s[o->nsets], 128, "%s=%s", name, sw.pts[v].text);
    }
    struct sim_sweep_job probe = {o->scn, NULL, NULL, 0, 0, 0, NULL};
    char *probe_sets[256];
    char probe_buf[128];
    if (o->nsets + 1 > sizeof probe_sets / sizeof probe_sets[0]) {
        fprintf(stderr, "qchan sweep: too many --set options\n");
        goto done;
    }
    for (size_t k = 0; k < o->nsets; k++)
        probe_sets[k] = o->sets[k];
    probe_sets[o->nsets] = probe_buf;
    probe.sets = probe_sets;
    probe.nsets = o->nsets + 1;
    if (o->seed) {
        unsigned long long s;
        if (parse_uint(o->seed, UINT64_MAX - MAX_REPS, &s) < 0) {
            fprintf(stderr, "qchan sweep: --seed %s: expected a whole "
                    "number\n", o->seed);
            goto done;
        }
        probe.has_seed = 1;
        probe.seed = s;
    }
    if (check_values(o, &sw, &probe, probe_sets, &nchan) < 0)
        goto done;
    if (o->chan && chan_index(o->chan, nchan) < 0) {
        fprintf(stderr, "qchan sweep: --channel %s: the scenario has no "
                "such channel\n", o->chan);
        goto done;
    }
    if (path_mkdirs(out) < 0) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", out,
                strerror(errno));
        goto done;
    }
    for (size_t v = 0; v < sw.n; v++)
        for (unsigned k = 0; k < sw.reps; k++) {
            struct sim_sweep_job *j = &jobs[v * sw.reps + k];
            j->scenario = o->scn;
            j->sets = sets + v * (o->nsets + 1);
            j->nsets = o->nsets + 1;
            j->has_seed = 1;
            j->seed = sw.seed0 + k;
        }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sim_sweep_run_all(jobs, nruns, res, o->jobs, progress, NULL) < 0) {
        fprintf(stderr, "qchan sweep: cannot start worker processes: %s\n",
                strerror(errno));
        rc = 3;
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (size_t i = 0; i < nruns; i++)
        if (res[i].status) {
            fprintf(stderr, "qchan sweep: %s=%s seed %llu: %s\n", name,
                    sw.pts[i / sw.reps].text,
                    (unsigned long long)jobs[i].seed, res[i].msg);
            rc = res[i].status;
            goto done;
        }
    if (pick_channel(o, &sw, nchan, res) < 0 || sweep_collect(&sw, res) < 0)
        goto done;
    sweep_text(stdout, &sw);
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/sweep.json", out);
    FILE *j = fopen(path, "w");
    int werr = !j;
    if (j) {
        sweep_json(j, &sw);
        werr = ferror(j) | (fclose(j) != 0);
    }
    if (werr)
        fprintf(stderr, "qchan sweep: cannot write %s\n", path);
    if (sweep_csv(out, &sw) < 0)
        werr = 1;
    if (o->plots && !werr) {
        char note[4400];
        fflush(stdout);
        sweep_plot(out, &sw, note, sizeof note);
        printf("\n%s\n", note);
    }
    printf("outputs: %s/sweep.json, sweep.csv, sweep_fds.csv\n", out);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "qchan sweep: %zu runs in %.2f s of wall-clock time, "
            "%d at once\n", nruns, wall,
            o->jobs < (int)nruns ? o->jobs : (int)nruns);
    rc = sw.violations ? 3 : werr ? 2 : 0;
done:
    free(name);
    free(jobs);
    free(res);
    free(sets);
    free(setbuf);
    free(sw.pts);
    free(sw.procs);
    return rc;
}

/* cmd_sweep - the subcommand */
int cmd_sweep(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return usage(stdout, 0);
    struct opts o;
    memset(&o, 0, sizeof o);
    o.reps = 5;
    o.within = 0.05;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    o.plots = 1;
    o.sets = calloc((size_t)argc, sizeof *o.sets);
    if (!o.sets)
        return 2;
    int rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        if (strcmp(a, "--replications") == 0 && i + 1 < argc) {
            if (parse_uint(argv[++i], MAX_REPS, &v) < 0 || v == 0) {
                fprintf(stderr, "qchan sweep: --replications %s: expected 1 "
                        "to %d\n", argv[i], MAX_REPS);
                goto done;
            }
            o.reps = (unsigned)v;
        } else if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            o.sets[o.nsets++] = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            o.seed = argv[++i];
        } else if (strcmp(a, "--channel") == 0 && i + 1 < argc) {
            o.chan = argv[++i];
        } else if (strcmp(a, "--within") == 0 && i + 1 < argc) {
            double w;
            if (parse_num(argv[i + 1], strlen(argv[i + 1]), &w) < 0 ||
                w < 0 || w > 1000) {
                fprintf(stderr, "qchan sweep: --within %s: expected a "
                        "percentage\n", argv[i + 1]);
                goto done;
            }
            o.within = w / 100;
            i++;
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            o.out = argv[++i];
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            if (parse_uint(argv[++i], 64, &v) < 0 || v == 0) {
                fprintf(stderr, "qchan sweep: --jobs %s: expected 1 to 64\n",
                        argv[i]);
                goto done;
            }
            o.jobs = (int)v;
        } else if (strcmp(a, "--no-plots") == 0) {
            o.plots = 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "qchan sweep: unknown option or missing value: "
                    "%s\n", a);
            rc = usage(stderr, 2);
            goto done;
        } else if (!o.scn) {
            o.scn = a;
        } else if (!o.range) {
            o.range = a;
        } else {
            fprintf(stderr, "qchan sweep: one scenario and one "
                    "NAME=FROM:TO:STEP ('%s')\n", a);
            rc = usage(stderr, 2);
            goto done;
        }
    }
    if (!o.scn || !o.range) {
        rc = usage(stderr, 2);
        goto done;
    }
    rc = sweep(&o);
done:
    free(o.sets);
    return rc;
}
