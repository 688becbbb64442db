/*
 * cmd_advise.c - `qchan advise`: which destinations deserve a
 * supplemental channel, proved by simulation (sim_advise.h).
 *
 *	qchan advise SCENARIO|FITDIR [--conf-spawn N] [--fd-setsize N]
 *		[--nofile N] [--nproc N] [--file-max N] [--replications R]
 *		[--seed N] [--out DIR] [--jobs N] [--no-plots]
 *
 * Writes DIR/report.md (the reasoning), DIR/advise.json (the same as
 * data), DIR/advise.csv and the picture advise_p95 (each channel's p95
 * latency, current against proposed, with intervals), and DIR/control:
 * the control files to deploy (concurrency* and supplsK, nothing else).
 * Exit 0 advised (a proposal, or "the current configuration is best"),
 * 2 bad input, 3 a broken invariant in some run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "decimal.h"
#include "json.h"
#include "metric.h"
#include "path.h"
#include "sim_advise.h"

/* usage - the options */
static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: qchan advise SCENARIO|FITDIR [--conf-spawn N] "
            "[--fd-setsize N]\n"
            "         [--nofile N] [--nproc N] [--file-max N] "
            "[--replications R]\n"
            "         [--seed N] [--out DIR] [--jobs N] [--no-plots]\n\n"
            "Proposes which destinations of the remote channel deserve a "
            "supplemental\nchannel (a slow or outage-prone domain holding "
            "remote's slots, a bulk domain\ndelaying the others) and at "
            "which concurrency, inside every limit; proves it\nby "
            "simulation on the same seeds (current against proposed, per "
            "channel p50,\np95, pending at the end, limits), proposes nothing "
            "that is not better beyond\nthe 95%% intervals, and says so "
            "when the current configuration is best.\n\n"
            "  SCENARIO|FITDIR   a scenario, or a directory qchan fit wrote "
            "(its replay.scn)\n"
            "  --conf-spawn N, --fd-setsize N, --nofile N, --nproc N, "
            "--file-max N\n"
            "                    the machine's limits, as qchan limits "
            "takes them\n"
            "                    (default: the scenario's)\n"
            "  --replications R  seeds per configuration (default 5, at "
            "most 100)\n"
            "  --seed N          the first seed (default the scenario's)\n"
            "  --out DIR         where to write (default build/advise/"
            "SCENARIO): report.md,\n"
            "                    advise.json, advise.csv, advise_p95.png, "
            "control/\n"
            "  --jobs N          runs at once (default: the processors)\n"
            "  --no-plots        no picture\n\n"
            "exit: 0 advised, 2 bad input, 3 a broken invariant in some "
            "run\n");
    return rc;
}

struct opts {
    const char *scn, *out;
    char *sets[5];
    char setbuf[5][64];
    size_t nsets;
    unsigned reps;
    int has_seed, jobs, plots;
    uint64_t seed;
    char scnbuf[4200];
};

/* parse_count - a whole number from 1 up to max */
static int parse_count(const char *s, uint64_t max, uint64_t *v)
{
    return decimal_parse_u64(s, max, v) < 0 || *v == 0 ? -1 : 0;
}

/* parse_opts - the command line; 1 when --help was answered */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"conf-spawn", required_argument, NULL, 'c'},
        {"fd-setsize", required_argument, NULL, 'f'},
        {"nofile", required_argument, NULL, 'n'},
        {"nproc", required_argument, NULL, 'p'},
        {"file-max", required_argument, NULL, 'm'},
        {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"no-plots", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    uint64_t v;
    int c;
    o->scn = NULL;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, longopts)) != -1) {
        switch (c) {
        case 'c':
        case 'f':
        case 'n':
        case 'p':
        case 'm': {
            const char *name = NULL;
            for (const struct option *lo = longopts; lo->name; lo++)
                if (lo->val == c && !name)
                    name = lo->name;
            if (parse_count(optarg, 1ULL << 40, &v) < 0) {
                fprintf(stderr, "qchan advise: --%s %s: expected a whole "
                        "number above 0\n", name, optarg);
                return -1;
            }
            snprintf(o->setbuf[o->nsets], sizeof o->setbuf[0], "%s=%llu",
                     name, (unsigned long long)v);
            o->sets[o->nsets] = o->setbuf[o->nsets];
            o->nsets++;
            break;
        }
        case 'r':
            if (parse_count(optarg, 100, &v) < 0) {
                fprintf(stderr, "qchan advise: --replications %s: expected "
                        "2 to 100\n", optarg);
                return -1;
            }
            o->reps = (unsigned)v;
            break;
        case 's': {
            if (decimal_parse_u64(optarg, UINT64_MAX, &o->seed) < 0) {
                fprintf(stderr, "qchan advise: --seed %s: expected a whole "
                        "number\n", optarg);
                return -1;
            }
            o->has_seed = 1;
            break;
        }
        case 'o':
            o->out = optarg;
            break;
        case 'j':
            if (parse_count(optarg, 64, &v) < 0) {
                fprintf(stderr, "qchan advise: --jobs %s: expected 1 to "
                        "64\n", optarg);
                return -1;
            }
            o->jobs = (int)v;
            break;
        case 'P':
            o->plots = 0;
            break;
        case 'h':
            usage(stdout, 0);
            return 1;
        case CLI_OPT_ARG:
            if (o->scn) {
                fprintf(stderr, "qchan advise: one scenario or fit "
                        "directory\n");
                return usage(stderr, -1);
            }
            o->scn = optarg;
            break;
        default:
            return -1;   /* cli_getopt said what */
        }
    }
    if (!o->scn) {
        fprintf(stderr, "qchan advise: one scenario or fit directory\n");
        return usage(stderr, -1);
    }
    struct stat st;
    if (stat(o->scn, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(o->scnbuf, sizeof o->scnbuf, "%.4000s/replay.scn", o->scn);
        o->scn = o->scnbuf;
    }
    if (o->reps < 2) {
        fprintf(stderr, "qchan advise: --replications: at least 2 (the "
                "intervals need them)\n");
        return -1;
    }
    return 0;
}

/* answer - the variant whose configuration is proposed (current: 0) */
static const struct sim_advise_variant *answer(const struct sim_advise *a)
{
    return &a->var[a->chosen];
}

/* report_md - report.md: the reasoning */
static void report_md(FILE *f, const struct sim_advise *a,
                      const char *cmdline)
{
    char b1[64], b2[64], b3[64], cn[QC_CHAN_NAME_MAX];
    const struct sim_advise_variant *cur = &a->var[0], *p = answer(a);
    fprintf(f, "# qchan advise: %s\n\n", a->scenario);
    fprintf(f, "    %s\n\n", cmdline);
    fprintf(f, "Limits: conf-spawn %llu, fd-setsize %llu, nofile %llu, "
            "nproc %llu, file-max %llu.  %u seeds (%llu..%llu), the same "
            "for every configuration (common random numbers); intervals "
            "are 95%% (Student t).\n\n", a->env.conf_spawn,
            a->env.fd_setsize, a->env.nofile, a->env.nproc, a->env.file_max,
            a->reps, (unsigned long long)a->seed0,
            (unsigned long long)(a->seed0 + a->reps - 1));
    if (!cur->fits)
        fprintf(f, "Note: the current configuration itself does not fit: "
                "%s.\n\n", cur->limit_note);
    fprintf(f, "Candidates (domains the scenario names that go to remote): ");
    for (size_t i = 0; i < a->ncand; i++)
        fprintf(f, "%s%s", i ? ", " : "", a->cand[i]);
    fprintf(f, "%s.\n\n", a->ncand ? "" : "none");
    fprintf(f, "## Answer\n\n");
    if (a->chosen == 0) {
        fprintf(f, "**The current configuration is already best**: no "
                "proposal lowers remote's p95 latency beyond the interval "
                "without making another figure worse.  The control "
                "directory holds the current values.\n\n");
    } else {
        fprintf(f, "**Move %s to its own channel %s at concurrency %u.**  "
                "Remote's p95 latency changes by %.3f s (95%% interval "
                "%.3f .. %.3f, paired by seed): from %s to %s s.\n\n",
                p->domain, qc_channel_name(p->chan, cn), p->concurrency,
                p->d_remote.mean, p->d_remote.low, p->d_remote.high,
                sim_ci_text(&cur->p95[1], b1, sizeof b1),
                sim_ci_text(&p->p95[1], b2, sizeof b2));
    }
    fprintf(f, "## Every configuration tried\n\n| configuration | remote "
            "p95 (s) | remote p95 change (paired) | the moved domain's "
            "channel p95 | pending, change | limit hit | verdict |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < a->nvar; i++) {
        const struct sim_advise_variant *v = &a->var[i];
        char b4[64];
        fprintf(f, "| %s | %s | %s | %s | %s | %u/%u | %s |\n", v->label,
                sim_ci_text(&v->p95[1], b1, sizeof b1),
                i ? sim_ci_text(&v->d_remote, b2, sizeof b2) : "",
                v->chan >= 0 ? sim_ci_text(&v->p95[v->chan], b4, sizeof b4) : "",
                i ? sim_ci_text(&v->d_left, b3, sizeof b3) : "", v->limit_runs,
                a->reps, i == 0 ? "" : (long)i == a->chosen ? "**proposed**"
                                 : v->better ? "better, not the best"
                                             : v->why);
    }
    for (size_t i = 0; i < a->nskipped; i++)
        fprintf(f, "%s%s\n", i ? "- " : "\nNot run, beyond a limit:\n\n- ",
                a->skipped[i]);
    fprintf(f, "\n## Per channel, current and %s\n\n| channel | p50 "
            "current | p50 proposed | p95 current | p95 proposed | pending "
            "current | pending proposed |\n| --- | --- | --- | --- | --- | --- "
            "| --- |\n", a->chosen ? "proposed" : "the same");
    for (int c = 0; c < p->nchan; c++) {
        char c1[64], c2[64], c3[64], c4[64], c5[64], c6[64];
        int old = c < cur->nchan;
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n",
                qc_channel_name(c, cn),
                old ? sim_ci_text(&cur->p50[c], c1, sizeof c1) : "-",
                sim_ci_text(&p->p50[c], c2, sizeof c2),
                old ? sim_ci_text(&cur->p95[c], c3, sizeof c3) : "-",
                sim_ci_text(&p->p95[c], c4, sizeof c4),
                old ? sim_ci_text(&cur->left[c], c5, sizeof c5) : "-",
                sim_ci_text(&p->left[c], c6, sizeof c6));
    }
    fprintf(f, "\nA proposal counts as better only when remote's p95, "
            "paired seed by seed with the current configuration, is lower "
            "over the whole interval of the differences, no other channel's "
            "p95 and no pending count is higher over its interval, it "
            "hits no limit the current configuration does not, and its "
            "control values fit every limit (core/limits_model, as qchan "
            "limits).  Concurrencies tried for a new channel: a quarter, a "
            "half and all of remote's; those beyond a limit are not run.  "
            "Of a domain's better concurrencies the smallest whose own p95 "
            "(the new channel's) is within the best one's interval is "
            "taken, so the moved domain is not starved to save slots.\n\n![p95 per channel](advise_p95.png)"
            "\n\nFiles: control/ (concurrency* and supplsK to copy into "
            "/var/qmail/control), advise.json, advise.csv.\n");
}

/* advise_json - advise.json */
static void advise_json(FILE *f, const struct sim_advise *a)
{
    char cn[QC_CHAN_NAME_MAX];
    fputs("{\n  \"scenario\": ", f);
    json_write_str(f, a->scenario);
    fprintf(f, ",\n  \"replications\": %u,\n  \"seeds\": [%llu, %llu],\n"
            "  \"limits\": {\"conf_spawn\": %llu, \"fd_setsize\": %llu, "
            "\"nofile\": %llu, \"nproc\": %llu, \"file_max\": %llu},\n"
            "  \"candidates\": [", a->reps, (unsigned long long)a->seed0,
            (unsigned long long)(a->seed0 + a->reps - 1), a->env.conf_spawn,
            a->env.fd_setsize, a->env.nofile, a->env.nproc, a->env.file_max);
    for (size_t i = 0; i < a->ncand; i++) {
        fputs(i ? ", " : "", f);
        json_write_str(f, a->cand[i]);
    }
    fputs("],\n  \"variants\": [", f);
    for (size_t i = 0; i < a->nvar; i++) {
        const struct sim_advise_variant *v = &a->var[i];
        fputs(i ? ",\n    {\"label\": " : "\n    {\"label\": ", f);
        json_write_str(f, v->label);
        fputs(", \"domain\": ", f);
        if (v->domain[0])
            json_write_str(f, v->domain);
        else
            fputs("null", f);
        fputs(", \"channel\": ", f);
        if (v->chan >= 0)
            json_write_str(f, qc_channel_name(v->chan, cn));
        else
            fputs("null", f);
        fprintf(f, ", \"concurrency\": %u, \"limit_runs\": %u, \"better\": "
                "%s, \"why_not\": ", v->concurrency, v->limit_runs,
                v->better ? "true" : "false");
        if (i && !v->better)
            json_write_str(f, v->why);
        else
            fputs("null", f);
        fputs(", \"remote_p95_change\": ", f);
        if (i)
            sim_ci_json(f, &v->d_remote);
        else
            fputs("null", f);
        fputs(", \"" METRIC_KEY(METRIC_PENDING) "_change\": ", f);
        if (i)
            sim_ci_json(f, &v->d_left);
        else
            fputs("null", f);
        fputs(", \"channels\": [", f);
        for (int c = 0; c < v->nchan; c++) {
            fputs(c ? ", {\"name\": " : "{\"name\": ", f);
            json_write_str(f, qc_channel_name(c, cn));
            fputs(", \"" METRIC_KEY(METRIC_LATENCY_P50) "\": ", f);
            sim_ci_json(f, &v->p50[c]);
            fputs(", \"" METRIC_KEY(METRIC_LATENCY_P95) "\": ", f);
            sim_ci_json(f, &v->p95[c]);
            fputs(", \"" METRIC_KEY(METRIC_PENDING) "\": ", f);
            sim_ci_json(f, &v->left[c]);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n  ],\n  \"not_run_beyond_limits\": [", f);
    for (size_t i = 0; i < a->nskipped; i++) {
        fputs(i ? ", " : "", f);
        json_write_str(f, a->skipped[i]);
    }
    fprintf(f, "],\n  \"current_is_best\": %s,\n  \"proposal\": ",
            a->chosen ? "false" : "true");
    if (a->chosen) {
        const struct sim_advise_variant *p = answer(a);
        fputs("{\"domain\": ", f);
        json_write_str(f, p->domain);
        fputs(", \"channel\": ", f);
        json_write_str(f, qc_channel_name(p->chan, cn));
        fprintf(f, ", \"concurrency\": %u}", p->concurrency);
    } else {
        fputs("null", f);
    }
    fputs("\n}\n", f);
}

/* write_file - dir/name holding text */
static int write_file(const char *dir, const char *name, const char *text)
{
    FILE *f = path_create(dir, name, "qchan advise");
    if (!f)
        return -1;
    fputs(text, f);
    return path_finish(f, dir, name, "qchan advise");
}

/* control_dir - concurrency* and supplsK of the answer */
static int control_dir(const char *out, const struct sim_advise *a)
{
    char dir[4200], name[64], text[4096];
    snprintf(dir, sizeof dir, "%.4000s/control", out);
    if (path_mkdirs(dir) < 0) {
        fprintf(stderr, "qchan advise: cannot create %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    const struct sim_advise_variant *p = answer(a);
    int nchan = p->chan >= 0 ? p->chan + 1 : a->nchan;
    for (int c = 0; c < nchan; c++) {
        char cn[QC_CHAN_NAME_MAX];
        unsigned conc = c == p->chan ? p->concurrency
                                     : a->current.concurrency[c];
        snprintf(name, sizeof name, "concurrency%s",
                 qc_channel_name(c, cn));
        snprintf(text, sizeof text, "%u\n", conc);
        if (write_file(dir, name, text) < 0)
            return -1;
        if (c < 2)
            continue;
        size_t len = 0;
        text[0] = '\0';
        if (c < a->nchan)
            for (size_t i = 0; i < a->current.suppls[c - 2].n; i++)
                len += (size_t)snprintf(text + len, sizeof text - len,
                                        "%s\n",
                                        a->current.suppls[c - 2].items[i]);
        if (c == p->chan)
            snprintf(text + len, sizeof text - len, "%s\n", p->domain);
        snprintf(name, sizeof name, "suppls%d", c - 2);
        if (write_file(dir, name, text) < 0)
            return -1;
    }
    return 0;
}

/* picture - advise.csv and advise_p95 */
static int picture(const char *out, const struct sim_advise *a, int plots,
                   char *note, size_t cap)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/advise.csv", out);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    const struct sim_advise_variant *cur = &a->var[0], *p = answer(a);
    fputs("i,channel,current_mean,current_low,current_high,proposed_mean,"
          "proposed_low,proposed_high\n", f);
    for (int c = 0; c < p->nchan; c++) {
        char cn[QC_CHAN_NAME_MAX];
        fprintf(f, "%d,%s", c, qc_channel_name(c, cn));
        const struct sim_ci *x[2] = {c < cur->nchan ? &cur->p95[c] : NULL,
                                     &p->p95[c]};
        for (int k = 0; k < 2; k++)
            if (x[k] && x[k]->have)
                fprintf(f, ",%.6f,%.6f,%.6f", x[k]->mean, x[k]->low,
                        x[k]->high);
            else
                fputs(",NaN,NaN,NaN", f);
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        return -1;
    if (!plots || strchr(out, '"') || strchr(a->scenario, '"')) {
        snprintf(note, cap, "no picture");
        return 0;
    }
    char vars[8800], prop[600];
    char cn[QC_CHAN_NAME_MAX];
    if (a->chosen)
        snprintf(prop, sizeof prop, "%.250s in %s at %u", p->domain,
                 qc_channel_name(p->chan, cn), p->concurrency);
    else
        snprintf(prop, sizeof prop, "none better: current");
    snprintf(vars, sizeof vars, "datadir=\"%s\"; scenario=\"%s\"; "
             "variant=\"\"; channels=\"\"; reps=%u; proposal=\"%s\"", out,
             a->scenario, a->reps, prop);
    static const char *const scripts[] = {"advise_p95"};
    int rc = sim_plot_scripts(scripts, 1, vars, out, note, cap);
    if (rc == 0)
        snprintf(note, cap, "picture: %s/advise_p95.{png,svg}", out);
    return rc;
}

/* cmd_advise - the subcommand */
int cmd_advise(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    o.reps = 5;
    o.plots = 1;
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = np < 1 ? 1 : np > 64 ? 64 : (int)np;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : 2;
    char name[256], out[4200], work[4300], err[2048];
    const char *slash = strrchr(o.scn, '/');
    snprintf(name, sizeof name, "%s", slash ? slash + 1 : o.scn);
    size_t nl = strlen(name);
    if (nl > 4 && strcmp(name + nl - 4, ".scn") == 0)
        name[nl - 4] = '\0';
    if (o.out)
        snprintf(out, sizeof out, "%s", o.out);
    else
        snprintf(out, sizeof out, "build/advise/%s", name);
    snprintf(work, sizeof work, "%s/work", out);
    if (path_mkdirs(work) < 0) {
        fprintf(stderr, "qchan advise: cannot create %s: %s\n", work,
                strerror(errno));
        return 2;
    }
    struct sim_advise_opts ao = {o.scn, o.sets, o.nsets, o.reps, o.has_seed,
                                 o.seed, o.jobs, work};
    struct sim_advise *a = calloc(1, sizeof *a);
    if (!a)
        return 2;
    if (sim_advise_run(&ao, a, err, sizeof err) < 0) {
        fprintf(stderr, "qchan advise: %s\n", err);
        sim_advise_free(a);
        free(a);
        return 2;
    }
    char cmdline[2048];
    size_t len = 0;
    for (int i = 0; i < argc && len < sizeof cmdline; i++)
        len += (size_t)snprintf(cmdline + len, sizeof cmdline - len, "%s%s",
                                i ? " " : "qchan ", argv[i]);
    FILE *f = path_create(out, "report.md", "qchan advise");
    rc = 0;
    if (f) {
        report_md(f, a, cmdline);
        rc |= path_finish(f, out, "report.md", "qchan advise") < 0;
    }
    FILE *j = path_create(out, "advise.json", "qchan advise");
    if (j) {
        advise_json(j, a);
        rc |= path_finish(j, out, "advise.json", "qchan advise") < 0;
    }
    rc |= !f || !j;
    rc |= control_dir(out, a) < 0;
    char note[4400];
    fflush(stdout);
    rc |= picture(out, a, o.plots, note, sizeof note) < 0;
    report_md(stdout, a, cmdline);
    printf("\n%s\noutputs: %s/report.md, advise.json, advise.csv, control/\n",
           note, out);
    unsigned broke = 0;
    for (size_t i = 0; i < a->nvar * a->reps; i++)
        broke += a->runs[i].nviolations;
    sim_advise_free(a);
    free(a);
    if (rc)
        fprintf(stderr, "qchan advise: could not write every file in %s\n",
                out);
    return broke ? 3 : rc ? 2 : 0;
}
