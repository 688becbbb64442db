/*
 * cmd_compare.c - `qchan compare`: variants of one scenario side by side.
 *
 *	qchan compare SCENARIO [--set NAME=VALUE | --control DIR]...
 *		--vs [--set NAME=VALUE | --control DIR]... [--vs ...]
 *		[--control-a DIR --control-b DIR] [--seed N] [--out DIR]
 *		[--jobs N] [--no-plots] [--max-memory SIZE]
 *
 * Each --vs starts a new variant (A, B, C ...); the options before the
 * first --vs belong to A.  Every variant runs the same scenario with the
 * same seed, so its traffic and destination behaviour are the same draw
 * for draw (common random numbers) and only the configuration differs.
 * Prints the table and writes compare.json, compare.csv, compare.txt, each variant's
 * series.csv, fds.csv and summary.json (DIR/A, DIR/B ...) and the
 * overlay pictures into DIR (default build/compare/SCENARIO).  Exit 0,
 * 2 bad input, 3 an invariant broke in some variant (a bug in qchan).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_mem.h"
#include "decimal.h"
#include "path.h"
#include "sim_compare.h"

/* usage - the options */
static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: qchan compare SCENARIO [--set NAME=VALUE | --control "
            "DIR]...\n"
            "         --vs [--set NAME=VALUE | --control DIR]... [--vs ...]\n"
            "         [--control-a DIR --control-b DIR] [--seed N] "
            "[--out DIR] [--jobs N]\n"
            "         [--no-plots] [--max-memory SIZE]\n\n"
            "Runs variants of one scenario with common random numbers "
            "(the same\ntraffic and destination behaviour, draw for draw) "
            "and puts them side by side.\n\n"
            "  --set NAME=VALUE  an override for the current variant (as "
            "qchan run --set)\n"
            "  --control DIR     the current variant's qmail control "
            "directory, in place\n"
            "                    of the scenario's control-dir and control "
            "lines\n"
            "  --vs              start the next variant (A, B, C ...)\n"
            "  --control-a DIR, --control-b DIR\n"
            "                    the control directories of variants A and B\n"
            "  --seed N          one seed for every variant\n"
            "  --out DIR         where to write (default "
            "build/compare/SCENARIO)\n"
            "  --jobs N          runs at once (default: the processors)\n"
            "  --no-plots        no pictures\n"
            "  --max-memory SIZE refuse variants whose runs at once would "
            "need more\n"
            "                    (512M, 4G; default half of physical "
            "memory)\n\n"
            "exit: 0 compared, 2 bad input, 3 a broken invariant in some "
            "variant\n");
    return rc;
}

struct variant {
    char **sets;
    size_t nsets;
    const char *control;
};

/* cpus - processors online */
static int cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV };

/* write_file - a report into DIR/name */
static int write_file(const char *dir, const char *name, const char *scn,
                      const struct sim_cmp_variant *vars,
                      const struct sim_sweep_res *res, size_t nvar,
                      const struct sim_cmp_row *rows, size_t nrows,
                      enum report_format how)
{
    FILE *f = path_create(dir, name, "qchan compare");
    if (!f)
        return -1;
    if (how == REPORT_JSON)
        sim_compare_json(f, scn, vars, res, nvar, rows, nrows);
    else if (how == REPORT_CSV)
        sim_compare_csv(f, vars, nvar, rows, nrows);
    else
        sim_compare_text(f, scn, vars, res, nvar, rows, nrows);
    return path_finish(f, dir, name, "qchan compare");
}

/* scenario_name - file name without directory and .scn */
static void scenario_name(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".scn") == 0)
        n -= 4;
    snprintf(buf, cap, "%.*s", (int)n, base);
}

/* run_compare - run the variants, report */
static int run_compare(const char *scn, struct variant *vs, size_t nvar,
                       const char *seed, const char *out, int jobs,
                       int plots, const char *maxmem)
{
    struct cli_mem mem;
    if (cli_mem_start(&mem, "qchan compare", maxmem,
                      (unsigned)jobs < nvar ? (unsigned)jobs
                                            : (unsigned)nvar) < 0)
        return 2;
    uint64_t seedv = 0;
    if (seed && decimal_parse_u64(seed, UINT64_MAX, &seedv) < 0) {
        fprintf(stderr, "qchan compare: --seed %s: expected a whole number\n",
                seed);
        return 2;
    }
    char name[256], defout[512];
    scenario_name(scn, name, sizeof name);
    if (!out) {
        snprintf(defout, sizeof defout, "build/compare/%s", name);
        out = defout;
    }
    struct sim_sweep_job *job = calloc(nvar, sizeof *job);
    struct sim_sweep_res *res = calloc(nvar, sizeof *res);
    struct sim_cmp_variant *vars = calloc(nvar, sizeof *vars);
    char (*dirs)[4200] = calloc(nvar, sizeof *dirs);
    char clock[SIM_PLOT_CLOCK_CAP] = "";
    int rc = 2;
    if (!job || !res || !vars || !dirs) {
        fprintf(stderr, "qchan compare: out of memory\n");
        goto done;
    }
    /* check every variant loads before running any: a typo in the third
     * variant should not cost the first two runs */
    for (size_t i = 0; i < nvar; i++) {
        snprintf(vars[i].label, sizeof vars[i].label, "%c", (char)('A' + i));
        snprintf(dirs[i], sizeof dirs[i], "%.4000s/%s", out, vars[i].label);
        job[i].scenario = scn;
        job[i].control_dir = vs[i].control;
        job[i].sets = vs[i].sets;
        job[i].nsets = vs[i].nsets;
        job[i].has_seed = seed != NULL;
        job[i].seed = seedv;
        job[i].outdir = dirs[i];
        vars[i].job = &job[i];
        struct sim_scn sc;
        struct sim_err err;
        int bad = sim_sweep_load(&sc, &job[i], &err) < 0;
        if (!bad && i == 0)          /* a replay's clock, for the pictures */
            sim_plot_clock(&sc, clock, sizeof clock);
        if (!bad) {
            char which[32];
            snprintf(which, sizeof which, "variant %s's run", vars[i].label);
            cli_mem_add(&mem, &sc, which);
        }
        if (sc.path)
            sim_scn_free(&sc);
        if (bad) {
            fprintf(stderr, "qchan compare: variant %s: %s\n", vars[i].label,
                    err.msg);
            goto done;
        }
    }
    if (cli_mem_check(&mem) < 0)
        goto done;
    if (sim_sweep_run_all(job, nvar, res, jobs, NULL, NULL) < 0) {
        fprintf(stderr, "qchan compare: cannot start worker processes: %s\n",
                strerror(errno));
        rc = 3;
        goto done;
    }
    for (size_t i = 0; i < nvar; i++)
        if (res[i].status) {
            fprintf(stderr, "qchan compare: variant %s: %s\n", vars[i].label,
                    res[i].msg);
            rc = res[i].status;
            goto done;
        }
    size_t nrows;
    struct sim_cmp_row *rows = sim_compare_rows(res, nvar, &nrows);
    if (!rows) {
        fprintf(stderr, "qchan compare: out of memory\n");
        goto done;
    }
    sim_compare_text(stdout, name, vars, res, nvar, rows, nrows);
    int werr = write_file(out, "compare.json", name, vars, res, nvar, rows,
                          nrows, REPORT_JSON) |
               write_file(out, "compare.csv", name, vars, res, nvar, rows,
                          nrows, REPORT_CSV) |
               write_file(out, "compare.txt", name, vars, res, nvar, rows,
                          nrows, REPORT_TEXT);
    free(rows);
    if (plots) {
        char note[4400];
        fflush(stdout);
        sim_compare_plot(out, name, clock, vars, res, nvar, note,
                         sizeof note);
        printf("\n%s\n", note);
    }
    printf("outputs: %s/compare.json, compare.csv, compare.txt; each "
           "variant's "
           "summary.json, series.csv, fds.csv in %s/A ...\n", out, out);
    rc = werr ? 2 : 0;
    for (size_t i = 0; i < nvar; i++)
        if (res[i].nviolations)
            rc = 3;
done:
    free(job);
    free(res);
    free(vars);
    free(dirs);
    return rc;
}

/* cmd_compare - the subcommand */
int cmd_compare(int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return usage(stdout, 0);
    struct variant vs[SIM_CMP_MAX];
    memset(vs, 0, sizeof vs);
    size_t nvar = 1;
    const char *scn = NULL, *seed = NULL, *out = NULL;
    const char *ca = NULL, *cb = NULL, *maxmem = NULL;
    int jobs = cpus(), plots = 1, rc = 2;
    static const struct option options[] = {
        {"set", required_argument, NULL, 's'},
        {"control", required_argument, NULL, 'c'},
        {"vs", no_argument, NULL, 'v'},
        {"control-a", required_argument, NULL, 'A'},
        {"control-b", required_argument, NULL, 'B'},
        {"seed", required_argument, NULL, 'S'},
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"no-plots", no_argument, NULL, 'P'},
        {"max-memory", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0}};
    int c;
    uint64_t v;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        struct variant *cur = &vs[nvar - 1];
        switch (c) {
        case 's':
            if (!cur->sets && !(cur->sets = calloc((size_t)argc,
                                                   sizeof *cur->sets))) {
                fprintf(stderr, "qchan compare: out of memory\n");
                goto done;
            }
            cur->sets[cur->nsets++] = optarg;
            break;
        case 'c': cur->control = optarg; break;
        case 'v':
            if (nvar == SIM_CMP_MAX) {
                fprintf(stderr, "qchan compare: at most %d variants\n",
                        SIM_CMP_MAX);
                goto done;
            }
            nvar++;
            break;
        case 'A': ca = optarg; break;
        case 'B': cb = optarg; break;
        case 'S': seed = optarg; break;
        case 'o': out = optarg; break;
        case 'j':
            if (decimal_parse_u64(optarg, 64, &v) < 0 || v == 0) {
                fprintf(stderr, "qchan compare: --jobs %s: expected 1 to "
                        "64\n", optarg);
                goto done;
            }
            jobs = (int)v;
            break;
        case 'P': plots = 0; break;
        case 'm': maxmem = optarg; break;
        case CLI_OPT_ARG:
            if (!scn) {
                scn = optarg;
                break;
            }
            fprintf(stderr, "qchan compare: one scenario only ('%s')\n",
                    optarg);
            rc = usage(stderr, 2);
            goto done;
        default:
            goto done;
        }
    }
    if (!scn) {
        rc = usage(stderr, 2);
        goto done;
    }
    if (ca) {
        if (vs[0].control) {
            fprintf(stderr, "qchan compare: variant A has two control "
                    "directories (--control and --control-a)\n");
            goto done;
        }
        vs[0].control = ca;
    }
    if (cb) {
        if (nvar < 2)
            nvar = 2;
        if (vs[1].control) {
            fprintf(stderr, "qchan compare: variant B has two control "
                    "directories (--control and --control-b)\n");
            goto done;
        }
        vs[1].control = cb;
    }
    if (nvar < 2) {
        fprintf(stderr, "qchan compare: nothing to compare: give a second "
                "variant with --vs (or --control-a DIR --control-b DIR)\n");
        goto done;
    }
    rc = run_compare(scn, vs, nvar, seed, out, jobs, plots, maxmem);
done:
    for (size_t i = 0; i < SIM_CMP_MAX; i++)
        free(vs[i].sets);
    return rc;
}
