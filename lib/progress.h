/*
 * progress.h - a progress line on standard error for work that goes
 * on longer than a second, at a terminal only (a log or a pipe gets
 * nothing, so outputs stay byte-identical).
 *
 *	progress_begin(p)		start the clock; p->on when stderr is
 *					a terminal
 *	progress_due(p)		1 when a line is due: after the first
 *					second, then every quarter second
 *	progress_show(p, fmt, ...)	rewrite the line in place
 *	progress_end(p)		erase the line if one was shown
 *
 * progress_due reads the clock, so callers in a hot loop ask it every
 * few thousand steps.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <time.h>

struct progress {
    int on;                  /* stderr is a terminal */
    int shown;               /* a line is on the screen */
    struct timespec start, last;
};

void progress_begin(struct progress *p);
int progress_due(struct progress *p);
void progress_show(struct progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void progress_end(struct progress *p);

#endif
