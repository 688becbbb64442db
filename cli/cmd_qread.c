/*
 * cmd_qread.c - `qchan qread`: list the queue like qmail-qread.
 *
 *	qchan qread [--home DIR] [--split N] [--bigtodo]
 *
 * The qmail home is --home, else $QCHAN_HOME, else /var/qmail; the split
 * is --split, else $QCHAN_SPLIT, else 23 (the daemons' settings,
 * daemons/qd_env.h); big-todo is --bigtodo, else $QCHAN_BIGTODO, else
 * found from todo/ (split subdirectories).  The queue's own layout is
 * checked against them first, so a wrong split is one clear line.  The
 * listing is daemons/qd_qread.h's: qmail-qread's format, supplemental
 * channels included, then the messages not yet preprocessed.  Exit 0, 1 when some message
 * could not be read (warned on stderr), 2 bad usage or no queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qd_env.h"
#include "qd_qread.h"

/* usage - the options */
static void usage(FILE *out)
{
    fprintf(out, "usage: qchan qread [--home DIR] [--split N] [--bigtodo]"
                 "\n\n"
                 "List the queue like qmail-qread: per message the date, "
                 "number, size and\nsender, then each recipient with its "
                 "channel (local, remote, supplK),\n\"done\" when it was "
                 "delivered.  Then the messages qmail-todo has not "
                 "preprocessed yet\n(todo/), their recipients as "
                 "\"todo\".\n\n"
                 "  --home DIR   the qmail home (default $QCHAN_HOME, else "
                 "/var/qmail)\n"
                 "  --split N    conf-split (default $QCHAN_SPLIT, else "
                 "23)\n"
                 "  --bigtodo    todo/ is split (big-todo; found from "
                 "todo/ when not given)\n");
}

int cmd_qread(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    static const struct option options[] = {
        {"home", required_argument, NULL, 'd'},
        {"bigtodo", no_argument, NULL, 'b'},
        {"split", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    int c;
    unsigned long n;
    cli_opt_start();
    while ((c = cli_getopt(argc, argv, options)) != -1) {
        switch (c) {
        case 'd':
            setenv("QCHAN_HOME", optarg, 1);
            break;
        case 'b':
            setenv("QCHAN_BIGTODO", "1", 1);
            break;
        case 's':
            if (qd_env_number(optarg, 1, QD_SPLIT_MAX, &n) < 0) {
                fprintf(stderr, "qchan qread: --split %s: expected qmail's "
                        "conf-split, a number from 1 to %d (qmail's default "
                        "is 23)\n", optarg, QD_SPLIT_MAX);
                return 2;
            }
            setenv("QCHAN_SPLIT", optarg, 1);
            break;
        case CLI_OPT_ARG:
            fprintf(stderr, "qchan qread: unexpected argument '%s'; see "
                    "qchan qread --help\n", optarg);
            return 2;
        default:
            return 2;
        }
    }
    struct qd_env env;
    char err[QD_HOME_MAX + 256];
    if (qd_env_load(&env, err, sizeof err) < 0) {
        fprintf(stderr, "qchan qread: %s\n", err);
        return 2;
    }
    if (qd_qread_check(&env, err, sizeof err) < 0) {
        fprintf(stderr, "qchan qread: %s\n", err);
        return 2;
    }
    int r = qd_qread(&env, stdout, stderr);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "qchan qread: unable to write the listing\n");
        return 2;
    }
    return r < 0 ? 2 : r > 0;
}
