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
#include "fit_check.h"
#include "fit_check_run.h"
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
        "[--no-plots]\n"
        "         [--check [--seeds R] [--strict]]\n"
        "       qchan fit --check DIR [--seeds R] [--strict]\n\n"
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
        "  --check              then replay.scn with seeds 1..R, each\n"
        "                       simulated log fitted like the log, in its\n"
        "                       window: per channel figures with the log's\n"
        "                       value, the replays' mean and 95%% interval,\n"
        "                       a verdict; check.json, check-*.png.\n"
        "                       qchan fit --check DIR checks an earlier\n"
        "                       fit's DIR against the logs it names\n"
        "  --seeds R            replays for --check (default 5)\n"
        "  --strict             exit 1 when a check row fails\n"
        "  -h, --help           this text\n\n"
        "exit status: 0 written, 1 a check row failed with --strict,\n"
        "2 bad usage, an unreadable file or no qmail-send lines.\n");
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
    FILE *f = path_create(dir, name, "qchan fit");
    if (!f)
        return -1;
    int rc = strcmp(name, "observed.json") == 0 ? fit_write_json(f, lg, s)
                                                 : fit_write_csv(f, s);
    if (rc < 0)
        fprintf(stderr, "qchan fit: cannot write %s/%s: out of memory\n",
                dir, name);
    return path_finish(f, dir, name, "qchan fit") < 0 || rc < 0 ? -1 : 0;
}

/* is_fit_dir - dir holds an earlier fit's observed.json and replay.scn */
static int is_fit_dir(const char *dir)
{
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%.4000s/observed.json", dir);
    snprintf(b, sizeof b, "%.4000s/replay.scn", dir);
    return access(a, R_OK) == 0 && access(b, R_OK) == 0;
}

/* json_string - the JSON string at *p (after its opening quote) into a
 * malloc'd copy, *p past the closing quote; NULL when malformed */
static char *json_string(const char **p)
{
    const char *s = *p;
    size_t n = 0;
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    while (*s && *s != '"') {
        if (*s == '\\') {
            s++;
            if (*s == 'u' && strlen(s) >= 5) {
                out[n++] = (char)strtol((char[]){s[1], s[2], s[3], s[4], 0},
                                        NULL, 16);
                s += 5;
                continue;
            }
            if (!*s)
                break;
        }
        out[n++] = *s++;
    }
    if (*s != '"') {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *p = s + 1;
    return out;
}

/* fit_dir_logs - the "files" of dir/observed.json (which fit wrote) */
static int fit_dir_logs(const char *dir, char ***out, int *n, char *err,
                        size_t cap)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/observed.json", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, cap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0;
    int rc = -1;
    *out = NULL;
    *n = 0;
    while (getline(&line, &lcap, f) > 0) {
        const char *p = strstr(line, "\"files\": [");
        if (!p)
            continue;
        p += strlen("\"files\": [");
        rc = 0;
        while (rc == 0 && *p == '"') {
            p++;
            char *s = json_string(&p);
            char **v = s ? realloc(*out, (size_t)(*n + 1) * sizeof *v)
                         : NULL;
            if (!v) {
                free(s);
                rc = -1;
                break;
            }
            *out = v;
            v[(*n)++] = s;
            if (*p == ',')
                p += 1 + (p[1] == ' ');
        }
        if (rc == 0 && (*p != ']' || *n == 0))
            rc = -1;
        break;
    }
    free(line);
    fclose(f);
    if (rc < 0) {
        snprintf(err, cap, "%s: expected the \"files\" of qchan fit's "
                 "observed.json", path);
        for (int i = 0; i < *n; i++)
            free((*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

struct cli_fit {
    const char *out;
    const char *sim;
    int plots;
    int check, strict, seeds;
    int out_given;
};

/* parse_opts - options into o and cf, the log paths into logs */
static int parse_opts(int argc, char **argv, struct fit_opts *o,
                      struct cli_fit *cf, char **logs, int *nlogs)
{
    static const struct option options[] = {
        {"anonymize", no_argument, NULL, 'a'},
        {"check", no_argument, NULL, 'c'},
        {"strict", no_argument, NULL, 'x'},
        {"seeds", required_argument, NULL, 'S'},
        {"out", required_argument, NULL, 'o'},
        {"sim", required_argument, NULL, 's'},
        {"no-plots", no_argument, NULL, 'P'},
        {"profile", required_argument, NULL, 'p'},
        {"sample", required_argument, NULL, 'T'},
        {"outage-secs", required_argument, NULL, 'O'},
        {"min-attempts", required_argument, NULL, 'm'},
        {"outage-attempts", required_argument, NULL, 'A'},
        {NULL, 0, NULL, 0}};
    int c;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        const char *v = optarg;
        double d;
        if (c == 'a') {
            o->anonymize = 1;
        } else if (c == 'c') {
            cf->check = 1;
        } else if (c == 'x') {
            cf->strict = 1;
        } else if (c == 'S') {
            if (number("--seeds", v, FIT_CHECK_MAX_SEEDS, &d) < 0 ||
                d != (double)(int)d || d < 1) {
                if (v && (d != (double)(int)d || d < 1))
                    fprintf(stderr, "qchan fit: --seeds expects a whole "
                                    "number of at least 1\n");
                return -1;
            }
            cf->seeds = (int)d;
        } else if (c == 'o') {
            cf->out_given = 1;
            if (!v || !*v) {
                fprintf(stderr, "qchan fit: --out expects a directory\n");
                return -1;
            }
            cf->out = v;
        } else if (c == 's') {
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
        } else if (c == 'P') {
            cf->plots = 0;
        } else if (c == 'p') {
            if (!v || (strcmp(v, "qchan") && strcmp(v, "channels-compat"))) {
                fprintf(stderr, "qchan fit: --profile expects qchan or "
                                "channels-compat\n");
                return -1;
            }
            o->profile = v;
        } else if (c == 'T') {
            if (number("--sample", v, 86400, &d) < 0 || d < 0.001) {
                if (v && d < 0.001)
                    fprintf(stderr, "qchan fit: --sample must be at least "
                                    "0.001\n");
                return -1;
            }
            o->sample = d;
        } else if (c == 'O') {
            if (number("--outage-secs", v, 1e9, &d) < 0)
                return -1;
            o->outage_secs = d;
        } else if (c == 'm' || c == 'A') {
            const char *a = c == 'm' ? "--min-attempts" : "--outage-attempts";
            if (number(a, v, 1e9, &d) < 0 || d != (double)(unsigned)d ||
                d < 1) {
                if (v && d != (double)(unsigned)d)
                    fprintf(stderr, "qchan fit: %s expects a whole number "
                                    "of at least 1\n", a);
                return -1;
            }
            if (c == 'm')
                o->min_attempts = (unsigned)d;
            else
                o->outage_attempts = (unsigned)d;
        } else if (c == CLI_OPT_ARG) {
            logs[(*nlogs)++] = optarg;
        } else {
            return -2;   /* said by cli_getopt */
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
    struct cli_fit cf = {"fit-out", NULL, 1, 0, 0, 5, 0};
    char **logs = calloc((size_t)argc + 1, sizeof *logs);
    int nlogs = 0;
    if (!logs) {
        fprintf(stderr, "qchan fit: out of memory\n");
        return 2;
    }
    int prc = parse_opts(argc, argv, &o, &cf, logs, &nlogs);
    if (prc < 0) {
        free(logs);
        if (prc == -1)
            fit_usage(stderr);
        return 2;
    }
    /* qchan fit --check DIR: DIR is an earlier fit's output; its
     * observed.json names the log files, its replay.scn (edited or not)
     * is what gets checked */
    char **dirlogs = NULL;
    int ndirlogs = 0, refit = 1;
    char err[4200];
    if (cf.check && nlogs == 1 && is_fit_dir(logs[0])) {
        if (cf.out_given && strcmp(cf.out, logs[0]) != 0) {
            fprintf(stderr, "qchan fit: --check %s checks that directory; "
                            "leave out --out\n", logs[0]);
            free(logs);
            return 2;
        }
        cf.out = logs[0];
        if (fit_dir_logs(logs[0], &dirlogs, &ndirlogs, err,
                         sizeof err) < 0) {
            fprintf(stderr, "qchan fit: %s\n", err);
            free(logs);
            return 2;
        }
        refit = 0;
    }
    struct fit_log lg;
    fit_log_init(&lg);
    int rc = refit ? fit_read(&lg, logs, nlogs, err, sizeof err)
                   : fit_read(&lg, dirlogs, ndirlogs, err, sizeof err);
    free(logs);
    for (int i = 0; i < ndirlogs; i++)
        free(dirlogs[i]);
    free(dirlogs);
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
    if (!refit) {
        /* the check alone: the fit's files stay as they are */
        fit_report(stdout, &lg, &s);
        rc = fit_check_run(out, &s, &o, cf.seeds, cf.strict, cf.plots);
        fit_sum_free(&s);
        fit_log_free(&lg);
        return rc;
    }
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
        if (cf.check)
            rc = fit_check_run(out, &s, &o, cf.seeds, cf.strict, cf.plots);
    }
    fit_sum_free(&s);
    fit_log_free(&lg);
    return rc;
}
