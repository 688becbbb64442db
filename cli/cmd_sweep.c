/*
 * cmd_sweep.c - `qchan sweep`: settings over a grid of values, and the
 * setting that meets the goals.
 *
 *	qchan sweep SCENARIO NAME=FROM:TO:STEP|NAME=v1,v2,... ...
 *		[--goal GOAL]... [--minimize METRIC] [--replications R]
 *		[--set NAME=VALUE]... [--seed N] [--channel CHAN]
 *		[--within PCT] [--out DIR] [--jobs N] [--no-plots]
 *		[--emit DIR] [--max-memory SIZE]
 *	qchan sweep --collect DIR [--partial] [--out DIR] [--no-plots]
 *	qchan sweep --job-dir DIR --job K	(a line of DIR/jobs.txt)
 *		[--max-memory SIZE]
 *
 * Runs the scenario at every point of the grid (each setting given is an
 * axis), R times each (seeds S .. S+R-1, the same for every point, so
 * points are compared on the same traffic).  Without --goal or
 * --minimize it names, as it always did, the smallest value within PCT
 * (5) % of the best drain time that stays inside every limit; with them,
 * the point that meets every goal over its whole 95% interval with the
 * lowest figure, what binds it, the runner-up, and a warning when the
 * figure is flat.  Locally the runs go to worker processes; --emit writes
 * them as independent jobs for GNU parallel or a Slurm array, and
 * --collect makes the same report from their results.
 * Exit 0, 2 bad input (or jobs missing), 3 an invariant broke.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_mem.h"
#include "decimal.h"
#include "path.h"
#include "sweep_int.h"
#include "sweep_jobs.h"

#define MAX_REPS 1000

/* usage - the options */
static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: qchan sweep SCENARIO NAME=FROM:TO:STEP|NAME=v1,v2,... "
            "...\n"
            "         [--goal GOAL]... [--minimize METRIC] "
            "[--replications R]\n"
            "         [--set NAME=VALUE]... [--seed N] [--channel CHAN] "
            "[--within PCT]\n"
            "         [--out DIR] [--jobs N] [--no-plots] [--emit DIR] "
            "[--max-memory SIZE]\n"
            "       qchan sweep --collect DIR [--partial] [--out DIR] "
            "[--no-plots]\n"
            "       qchan sweep --job-dir DIR --job K [--max-memory SIZE]\n\n"
            "Runs the scenario at every point of the grid (each NAME=... "
            "is a setting,\nanything --set takes), R seeds each (default "
            "5).  Without --goal or\n--minimize: names the smallest value "
            "within PCT%% (default 5) of the best\ndrain time that stays "
            "inside every limit.  With them: the setting that\nmeets every "
            "goal over its whole 95%% interval with the lowest figure, the\n"
            "goal that binds, the runner-up, and a warning when the figure "
            "is flat.\n\n"
            "  --goal GOAL       METRIC OP NUMBER (OP: <= < >= > == !=), "
            "e.g.\n"
            "                    'p95(remote)<=600', 'left(remote)==0'; or "
            "'no limit hit'\n"
            "  --minimize METRIC what to make smallest among the settings "
            "that meet\n"
            "                    every goal: a swept setting, drain, "
            "p50/p95/p99(CHAN),\n"
            "                    left(CHAN) ... (default drain)\n"
            "  --replications R  seeds per point: S .. S+R-1, S the "
            "scenario's seed or --seed\n"
            "  --set NAME=VALUE  an override for every run\n"
            "  --channel CHAN    whose p95 latency in the table (default: "
            "the swept\n"
            "                    concurrency's channel, else the busiest)\n"
            "  --within PCT      how close to the best drain time (default "
            "5)\n"
            "  --out DIR         where to write (default build/sweep/"
            "SCENARIO;\n"
            "                    with --collect DIR/report)\n"
            "  --jobs N          runs at once (default: the processors)\n"
            "  --no-plots        no pictures\n"
            "  --max-memory SIZE refuse a sweep whose runs at once would need "
            "more (512M,\n"
            "                    4G; default half of physical memory)\n"
            "  --emit DIR        write the runs as jobs instead: DIR/jobs.txt "
            "(one line a\n"
            "                    run: parallel -j N < DIR/jobs.txt), "
            "DIR/slurm.sh\n"
            "                    (a Slurm job array of one task a line), the "
            "scenario and\n"
            "                    its inputs in DIR/input\n"
            "  --collect DIR     the report from the results of DIR's jobs, "
            "byte for byte\n"
            "                    what a local sweep writes; missing jobs "
            "are listed\n"
            "  --partial         report even with jobs missing (their points "
            "have no value)\n"
            "  --job-dir DIR --job K\n"
            "                    run line K (from 0) of DIR/jobs.txt: what "
            "the lines do\n\n"
            "exit: 0 swept (or emitted, or the job ran), 2 bad input or "
            "jobs missing,\n      3 a broken invariant in some run\n");
    return rc;
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

/* parse_opts - the command line (or an emitted sweep's saved one) */
static int parse_opts(int argc, char **argv, struct sweep_opts *o)
{
    static const struct option longopts[] = {
        {"replications", required_argument, NULL, 'r'},
        {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"channel", required_argument, NULL, 'c'},
        {"within", required_argument, NULL, 'w'},
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"no-plots", no_argument, NULL, 'P'},
        {"goal", required_argument, NULL, 'g'},
        {"minimize", required_argument, NULL, 'm'},
        {"minimise", required_argument, NULL, 'm'},
        {"emit", required_argument, NULL, 'e'},
        {"collect", required_argument, NULL, 'C'},
        {"partial", no_argument, NULL, 'p'},
        {"job-dir", required_argument, NULL, 'D'},
        {"job", required_argument, NULL, 'J'},
        {"max-memory", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    uint64_t v;
    int c;
    cli_opt_start();   /* a fresh scan, also for a second parse */
    while ((c = cli_getopt(argc, argv, longopts)) != -1) {
        switch (c) {
        case 'r':
            if (decimal_parse_u64(optarg, MAX_REPS, &v) < 0 || v == 0) {
                fprintf(stderr, "qchan sweep: --replications %s: expected 1 "
                        "to %d\n", optarg, MAX_REPS);
                return -1;
            }
            o->reps = (unsigned)v;
            break;
        case 's':
            o->sets[o->nsets++] = optarg;
            break;
        case 'S':
            o->seed = optarg;
            break;
        case 'c':
            o->chan = optarg;
            break;
        case 'w': {
            char *end;
            double w = strtod(optarg, &end);
            if (!*optarg || *end || !isfinite(w) || w < 0 || w > 1000) {
                fprintf(stderr, "qchan sweep: --within %s: expected a "
                        "percentage\n", optarg);
                return -1;
            }
            o->within = w / 100;
            break;
        }
        case 'o':
            o->out = optarg;
            break;
        case 'j':
            if (decimal_parse_u64(optarg, 64, &v) < 0 || v == 0) {
                fprintf(stderr, "qchan sweep: --jobs %s: expected 1 to 64\n",
                        optarg);
                return -1;
            }
            o->jobs = (int)v;
            break;
        case 'P':
            o->plots = 0;
            break;
        case 'g':
            if (o->ngoals == SWEEP_MAX_GOALS) {
                fprintf(stderr, "qchan sweep: at most %d goals\n",
                        SWEEP_MAX_GOALS);
                return -1;
            }
            o->goals[o->ngoals++] = optarg;
            break;
        case 'm':
            o->minimize = optarg;
            break;
        case 'e':
            o->emit = optarg;
            break;
        case 'C':
            o->collect = optarg;
            break;
        case 'p':
            o->partial = 1;
            break;
        case 'D':
            o->job_dir = optarg;
            break;
        case 'J':
            if (decimal_parse_u64(optarg, SWEEP_MAX_RUNS, &v) < 0) {
                fprintf(stderr, "qchan sweep: --job %s: expected a line "
                        "number from 0\n", optarg);
                return -1;
            }
            o->job = (long)v;
            break;
        case 'M':
            o->maxmem = optarg;
            break;
        case 'h':
            return usage(stdout, 1);
        case CLI_OPT_ARG:
            if (!o->scn)
                o->scn = optarg;
            else
                o->axes[o->naxes++] = optarg;
            break;
        default:
            return -1;   /* cli_getopt said what */
        }
    }
    return 0;
}

/* check_values - the first and last value of each setting load (a bad
 * --set or value fails here, before any run); learns the seed and the
 * channels */
static int check_values(const struct sweep_opts *o, struct sweep *sw,
                        int *nchan)
{
    char *sets[SWEEP_MAX_SETS + SWEEP_MAX_AXES];
    char buf[SWEEP_MAX_AXES][200];
    for (size_t k = 0; k < o->nsets; k++)
        sets[k] = o->sets[k];
    for (size_t k = 0; k < sw->naxes; k++)
        sets[o->nsets + k] = buf[k];
    struct sim_sweep_job probe = {o->scn, NULL, sets, o->nsets + sw->naxes,
                                  o->has_seed, o->seed_value, NULL};
    for (size_t a = 0; a < sw->naxes; a++)
        for (size_t end = 0; end < 2; end++) {
            for (size_t k = 0; k < sw->naxes; k++) {
                size_t i = k == a && end ? sw->ax[k].n - 1 : 0;
                snprintf(buf[k], sizeof buf[k], "%s=%s", sw->ax[k].name,
                         sw->ax[k].text[i]);
            }
            struct sim_scn sc;
            struct sim_err err;
            int bad = sim_sweep_load(&sc, &probe, &err) < 0;
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

/* check_metric - the channel or process a metric names exists */
static int check_metric(const struct sim_metric *m, int nchan)
{
    if (m->src == SIM_MET_CHAN && m->where[0] &&
        chan_index(m->where, nchan) < 0) {
        fprintf(stderr, "qchan sweep: %s: the scenario has no channel %s "
                "(it has local, remote and suppl0..suppl%d)\n", m->text,
                m->where, nchan - 3);
        return -1;
    }
    if (m->src == SIM_MET_PROC) {
        const char *p = m->where;
        if (strcmp(p, "qmail-send") != 0 && strcmp(p, "qmail-todo") != 0 &&
            strcmp(p, "qmailr") != 0 && strcmp(p, "system") != 0 &&
            !(strncmp(p, "spawn-", 6) == 0 && chan_index(p + 6, nchan) >= 0)) {
            fprintf(stderr, "qchan sweep: %s: no such process (qmail-send, "
                    "qmail-todo, spawn-CHANNEL, qmailr, system)\n", m->text);
            return -1;
        }
    }
    return 0;
}

/* goals - --goal and --minimize into sw */
static int goals(const struct sweep_opts *o, struct sweep *sw, int nchan)
{
    const char *names[SWEEP_MAX_AXES];
    char err[2048];
    for (size_t k = 0; k < sw->naxes; k++)
        names[k] = sw->ax[k].name;
    sw->decide = o->ngoals > 0 || o->minimize != NULL;
    sw->ngoals = o->ngoals;
    for (size_t g = 0; g < o->ngoals; g++) {
        if (sim_goal_parse(o->goals[g], names, sw->naxes, &sw->goals[g], err,
                           sizeof err) < 0) {
            fprintf(stderr, "qchan sweep: --goal: %s\n", err);
            return -1;
        }
        if (sw->goals[g].op != SIM_GOAL_NO_LIMIT &&
            check_metric(&sw->goals[g].m, nchan) < 0)
            return -1;
    }
    if (sim_metric_parse(o->minimize ? o->minimize : "drain", names,
                         sw->naxes, &sw->minimize, err, sizeof err) < 0) {
        fprintf(stderr, "qchan sweep: --minimize: %s\n", err);
        return -1;
    }
    if (sw->minimize.src == SIM_MET_SETTING) {
        const struct sweep_axis *a = &sw->ax[sw->minimize.setting];
        for (size_t i = 0; i < a->n; i++)
            if (isnan(a->value[i])) {
                fprintf(stderr, "qchan sweep: --minimize %s: its value %s "
                        "is not a number\n", a->name, a->text[i]);
                return -1;
            }
    }
    return check_metric(&sw->minimize, nchan);
}

/* pick_channel - whose latency: --channel, the swept concurrency's
 * channel, else the one with the most deliveries in the first run */
static int pick_channel(const struct sweep_opts *o, struct sweep *sw,
                        int nchan, const struct sim_sweep_res *res)
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

/* setup - the grid, the goals, a check of the scenario, the jobs */
static int setup(struct sweep_opts *o, struct sweep *sw, struct sweep_run *run)
{
    char err[1024];
    int nchan = 0;
    if (o->seed) {
        uint64_t s;
        if (decimal_parse_u64(o->seed, UINT64_MAX - MAX_REPS, &s) < 0) {
            fprintf(stderr, "qchan sweep: --seed %s: expected a whole "
                    "number\n", o->seed);
            return -1;
        }
        o->has_seed = 1;
        o->seed_value = s;
    }
    if (sweep_grid(sw, o->axes, o->naxes, err, sizeof err) < 0) {
        fprintf(stderr, "qchan sweep: %s\n", err);
        return -1;
    }
    sw->reps = o->reps;
    sw->within = o->within;
    if (sw->n * sw->reps > SWEEP_MAX_RUNS) {
        fprintf(stderr, "qchan sweep: %zu points x %u replications: at most "
                "%d runs\n", sw->n, sw->reps, SWEEP_MAX_RUNS);
        return -1;
    }
    if (o->quick) {
        /* one emitted job: the sweep was checked when it was emitted,
         * and its first seed written out */
        sw->seed0 = o->seed_value;
        return sweep_jobs_make(o, sw, run);
    }
    if (check_values(o, sw, &nchan) < 0 || goals(o, sw, nchan) < 0)
        return -1;
    if (o->chan && chan_index(o->chan, nchan) < 0) {
        fprintf(stderr, "qchan sweep: --channel %s: the scenario has no "
                "such channel\n", o->chan);
        return -1;
    }
    run->nchan = nchan;
    return sweep_jobs_make(o, sw, run);
}

/* report - the table, sweep.json, the CSV files and the pictures */
static int report(const struct sweep_opts *o, struct sweep *sw,
                  struct sweep_run *run, const char *out)
{
    if (pick_channel(o, sw, run->nchan, run->res + run->first) < 0 ||
        sweep_collect(sw, run->res) < 0) {
        fprintf(stderr, "qchan sweep: out of memory\n");
        return 2;
    }
    if (path_mkdirs(out) < 0) {
        fprintf(stderr, "qchan sweep: cannot create %s: %s\n", out,
                strerror(errno));
        return 2;
    }
    sweep_text(stdout, sw);
    FILE *j = path_create(out, "sweep.json", "qchan sweep");
    int werr = !j;
    if (j) {
        sweep_json(j, sw);
        werr = path_finish(j, out, "sweep.json", "qchan sweep") < 0;
    }
    if (sweep_csv(out, sw) < 0)
        werr = 1;
    if (o->plots && !werr) {
        char note[4400];
        fflush(stdout);
        sweep_plot(out, sw, note, sizeof note);
        printf("\n%s\n", note);
    }
    printf("outputs: %s/sweep.json, sweep.csv, sweep_fds.csv%s\n", out,
           sw->decide ? ", sweep_goal.csv" : "");
    return sw->violations ? 3 : werr ? 2 : 0;
}

/* memory_fits - the memory of the runs from..to-1, at_once of them held
 * together, against --max-memory; -1 after saying why not.  The swept
 * and --set settings are controls and limits, which the estimate (the
 * generators' messages and recipients) does not depend on: one load of
 * the first run's scenario stands for every run. */
static int memory_fits(const char *maxmem, const struct sweep_run *run,
                       size_t from, size_t to, size_t at_once)
{
    struct cli_mem mem;
    if (from >= to ||
        cli_mem_start(&mem, "qchan sweep", maxmem, (unsigned)at_once) < 0)
        return -1;
    struct sim_scn sc;
    struct sim_err err;
    int bad = sim_sweep_load(&sc, &run->jobs[from], &err) < 0;
    if (!bad)
        for (size_t i = 0; i < at_once && i < to - from; i++)
            cli_mem_add(&mem, &sc, to - from > 1 ? "each run" : NULL);
    if (sc.path)
        sim_scn_free(&sc);
    if (bad) {
        fprintf(stderr, "qchan sweep: %s\n", err.msg);
        return -1;
    }
    return cli_mem_check(&mem);
}

/* run_local - every run in worker processes here */
static int run_local(const struct sweep_opts *o, struct sweep *sw,
                     struct sweep_run *run, const char *out)
{
    if (memory_fits(o->maxmem, run, 0, run->n,
                    o->jobs < (int)run->n ? (size_t)o->jobs : run->n) < 0)
        return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sim_sweep_run_all(run->jobs, run->n, run->res, o->jobs, progress,
                          NULL) < 0) {
        fprintf(stderr, "qchan sweep: cannot start worker processes: %s\n",
                strerror(errno));
        return 3;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (size_t i = 0; i < run->n; i++)
        if (run->res[i].status) {
            fprintf(stderr, "qchan sweep: %s seed %llu: %s\n",
                    run->desc[i / run->reps],
                    (unsigned long long)run->jobs[i].seed,
                    run->res[i].msg);
            return run->res[i].status;
        }
    int rc = report(o, sw, run, out);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "qchan sweep: %zu runs in %.2f s of wall-clock time, "
            "%d at once\n", run->n, wall,
            o->jobs < (int)run->n ? o->jobs : (int)run->n);
    return rc;
}

/* default_out - build/sweep/SCENARIO */
static void default_out(struct sweep *sw, const char *scn, char *name,
                        size_t ncap, char *out, size_t ocap)
{
    const char *slash = strrchr(scn, '/');
    snprintf(name, ncap, "%s", slash ? slash + 1 : scn);
    size_t sl = strlen(name);
    if (sl > 4 && strcmp(name + sl - 4, ".scn") == 0)
        name[sl - 4] = '\0';
    sw->scenario = name;
    snprintf(out, ocap, "build/sweep/%s", name);
}

/* sweep - set up, then run here, emit, run one job, or collect */
static int sweep(struct sweep_opts *o, struct sweep_opts *cmdline)
{
    struct sweep sw;
    struct sweep_run run;
    memset(&sw, 0, sizeof sw);
    memset(&run, 0, sizeof run);
    char scn_name[256], out[4200];
    default_out(&sw, o->scn, scn_name, sizeof scn_name, out, sizeof out);
    int rc = 2;
    if (setup(o, &sw, &run) < 0)
        goto done;
    if (cmdline->emit) {
        rc = sweep_jobs_emit(cmdline->emit, o, &sw, &run) < 0 ? 2 : 0;
    } else if (cmdline->job_dir) {
        if (cmdline->job >= 0 && (size_t)cmdline->job < run.n &&
            memory_fits(cmdline->maxmem ? cmdline->maxmem : o->maxmem, &run,
                        (size_t)cmdline->job, (size_t)cmdline->job + 1,
                        1) < 0)
            goto done;
        rc = sweep_jobs_run_one(cmdline->job_dir, &run, cmdline->job);
    } else if (cmdline->collect) {
        if (sweep_jobs_read(cmdline->collect, &run, cmdline->partial) < 0)
            goto done;
        snprintf(out, sizeof out, "%.4000s/report", cmdline->collect);
        rc = report(o, &sw, &run, cmdline->out ? cmdline->out : out);
    } else {
        rc = run_local(o, &sw, &run, o->out ? o->out : out);
    }
done:
    sweep_jobs_free(&run);
    sweep_free(&sw);
    return rc;
}

/* opts_init - the defaults */
static int opts_init(struct sweep_opts *o, int argc)
{
    memset(o, 0, sizeof *o);
    o->reps = 5;
    o->within = 0.05;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    o->plots = 1;
    o->job = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->axes = calloc((size_t)argc + 1, sizeof *o->axes);
    return o->sets && o->axes ? 0 : -1;
}

/* cmd_sweep - the subcommand */
int cmd_sweep(int argc, char **argv)
{
    struct sweep_opts o, saved;
    struct sweep_saved file;
    memset(&file, 0, sizeof file);
    if (opts_init(&o, argc) < 0 || opts_init(&saved, 1) < 0)
        return 2;
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0) {
        rc = rc > 0 ? 0 : 2;    /* 1: --help, answered */
        goto done;
    }
    rc = 2;
    if (o.nsets > SWEEP_MAX_SETS) {
        fprintf(stderr, "qchan sweep: at most %d --set options\n",
                SWEEP_MAX_SETS);
        goto done;
    }
    if (o.collect || o.job_dir) {
        const char *dir = o.collect ? o.collect : o.job_dir;
        if (o.collect && o.job_dir) {
            fprintf(stderr, "qchan sweep: --collect and --job-dir are two "
                    "different steps\n");
            goto done;
        }
        if (o.scn || o.naxes || o.ngoals || o.minimize || o.emit) {
            fprintf(stderr, "qchan sweep: --%s DIR takes the sweep from "
                    "DIR/sweep.args; give no scenario, settings or goals\n",
                    o.collect ? "collect" : "job-dir");
            goto done;
        }
        if (o.job_dir && o.job < 0) {
            fprintf(stderr, "qchan sweep: --job-dir DIR needs --job K\n");
            goto done;
        }
        /* the sweep as it was emitted; the results go where asked */
        if (sweep_jobs_load_args(dir, &file) < 0)
            goto done;
        free(saved.sets);
        free(saved.axes);
        if (opts_init(&saved, file.argc) < 0 ||
            parse_opts(file.argc, file.argv, &saved) != 0)
            goto done;
        saved.plots = o.plots;
        saved.jobs = o.jobs;
        saved.quick = o.job_dir != NULL;
        rc = sweep(&saved, &o);
        goto done;
    }
    if (o.partial) {
        fprintf(stderr, "qchan sweep: --partial goes with --collect\n");
        goto done;
    }
    if (!o.scn || o.naxes == 0) {
        rc = usage(stderr, 2);
        goto done;
    }
    rc = sweep(&o, &o);
done:
    sweep_jobs_free_args(&file);
    free(o.sets);
    free(o.axes);
    free(saved.sets);
    free(saved.axes);
    return rc;
}
