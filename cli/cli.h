/*
 * cli.h - the `qchan` program's subcommands.
 *
 * Each subcommand is a function taking (argc, argv) with argv[0] the
 * subcommand's name, returning the process exit code.  Exit codes: 0 ok,
 * 1 the answer is "no" (a limit reached, an expect failed), 2 bad input or
 * usage, 3 a broken invariant (a bug in qchan).
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include "opt.h"

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/*
 * Options: every subcommand reads its command line with cli_getopt, the
 * GNU getopt_long way (--name VALUE or --name=VALUE, a unique prefix of
 * a name is the name, "--" ends the options), and says a wrong option
 * the same way ("qchan SUB: unknown option --x; see qchan SUB --help",
 * "... --out needs a value; ..."), then exits 2:
 *
 *	cli_opt_start();
 *	while ((c = cli_getopt(argc, argv, opts)) != -1)
 *		c: an option's val (its value in optarg), CLI_OPT_ARG for an
 *		argument (in optarg, in command-line order), CLI_OPT_BAD
 *		after the message
 */
#define CLI_OPT_ARG OPT_ARG
#define CLI_OPT_BAD OPT_BAD
void cli_opt_start(void);
int cli_getopt(int argc, char **argv, const struct option *opts);

/* cli_wants_help - argv holds --help or -h */
int cli_wants_help(int argc, char **argv);
/* cli_parse_bytes - a size, "512M", "4G" (powers of 1024) or bytes;
 * -1 if it is not one */
int cli_parse_bytes(const char *s, uint64_t *v);
/* cli_parse_channels - a channel count 2..QC_MAX_CHANNELS, else -1 */
int cli_parse_channels(const char *s);

int cmd_classify(int argc, char **argv);
int cmd_limits(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_advise(int argc, char **argv);
int cmd_qread(int argc, char **argv);

#endif
