/*
 * cli_opt.c - option parsing the subcommands share.
 *
 *	cli_opt_start(), cli_getopt()	every subcommand's options: lib/opt
 *				with the program named "qchan SUB"
 *	cli_parse_channels()	a channel count, 2..QC_MAX_CHANNELS
 *	cli_parse_bytes()	a size: bytes, or K, M, G, T of them
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decimal.h"
#include "opt.h"
#include "qc.h"

/* cli_opt_start - a new command line for cli_getopt */
void cli_opt_start(void)
{
    opt_start(OPT_IN_ORDER);
}

/* cli_getopt - the next of argv's options, named "qchan SUB" in errors */
int cli_getopt(int argc, char **argv, const struct option *opts)
{
    char prog[64];
    snprintf(prog, sizeof prog, "qchan %s", argv[0]);
    return opt_next(argc, argv, prog, opts);
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
