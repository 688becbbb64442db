/*
 * progress.c - the progress line of long runs (progress.h).
 *
 * The line is rewritten in place with a carriage return and erased with
 * ANSI's erase-to-end-of-line, which every terminal emulator in use
 * understands; nothing is written when stderr is not a terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

/* since - seconds from a to b */
static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* progress_begin - start the clock */
void progress_begin(struct progress *p)
{
    p->on = isatty(2);
    p->shown = 0;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

/* progress_due - a line is due */
int progress_due(struct progress *p)
{
    if (!p->on)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&p->start, &now) < 1.0 ||
        (p->shown && since(&p->last, &now) < 0.25))
        return 0;
    p->last = now;
    return 1;
}

/* progress_show - the line, in place */
void progress_show(struct progress *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputc('\r', stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\033[K", stderr);
    fflush(stderr);
    va_end(ap);
    p->shown = 1;
}

/* progress_end - erase the line */
void progress_end(struct progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->shown = 0;
    }
}
