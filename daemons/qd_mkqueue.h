/*
 * qd_mkqueue.h - create an empty queue, as qmail's install does.
 *
 *	qd_mkqueue(e, nchan, err, cap)
 *
 * Under e->home: control/ (if missing) and queue/ with mess, info, local,
 * remote and supplK (K < nchan - 2) split into e->split subdirectories,
 * todo and intd (split under big-todo), bounce, pid, lock with
 * lock/sendmutex and the lock/trigger fifo.  Modes are qmail's; owners are
 * the caller's (an unprivileged test queue; `make install` sets qmail's
 * users).  Existing directories are kept, so it also adds the directories
 * of new supplemental channels to a queue.  0 ok, -1 with err naming the
 * path.
 */
#ifndef QD_MKQUEUE_H
#define QD_MKQUEUE_H

#include "qd_env.h"

int qd_mkqueue(const struct qd_env *e, int nchan, char *err, size_t cap);

#endif
