/*
 * fit_out.h - what `qchan fit` writes and prints.
 *
 *	fit_write_json(f, lg, s)	observed.json: the log's day in numbers
 *	fit_write_csv(f, s)		observed.csv: one row per sample and
 *					channel (the simulator's series.csv
 *					columns where they mean the same)
 *	fit_write_scenario(dir, lg, s, o, err, cap)
 *					replay.scn, traffic.csv (its replay
 *					file) and latency/ (empirical tables)
 *					into dir; 0 ok, -1 err names the file
 *	fit_chan_table(t, s)		the channels as a lib/table: what
 *					observed.json and the report say of
 *					each, under core/metric.h's names
 *	fit_report(out, lg, s)		the short printed report
 *	fit_plot(dir, simdir, s, note, cap)
 *					overlay.gp and its pictures (fit_plot.c
 *					says what they show); 0 drawn, 1 no
 *					gnuplot, -1 failed, note says which
 *	fit_anon(addr, buf, cap)	addr with its local part replaced by a
 *					stable hash, domain kept
 *
 * The writers return 0, or -1 when the stream failed (the caller names
 * the file).
 */
#ifndef FIT_OUT_H
#define FIT_OUT_H

#include <stdio.h>

#include "fit_sum.h"
#include "table.h"

int fit_write_json(FILE *f, const struct fit_log *lg,
                   const struct fit_sum *s);
int fit_write_csv(FILE *f, const struct fit_sum *s);
void fit_chan_table(struct table *t, const struct fit_sum *s);
int fit_write_scenario(const char *dir, const struct fit_log *lg,
                       const struct fit_sum *s, const struct fit_opts *o,
                       char *err, size_t cap);
void fit_report(FILE *out, const struct fit_log *lg, const struct fit_sum *s);
int fit_plot(const char *dir, const char *simdir, const struct fit_sum *s,
             char *note, size_t cap);
const char *fit_anon(const char *addr, char *buf, size_t cap);
/* fit_gnuplot - run `gnuplot -e vars script` with its output in log;
 * 0 ran, -1 failed (note says so) */
int fit_gnuplot(const char *script, const char *vars, const char *log,
                char *note, size_t cap);

#endif
