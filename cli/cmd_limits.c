/*
 * cmd_limits.c - `qchan limits`: will this configuration fit the machine?
 *
 *	qchan limits --control DIR [--channels N] [--conf-spawn N]
 *		[--fd-setsize N] [--nofile N] [--nproc N] [--file-max N]
 *
 * Reads the control directory, works out with limits_compute() the
 * descriptors and processes every qmail process needs when each channel
 * runs at full concurrency, and prints a table per process, the totals
 * against the shared limits, and per channel the concurrency in force and
 * the concurrency at which it would reach each limit.  The model and its
 * reasons are in core/limits_model.h.
 *
 * Exit status: 0 everything fits; 1 some limit is reached, one "problem:"
 * line each on standard output; 2 a bad option or an unreadable control
 * directory, with a message naming it on standard error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "decimal.h"
#include "limits_model.h"

struct limits_opts {
    const char *dir;
    int nchan;                  /* 0: from the files */
    struct limits_env env;
};

/* The numeric options and where each value goes. */
static const struct {
    const char *name;
    size_t off;
    const char *help;
} num_opts[] = {
    {"--conf-spawn", offsetof(struct limits_env, conf_spawn),
     "conf-spawn, the spawners' delivery limit (default 509)"},
    {"--fd-setsize", offsetof(struct limits_env, fd_setsize),
     "FD_SETSIZE of select() (default 1024)"},
    {"--nofile", offsetof(struct limits_env, nofile),
     "open files per process, ulimit -n (default 1024)"},
    {"--nproc", offsetof(struct limits_env, nproc),
     "processes of the qmailr user, ulimit -u (default 2048)"},
    {"--file-max", offsetof(struct limits_env, file_max),
     "open files of the system, fs.file-max (default 1000000)"},
};
#define NNUM (sizeof num_opts / sizeof num_opts[0])

/* limits_usage - the --help text */
static void limits_usage(FILE *out)
{
    fprintf(out,
        "usage: qchan limits --control DIR [--channels N] [--conf-spawn N]\n"
        "         [--fd-setsize N] [--nofile N] [--nproc N] [--file-max N]\n\n"
        "Work out the descriptors and processes qmail (CHANNELS patch) needs\n"
        "when every channel runs at full concurrency, and say which limit\n"
        "each channel reaches first.  A channel runs at min(its concurrency\n"
        "control, conf-spawn).  Each spawner holds 2 fixed descriptors, 2\n"
        "per delivery in flight and the message file while starting one,\n"
        "and select()s: it breaks when its highest fd reaches FD_SETSIZE.\n"
        "Remote and supplemental deliveries and their spawners are processes\n"
        "of qmailr (nproc); local deliveries run as the recipients.  The\n"
        "system total is every descriptor of every process (file-max).\n\n"
        "options:\n"
        "  --control DIR     the qmail control directory to read (required)\n"
        "  --channels N      number of channels, %d..%d (default: 2 + one\n"
        "                    past the highest supplsK/concurrencysupplK file)\n",
        QC_MIN_CHANNELS, QC_MAX_CHANNELS);
    for (size_t i = 0; i < NNUM; i++) {
        char opt[32];
        snprintf(opt, sizeof opt, "%s N", num_opts[i].name);
        fprintf(out, "  %-17s %s\n", opt, num_opts[i].help);
    }
    fprintf(out,
        "  -h, --help        this text\n\n"
        "exit status: 0 everything fits, 1 a limit is reached (one\n"
        "'problem:' line each), 2 bad usage or an unreadable control "
        "directory.\n");
}

/* parse_count - a positive decimal number; 0 ok, -1 not one */
static int parse_count(const char *s, unsigned long long *out)
{
    uint64_t v;
    if (decimal_parse_u64(s, UINT64_MAX, &v) < 0 || v == 0)
        return -1;
    *out = v;
    return 0;
}

/* parse_args - fill o; 0 ok, 2 usage error (reported) */
static int parse_args(int argc, char **argv, struct limits_opts *o)
{
    /* --control, --channels, then the numbers of num_opts by index */
    struct option options[2 + NNUM + 1] = {
        {"control", required_argument, NULL, 'c'},
        {"channels", required_argument, NULL, 'n'}};
    for (size_t k = 0; k < NNUM; k++)
        options[2 + k] = (struct option){num_opts[k].name + 2,
                                         required_argument, NULL,
                                         256 + (int)k};
    options[2 + NNUM] = (struct option){NULL, 0, NULL, 0};
    unsigned long long n;
    int c;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        if (c == 'c') {
            if (!*optarg) {
                fprintf(stderr, "qchan limits: --control: empty name\n");
                return 2;
            }
            o->dir = optarg;
        } else if (c == 'n') {
            if (parse_count(optarg, &n) < 0 || n < QC_MIN_CHANNELS ||
                n > QC_MAX_CHANNELS) {
                fprintf(stderr, "qchan limits: --channels '%s': expected a "
                        "number from %d to %d\n", optarg, QC_MIN_CHANNELS,
                        QC_MAX_CHANNELS);
                return 2;
            }
            o->nchan = (int)n;
        } else if (c >= 256 && c < 256 + (int)NNUM) {
            size_t k = (size_t)(c - 256);
            if (parse_count(optarg, &n) < 0) {
                fprintf(stderr, "qchan limits: %s '%s': expected a positive "
                        "whole number\n", num_opts[k].name, optarg);
                return 2;
            }
            *(unsigned long long *)((char *)&o->env + num_opts[k].off) = n;
        } else if (c == CLI_OPT_ARG) {
            fprintf(stderr, "qchan limits: unexpected argument '%s' "
                    "(try --help)\n", optarg);
            return 2;
        } else {
            return 2;
        }
    }
    if (!o->dir) {
        fprintf(stderr, "qchan limits: --control DIR is required "
                "(try --help)\n");
        return 2;
    }
    return 0;
}

/* num_or_dash - a number, or "-" when zero means "does not apply" */
static const char *num_or_dash(unsigned long long v, char buf[24])
{
    if (v == 0)
        return "-";
    snprintf(buf, 24, "%llu", v);
    return buf;
}

/* print_header - what was read and the limits compared with */
static void print_header(const struct limits_opts *o,
                         const struct limits_report *r)
{
    char name[QC_CHAN_NAME_MAX];

    printf("qchan limits: control %s, %d channels (", o->dir, r->nchan);
    for (int ch = 0; ch < r->nchan; ch++)
        printf("%s%s", ch ? " " : "", qc_channel_name(ch, name));
    printf(")\n");
    printf("limits: conf-spawn %llu, fd-setsize %llu, nofile %llu per "
           "process, nproc %llu for qmailr, file-max %llu\n",
           o->env.conf_spawn, o->env.fd_setsize, o->env.nofile,
           o->env.nproc, o->env.file_max);
    printf("chkspawn: conf-spawn may be at most %llu with fd-setsize %llu\n\n",
           r->chkspawn_max, o->env.fd_setsize);
}

/* print_procs - one row per kind of process, at full concurrency */
static void print_procs(const struct limits_report *r)
{
    printf("%-16s %-10s %6s %10s %8s %10s %10s %9s  %s\n", "process", "user",
           "procs", "deliveries", "fds each", "highest fd", "FD_SETSIZE",
           "fds total", "status");
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct limits_proc *p = &r->procs[i];
        char b1[24], b2[24], status[64] = "";
        int spawner = p->chan >= 0;

        for (int k = LIMITS_FD_SETSIZE; k <= LIMITS_NOFILE; k++)
            if (p->reached & (1u << k))
                snprintf(status + strlen(status), sizeof status -
                         strlen(status), "%s%s", *status ? "," : "over ",
                         limits_kind_name((enum limits_kind)k));
        printf("%-16s %-10s %6llu %10s %8llu %10llu %10s %9llu  %s\n", p->name,
               p->user, p->count,
               spawner ? (snprintf(b1, sizeof b1, "%llu", p->inflight), b1)
                       : "-",
               p->fds, p->fd_highest, num_or_dash(p->fd_select, b2),
               p->fds_total, *status ? status : "ok");
    }
    printf("\n");
}

/* print_totals - the shared limits */
static void print_totals(const struct limits_opts *o,
                         const struct limits_report *r)
{
    unsigned long long most = 0;
    const char *who = "";

    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].fds > most) {
            most = r->procs[i].fds;
            who = r->procs[i].name;
        }
    printf("qmailr processes (qmail-rspawn and qmail-remote): %llu, "
           "nproc %llu: %s\n", r->qmailr_procs, o->env.nproc,
           r->qmailr_procs > o->env.nproc ? "OVER" : "ok");
    printf("local deliveries (qmail-local as each recipient, not counted "
           "against qmailr): %llu\n", r->local_procs);
    printf("descriptors of all processes: %llu, file-max %llu: %s\n",
           r->fds_total, o->env.file_max,
           r->fds_total > o->env.file_max ? "OVER" : "ok");
    printf("most descriptors in one process: %llu (%s), nofile %llu: %s\n\n",
           most, who, o->env.nofile, most > o->env.nofile ? "OVER" : "ok");
}

/* print_chans - per channel, the concurrency at which each limit bites */
static void print_chans(const struct limits_opts *o,
                        const struct limits_report *r)
{
    char name[QC_CHAN_NAME_MAX];

    printf("concurrency at which each channel reaches a limit (others at "
           "theirs; - never):\n");
    printf("%-8s %8s %8s %10s %10s %10s %10s  %s\n", "channel", "control",
           "in force", "fd-setsize", "nofile", "nproc", "file-max",
           "first limit");
    for (int ch = 0; ch < r->nchan; ch++) {
        const struct limits_chan *c = &r->chans[ch];
        char b[4][24], first[64];

        if (c->first == LIMITS_NONE)
            snprintf(first, sizeof first, "none");
        else
            snprintf(first, sizeof first, "%s at %llu%s",
                     limits_kind_name(c->first), c->reach,
                     c->reach <= c->inforce ? " (REACHED)" : "");
        printf("%-8s %8u %8llu %10s %10s %10s %10s  %s\n",
               qc_channel_name(ch, name), c->control, c->inforce,
               num_or_dash(c->reach_by[LIMITS_FD_SETSIZE], b[0]),
               num_or_dash(c->reach_by[LIMITS_NOFILE], b[1]),
               num_or_dash(c->reach_by[LIMITS_NPROC], b[2]),
               num_or_dash(c->reach_by[LIMITS_FILE_MAX], b[3]), first);
    }
    for (int ch = 0; ch < r->nchan; ch++)
        if (r->chans[ch].control > r->chans[ch].inforce)
            printf("note: channel %s: concurrency %u curbed to conf-spawn "
                   "%llu\n", qc_channel_name(ch, name), r->chans[ch].control,
                   o->env.conf_spawn);
    printf("\n");
}

/* print_problem - one "problem:" line, naming both numbers */
static void print_problem(const struct limits_opts *o,
                          const struct limits_problem *p)
{
    char name[QC_CHAN_NAME_MAX];
    const char *lim = limits_kind_name(p->kind);

    printf("problem: ");
    if (p->kind == LIMITS_CONF_SPAWN) {
        if (strcmp(p->process, "chkspawn") == 0)
            printf("conf-spawn is %llu, chkspawn allows at most %llu with "
                   "fd-setsize %llu\n", p->needed, p->limit,
                   o->env.fd_setsize);
        else
            printf("conf-spawn is %llu, the spawn protocol allows at most "
                   "%llu\n", p->needed, p->limit);
        return;
    }
    if (p->chan >= 0)
        printf("channel %s: ", qc_channel_name(p->chan, name));
    if (p->kind == LIMITS_NPROC)
        printf("qmailr needs %llu processes", p->needed);
    else if (p->kind == LIMITS_FILE_MAX)
        printf("all processes need %llu descriptors", p->needed);
    else if (p->kind == LIMITS_FD_SETSIZE)
        printf("%s needs %llu descriptors (highest fd %llu)", p->process,
               p->needed, p->highest);
    else
        printf("%s needs %llu descriptors", p->process, p->needed);
    if (p->chan >= 0)
        printf(" at concurrency %llu, %s is %llu (reached from concurrency "
               "%llu)\n", p->concurrency, lim, p->limit, p->reach);
    else if (p->kind == LIMITS_NPROC || p->kind == LIMITS_FILE_MAX)
        printf(" with every channel idle, %s is %llu\n", lim, p->limit);
    else
        printf(", %s is %llu\n", lim, p->limit);
}

/* cmd_limits - `qchan limits` */
int cmd_limits(int argc, char **argv)
{
    struct limits_opts o = {0};
    struct control c;
    struct control_error err;
    struct limits_report *r;

    if (cli_wants_help(argc, argv)) {
        limits_usage(stdout);
        return 0;
    }
    limits_env_default(&o.env);
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    if (control_load(&c, o.dir, o.nchan, NULL, &err) < 0) {
        if (err.line)
            fprintf(stderr, "qchan limits: %s:%u: %s\n", err.file, err.line,
                    err.msg);
        else
            fprintf(stderr, "qchan limits: %s: %s\n", err.file, err.msg);
        return 2;
    }
    /* the report is large (a row and problems per channel): not on the
       stack */
    r = malloc(sizeof *r);
    if (!r) {
        control_free(&c);
        fprintf(stderr, "qchan limits: out of memory\n");
        return 2;
    }
    int n = limits_compute(&c, &o.env, r);
    control_free(&c);
    if (n < 0) {
        /* the options were checked above: this is qchan's own bug */
        fprintf(stderr, "qchan limits: internal error: inputs refused\n");
        free(r);
        return 3;
    }
    print_header(&o, r);
    print_procs(r);
    print_totals(&o, r);
    print_chans(&o, r);
    for (size_t i = 0; i < r->nproblems; i++)
        print_problem(&o, &r->problems[i]);
    if (r->nproblems == 0)
        printf("ok: everything fits\n");
    free(r);
    return n > 0 ? 1 : 0;
}
