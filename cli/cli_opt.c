/*
 * cli_opt.c - option parsing the subcommands share.
 *
 *	cli_opt_start(), cli_getopt()	every subcommand's options, through
 *				getopt_long, with one error for all
 *	cli_parse_channels()	a channel count, 2..QC_MAX_CHANNELS
 *	cli_parse_bytes()	a size: bytes, or K, M, G, T of them
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decimal.h"
#include "qc.h"

/* after "--" (or getopt's end): the rest are arguments */
static int opt_tail;

/* cli_opt_start - a new command line for cli_getopt */
void cli_opt_start(void)
{
    optind = 0;     /* GNU: start over, reread the environment */
    opterr = 0;     /* the messages are ours, one form for all */
    opt_tail = 0;
}

/* bad_option - the one message for an option that is not one of
 * argv[0]'s, or misses its value, or has one it takes none of */
static void bad_option(char **argv, const struct option *opts)
{
    const char *a = argv[optind - 1];
    size_t n = strcspn(a, "=");
    int takes_none = 0;
    if (a[0] == '-' && a[1] == '-' && a[n] == '=')
        for (const struct option *o = opts; o->name; o++)
            if (strlen(o->name) == n - 2 && !strncmp(o->name, a + 2, n - 2))
                takes_none = o->has_arg == no_argument;
    if (takes_none)
        fprintf(stderr, "qchan %s: %.*s takes no value; see qchan %s "
                "--help\n", argv[0], (int)n, a, argv[0]);
    else if (optopt && optopt < 256 && (a[0] != '-' || a[1] != '-'))
        fprintf(stderr, "qchan %s: unknown option -%c; see qchan %s --help\n",
                argv[0], optopt, argv[0]);
    else
        fprintf(stderr, "qchan %s: unknown option %.*s; see qchan %s --help\n",
                argv[0], (int)n, a, argv[0]);
}

/* cli_getopt - the next of argv's options (getopt_long over opts) */
int cli_getopt(int argc, char **argv, const struct option *opts)
{
    if (!opt_tail) {
        int c = getopt_long(argc, argv, "-:h", opts, NULL);
        if (c == 1)
            return CLI_OPT_ARG;
        if (c == ':') {
            fprintf(stderr, "qchan %s: %s needs a value; see qchan %s "
                    "--help\n", argv[0], argv[optind - 1], argv[0]);
            return CLI_OPT_BAD;
        }
        if (c == '?') {
            bad_option(argv, opts);
            return CLI_OPT_BAD;
        }
        if (c != -1)
            return c;
        opt_tail = 1;
    }
    if (optind < argc) {
        optarg = argv[optind++];
        return CLI_OPT_ARG;
    }
    return -1;
}

/* cli_parse_bytes - "N", "NK", "NM", "NG" or "NT" (powers of 1024,
 * lower case too) into bytes; -1 for anything else or past 2^63 */
int cli_parse_bytes(const char *s, uint64_t *v)
{
    static const char units[] = "KMGT";
    char digits[32];
    size_t len = strlen(s);
    unsigned shift = 0;
    if (len == 0 || len >= sizeof digits)
        return -1;
    memcpy(digits, s, len + 1);
    const char *u = strchr(units, digits[len - 1] & ~0x20);
    if (u && *u) {
        shift = 10 * (unsigned)(u - units + 1);
        digits[len - 1] = '\0';
    }
    uint64_t n;
    if (decimal_parse_u64(digits, (UINT64_C(1) << 63) >> shift, &n) < 0)
        return -1;
    *v = n << shift;
    return 0;
}

/* cli_parse_channels - N in 2..QC_MAX_CHANNELS, else -1 */
int cli_parse_channels(const char *s)
{
    uint64_t n;
    if (decimal_parse_u64(s, QC_MAX_CHANNELS, &n) < 0 || n < QC_MIN_CHANNELS)
        return -1;
    return (int)n;
}
