/*
 * cli_opt.c - option parsing the subcommands share.
 *
 *	cli_opt_value()		the value of --name VALUE or --name=VALUE
 *	cli_parse_channels()	a channel count, 2..QC_MAX_CHANNELS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decimal.h"
#include "qc.h"

/* cli_opt_value - value of --name VALUE or --name=VALUE at argv[*i]; NULL
 * if argv[*i] is another option; *missing set (and said, naming the
 * subcommand argv[0]) if the value is absent */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name,
                          int *missing)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "qchan %s: %s needs a value\n", argv[0], name);
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

/* cli_parse_channels - N in 2..QC_MAX_CHANNELS, else -1 */
int cli_parse_channels(const char *s)
{
    uint64_t n;
    if (decimal_parse_u64(s, QC_MAX_CHANNELS, &n) < 0 || n < QC_MIN_CHANNELS)
        return -1;
    return (int)n;
}
