/*
 * qd_env.c - run-time settings from the environment; see qd_env.h.
 *
 *	qd_env_load(e, err, cap)	QCHAN_HOME, QCHAN_SPLIT, QCHAN_BIGTODO,
 *					QCHAN_SPAWN_WIDTH, QCHAN_CHANNELS
 *	qd_env_number(s, min, max, out)	a strict decimal in a range
 *
 * A bad value is an error rather than a fallback: two daemons that
 * disagree on the split or the channel count would lose mail silently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "qd_env.h"

/* qd_env_number - a decimal with nothing around it, in [min, max] */
int qd_env_number(const char *s, unsigned long min, unsigned long max,
                  unsigned long *out)
{
    uint64_t v;
    if (!s || decimal_parse_u64(s, max, &v) < 0 || v < min)
        return -1;
    *out = (unsigned long)v;
    return 0;
}

/* number_var - one numeric variable, default when unset or empty */
static int number_var(const char *name, unsigned long min, unsigned long max,
                      unsigned long dflt, unsigned long *out, char *err,
                      size_t errcap)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    if (qd_env_number(v, min, max, out) == 0)
        return 0;
    snprintf(err, errcap, "%s=%s: expected a number from %lu to %lu", name,
             v, min, max);
    return -1;
}

/* qd_env_load - every setting, or the first bad one in err */
int qd_env_load(struct qd_env *e, char *err, size_t errcap)
{
    memset(e, 0, sizeof *e);
    const char *home = getenv("QCHAN_HOME");
    if (!home || !*home)
        home = "/var/qmail";
    if (strlen(home) >= sizeof e->home) {
        snprintf(err, errcap, "QCHAN_HOME: longer than %zu bytes",
                 sizeof e->home - 1);
        return -1;
    }
    strcpy(e->home, home);

    unsigned long v;
    if (number_var("QCHAN_SPLIT", 1, QD_SPLIT_MAX, 23, &v, err, errcap))
        return -1;
    e->split = (unsigned)v;
    if (number_var("QCHAN_BIGTODO", 0, 1, 0, &v, err, errcap))
        return -1;
    e->bigtodo = (int)v;
    if (number_var("QCHAN_SPAWN_WIDTH", 1, 2, 2, &v, err, errcap))
        return -1;
    e->width = v == 1 ? PROTO_WIDTH_CLASSIC : PROTO_WIDTH_BIG;
    const char *nc = getenv("QCHAN_CHANNELS");
    if (nc && *nc && strcmp(nc, "0") != 0) {
        if (qd_env_number(nc, QC_MIN_CHANNELS, QC_MAX_CHANNELS, &v)) {
            snprintf(err, errcap, "QCHAN_CHANNELS=%s: expected a number "
                     "from %d to %d", nc, QC_MIN_CHANNELS, QC_MAX_CHANNELS);
            return -1;
        }
        e->nchan = (int)v;
    }
    return 0;
}
