/*
 * qd_clock.h - qmail-send's clock, real or (for tests) faster.
 *
 *	qd_clock_init(err, cap)		the test build (QCHAN_TEST_KNOBS):
 *					QCHAN_TIME_SCALE and QCHAN_TIME_EPOCH
 *					from the environment; production: the
 *					real clock; 0 ok, -1 with err
 *	qd_clock_set(scale, epoch, err, cap) the same from two texts (NULL
 *					or "": the real clock's)
 *	qd_clock_now()			the scheduler's time
 *	qd_clock_of_file(sec, nsec)	a file time (info/N's birth, a list's
 *					retry time) as scheduler time
 *	qd_clock_to_file(t, &sec, &usec) scheduler time as a file time
 *	qd_clock_wait_ms(wait)		real milliseconds for a wait in
 *					scheduler time (rounded up)
 *
 * In production the scale is 1 and every function is the identity on the
 * wall clock (file times in whole seconds, as qmail keeps them).  A test
 * that replays a simulated scenario runs the test build's qmail-send
 * (build/testbin) with QCHAN_TIME_SCALE=F and QCHAN_TIME_EPOCH=E
 * (wall-clock seconds): time then runs F times faster from E on, for the
 * retry schedule and queuelifetime as for everything else, and file times
 * are read and written on the same scale, so a scenario of an hour
 * replays in a minute with qmail's own schedule.  fakespawn's
 * --time-scale and --epoch take the same two numbers.  The production
 * build does not read the variables at all: retry times written on a
 * faster clock would be read wrongly by a qmail-send on the real one.
 */
#ifndef QD_CLOCK_H
#define QD_CLOCK_H

#include <stddef.h>
#include <time.h>

#include "qc.h"

int qd_clock_init(char *err, size_t cap);
int qd_clock_set(const char *scale, const char *epoch, char *err, size_t cap);
qc_time qd_clock_now(void);
qc_time qd_clock_of_file(time_t sec, long nsec);
void qd_clock_to_file(qc_time t, time_t *sec, long *usec);
int qd_clock_wait_ms(qc_time wait);

#endif
