/*
 * opt.h - command-line options for every qchan program, through GNU
 * getopt_long, with one wording for a wrong option:
 *
 *	PROG: unknown option --x; see PROG --help
 *	PROG: --out needs a value; see PROG --help
 *	PROG: --log takes no value; see PROG --help
 *
 * (PROG "qchan run", "qchan-start", "fakespawn"...); the caller exits 2.
 *
 *	opt_start(mode)		a new command line: OPT_IN_ORDER returns the
 *				arguments among the options, in their place
 *				(qchan's subcommands); OPT_STOP stops at the
 *				first argument (qchan-start: what follows is
 *				the logger's command line)
 *	opt_next(argc, argv, prog, opts)
 *				an option's val (its value in optarg),
 *				OPT_ARG for an argument (optarg), -1 at the
 *				end, OPT_BAD after the message; 'h' for -h
 *	opt_index()		after -1 in OPT_STOP mode: the first
 *				argument left (argc if none)
 *
 * getopt_long's rules: --name VALUE or --name=VALUE, a unique prefix of a
 * name is the name, "--" ends the options.
 */
#ifndef OPT_H
#define OPT_H

#include <getopt.h>

#define OPT_ARG 1
#define OPT_BAD (-2)

enum opt_mode { OPT_IN_ORDER, OPT_STOP };

void opt_start(enum opt_mode mode);
int opt_next(int argc, char **argv, const char *prog,
             const struct option *opts);
int opt_index(void);

#endif
