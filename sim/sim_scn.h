/*
 * sim_scn.h - scenario files: what traffic arrives, how destinations
 * behave, what configuration runs, and what must hold.
 *
 *	sim_scn_load(sc, path, err)	parse a scenario (docs/scenarios.md);
 *					-1 with err naming file:line and
 *					what was expected
 *	sim_scn_load_text(sc, path, text, len, err)
 *					the same from text in memory, as if
 *					read from path (its directory is
 *					where replay and control-dir files
 *					are found; tests and the fuzzer)
 *	sim_scn_set(sc, name, value, err)
 *					one --set override: a control, a
 *					limit (conf-spawn, fd-setsize, nofile,
 *					nproc, file-max), profile, todo-delay
 *	sim_scn_set_seed(sc, seed)	the --seed override
 *	sim_scn_free(sc)
 *
 * The parsed form keeps every line number, so errors found later (an
 * expect that names an unknown process) still point at their line.
 */
#ifndef SIM_SCN_H
#define SIM_SCN_H

#include <stdint.h>
#include <stdio.h>

#include "control.h"
#include "fs_model.h"
#include "qc.h"
#include "sched.h"

struct sim_err {
    char msg[1024];    /* "file:line: what was expected" */
};

struct sim_limits {
    unsigned long long conf_spawn;
    unsigned long long fd_setsize;
    unsigned long long nofile;
    unsigned long long nproc;
    unsigned long long file_max;
};

struct sim_pool {
    char *name;
    uint32_t n;        /* domains d0.NAME.test ... */
    double *cdf;       /* Zipf popularity, cumulative, cdf[n-1] = 1 */
};

struct sim_target {
    int pool;          /* index into pools, or -1 for domain */
    char *domain;
    double cum;        /* cumulative normalized weight */
};

enum sim_gen_kind { SIM_GEN_BURST, SIM_GEN_POISSON, SIM_GEN_REPLAY };

struct sim_replay_row {
    qc_time t;
    qc_time birth;           /* carried: the message's birth (its age
                                sets its place in the retry schedule) */
    char *sender;
    char **rcpts;
    unsigned nrcpt;
};

struct sim_gen {
    enum sim_gen_kind kind;
    unsigned line;
    qc_time at;              /* burst */
    uint64_t count;          /* burst */
    qc_time from, to;        /* poisson */
    double rate;             /* poisson, messages per second */
    unsigned rmin, rmax;     /* recipients per message */
    struct sim_target *targets;
    size_t ntargets;
    char *sender;
    uint64_t bytes;
    struct sim_replay_row *rows;  /* replay, in time order */
    size_t nrows;
    int carried;             /* replay of messages queued before the
                                scenario began ('carried FILE') */
};

enum sim_act_kind { SIM_ACT_HUP, SIM_ACT_ALARM, SIM_ACT_KILL };

struct sim_action {
    unsigned line;
    qc_time at;
    enum sim_act_kind kind;
    int chan;                /* kill */
    char **names, **values;  /* hup */
    size_t n;
};

enum sim_exp_kind {
    SIM_EXP_MAX_INFLIGHT,
    SIM_EXP_MAX_QUEUE,
    SIM_EXP_DRAINED_BY,
    SIM_EXP_DRAINED,
    SIM_EXP_NOT_DRAINED,
    SIM_EXP_DELIVERED,
    SIM_EXP_ATTEMPTS,
    SIM_EXP_DEFERRED,
    SIM_EXP_FAILED,
    SIM_EXP_PENDING,
    SIM_EXP_P50,
    SIM_EXP_P95,
    SIM_EXP_P99,
    SIM_EXP_NO_FD_EXHAUSTION,
    SIM_EXP_FD_EXHAUSTION,
    SIM_EXP_FD_PEAK,
    SIM_EXP_FINDING,
    SIM_EXP_NO_FINDING,
};

enum sim_op { SIM_OP_LE, SIM_OP_LT, SIM_OP_GE, SIM_OP_GT, SIM_OP_EQ,
              SIM_OP_NE };

struct sim_expect {
    unsigned line;
    char *text;              /* the line after "expect", as written */
    enum sim_exp_kind kind;
    int chan;                /* -1: all channels */
    char *name;              /* process name, or finding words */
    enum sim_op op;
    double value;            /* seconds for times */
};

struct sim_scn {
    char *path;
    char *name;              /* file name without directory and .scn */
    char *dir;               /* the file's directory */
    uint64_t seed;
    int nchan;
    enum sched_profile profile;
    struct control control;
    int control_loaded;      /* control holds allocations */
    struct sim_limits lim;
    qc_time todo_delay;
    struct fs_model *model;
    struct sim_pool *pools;
    size_t npools;
    struct sim_gen *gens;
    size_t ngens;
    struct sim_action *actions;   /* in time order (stable) */
    size_t nactions;
    struct sim_expect *expects;
    size_t nexpects;
    int until_drained;       /* run until drained (else run for) */
    qc_time run_max;         /* the end of the run at the latest */
    qc_time sample;
    /* clock ORIGIN [window FROM TO]: the run's time 0 on a log's clock
     * (a replay written by qchan fit); pictures show that clock and
     * shade the window.  Nothing else depends on it. */
    long long clock_origin;  /* Unix seconds; 0: none */
    int has_window;
    qc_time window_from, window_to;
};

int sim_scn_load(struct sim_scn *sc, const char *path, struct sim_err *err);
int sim_scn_load_text(struct sim_scn *sc, const char *path, const char *text,
                      size_t len, struct sim_err *err);

/* a file or directory a scenario reads besides itself */
struct sim_scn_input {
    unsigned line;           /* its line in the scenario */
    int is_dir;              /* control-dir DIR; else a file */
    char keyword[16];        /* "replay", "carried", "control-dir" */
    char word[1024];         /* the path as written */
    char path[4096];         /* the path as opened */
};
/* sim_scn_inputs - the scenario's replay, carried and control-dir lines
 * (at most cap); -1 with err when it cannot be read */
int sim_scn_inputs(const char *path, struct sim_scn_input *in, size_t cap,
                   size_t *n, struct sim_err *err);
/* sim_scn_domains - the domains the scenario names (domain and outage
 * lines, burst and poisson targets that are neither pools nor channels),
 * each once, at most cap */
int sim_scn_domains(const char *path, char (*names)[256], size_t cap,
                    size_t *n, struct sim_err *err);
/* sim_scn_add_channel - write to out the scenario with one more
 * supplemental channel carrying domain at the given concurrency (its
 * spawner and channel outages copied from remote's, relative input
 * paths made absolute); the new channel's number, or -1 with err */
int sim_scn_add_channel(const char *path, const char *domain,
                        unsigned concurrency, FILE *out, struct sim_err *err);
int sim_scn_set(struct sim_scn *sc, const char *name, const char *value,
                struct sim_err *err);
void sim_scn_set_seed(struct sim_scn *sc, uint64_t seed);
void sim_scn_free(struct sim_scn *sc);

/* sim_scn_profile_name - "qchan" or "channels-compat" */
const char *sim_scn_profile_name(enum sched_profile p);
/* sim_op_name - "<=", ... */
const char *sim_op_name(enum sim_op op);
/* sim_op_holds - value op bound */
int sim_op_holds(enum sim_op op, double value, double bound);

#endif
