/*
 * qd_mkqueue.h - create an empty queue, as qmail's install does.
 *
 *	qd_mkqueue(e, nchan, owners, err, cap)
 *	qd_owners_lookup(owners, missing, cap)
 *
 * Under e->home: control/ (if missing) and queue/ with mess, info, local,
 * remote and supplK (K < nchan - 2) split into e->split subdirectories,
 * todo and intd (split under big-todo), bounce, pid, lock with
 * lock/sendmutex, the lock/trigger fifo and lock/tcpto (qmail-remote's
 * table of hosts that timed out: 1024 zero bytes when made, its contents
 * kept when it exists).  Modes are qmail's (hier.c).
 * Owners: with owners NULL the caller's (an unprivileged test queue);
 * else qmail's: the home and control/ root, queue, mess, todo, intd, pid
 * and lock qmailq, info, bounce, the channel lists, sendmutex and
 * trigger qmails, tcpto qmailr, all of group qmail.  Existing entries
 * are kept (their modes and owners set again), so it also adds the
 * directories of new supplemental channels to a queue.  Nothing is
 * followed through a symbolic link: one in the tree is an error.  0 ok,
 * -1 with err naming the path.
 *
 * qd_owners_lookup() finds qmail's users and groups (qmail's INSTALL.ids:
 * alias qmaild qmaill qmailp qmailq qmailr qmails, groups qmail nofiles)
 * in the system's databases; -1 with the missing names in missing.
 */
#ifndef QD_MKQUEUE_H
#define QD_MKQUEUE_H

#include <sys/types.h>

#include "qd_env.h"

struct qd_owners {
    uid_t root;      /* the home and control/ (qmail's auto_uido) */
    uid_t qmailq;    /* what qmail-queue writes */
    uid_t qmails;    /* what qmail-send writes */
    gid_t qmail;     /* the group of everything */
    uid_t qmailr;    /* what qmail-remote writes (lock/tcpto) */
};

int qd_mkqueue(const struct qd_env *e, int nchan,
               const struct qd_owners *owners, char *err, size_t cap);
int qd_owners_lookup(struct qd_owners *o, char *missing, size_t cap);

#endif
