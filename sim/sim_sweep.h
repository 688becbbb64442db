/*
 * sim_sweep.h - many runs of one scenario with overrides, in worker
 * processes, for `qchan compare` and `qchan sweep`.
 *
 *	sim_sweep_load(sc, job, err)	load the scenario and apply the job's
 *					control directory, --set overrides and
 *					seed; 0, or -1 with err saying why
 *	sim_sweep_run(job, res)		one run in this process: writes
 *					series.csv, fds.csv and summary.json
 *					into job->outdir when it is set, fills
 *					res (res->status 0 ran, 2 bad input)
 *	sim_sweep_run_all(jobs, n, res, workers, progress, ctx)
 *					every job, each in a forked process,
 *					at most `workers` at once; res[i] is
 *					job i's answer whatever the order the
 *					workers finish in (a worker that dies
 *					leaves status 3); 0, -1 fork/pipe
 *					failed
 *	sim_sweep_ci(v, n, mean, half)	mean and the half width of its 95%
 *					confidence interval (Student t, n-1
 *					degrees of freedom; half < 0 when n < 2)
 *	sim_sweep_knee(drain, ok, n, frac, best)
 *					the first index whose drain time is
 *					within frac of the best (lowest) one
 *					and that is ok; -1 if none.  *best is
 *					the index of the best (-1 if none);
 *					drain < 0 means "did not drain"
 *
 * A result travels from the worker through a pipe as plain bytes: the
 * workers are forks of the same program, so the layout is the same on
 * both ends, and nothing in it is a pointer.
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim.h"

struct sim_sweep_job {
    const char *scenario;          /* the .scn file */
    const char *control_dir;       /* replaces the scenario's control-dir
                                      and control lines, or NULL */
    char *const *sets;             /* NAME=VALUE, applied in order */
    size_t nsets;
    int has_seed;
    uint64_t seed;
    const char *outdir;            /* files go there, or NULL */
};

/* a limit a run hit: a process at its descriptor or process limit
 * (process set), or a channel's concurrency held by conf-spawn or the
 * delivery table (channel set) */
struct sim_limit_hit {
    char process[24];
    char channel[QC_CHAN_NAME_MAX];
    char limit[16];                /* "nofile", "conf-spawn", ... */
};

#define SIM_SWEEP_MAX_HITS 24

struct sim_sweep_res {
    int status;                    /* 0 ran, 2 bad input, 3 worker died */
    char msg[1024];                /* why, when status != 0 */
    uint64_t seed;
    int drained;
    double drain_time, end_time;   /* seconds; drain_time < 0: not drained */
    unsigned long long messages, recipients, events;
    unsigned long long fd_setsize, nofile;   /* the limits in force */
    int nchan;
    struct sim_chan_result chans[QC_MAX_CHANNELS];
    size_t nprocs;
    struct sim_proc_result procs[QC_MAX_CHANNELS + 4];
    unsigned nexpects, expects_failed, nviolations, nfindings;
    unsigned nhits;                /* limits hit, each once */
    struct sim_limit_hit hits[SIM_SWEEP_MAX_HITS];
};

int sim_sweep_load(struct sim_scn *sc, const struct sim_sweep_job *job,
                   struct sim_err *err);
void sim_sweep_run(const struct sim_sweep_job *job,
                   struct sim_sweep_res *res);
int sim_sweep_run_all(const struct sim_sweep_job *jobs, size_t n,
                      struct sim_sweep_res *res, int workers,
                      void (*progress)(void *ctx, size_t done, size_t n),
                      void *ctx);

/* sim_sweep_add_hit - note a limit hit (process or channel, the limit's
 * name), once */
void sim_sweep_add_hit(struct sim_sweep_res *res, const char *process,
                       const char *channel, const char *limit);
/* sim_sweep_read - a run's numbers from its summary.json, as
 * sim_sweep_run fills them; 0, or -1 with err */
int sim_sweep_read(const char *path, struct sim_sweep_res *res, char *err,
                   size_t cap);
/* sim_sweep_hits_text - "spawn-remote: nofile; remote: conf-spawn", ""
 * for none: the limits hit, for people */
void sim_sweep_hits_text(const struct sim_sweep_res *res, char *buf,
                         size_t cap);
/* sim_sweep_hits_json - the limits hit as a JSON array of
 * {"process", "channel", "limit"} */
void sim_sweep_hits_json(FILE *out, const struct sim_sweep_res *res);

void sim_sweep_ci(const double *v, size_t n, double *mean, double *half);
long sim_sweep_knee(const double *drain, const int *ok, size_t n,
                    double frac, long *best);

#endif
