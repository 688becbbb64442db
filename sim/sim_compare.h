/*
 * sim_compare.h - variants of one scenario side by side.
 *
 *	sim_compare_rows(res, nvar, &n)	the table: one row per metric (run,
 *					each channel that carried mail, each
 *					process), values per variant, which
 *					variant is better; malloc'ed, NULL out
 *					of memory
 *	sim_compare_text(out, scn, vars, res, nvar, rows, n)
 *					the table for people
 *	sim_compare_json(out, scn, vars, res, nvar, rows, n)
 *					the same content as compare.json
 *	sim_compare_csv(out, vars, nvar, rows, n)
 *					compare.csv: a line per row (section,
 *					metric, unit, each variant's value and
 *					limit, differs, better); 0 or -1
 *	sim_compare_plot(dir, scn, clock, vars, res, nvar, note, cap)
 *					overlay pictures (throughput, queue,
 *					in flight) from each variant's
 *					series.csv in dir/<label>/, on the
 *					clock sim_plot_clock gave (a
 *					replay's); sim_plot's answers
 *
 * Variants are labelled A, B, C ...; differences are against A, the
 * baseline.  "Better" is lower for times, deferrals, failures, queues and
 * descriptor peaks, higher for deliveries; peaks in flight have no better
 * side (they follow the limit).  A run that did not drain is worse than
 * any that did.
 */
#ifndef SIM_COMPARE_H
#define SIM_COMPARE_H

#include <stdio.h>

#include "sim_sweep.h"

#define SIM_CMP_MAX 26

enum sim_cmp_dir { SIM_CMP_LOWER, SIM_CMP_HIGHER, SIM_CMP_NONE };

struct sim_cmp_variant {
    char label[8];                  /* "A" */
    const struct sim_sweep_job *job;  /* its overrides and directory */
};

struct sim_cmp_row {
    char section[32];     /* "run", a channel, a process */
    char metric[32];      /* the JSON name: drain_time, latency_p95 ... */
    const char *what;     /* the text label */
    const char *unit;     /* "s", "messages", ... */
    enum sim_cmp_dir dir;
    int decimals;
    int has_limit;
    double v[SIM_CMP_MAX];      /* NAN: no value (not drained, no mail) */
    double limit[SIM_CMP_MAX];
    unsigned best;        /* bit i: variant i is (one of) the best */
    int differs;          /* some variant's value differs from A's */
};

struct sim_cmp_row *sim_compare_rows(const struct sim_sweep_res *res,
                                     size_t nvar, size_t *n);
void sim_compare_text(FILE *out, const char *scenario,
                      const struct sim_cmp_variant *vars,
                      const struct sim_sweep_res *res, size_t nvar,
                      const struct sim_cmp_row *rows, size_t n);
void sim_compare_json(FILE *out, const char *scenario,
                      const struct sim_cmp_variant *vars,
                      const struct sim_sweep_res *res, size_t nvar,
                      const struct sim_cmp_row *rows, size_t n);
int sim_compare_csv(FILE *out, const struct sim_cmp_variant *vars,
                    size_t nvar, const struct sim_cmp_row *rows, size_t n);
int sim_compare_plot(const char *dir, const char *scenario,
                     const char *clock, const struct sim_cmp_variant *vars,
                     const struct sim_sweep_res *res, size_t nvar,
                     char *note, size_t cap);

/* sim_compare_desc - "concurrencyremote=60, control DIR" or "as written" */
void sim_compare_desc(const struct sim_cmp_variant *v, char *buf,
                      size_t cap);

#endif
