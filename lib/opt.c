/*
 * opt.c - getopt_long with one wording for a wrong option; see opt.h.
 */
#include <stdio.h>
#include <string.h>

#include "opt.h"

static enum opt_mode opt_mode;
/* in order, after "--": the rest are arguments */
static int opt_tail;

/* opt_start - a new command line */
void opt_start(enum opt_mode mode)
{
    optind = 0;     /* GNU: start over */
    opterr = 0;     /* the messages are ours */
    opt_mode = mode;
    opt_tail = 0;
}

/* bad_option - an option that is not one of opts, or has a value it
 * takes none of */
static void bad_option(char **argv, const char *prog,
                       const struct option *opts)
{
    const char *a = argv[optind - 1];
    size_t n = strcspn(a, "=");
    int takes_none = 0;
    if (a[0] == '-' && a[1] == '-' && a[n] == '=')
        for (const struct option *o = opts; o->name; o++)
            if (strlen(o->name) == n - 2 && !strncmp(o->name, a + 2, n - 2))
                takes_none = o->has_arg == no_argument;
    if (takes_none)
        fprintf(stderr, "%s: %.*s takes no value; see %s --help\n", prog,
                (int)n, a, prog);
    else if (optopt && optopt < 256 && (a[0] != '-' || a[1] != '-'))
        fprintf(stderr, "%s: unknown option -%c; see %s --help\n", prog,
                optopt, prog);
    else
        fprintf(stderr, "%s: unknown option %.*s; see %s --help\n", prog,
                (int)n, a, prog);
}

/* opt_next - the next option or argument */
int opt_next(int argc, char **argv, const char *prog,
             const struct option *opts)
{
    if (!opt_tail) {
        const char *shortopts = opt_mode == OPT_STOP ? "+:h" : "-:h";
        int c = getopt_long(argc, argv, shortopts, opts, NULL);
        if (c == 1)
            return OPT_ARG;
        if (c == ':') {
            fprintf(stderr, "%s: %s needs a value; see %s --help\n", prog,
                    argv[optind - 1], prog);
            return OPT_BAD;
        }
        if (c == '?') {
            bad_option(argv, prog, opts);
            return OPT_BAD;
        }
        if (c != -1 || opt_mode == OPT_STOP)
            return c;
        opt_tail = 1;
    }
    if (optind < argc) {
        optarg = argv[optind++];
        return OPT_ARG;
    }
    return -1;
}

/* opt_index - the first argument not read */
int opt_index(void)
{
    return optind;
}
