/*
 * sim.h - run a scenario against the real classifier and scheduler.
 *
 *	sim_run(sc, opts, result, err)	the whole run in simulated time;
 *					0, or -1 (out of memory: err says)
 *	sim_result_free(result)
 *	sim_report_text(out, sc, result)	the readable summary
 *	sim_report_json(out, sc, result)	summary.json
 *	sim_plot(dir, sc, result, note, cap)	pictures from the CSV files in
 *					dir by the gnuplot scripts in plots/;
 *					0 drawn, 1 no gnuplot (note says how
 *					to install it), -1 gnuplot failed
 *
 * The run is a pure function of the scenario (with its seed): no clock,
 * no addresses, no environment reach the results, so equal inputs give
 * byte-identical outputs.  Random numbers are keyed by message and
 * attempt (fs_rand.h): two configurations of one scenario see the same
 * traffic and the same destination behaviour.
 *
 * Checks that are always on: no channel starts a delivery above its
 * limit; no recipient gets two final outcomes or is delivered twice;
 * every recipient of a finished message has its outcome.  A broken one
 * lands in result->violations (exit 3 for the command).
 */
#ifndef SIM_H
#define SIM_H

#include <stdio.h>

#include "sim_scn.h"

struct sim_opts {
    FILE *log;       /* qmail.log, or NULL */
    FILE *series;    /* series.csv, or NULL */
    FILE *fds;       /* fds.csv, or NULL */
};

struct sim_chan_result {
    char name[QC_CHAN_NAME_MAX];
    unsigned concurrency;          /* the limit in force at the end */
    unsigned max_limit;            /* the highest limit in force */
    unsigned max_inflight;
    unsigned long long attempts, delivered, deferred, failed, pending;
    unsigned long long spawn_errors;   /* Z from the spawner itself */
    double p50, p95, p99;          /* seconds; negative: no value */
    unsigned long long max_queue;
    qc_time last_final;            /* the channel's last final outcome
                                      (its drain time when none is
                                      pending); 0: none */
};

struct sim_proc_result {
    char name[24];
    unsigned long long fd_peak;    /* most descriptors open at once */
    unsigned long long fd_highest; /* highest descriptor number used */
    unsigned long long fd_limit;   /* the limit that bites first */
    unsigned long long proc_peak, proc_limit;  /* qmailr only */
    int exhausted;
    char exhausted_by[16];         /* "fd-setsize", "nofile", ... */
    qc_time exhausted_at;
};

struct sim_finding {
    qc_time t;
    char *text;
};

struct sim_expect_result {
    unsigned line;
    const char *text;
    int ok;
    int has_value;
    double value;
};

struct sim_result {
    int nchan;
    int drained;
    qc_time drain_time;            /* valid when drained */
    qc_time end_time;
    unsigned long long messages, recipients, events;
    unsigned long long todo_pending;  /* messages qmail-todo had not done */
    struct sim_chan_result chans[QC_MAX_CHANNELS];
    size_t nprocs;
    struct sim_proc_result procs[QC_MAX_CHANNELS + 4];
    struct sim_finding *findings;
    size_t nfindings;
    struct sim_expect_result *expects;
    size_t nexpects;
    int expects_failed;
    char **violations;
    size_t nviolations;
};

int sim_run(const struct sim_scn *sc, const struct sim_opts *opts,
            struct sim_result *r, struct sim_err *err);
void sim_result_free(struct sim_result *r);

void sim_report_text(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r);
void sim_report_json(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r);
/* sim_json_str - s as a JSON string (quoted, escaped) */
void sim_json_str(FILE *out, const char *s);
/* sim_mkdirs - mkdir -p; -1 with errno (ENOTDIR: a file is in the way) */
int sim_mkdirs(const char *path);
/* sim_has_gnuplot - gnuplot is on PATH */
int sim_has_gnuplot(void);

int sim_plot(const char *dir, const struct sim_scn *sc,
             const struct sim_result *r, char *note, size_t notecap);
int sim_plot_script(const char *name, const char *vars, const char *log,
                    char *note, size_t notecap);
int sim_plot_scripts(const char *const *names, size_t n, const char *vars,
                     const char *dir, char *note, size_t notecap);

#endif
