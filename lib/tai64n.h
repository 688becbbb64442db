/*
 * tai64n.h - TAI64N labels, as multilog writes them in front of each log
 * line and in the names of rotated files: "@" and 24 hex digits, 16 of
 * TAI seconds (2^62 + 10 at the Unix epoch, as daemontools counts, with
 * no leap-second table) and 8 of nanoseconds.
 *
 *	tai64n_fmt(t, out)		the label of t (microseconds since the
 *					Unix epoch) into out: 25 characters
 *					and a NUL
 *	tai64n_parse(s, len, &t)	0 and t (microseconds, nanoseconds cut
 *					to micro) when s starts with a label;
 *					-1 if not (bad digit, nanoseconds
 *					>= 10^9, before 1970 or beyond int64)
 *
 * One writer (the simulator's qmail.log) and one reader (qchan fit), so
 * a simulated log reads back to the times it was written with.
 */
#ifndef TAI64N_H
#define TAI64N_H

#include <stddef.h>
#include <stdint.h>

#define TAI64N_LEN 25

void tai64n_fmt(int64_t t, char out[TAI64N_LEN + 1]);
int tai64n_parse(const char *s, size_t len, int64_t *t);

#endif
