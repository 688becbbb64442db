/*
 * cmd_classify.c - `qchan classify`: what qmail-todo would do with recipients.
 *
 *	qchan classify --control DIR [--channels N] [--set NAME=VALUE]...
 *		[ADDRESS...]
 *
 * Reads the control directory with qmail's rules, applies the --set
 * changes, then prints "<channel> <rewritten address>" for each ADDRESS,
 * or for each line of standard input when there is none.
 *
 * Diagnostics: a control directory or file that cannot be read, a bad
 * --set, or a bad option exits 2 with a message naming what is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli.h"
#include "control.h"

struct classify_opts {
    const char *dir;
    int nchan;
    char **sets;      /* NAME=VALUE, in order */
    int nsets;
    char **addrs;
    int naddrs;
};

/* classify_usage - the --help text */
static void classify_usage(FILE *out)
{
    fprintf(out,
        "usage: qchan classify --control DIR [--channels N] "
        "[--set NAME=VALUE]... [ADDRESS...]\n\n"
        "Classify recipients as qmail-todo (CHANNELS patch) does and print\n"
        "one line per address: '<channel> <rewritten address>', the channel\n"
        "being local, remote or supplK.  With no ADDRESS, read one address\n"
        "a line from standard input (empty lines are skipped).\n\n"
        "options:\n"
        "  --control DIR     the qmail control directory to read (required)\n"
        "  --channels N      number of channels, 2..64 (default: 2 + one\n"
        "                    past the highest supplsK/concurrencysupplK file)\n"
        "  --set NAME=VALUE  change one control after reading DIR (repeatable):\n"
        "                    list controls (locals, percenthack, virtualdomains,\n"
        "                    supplsK) get one more entry, others are replaced\n"
        "  -h, --help        this text\n\n"
        "exit status: 0 done, 2 bad usage or an unreadable or bad control "
        "file.\n");
}

/* parse_args - fill o; 0 ok, 2 usage error (reported) */
static int parse_args(int argc, char **argv, struct classify_opts *o)
{
    static const struct option options[] = {
        {"control", required_argument, NULL, 'c'},
        {"channels", required_argument, NULL, 'n'},
        {"set", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    int c;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        switch (c) {
        case 'c':
            if (!*optarg) {
                fprintf(stderr, "qchan classify: --control: empty name\n");
                return 2;
            }
            o->dir = optarg;
            break;
        case 'n':
            if ((o->nchan = cli_parse_channels(optarg)) < 0) {
                fprintf(stderr, "qchan classify: --channels '%s': expected a "
                        "number from %d to %d\n", optarg, QC_MIN_CHANNELS,
                        QC_MAX_CHANNELS);
                return 2;
            }
            break;
        case 's':
            if (!strchr(optarg, '=') || *optarg == '=') {
                fprintf(stderr, "qchan classify: --set '%s': expected "
                        "NAME=VALUE\n", optarg);
                return 2;
            }
            o->sets[o->nsets++] = optarg;
            break;
        case CLI_OPT_ARG:
            o->addrs[o->naddrs++] = optarg;
            break;
        default:
            return 2;
        }
    }
    if (!o->dir) {
        fprintf(stderr, "qchan classify: --control DIR is required "
                "(try --help)\n");
        return 2;
    }
    return 0;
}

/* report - print a control error as file[:line]: message */
static void report(const struct control_error *err)
{
    if (err->line)
        fprintf(stderr, "qchan classify: %s:%u: %s\n", err->file, err->line,
                err->msg);
    else
        fprintf(stderr, "qchan classify: %s: %s\n", err->file, err->msg);
}

/* apply_sets - the --set changes, in order */
static int apply_sets(struct control *c, const struct classify_opts *o)
{
    struct control_error err;

    for (int i = 0; i < o->nsets; i++) {
        char *eq = strchr(o->sets[i], '=');
        char name[128];
        size_t n = (size_t)(eq - o->sets[i]);
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, o->sets[i], n);
        name[n] = '\0';
        memset(&err, 0, sizeof err);
        if (control_set(c, name, eq + 1, &err) < 0) {
            report(&err);
            return -1;
        }
    }
    return 0;
}

/* print_one - classify one address and print its line */
static int print_one(const struct classify *cl, const char *addr, size_t len,
                     char **buf, size_t *cap)
{
    int chan;
    char name[QC_CHAN_NAME_MAX];
    size_t n = classify_rcpt(cl, addr, len, *buf, *cap, &chan);

    if (n >= *cap) {
        char *nb = realloc(*buf, n + 1);
        if (!nb) {
            fprintf(stderr, "qchan classify: out of memory\n");
            return -1;
        }
        *buf = nb;
        *cap = n + 1;
        n = classify_rcpt(cl, addr, len, *buf, *cap, &chan);
    }
    fputs(qc_channel_name(chan, name), stdout);
    putchar(' ');
    fwrite(*buf, 1, n, stdout);
    putchar('\n');
    return 0;
}

/* classify_all - the arguments, or the lines of stdin */
static int classify_all(const struct classify *cl,
                        const struct classify_opts *o)
{
    size_t cap = 256;
    char *buf = malloc(cap);
    int rc = 0;

    if (!buf) {
        fprintf(stderr, "qchan classify: out of memory\n");
        return 2;
    }
    if (o->naddrs > 0) {
        for (int i = 0; i < o->naddrs && rc == 0; i++)
            if (print_one(cl, o->addrs[i], strlen(o->addrs[i]), &buf,
                          &cap) < 0)
                rc = 2;
    } else {
        char *line = NULL;
        size_t lcap = 0;
        ssize_t n;
        while (rc == 0 && (n = getline(&line, &lcap, stdin)) >= 0) {
            if (n > 0 && line[n - 1] == '\n')
                n--;
            if (n > 0 && print_one(cl, line, (size_t)n, &buf, &cap) < 0)
                rc = 2;
        }
        if (rc == 0 && ferror(stdin)) {
            fprintf(stderr, "qchan classify: error reading standard input\n");
            rc = 2;
        }
        free(line);
    }
    free(buf);
    if (rc == 0 && fflush(stdout) != 0) {
        fprintf(stderr, "qchan classify: error writing standard output\n");
        rc = 2;
    }
    return rc;
}

/* cmd_classify - the subcommand */
int cmd_classify(int argc, char **argv)
{
    struct classify_opts o = {0};
    struct control c;
    struct control_error err;
    int rc;

    if (cli_wants_help(argc, argv)) {
        classify_usage(stdout);
        return 0;
    }
    o.sets = calloc((size_t)argc, sizeof *o.sets);
    o.addrs = calloc((size_t)argc, sizeof *o.addrs);
    if (!o.sets || !o.addrs) {
        fprintf(stderr, "qchan classify: out of memory\n");
        rc = 2;
        goto out;
    }
    if ((rc = parse_args(argc, argv, &o)) != 0)
        goto out;
    memset(&err, 0, sizeof err);
    if (control_load(&c, o.dir, o.nchan, NULL, &err) < 0) {
        report(&err);
        rc = 2;
        goto out;
    }
    struct classify *cl = NULL;
    if (apply_sets(&c, &o) < 0) {
        rc = 2;
    } else if (!(cl = classify_new(&c, NULL))) {
        fprintf(stderr, "qchan classify: out of memory\n");
        rc = 2;
    } else {
        rc = classify_all(cl, &o);
    }
    classify_free(cl);
    control_free(&c);
out:
    free(o.sets);
    free(o.addrs);
    return rc;
}
