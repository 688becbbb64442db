/*
 * sweep_jobs.h - a sweep's runs as jobs: made, emitted for GNU parallel
 * or Slurm, run one at a time, and read back.
 *
 *	sweep_jobs_make(o, sw, run)	one job per (point, replication), point
 *					by point; 0, -1 out of memory
 *	sweep_jobs_emit(dir, o, sw, run)
 *					dir/input (the scenario and the files it
 *					reads), dir/sweep.args (the sweep),
 *					dir/jobs.txt (a line a run),
 *					dir/slurm.sh (an array job), dir/results
 *	sweep_jobs_run_one(dir, run, k)	line k: dir/results/k/summary.json
 *					and the other run files, then
 *					dir/results/k/done; the run's status
 *	sweep_jobs_read(dir, run, partial)
 *					every run's summary.json; the missing
 *					and failed are listed by line, and
 *					without partial that refuses (-1)
 *	sweep_jobs_load_args(dir, saved)
 *					dir/sweep.args as an argv, the scenario
 *					made a path under dir
 *
 * A job writes only inside its own dir/results/K, and last of all the
 * `done` file naming its settings and seed: a job that died half way, or
 * a result left from another sweep in the same directory, is not taken.
 */
#ifndef SWEEP_JOBS_H
#define SWEEP_JOBS_H

#include <stdint.h>

#include "sweep_int.h"

#define SWEEP_MAX_SETS 256

struct sweep_opts {
    const char *scn, *seed, *chan, *out, *minimize;
    const char *emit, *collect, *job_dir;
    const char *maxmem;          /* --max-memory SIZE */
    char **sets;                 /* --set NAME=VALUE */
    size_t nsets;
    char **axes;                 /* NAME=FROM:TO:STEP or NAME=v1,v2 */
    size_t naxes;
    const char *goals[SWEEP_MAX_GOALS];
    size_t ngoals;
    unsigned reps;
    double within;
    int jobs, plots, partial;
    long job;                    /* --job K, -1 none */
    int has_seed;
    uint64_t seed_value;
    int quick;                   /* one emitted job: no checks */
};

struct sweep_run {
    size_t n;                    /* points x replications */
    struct sim_sweep_job *jobs;
    struct sim_sweep_res *res;
    char **sets;                 /* each point's overrides */
    char *setbuf;
    char (*desc)[320];           /* each point's NAME=VALUE words */
    int nchan;
    size_t first;                /* a run with results */
    size_t reps;
};

struct sweep_saved {
    int argc;
    char **argv;
    char *buf;
    char scn[4200];
};

int sweep_jobs_make(const struct sweep_opts *o, const struct sweep *sw,
                    struct sweep_run *run);
void sweep_jobs_free(struct sweep_run *run);
int sweep_jobs_emit(const char *dir, const struct sweep_opts *o,
                    const struct sweep *sw, const struct sweep_run *run);
int sweep_jobs_run_one(const char *dir, struct sweep_run *run, long k);
int sweep_jobs_read(const char *dir, struct sweep_run *run, int partial);
int sweep_jobs_load_args(const char *dir, struct sweep_saved *saved);
void sweep_jobs_free_args(struct sweep_saved *saved);

#endif
