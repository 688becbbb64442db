/*
 * qchan.c - the `qchan` program: one binary, one subcommand per job.
 *
 *	qchan SUBCOMMAND [options]	run it
 *	qchan --help			list the subcommands
 *	qchan SUBCOMMAND --help		describe its options
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
    {"classify", "print the channel and rewritten address of recipients",
     cmd_classify},
    {"limits", "descriptors and processes a configuration needs", cmd_limits},
    {"fit", "turn qmail-send's log into observed numbers and a replay "
            "scenario", cmd_fit},
    {"run", "run a scenario in simulated time (docs/scenarios.md)", cmd_run},
    {"compare", "run variants of a scenario side by side (docs/compare.md)",
     cmd_compare},
    {"sweep", "run a scenario over a grid of settings, decide by goals "
              "(docs/compare.md)", cmd_sweep},
    {"advise", "propose supplemental channels and concurrencies, proved by "
               "simulation", cmd_advise},
    {"qread", "list a queue like qmail-qread, supplemental channels "
              "included", cmd_qread},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* cli_wants_help - argv holds --help or -h */
int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* usage - the list of subcommands */
static void usage(FILE *out)
{
    fprintf(out, "usage: qchan SUBCOMMAND [options]\n\n"
                 "qchan simulates, checks and runs qmail's channel "
                 "scheduler (CHANNELS patch).\n\nsubcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'qchan SUBCOMMAND --help' describes a subcommand's "
                 "options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "qchan: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
