/*
 * cmd_run.c - `qchan run`: run a scenario in simulated time.
 *
 *	qchan run SCENARIO [--out DIR] [--seed N] [--set NAME=VALUE]...
 *		[--log] [--no-plots]
 *
 * Prints the summary; with --out writes summary.json, series.csv,
 * fds.csv, qmail.log (--log) and the pictures into DIR.  Exit 0 when
 * every expect holds, 1 when one fails, 2 for bad input, 3 when an
 * invariant broke (a bug in qchan).  Wall-clock time and memory go to
 * standard error only, so standard output and DIR are the same on
 * every run of the same scenario and seed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "cli_mem.h"
#include "decimal.h"
#include "path.h"
#include "sim.h"

/* usage - the options */
static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: qchan run SCENARIO [--out DIR] [--seed N] "
            "[--set NAME=VALUE]... [--log] [--no-plots]\n"
            "                 [--max-memory SIZE]\n\n"
            "Runs the scenario file against qmail-send's scheduler and "
            "qmail-todo's\nclassifier with fake spawners, in simulated time "
            "(docs/scenarios.md).\n\n"
            "  --out DIR         write summary.json, series.csv, fds.csv and "
            "pictures\n"
            "  --seed N          override the scenario's seed\n"
            "  --set NAME=VALUE  a control (concurrencyremote=60, "
            "suppls0=x.org),\n"
            "                    a limit (conf-spawn, fd-setsize, nofile, "
            "nproc,\n"
            "                    file-max), profile=channels-compat, "
            "todo-delay=S\n"
            "  --log             also write DIR/qmail.log (qmail-send's log, "
            "TAI64N)\n"
            "  --no-plots        no pictures\n"
            "  --max-memory SIZE refuse a scenario whose run would need "
            "more (512M, 4G;\n"
            "                    default half of physical memory)\n\n"
            "exit: 0 every expect holds, 1 an expect failed, 2 bad input, "
            "3 a broken invariant\n");
    return rc;
}

/* cmd_run - the subcommand */
int cmd_run(int argc, char **argv)
{
    const char *scn = NULL, *out = NULL;
    const char *seed = NULL;
    const char *maxmem = NULL;
    int log = 0, plots = 1;
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    if (!sets)
        return 2;
    if (cli_wants_help(argc, argv)) {
        free(sets);
        return usage(stdout, 0);
    }
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 's'},
        {"set", required_argument, NULL, 'S'},
        {"log", no_argument, NULL, 'l'},
        {"no-plots", no_argument, NULL, 'P'},
        {"max-memory", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0}};
    int c;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': seed = optarg; break;
        case 'S': sets[nsets++] = optarg; break;
        case 'l': log = 1; break;
        case 'P': plots = 0; break;
        case 'm': maxmem = optarg; break;
        case CLI_OPT_ARG:
            if (!scn) {
                scn = optarg;
                break;
            }
            fprintf(stderr, "qchan run: one scenario only ('%s')\n", optarg);
            free(sets);
            return usage(stderr, 2);
        default:
            free(sets);
            return 2;
        }
    }
    if (!scn) {
        free(sets);
        return usage(stderr, 2);
    }
    if (log && !out) {
        fprintf(stderr, "qchan run: --log needs --out DIR\n");
        free(sets);
        return 2;
    }

    struct sim_scn sc;
    struct sim_err err;
    int rc = 2;
    if (sim_scn_load(&sc, scn, &err) < 0) {
        fprintf(stderr, "qchan run: %s\n", err.msg);
        goto done;
    }
    if (seed) {
        uint64_t v;
        if (decimal_parse_u64(seed, UINT64_MAX, &v) < 0) {
            fprintf(stderr, "qchan run: --seed %s: expected a whole number\n",
                    seed);
            goto done;
        }
        sim_scn_set_seed(&sc, v);
    }
    for (size_t i = 0; i < nsets; i++) {
        char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i]) {
            fprintf(stderr, "qchan run: --set %s: expected NAME=VALUE\n",
                    sets[i]);
            goto done;
        }
        *eq = '\0';
        int bad = sim_scn_set(&sc, sets[i], eq + 1, &err) < 0;
        *eq = '=';
        if (bad) {
            fprintf(stderr, "qchan run: %s\n", err.msg);
            goto done;
        }
    }

    struct cli_mem mem;
    if (cli_mem_start(&mem, "qchan run", maxmem, 1) < 0)
        goto done;
    cli_mem_add(&mem, &sc, NULL);
    if (cli_mem_check(&mem) < 0)
        goto done;
    struct sim_opts opts = {NULL, NULL, NULL, 1};
    if (out) {
        if (path_mkdirs(out) < 0) {
            fprintf(stderr, "qchan run: cannot create %s: %s\n", out,
                    strerror(errno));
            goto done;
        }
        opts.series = path_create(out, "series.csv", "qchan run");
        opts.fds = path_create(out, "fds.csv", "qchan run");
        if (log)
            opts.log = path_create(out, "qmail.log", "qchan run");
        if (!opts.series || !opts.fds || (log && !opts.log)) {
            if (opts.series)
                fclose(opts.series);
            if (opts.fds)
                fclose(opts.fds);
            if (opts.log)
                fclose(opts.log);
            goto done;
        }
    }
    struct sim_plotter plotter = {0};
    if (out && plots)
        sim_plot_start(&plotter, out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct sim_result r;
    int ran = sim_run(&sc, &opts, &r, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int werr = path_finish(opts.series, out, "series.csv", "qchan run") |
               path_finish(opts.fds, out, "fds.csv", "qchan run") |
               path_finish(opts.log, out, "qmail.log", "qchan run");
    if (ran < 0) {
        fprintf(stderr, "qchan run: %s\n", err.msg);
        goto done;
    }
    sim_report_text(stdout, &sc, &r);
    if (out) {
        FILE *j = path_create(out, "summary.json", "qchan run");
        if (j) {
            sim_report_json(j, &sc, &r);
            werr |= path_finish(j, out, "summary.json", "qchan run");
        } else {
            werr = -1;
        }
        if (plots) {
            char note[4400];
            fflush(stdout);
            sim_plot(out, &sc, &r, &plotter, note, sizeof note);
            printf("\n%s\n", note);
        }
        printf("outputs: %s/summary.json, series.csv, fds.csv%s\n", out,
               log ? ", qmail.log" : "");
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "qchan run: %llu events in %.3f s of wall-clock time "
            "(%.0f events/s), peak memory %ld MB\n", r.events, wall,
            wall > 0 ? (double)r.events / wall : 0.0, ru.ru_maxrss / 1024);
    rc = r.nviolations ? 3 : r.expects_failed ? 1 : 0;
    if (rc == 0 && werr)
        rc = 2;
    sim_result_free(&r);
done:
    if (sc.path)
        sim_scn_free(&sc);
    free(sets);
    return rc;
}
