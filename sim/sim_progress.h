/*
 * sim_progress.h - a progress line on standard error for work that goes
 * on longer than a second, at a terminal only (a log or a pipe gets
 * nothing, so outputs stay byte-identical).
 *
 *	sim_progress_begin(p)		start the clock; p->on when stderr is
 *					a terminal
 *	sim_progress_due(p)		1 when a line is due: after the first
 *					second, then every quarter second
 *	sim_progress_show(p, fmt, ...)	rewrite the line in place
 *	sim_progress_end(p)		erase the line if one was shown
 *
 * sim_progress_due reads the clock, so callers in a hot loop ask it every
 * few thousand steps.
 */
#ifndef SIM_PROGRESS_H
#define SIM_PROGRESS_H

#include <time.h>

struct sim_progress {
    int on;                  /* stderr is a terminal */
    int shown;               /* a line is on the screen */
    struct timespec start, last;
};

void sim_progress_begin(struct sim_progress *p);
int sim_progress_due(struct sim_progress *p);
void sim_progress_show(struct sim_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sim_progress_end(struct sim_progress *p);

#endif
