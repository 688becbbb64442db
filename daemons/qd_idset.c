/*
 * qd_idset.c - a set of message numbers; see qd_idset.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qd_idset.h"
#include "qd_path.h"

/* home - the preferred slot of id (a 64-bit mix: inode numbers of one
 * file system are close together) */
static size_t home(const struct qd_idset *s, uint64_t id)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)id & s->mask;
}

/* grow - twice the slots (16 at first), everything placed again */
static int grow(struct qd_idset *s)
{
    size_t n = s->slot ? (s->mask + 1) * 2 : 16;
    uint64_t *old = s->slot;
    size_t oldn = old ? s->mask + 1 : 0;
    uint64_t *slot = calloc(n, sizeof *slot);
    if (!slot)
        return -1;
    s->slot = slot;
    s->mask = n - 1;
    for (size_t i = 0; i < oldn; i++) {
        if (!old[i])
            continue;
        size_t j = home(s, old[i]);
        while (slot[j])
            j = (j + 1) & s->mask;
        slot[j] = old[i];
    }
    free(old);
    return 0;
}

/* find - the slot holding id, or the empty slot where it would go */
static size_t find(const struct qd_idset *s, uint64_t id)
{
    size_t j = home(s, id);
    while (s->slot[j] && s->slot[j] != id)
        j = (j + 1) & s->mask;
    return j;
}

/* qd_idset_add - put id in the set */
int qd_idset_add(struct qd_idset *s, uint64_t id)
{
    if (!id)
        return 0;
    /* at most half full: probes stay short */
    if ((!s->slot || (s->len + 1) * 2 > s->mask + 1) && grow(s) < 0)
        return -1;
    size_t j = find(s, id);
    if (!s->slot[j]) {
        s->slot[j] = id;
        s->len++;
    }
    return 0;
}

/* qd_idset_has - is id in the set */
int qd_idset_has(const struct qd_idset *s, uint64_t id)
{
    return id && s->slot && s->slot[find(s, id)] == id;
}

/* qd_idset_del - take id out; later members of its run move back so
 * every member stays reachable from its home slot */
void qd_idset_del(struct qd_idset *s, uint64_t id)
{
    if (!qd_idset_has(s, id))
        return;
    size_t hole = find(s, id);
    s->slot[hole] = 0;
    s->len--;
    for (size_t j = (hole + 1) & s->mask; s->slot[j];
         j = (j + 1) & s->mask) {
        size_t h = home(s, s->slot[j]);
        /* movable unless its home lies cyclically in (hole, j] */
        int stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (stays)
            continue;
        s->slot[hole] = s->slot[j];
        s->slot[j] = 0;
        hole = j;
    }
}

/* read_one - the message numbers named in one directory */
static int read_one(struct qd_idset *s, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *de;
    uint64_t id;
    int r = 0;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (qd_parse_id(de->d_name, &id) == 0 && qd_idset_add(s, id) < 0) {
            r = -1;
            break;
        }
        errno = 0;
    }
    if (!de && errno)
        r = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    return r;
}

/* qd_idset_read_dir - every message number under dir */
int qd_idset_read_dir(struct qd_idset *s, const struct qd_env *e,
                      const char *dir)
{
    if (!qd_split_dir(e, dir))
        return read_one(s, dir);
    size_t dlen = strlen(dir);
    char sub[QD_PATH_MAX];
    if (dlen + 22 > sizeof sub) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sub, dir, dlen);
    sub[dlen] = '/';
    for (unsigned i = 0; i < e->split; i++) {
        sub[dlen + 1 + qc_fmt_u64(sub + dlen + 1, i)] = '\0';
        if (read_one(s, sub) < 0)
            return -1;
    }
    return 0;
}

/* qd_idset_free - release the memory; the set is empty and usable */
void qd_idset_free(struct qd_idset *s)
{
    free(s->slot);
    memset(s, 0, sizeof *s);
}
