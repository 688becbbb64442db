/*
 * qd_alloc.h - the one allocator of a daemon: all the memory qmail-send
 * and qmail-todo take (the scheduler, the controls, the classifier,
 * buffers, decoders) comes from it.
 *
 *	qd_alloc_init(var, err, cap)	the test build (QCHAN_TEST_KNOBS):
 *					variable var from the environment;
 *					production: nothing to read; 0 ok,
 *					-1 with err
 *	qd_alloc()			the struct qc_alloc to hand on (NULL,
 *					malloc's, in production)
 *
 * In the test build, var=N or N:COUNT makes the daemon's memory refuse
 * requests N .. N+COUNT-1 (COUNT 1 by default), counting from 1 every
 * request for more memory, so an end-to-end test can watch a daemon
 * meet a failed allocation: log qmail's alert, keep the message, wait
 * and try again.  qmail-send reads QCHAN_ALLOC_FAIL, qmail-todo
 * QCHAN_TODO_ALLOC_FAIL.  The production build reads neither.
 */
#ifndef QD_ALLOC_H
#define QD_ALLOC_H

#include <stddef.h>

#include "qc.h"

int qd_alloc_init(const char *var, char *err, size_t cap);
const struct qc_alloc *qd_alloc(void);

#endif
