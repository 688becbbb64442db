/*
 * qd_path.c - queue file names; see qd_path.h.
 *
 * The channel directory carries the channel's name, the way the CHANNELS
 * patch names them (QDIR_BASENAME "suppl" + K), so an existing queue is
 * read as it is.
 *
 * qmail-send builds several names per delivery, so they are written with
 * a small digit writer instead of snprintf (whose format parsing was a
 * sixth of qmail-send's time in the daemon benchmark).
 */
#include <string.h>

#include "decimal.h"
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

/* put_name - dir/[split/]id at buf; -1 if it does not fit cap */
static int put_name(char *buf, size_t cap, const char *dir, size_t dlen,
                    int split, const struct qd_env *e, uint64_t id)
{
    char num[44];   /* "<20 digits>/<20 digits>" */
    size_t n = 0;
    if (split) {
        n = qc_fmt_u64(num, id % e->split);
        num[n++] = '/';
    }
    n += qc_fmt_u64(num + n, id);
    if (dlen + 1 + n >= cap)
        return -1;
    memcpy(buf, dir, dlen);
    buf[dlen] = '/';
    memcpy(buf + dlen + 1, num, n);
    buf[dlen + 1 + n] = '\0';
    return 0;
}

/* qd_path - the file of message id under dir */
int qd_path(char *buf, size_t cap, const struct qd_env *e, const char *dir,
            uint64_t id)
{
    return put_name(buf, cap, dir, strlen(dir), qd_split_dir(e, dir), e, id);
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
    /* the names qc_channel_name() gives, without its snprintf */
    char dir[QC_CHAN_NAME_MAX];
    size_t dlen;
    if (chan == QC_CHAN_LOCAL) {
        memcpy(dir, "local", dlen = 5);
    } else if (chan == QC_CHAN_REMOTE) {
        memcpy(dir, "remote", dlen = 6);
    } else {
        memcpy(dir, "suppl", 5);
        dlen = 5 + qc_fmt_u64(dir + 5, (uint64_t)((chan - 2) & 0xff));
    }
    return put_name(buf, cap, dir, dlen, 1, e, id);
}

/* qd_split_name - "<id % split>/<id>", the name a spawner is given */
int qd_split_name(char *buf, size_t cap, const struct qd_env *e,
                  uint64_t id)
{
    char tmp[44];
    char *p = tmp;
    p += qc_fmt_u64(p, id % e->split);
    *p++ = '/';
    p += qc_fmt_u64(p, id);
    size_t n = (size_t)(p - tmp);
    if (n >= cap)
        return -1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return 0;
}

/* qd_parse_id - decimal digits only, no leading zero, fits 64 bits */
int qd_parse_id(const char *name, uint64_t *id)
{
    if (name[0] == '0' && name[1])
        return -1;
    return decimal_parse_u64(name, UINT64_MAX, id);
}
