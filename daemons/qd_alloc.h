/*
 * qd_alloc.h - the allocator qmail-send hands its scheduler.
 *
 *	qd_alloc_init(err, cap)	the test build (QCHAN_TEST_KNOBS):
 *				QCHAN_ALLOC_FAIL from the environment;
 *				production: nothing to read; 0 ok, -1 with err
 *	qd_alloc()		the struct qc_alloc for sched_config (NULL,
 *				malloc's, in production)
 *
 * QCHAN_ALLOC_FAIL=N or N:COUNT makes the test build's scheduler memory
 * refuse requests N .. N+COUNT-1 (COUNT 1 by default), counting from 1
 * every request for more memory, so an end-to-end test can watch
 * qmail-send meet a failed allocation: log qmail's alert, keep the
 * message, wait and try again.  The production build does not read the
 * variable.
 */
#ifndef QD_ALLOC_H
#define QD_ALLOC_H

#include <stddef.h>

#include "qc.h"

int qd_alloc_init(char *err, size_t cap);
const struct qc_alloc *qd_alloc(void);

#endif
