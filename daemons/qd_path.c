/*
 * qd_path.c - queue file names; see qd_path.h.
 *
 * The channel directory carries the channel's name, the way the CHANNELS
 * patch names them (QDIR_BASENAME "suppl" + K), so an existing queue is
 * read as it is.
 */
#include <stdio.h>
#include <string.h>

#include "qd_path.h"

/* qd_split_dir - dir holds split subdirectories */
int qd_split_dir(const struct qd_env *e, const char *dir)
{
    if (strcmp(dir, "todo") == 0 || strcmp(dir, "intd") == 0)
        return e->bigtodo;
    /* "foop" is not a directory: qmail-clean's name for "all of N" */
    return strcmp(dir, "bounce") != 0 && strcmp(dir, "pid") != 0 &&
           strcmp(dir, "lock") != 0 && strcmp(dir, "foop") != 0;
}

/* qd_path - the file of message id under dir */
int qd_path(char *buf, size_t cap, const struct qd_env *e, const char *dir,
            uint64_t id)
{
    int n;
    if (qd_split_dir(e, dir))
        n = snprintf(buf, cap, "%s/%llu/%llu", dir,
                     (unsigned long long)(id % e->split),
                     (unsigned long long)id);
    else
        n = snprintf(buf, cap, "%s/%llu", dir, (unsigned long long)id);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* qd_chan_dir - the directory of chan's recipient lists */
const char *qd_chan_dir(int chan, char buf[QC_CHAN_NAME_MAX])
{
    return qc_channel_name(chan, buf);
}

/* qd_chan_path - chan's recipient list of message id */
int qd_chan_path(char *buf, size_t cap, const struct qd_env *e, int chan,
                 uint64_t id)
{
    char dir[QC_CHAN_NAME_MAX];
    return qd_path(buf, cap, e, qd_chan_dir(chan, dir), id);
}

/* qd_parse_id - decimal digits only, no leading zero, fits 64 bits */
int qd_parse_id(const char *name, uint64_t *id)
{
    uint64_t v = 0;
    if (!*name || (name[0] == '0' && name[1]))
        return -1;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *id = v;
    return 0;
}
