/*
 * cli_mem.h - the memory check of run, compare and sweep (cli_mem.c):
 * the runs held at once against --max-memory, before any starts.
 */
#ifndef CLI_MEM_H
#define CLI_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

#define CLI_MEM_MAX_AT_ONCE 64    /* --jobs at most */

struct cli_mem {
    const char *cmd;              /* "qchan sweep", for messages */
    const char *opt;              /* --max-memory's text, NULL: default */
    uint64_t limit;               /* 0: none known, no check */
    size_t at_once;               /* runs held at a time */
    uint64_t top[CLI_MEM_MAX_AT_ONCE];   /* the largest needs, largest
                                            first */
    size_t ntop, nruns;
    struct sim_mem_need worst;    /* the largest run's */
    char path[4096], name[512];   /* its scenario, and which run it is */
};

int cli_mem_start(struct cli_mem *m, const char *cmd, const char *opt,
                  unsigned at_once);
void cli_mem_add(struct cli_mem *m, const struct sim_scn *sc,
                 const char *name);
int cli_mem_check(const struct cli_mem *m);

#endif
