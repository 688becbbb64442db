/*
 * qd_fds.h - the descriptors qchan's own daemons need, and a check that
 * they are there.
 *
 *	qd_fds_send(nchan)	qmail-send's peak: qmail's accounting
 *				(core/limits_model.h) plus QD_FDS_SEND_OWN
 *	qd_fds_todo(nchan)	qmail-todo's peak, the same way
 *	qd_fds_todo_message(nchan)
 *				what qmail-todo opens for one message
 *	qd_fds_nofile()		the soft RLIMIT_NOFILE (a huge limit as
 *				QD_FDS_UNLIMITED)
 *	qd_fds_free(n)		1 if n more descriptors can be opened now
 *
 * qmail's counts come from core/limits_model.h, so `qchan limits` and the
 * daemons agree; what qchan's daemons hold beyond qmail's programs is
 * counted here once: the signal self-pipe (qd_sig.h) in both, and in
 * qmail-send the directory of its mess/ cleanup pass and info/N read
 * while a pass opens, in qmail-todo the todo/ directory of its pass.
 */
#ifndef QD_FDS_H
#define QD_FDS_H

#include "qc.h"

#define QD_FDS_SIG 2                      /* the self-pipe, both ends */
#define QD_FDS_SEND_OWN (QD_FDS_SIG + 2)  /* + mess/ pass, info/N */
#define QD_FDS_TODO_OWN (QD_FDS_SIG + 1)  /* + the todo/ pass */
#define QD_FDS_UNLIMITED 1000000000UL
#define QD_FDS_PROBE_MAX (QC_MAX_CHANNELS + 8)

unsigned long qd_fds_send(int nchan);
unsigned long qd_fds_todo(int nchan);
unsigned long qd_fds_todo_message(int nchan);
unsigned long qd_fds_nofile(void);
int qd_fds_free(unsigned n);

#endif
