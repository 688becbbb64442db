/*
 * sim_advise.h - which destinations deserve a supplemental channel, and
 * at which concurrency, proved by simulation.
 *
 *	sim_advise_run(opts, adv, err, cap)
 *				the current configuration and each proposal
 *				(one domain of the remote channel moved to a
 *				new supplemental channel, at a few
 *				concurrencies inside every limit), all on the
 *				same seeds; then the choice; 0, or -1 with err
 *	sim_advise_free(adv)
 *
 * Candidates are the domains the scenario names (its domain and outage
 * lines, the targets of its generators) that qmail-todo sends to remote.
 * A proposal is better only when, paired seed by seed with the current
 * configuration (common random numbers: the same message meets the same
 * destination behaviour in both), remote's p95 latency is lower over the
 * whole 95% interval of the differences, no other channel's p95 and no
 * channel's left-at-end is higher over its whole interval, and no run
 * hits a limit that the current configuration does not.  Of the
 * concurrencies that make a domain's proposal better, the smallest
 * within the best one's interval is taken; of the domains, the one that
 * lowers remote's p95 the most.  When none is better, the current
 * configuration is the answer.
 */
#ifndef SIM_ADVISE_H
#define SIM_ADVISE_H

#include "limits_model.h"
#include "sim_sweep.h"
#include "sim_sweep_goal.h"

#define SIM_ADVISE_MAX_DOMAINS 8
#define SIM_ADVISE_MAX_VARIANTS (1 + SIM_ADVISE_MAX_DOMAINS * 3)

struct sim_advise_opts {
    const char *scenario;
    char *const *sets;           /* limit overrides: conf-spawn=N ... */
    size_t nsets;
    unsigned reps;
    int has_seed;
    uint64_t seed;
    int workers;
    const char *workdir;         /* the proposals' scenarios go here */
};

struct sim_advise_variant {
    char label[300];             /* "current", "bulk.example in suppl1 at 5" */
    char domain[256];            /* "" for the current configuration */
    int chan;                    /* the new channel, -1 none */
    unsigned concurrency;        /* of the new channel */
    char scn[4200];
    int fits;                    /* limits_compute: every limit holds */
    char limit_note[300];        /* the first limit it would not fit */
    struct sim_sweep_res *res;   /* reps runs */
    unsigned limit_runs;
    int nchan;
    struct sim_ci p50[QC_MAX_CHANNELS], p95[QC_MAX_CHANNELS];
    struct sim_ci left[QC_MAX_CHANNELS];
    struct sim_ci d_remote;      /* remote p95: this minus current, paired */
    struct sim_ci d_left;        /* left summed over channels, paired */
    int worse_chan;              /* an original channel worse beyond the
                                    interval (-1 none) */
    int better;
    char why[300];               /* why not better, for the report */
};

struct sim_advise {
    char scenario[256];
    int nchan;                   /* the current configuration's */
    unsigned reps;
    uint64_t seed0;
    struct limits_env env;
    struct control current;      /* the control values in force */
    size_t ncand;
    char cand[SIM_ADVISE_MAX_DOMAINS][256];
    size_t nvar;                 /* [0] is the current configuration */
    struct sim_advise_variant var[SIM_ADVISE_MAX_VARIANTS];
    size_t nskipped;             /* proposals beyond a limit, not run */
    char skipped[SIM_ADVISE_MAX_VARIANTS][600];
    long chosen;                 /* a variant, 0 when current is best */
    struct sim_sweep_res *runs;  /* every run, variant by variant */
};

int sim_advise_run(const struct sim_advise_opts *o, struct sim_advise *adv,
                   char *err, size_t cap);
void sim_advise_free(struct sim_advise *adv);

#endif
