/*
 * qlog.h - qmail-send's log lines (qmail-log(5)), written from the
 * scheduler's events, so both hosts log the same words.
 *
 *	qlog_event()	the line for a sched_event ("starting delivery 3: msg
 *			457 to remote bob@example.com", "delivery 3: success:
 *			...", "status: local 0/10 remote 1/20", ...), or
 *			nothing for events qmail does not log
 *	qlog_status()	"status: local l/L remote r/R suppl0 k/K ..."
 *	qlog_new_msg(), qlog_info_msg(), qlog_bounce_msg(), qlog_end_msg()
 *			the lines the host writes for the queue's own steps
 *
 * Every function writes a NUL-terminated line ending in '\n' into buf
 * and returns its length (without the NUL), like snprintf: a result
 * >= cap means the line was cut.  Text from outside (addresses, report
 * text) is made log-safe the way qmail does it: a byte outside
 * printable ASCII becomes '?', and a report's newlines become '/'.
 */
#ifndef QLOG_H
#define QLOG_H

#include "sched.h"

size_t qlog_event(const struct sched_event *ev, const struct sched *s,
                  char *buf, size_t cap);
size_t qlog_status(const struct sched *s, char *buf, size_t cap);
size_t qlog_new_msg(uint64_t id, char *buf, size_t cap);
size_t qlog_info_msg(uint64_t id, uint64_t bytes, const char *sender,
                     unsigned long qp, unsigned long uid, char *buf,
                     size_t cap);
size_t qlog_bounce_msg(uint64_t id, unsigned long qp, char *buf, size_t cap);
size_t qlog_end_msg(uint64_t id, char *buf, size_t cap);

#endif
