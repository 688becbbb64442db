/*
 * sim.h - run a scenario against the real classifier and scheduler.
 *
 *	sim_run(sc, opts, result, err)	the whole run in simulated time;
 *					0, or -1 (out of memory: err says)
 *	sim_result_free(result)
 *	sim_finding_text(f, buf, cap)	a finding's sentence, from its fields
 *	sim_report_text(out, sc, result)	the readable summary
 *	sim_report_json(out, sc, result)	summary.json
 *	sim_plot_start(plotter, dir)	start gnuplot before the run
 *	sim_plot(dir, sc, result, plotter, note, cap)
 *					pictures from the CSV files in
 *					dir by the gnuplot scripts in plots/;
 *					0 drawn, 1 no gnuplot (note says how
 *					to install it), -1 gnuplot failed
 *	sim_plot_clock(sc, buf, cap)	a replay's clock for its pictures
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
#include <sys/types.h>

#include "sim_scn.h"

/* simulated time 0 in the log: 2026-01-01 00:00:00 UTC (microseconds
 * since the Unix epoch) */
#define SIM_EPOCH ((qc_time)1767225600 * QC_SEC)

struct sim_opts {
    FILE *log;       /* qmail.log, or NULL */
    FILE *series;    /* series.csv, or NULL */
    FILE *fds;       /* fds.csv, or NULL */
    int progress;    /* a progress line on stderr (a terminal, > 1 s) */
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

/* What a finding is about.  Consumers (regress, sweep, compare, the
 * expect lines) decide by these fields; the sentence printed for people
 * is made from them (sim_finding_text), never read back. */
enum sim_finding_kind {
    SIM_FIND_LIMIT,          /* a process reached a descriptor or process
                                limit (limit: fd-setsize, nofile, nproc,
                                file-max) */
    SIM_FIND_CURBED,         /* a concurrency curbed to the spawner's
                                limit (limit: conf-spawn) */
    SIM_FIND_OVERRUN,        /* channels-compat: a HUP raised a
                                concurrency past the delivery table
                                (limit: delivery-table) */
    SIM_FIND_SPAWNER_LOST,   /* qmail-send lost a spawner and stops */
    SIM_FIND_HUP_ERROR       /* a scripted HUP had a bad control value */
};

/* what a limit finding did to the deliveries */
enum sim_finding_effect {
    SIM_EFFECT_NONE,
    SIM_EFFECT_OPEN_MESSAGE,     /* spawner: "unable to open message" */
    SIM_EFFECT_CREATE_PIPE,      /* spawner: "unable to create pipe" */
    SIM_EFFECT_TROUBLE_OPENING,  /* qmail-send: "trouble opening" */
    SIM_EFFECT_NO_BOUNCES        /* qmail-send cannot inject bounces */
};

struct sim_finding {
    qc_time t;
    enum sim_finding_kind kind;
    int chan;                      /* the channel concerned; -1 none */
    char process[24];              /* the process concerned; "" none */
    const char *limit;             /* the limit reached (a static word:
                                      "nofile", "conf-spawn" ...); NULL
                                      for none */
    unsigned long long limit_value;    /* that limit's number */
    unsigned long long value;      /* what reached it: the descriptor
                                      (fd-setsize), the concurrency asked
                                      for (curbed, overrun); else 0 */
    enum sim_finding_effect effect;
    unsigned line;                 /* hup-error: the scenario line */
    char *detail;                  /* hup-error: the control value's
                                      error; else NULL */
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

/* sim_mem_need - the memory a run of sc holds at its peak (estimated
 * from the simulator's records; Poisson counts and recipient ranges at
 * their means) */
struct sim_mem_need {
    uint64_t bytes;
    uint64_t msgs, rcpts;
    unsigned line;      /* the generator line where bytes pass the limit */
};
void sim_mem_need(const struct sim_scn *sc, uint64_t limit,
                  struct sim_mem_need *need);
/* sim_mem_limit - the default limit: half of physical memory (0 unknown) */
uint64_t sim_mem_limit(void);
void sim_result_free(struct sim_result *r);

/* sim_finding_text - the sentence for people, made from the record */
void sim_finding_text(const struct sim_finding *f, char *buf, size_t cap);
/* sim_finding_kind_name - "limit", "curbed", "overrun", "spawner-lost",
 * "hup-error": the kind as summary.json writes it */
const char *sim_finding_kind_name(enum sim_finding_kind k);
/* sim_finding_effect_name - "unable-to-open-message" ..., NULL for none */
const char *sim_finding_effect_name(enum sim_finding_effect e);
/* sim_finding_is_limit - the finding says a limit was hit (a process's
 * limit, conf-spawn, the delivery table) */
int sim_finding_is_limit(const struct sim_finding *f);

void sim_report_text(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r);
void sim_report_json(FILE *out, const struct sim_scn *sc,
                     const struct sim_result *r);

/* gnuplot processes started before a run (sim_plot_start), so that
 * their start-up overlaps the simulation; sim_plot draws with them */
#define SIM_PLOT_PROCS 4
struct sim_plotter {
    size_t n;                        /* processes started, 0: none */
    struct sim_gp {
        pid_t pid;
        FILE *in;                    /* its commands */
    } gp[SIM_PLOT_PROCS];
};
void sim_plot_start(struct sim_plotter *p, const char *dir);
/* sim_plot - every picture of a run; p (or NULL) from sim_plot_start */
int sim_plot(const char *dir, const struct sim_scn *sc,
             const struct sim_result *r, struct sim_plotter *p,
             char *note, size_t notecap);
/* sim_plot_clock - "origin=...; window_from=...; window_to=..." from
 * the scenario's clock line, "" without one */
#define SIM_PLOT_CLOCK_CAP 128
void sim_plot_clock(const struct sim_scn *sc, char *buf, size_t cap);
int sim_plot_scripts(const char *const *names, size_t n, const char *vars,
                     const char *dir, char *note, size_t notecap);

#endif
