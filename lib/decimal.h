/*
 * decimal.h - whole numbers written in decimal, as options, control
 * files, scenario words and queue file names carry them.
 *
 *	decimal_parse_u64(s, max, &v)	0 and v when s is one or more digits
 *					and nothing else, at most max; -1
 *					otherwise (empty, a sign, a space, a
 *					letter, too large), v untouched
 *
 * Stricter than strtoull on purpose: strtoull takes leading spaces, a
 * '+' or '-' (and wraps "-1" to the largest number), which a count in a
 * file or on a command line must not mean.
 */
#ifndef DECIMAL_H
#define DECIMAL_H

#include <stdint.h>

int decimal_parse_u64(const char *s, uint64_t max, uint64_t *v);

#endif
