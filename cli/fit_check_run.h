/*
 * fit_check_run.h - `qchan fit --check`: replay a fitted log with
 * several seeds and set each simulated log beside the real one.
 *
 *	fit_check_run(dir, lg, s, o, seeds, strict)
 *		run dir/replay.scn with seeds 1..seeds, each writing its
 *		qmail.log into dir/check/; read each back with fit_read and
 *		sum it in the log's window (s's origin, start and end, o's
 *		sample); print the table, write dir/check.json, the
 *		series and the pictures.  Returns the exit status: 0, 1
 *		(--strict and a row failed), 2 (a file could not be
 *		written, the scenario could not be read), 3 (a replay broke
 *		an invariant).
 */
#ifndef FIT_CHECK_RUN_H
#define FIT_CHECK_RUN_H

#include "fit_sum.h"

int fit_check_run(const char *dir, const struct fit_sum *s,
                  const struct fit_opts *o, int seeds, int strict, int plots);

#endif
