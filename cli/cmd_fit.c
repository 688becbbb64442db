/*
 * cmd_fit.c - `qchan fit`: turn qmail-send's log into a replay scenario.
 *
 *	qchan fit LOG... [--out DIR] [--anonymize] [--sample S]
 *		[--min-attempts N] [--outage-attempts N] [--outage-secs S]
 *		[--profile qchan|channels-compat] [--sim RUNDIR] [--no-plots]
 *
 * LOG is a log file (multilog with TAI64N stamps, splogger/syslog with
 * unixtime.usec) or a multilog directory.  Prints a short report of the
 * day and writes observed.json, observed.csv, replay.scn, traffic.csv
 * and latency/ into DIR (default fit-out), with overlay.gp and its
 * pictures (the observed day; with --sim, a simulated run over it).  The work is in fit/ (fit.h,
 * fit_sum.h, fit_out.h).
 *
 * Exit status: 0 written; 2 a bad option, an unreadable file or
 * directory, or no qmail-send line at all, with a message naming it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fit_out.h"
#include "path.h"
#include "sim.h"

/* fit_usage - the --help text */
static void fit_usage(FILE *out)
{
    fprintf(out,
        "usage: qchan fit LOG... [--out DIR] [--anonymize] [--sample S]\n"
        "         [--min-attempts N] [--outage-attempts N] [--outage-secs S]\n"
        "         [--profile qchan|channels-compat] [--sim RUNDIR] "
        "[--no-plots]\n\n"
        "Read qmail-send's log (multilog files or directories with TAI64N\n"
        "stamps, splogger/syslog lines with unixtime.usec; the CHANNELS\n"
        "suppl channels too), rebuild the day (arrivals, each recipient's\n"
        "channel and domain, every attempt's duration and outcome, the\n"
        "limits and in-flight counts), print a short report and write\n"
        "into DIR:\n"
        "  observed.json  per channel and domain: attempts, outcomes,\n"
        "                 latency quantiles, limits, time at the limit\n"
        "  observed.csv   per sample and channel: answers, in flight, limit\n"
        "  replay.scn     a scenario replaying the arrivals (traffic.csv)\n"
        "                 with the observed limits and per-domain models\n"
        "                 (latency/ tables), for qchan run and compare\n"
        "  overlay-*.png  throughput and in-flight per channel (gnuplot),\n"
        "                 with --sim the simulated run dashed over them\n\n"
        "options:\n"
        "  --out DIR            where to write (default fit-out)\n"
        "  --anonymize          replace local parts by stable hashes\n"
        "  --sample S           seconds per observed.csv row (default 60)\n"
        "  --min-attempts N     attempts a domain needs for a model of its\n"
        "                       own (default 20); fewer: its channel's pool\n"
        "  --outage-attempts N  deferrals in a row that make an outage\n"
        "                       (default 3) ...\n"
        "  --outage-secs S      ... spanning at least S seconds (default 60)\n"
        "  --profile P          profile of replay.scn (default qchan)\n"
        "  --sim RUNDIR         overlay a qchan run --out RUNDIR (its\n"
        "                       series.csv) on the observed pictures\n"
        "  --no-plots           no pictures\n"
        "  -h, --help           this text\n\n"
        "exit status: 0 written, 2 bad usage, an unreadable file or no\n"
        "qmail-send lines.\n");
}

/* number - a non-negative number option */
static int number(const char *opt, const char *v, double max, double *out)
{
    char *end;
    errno = 0;
    double d = v ? strtod(v, &end) : 0;
    if (!v || errno || end == v || *end || !(d >= 0) || d > max) {
        fprintf(stderr, "qchan fit: %s expects a number from 0 to %g%s%s\n",
                opt, max, v ? ", not " : "", v ? v : "");
        return -1;
    }
    *out = d;
    return 0;
}

/* write_one - one output file through its writer */
static int write_one(const char *dir, const char *name,
                     const struct fit_log *lg, const struct fit_sum *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "qchan fit: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    int rc = strcmp(name, "observed.json") == 0 ? fit_write_json(f, lg, s)
                                                 : fit_write_csv(f, s);
    if (fclose(f) != 0 || rc < 0) {
        fprintf(stderr, "qchan fit: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

struct cli_fit {
    const char *out;
    const char *sim;
    int plots;
};

/* parse_opts - options into o and cf, the log paths into logs */
static int parse_opts(int argc, char **argv, struct fit_opts *o,
                      struct cli_fit *cf, char **logs, int *nlogs)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        if (strcmp(a, "--anonymize") == 0) {
            o->anonymize = 1;
        } else if (strcmp(a, "--out") == 0) {
            if (!v || !*v) {
                fprintf(stderr, "qchan fit: --out expects a directory\n");
                return -1;
            }
            cf->out = v;
            i++;
        } else if (strcmp(a, "--sim") == 0) {
            char series[4200];
            if (!v || !*v) {
                fprintf(stderr, "qchan fit: --sim expects the output "
                                "directory of a qchan run\n");
                return -1;
            }
            snprintf(series, sizeof series, "%.4000s/series.csv", v);
            if (access(series, R_OK) < 0) {
                fprintf(stderr, "qchan fit: cannot read %s: %s\n", series,
                        strerror(errno));
                return -1;
            }
            cf->sim = v;
            i++;
        } else if (strcmp(a, "--no-plots") == 0) {
            cf->plots = 0;
        } else if (strcmp(a, "--profile") == 0) {
            if (!v || (strcmp(v, "qchan") && strcmp(v, "channels-compat"))) {
                fprintf(stderr, "qchan fit: --profile expects qchan or "
                                "channels-compat\n");
                return -1;
            }
            o->profile = v;
            i++;
        } else if (strcmp(a, "--sample") == 0) {
            if (number(a, v, 86400, &d) < 0 || d < 0.001) {
                if (v && d < 0.001)
                    fprintf(stderr, "qchan fit: --sample must be at least "
                                    "0.001\n");
                return -1;
            }
            o->sample = d;
            i++;
        } else if (strcmp(a, "--outage-secs") == 0) {
            if (number(a, v, 1e9, &d) < 0)
                return -1;
            o->outage_secs = d;
            i++;
        } else if (strcmp(a, "--min-attempts") == 0 ||
                   strcmp(a, "--outage-attempts") == 0) {
            if (number(a, v, 1e9, &d) < 0 || d != (double)(unsigned)d ||
                d < 1) {
                if (v && d != (double)(unsigned)d)
                    fprintf(stderr, "qchan fit: %s expects a whole number "
                                    "of at least 1\n", a);
                return -1;
            }
            if (a[2] == 'm')
                o->min_attempts = (unsigned)d;
            else
                o->outage_attempts = (unsigned)d;
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "qchan fit: unknown option %s\n", a);
            return -1;
        } else {
            logs[(*nlogs)++] = argv[i];
        }
    }
    if (*nlogs == 0) {
        fprintf(stderr, "qchan fit: name at least one log file or "
                        "directory\n");
        return -1;
    }
    return 0;
}

/* cmd_fit - qchan fit */
int cmd_fit(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fit_usage(stdout);
        return 0;
    }
    struct fit_opts o;
    fit_opts_default(&o);
    struct cli_fit cf = {"fit-out", NULL, 1};
    char **logs = calloc((size_t)argc + 1, sizeof *logs);
    int nlogs = 0;
    if (!logs) {
        fprintf(stderr, "qchan fit: out of memory\n");
        return 2;
    }
    if (parse_opts(argc, argv, &o, &cf, logs, &nlogs) < 0) {
        free(logs);
        fit_usage(stderr);
        return 2;
    }
    struct fit_log lg;
    fit_log_init(&lg);
    char err[4200];
    int rc = fit_read(&lg, logs, nlogs, err, sizeof err);
    free(logs);
    if (rc < 0) {
        fprintf(stderr, "qchan fit: %s\n", err);
        fit_log_free(&lg);
        return 2;
    }
    if (lg.parsed == 0) {
        fprintf(stderr, "qchan fit: no qmail-send log lines in the %zu "
                        "file%s read (%llu lines not understood%s%s)\n",
                lg.nfiles, lg.nfiles == 1 ? "" : "s", lg.unparsed,
                lg.nexamples ? ", first in " : "",
                lg.nexamples ? lg.examples[0].file : "");
        fit_log_free(&lg);
        return 2;
    }
    struct fit_sum s;
    if (fit_sum_build(&s, &lg, &o) < 0) {
        fprintf(stderr, "qchan fit: out of memory\n");
        fit_log_free(&lg);
        return 2;
    }
    rc = 0;
    const char *out = cf.out;
    if (path_mkdirs(out) < 0) {
        fprintf(stderr, "qchan fit: cannot create directory %s: %s\n", out,
                strerror(errno));
        rc = 2;
    } else if (write_one(out, "observed.json", &lg, &s) < 0 ||
               write_one(out, "observed.csv", &lg, &s) < 0) {
        rc = 2;
    } else if (fit_write_scenario(out, &lg, &s, &o, err, sizeof err) < 0) {
        fprintf(stderr, "qchan fit: %s\n", err);
        rc = 2;
    }
    if (rc == 0) {
        fit_report(stdout, &lg, &s);
        printf("\nwrote %s/observed.json, %s/observed.csv, %s/replay.scn "
               "(with traffic.csv, latency/)\nnext: qchan run %s/replay.scn "
               "--log, then qchan compare %s/replay.scn --set "
               "concurrencyremote=N --vs --set concurrencyremote=M\n",
               out, out, out, out, out);
        char note[8600];
        if (cf.plots && fit_plot(out, cf.sim, &s, note, sizeof note) != 0)
            fprintf(stderr, "qchan fit: %s\n", note);
        else if (cf.plots)
            printf("%s\n", note);
    }
    fit_sum_free(&s);
    fit_log_free(&lg);
    return rc;
}
