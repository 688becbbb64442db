/*
 * scn_check.c - scenario validation: names that must exist and values
 * that must make sense together; see scn_int.h.
 *
 *	scn_check_pool		a new pool: unique, no '@', at most 100
 *				bytes; all pools' domains within bounds
 *	scn_check_target	a pool defined above, or a domain
 *	scn_check_process	a process the run reports on
 *	scn_check_limit		a machine limit and its range
 *	scn_check_profile	a scheduler profile
 *	scn_check_hup		an 'at T hup' line's control changes
 *
 * The grammar (scn_parse.c) has already taken the words apart; these
 * decide whether what they say can be run, before anything is built.
 */
#include <string.h>

#include "control.h"
#include "scn_int.h"

/* find_pool - index of a pool name, or -1 */
static int find_pool(const struct sim_scn *sc, const char *name)
{
    for (size_t i = 0; i < sc->npools; i++)
        if (strcmp(sc->pools[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* scn_check_pool - a unique name without '@' (it becomes a domain
 * part), and room for n more domains: every pool's popularity table is
 * built while reading, so their sum is bounded here rather than by
 * whatever memory the machine will lend */
int scn_check_pool(const struct sim_scn *sc, unsigned line,
                   const char *name, uint32_t n, struct sim_err *err)
{
    if (find_pool(sc, name) >= 0)
        return scn_fail(err, sc, line, "pool '%s' is defined twice", name);
    if (strchr(name, '@') || strlen(name) > 100)
        return scn_fail(err, sc, line, "expected a pool name without '@'");
    uint64_t total = n;
    for (size_t i = 0; i < sc->npools; i++)
        total += sc->pools[i].n;
    if (total > SCN_MAX_POOL_DOMAINS)
        return scn_fail(err, sc, line, "pools would hold %llu domains; at "
                        "most %llu in all", (unsigned long long)total,
                        (unsigned long long)SCN_MAX_POOL_DOMAINS);
    return 0;
}

/* scn_check_target - a pool's index, or -1 for a domain */
int scn_check_target(const struct sim_scn *sc, unsigned line,
                     const char *name, int *pool, struct sim_err *err)
{
    *pool = find_pool(sc, name);
    if (*pool < 0 && (!strchr(name, '.') || strchr(name, '@')))
        return scn_fail(err, sc, line, "expected a pool defined above or a "
                        "domain, not '%s'", name);
    return 0;
}

/* scn_check_process - a process name the run reports */
int scn_check_process(const struct sim_scn *sc, const char *name)
{
    if (strcmp(name, "qmail-send") == 0 || strcmp(name, "qmail-todo") == 0 ||
        strcmp(name, "qmailr") == 0 || strcmp(name, "system") == 0)
        return 1;
    return strncmp(name, "spawn-", 6) == 0 &&
           qc_channel_parse(name + 6, sc->nchan) >= 0;
}

/* scn_check_limit - the limit's field and its new value */
unsigned long long *scn_check_limit(struct sim_scn *sc, const char *name,
                                    const char *value,
                                    unsigned long long *v,
                                    unsigned long long *maxp, int *why)
{
    unsigned long long *p;
    if (strcmp(name, "conf-spawn") == 0)
        p = &sc->lim.conf_spawn;
    else if (strcmp(name, "fd-setsize") == 0)
        p = &sc->lim.fd_setsize;
    else if (strcmp(name, "nofile") == 0)
        p = &sc->lim.nofile;
    else if (strcmp(name, "nproc") == 0)
        p = &sc->lim.nproc;
    else if (strcmp(name, "file-max") == 0)
        p = &sc->lim.file_max;
    else {
        *why = -1;
        return NULL;
    }
    /* conf-spawn travels in the 2-byte handshake; the others bound
     * bitmaps of descriptor numbers the simulator keeps */
    unsigned long long max = p == &sc->lim.conf_spawn ? 65535 : 1ULL << 24;
    if (p == &sc->lim.file_max)
        max = 1ULL << 62;
    *maxp = max;
    if (scn_word_uint(value, max, v) < 0 || *v == 0) {
        *why = -2;
        return NULL;
    }
    return p;
}

/* scn_check_profile - qchan or channels-compat */
int scn_check_profile(const char *v, enum sched_profile *p)
{
    if (strcmp(v, "qchan") == 0)
        *p = SCHED_PROFILE_QCHAN;
    else if (strcmp(v, "channels-compat") == 0)
        *p = SCHED_PROFILE_CHANNELS_COMPAT;
    else
        return -1;
    return 0;
}

/* scn_check_hup - try the changes on a copy now, so a bad one is a
 * parse error at its line rather than a surprise mid-run */
int scn_check_hup(const struct sim_scn *sc, unsigned line, char **names,
                  char **values, size_t n, struct sim_err *err)
{
    struct control probe;
    if (control_copy(&probe, &sc->control) < 0)
        return scn_fail(err, sc, line, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct control_error ce;
        if (control_set(&probe, names[i], values[i], &ce) < 0 ||
            probe.nchan != sc->nchan) {
            int beyond = probe.nchan != sc->nchan;
            control_free(&probe);
            return scn_fail(err, sc, line, "hup: %s",
                            beyond ? "that channel is beyond 'channels'"
                                   : ce.msg);
        }
    }
    control_free(&probe);
    return 0;
}
