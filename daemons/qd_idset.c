/*
 * qd_idset.c - a set of message numbers; see qd_idset.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qd_idset.h"
#include "qd_path.h"

/* qd_idset_add - put id in the set */
int qd_idset_add(struct qd_idset *s, uint64_t id)
{
    return id ? u64map_put(&s->map, id, 0) : 0;
}

/* qd_idset_has - is id in the set */
int qd_idset_has(const struct qd_idset *s, uint64_t id)
{
    return id && u64map_get(&s->map, id, NULL);
}

/* qd_idset_del - take id out */
void qd_idset_del(struct qd_idset *s, uint64_t id)
{
    (void)u64map_del(&s->map, id);
}

/* qd_idset_len - ids in the set */
size_t qd_idset_len(const struct qd_idset *s)
{
    return u64map_len(&s->map);
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
    u64map_free(&s->map);
}
