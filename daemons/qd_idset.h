/*
 * qd_idset.h - a set of message numbers.
 *
 *	struct qd_idset s = {0};	empty, ready
 *	qd_idset_add(&s, id)		0 ok, -1 out of memory
 *	qd_idset_has(&s, id)		1 or 0
 *	qd_idset_del(&s, id)
 *	qd_idset_len(&s)		how many
 *	qd_idset_read_dir(&s, e, dir)	every message number named in dir
 *					(its split subdirectories if split)
 *	qd_idset_free(&s)
 *
 * qmail-send lists a queue directory once instead of asking the file
 * system about each message (a stat() of a missing file is a slow
 * lookup on tmpfs).  Ids are inode numbers, kept in a lib/u64map.  Id 0
 * (never an inode) is not stored.
 */
#ifndef QD_IDSET_H
#define QD_IDSET_H

#include "qd_env.h"
#include "u64map.h"

struct qd_idset {
    struct u64map map;  /* id -> 0 */
};

int qd_idset_add(struct qd_idset *s, uint64_t id);
int qd_idset_has(const struct qd_idset *s, uint64_t id);
void qd_idset_del(struct qd_idset *s, uint64_t id);
size_t qd_idset_len(const struct qd_idset *s);
/* qd_idset_read_dir - 0 ok, -1 (errno set) if a directory could not be
 * read or memory ran out; the set then holds part of the names */
int qd_idset_read_dir(struct qd_idset *s, const struct qd_env *e,
                      const char *dir);
void qd_idset_free(struct qd_idset *s);

#endif
