/*
 * sim_advise.c - proposals of supplemental channels, simulated against
 * the current configuration; see sim_advise.h.
 *
 * Each proposal is the scenario itself with one more channel
 * (sim_scn_add_channel): the domain's deliveries keep remote's spawner
 * model and channel outages, so the only difference the runs see is
 * qmail's channel split.  Deciding by paired differences rather than by
 * two separate intervals uses what common random numbers buy: the noise
 * both runs of a seed share cancels, and a small real gain shows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "sim_advise.h"

/* base_name - a path's last part without .scn */
static void base_name(const char *path, char *buf, size_t cap)
{
    const char *s = strrchr(path, '/');
    snprintf(buf, cap, "%s", s ? s + 1 : path);
    size_t n = strlen(buf);
    if (n > 4 && strcmp(buf + n - 4, ".scn") == 0)
        buf[n - 4] = '\0';
}

/* fits - the control values inside every limit of env */
static int fits(const struct control *c, const struct limits_env *env,
                char *note, size_t cap)
{
    struct limits_report *r = malloc(sizeof *r);
    if (!r)
        return 0;
    int ok = limits_compute(c, env, r) == 0 && r->nproblems == 0;
    note[0] = '\0';
    if (!ok && r->nproblems)
        snprintf(note, cap, "%s would reach %s (%llu of %llu)",
                 r->problems[0].process,
                 limits_kind_name(r->problems[0].kind),
                 r->problems[0].needed, r->problems[0].limit);
    free(r);
    return ok;
}

/* remote_domains - the candidates qmail-todo sends to remote */
static int remote_domains(struct sim_advise *adv, const char *scn,
                          char *err, size_t cap)
{
    static char names[64][256];
    size_t n;
    struct sim_err e;
    if (sim_scn_domains(scn, names, 64, &n, &e) < 0) {
        snprintf(err, cap, "%s", e.msg);
        return -1;
    }
    struct classify *cl = classify_new(&adv->current, NULL);
    if (!cl) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    adv->ncand = 0;
    for (size_t i = 0; i < n && adv->ncand < SIM_ADVISE_MAX_DOMAINS; i++)
        if (classify_domain(cl, names[i], strlen(names[i])) == 1)
            snprintf(adv->cand[adv->ncand++], 256, "%s", names[i]);
    classify_free(cl);
    return 0;
}

/* add_variant - the scenario with domain in a new channel at conc */
static int add_variant(struct sim_advise *adv, const struct sim_advise_opts *o,
                       const char *domain, unsigned conc, char *err,
                       size_t cap)
{
    struct sim_advise_variant *v = &adv->var[adv->nvar];
    memset(v, 0, sizeof *v);
    snprintf(v->domain, sizeof v->domain, "%s", domain);
    v->concurrency = conc;
    snprintf(v->scn, sizeof v->scn, "%.3000s/%s-%u.scn", o->workdir, domain,
             conc);
    FILE *f = fopen(v->scn, "w");
    if (!f) {
        snprintf(err, cap, "cannot write %s", v->scn);
        return -1;
    }
    struct sim_err e;
    v->chan = sim_scn_add_channel(o->scenario, domain, conc, f, &e);
    if (fclose(f) != 0 || v->chan < 0) {
        snprintf(err, cap, "%s", v->chan < 0 ? e.msg : "write error");
        return -1;
    }
    char cn[QC_CHAN_NAME_MAX];
    snprintf(v->label, sizeof v->label, "%s in %s at concurrency %u",
             domain, qc_channel_name(v->chan, cn), conc);
    /* inside every limit with the new channel at full concurrency */
    struct control c;
    struct control_error ce;
    char name[64], val[32];
    int ok = control_copy(&c, &adv->current) == 0;
    snprintf(name, sizeof name, "concurrency%s", cn);
    snprintf(val, sizeof val, "%u", conc);
    ok = ok && control_set(&c, name, val, &ce) == 0;
    v->fits = ok && fits(&c, &adv->env, v->limit_note,
                         sizeof v->limit_note);
    control_free(&c);
    if (v->fits)
        adv->nvar++;
    else if (adv->nskipped < SIM_ADVISE_MAX_VARIANTS) {
        /* through a local: v lives in adv too, and gcc -O1 cannot tell
         * the two members apart (-Wrestrict) */
        char line[sizeof adv->skipped[0]];
        snprintf(line, sizeof line, "%s: %s", v->label, v->limit_note);
        memcpy(adv->skipped[adv->nskipped++], line, sizeof line);
    }
    return 0;
}

/* stats - per channel figures, paired differences with the current */
static void stats(struct sim_advise *adv, struct sim_advise_variant *v,
                  unsigned reps)
{
    double p50[1000], p95[1000], left[1000], d[1000], dl[1000];
    const struct sim_advise_variant *cur = &adv->var[0];
    v->nchan = v->res[0].nchan;
    v->limit_runs = 0;
    for (unsigned k = 0; k < reps; k++)
        v->limit_runs += v->res[k].nhits || v->res[k].nviolations;
    for (int c = 0; c < v->nchan; c++) {
        for (unsigned k = 0; k < reps; k++) {
            const struct sim_chan_result *ch = &v->res[k].chans[c];
            p50[k] = ch->p50 < 0 ? NAN : ch->p50;
            p95[k] = ch->p95 < 0 ? NAN : ch->p95;
            left[k] = (double)ch->pending;
        }
        sim_ci_of(p50, reps, &v->p50[c]);
        sim_ci_of(p95, reps, &v->p95[c]);
        sim_ci_of(left, reps, &v->left[c]);
    }
    for (unsigned k = 0; k < reps; k++) {
        double a = cur->res[k].chans[1].p95, b = v->res[k].chans[1].p95;
        d[k] = a < 0 || b < 0 ? NAN : b - a;
        double la = 0, lb = 0;
        for (int c = 0; c < cur->nchan; c++)
            la += (double)cur->res[k].chans[c].pending;
        for (int c = 0; c < v->nchan; c++)
            lb += (double)v->res[k].chans[c].pending;
        dl[k] = lb - la;
    }
    sim_ci_of(d, reps, &v->d_remote);
    sim_ci_of(dl, reps, &v->d_left);
    v->worse_chan = -1;
    for (int c = 0; c < cur->nchan && v != cur; c++) {
        for (unsigned k = 0; k < reps; k++) {
            double a = cur->res[k].chans[c].p95, b = v->res[k].chans[c].p95;
            d[k] = a < 0 || b < 0 ? NAN : b - a;
        }
        struct sim_ci ci;
        sim_ci_of(d, reps, &ci);
        if (c != 1 && ci.have && ci.low > 1e-9) {
            v->worse_chan = c;
            break;
        }
    }
}

/* judge - is v better than the current configuration */
static void judge(struct sim_advise *adv, struct sim_advise_variant *v)
{
    char cn[QC_CHAN_NAME_MAX];
    v->better = 0;
    if (v->limit_runs > adv->var[0].limit_runs)
        snprintf(v->why, sizeof v->why, "hits a limit in %u of %u runs",
                 v->limit_runs, adv->reps);
    else if (!v->d_remote.have)
        snprintf(v->why, sizeof v->why, "remote has no p95 in some run");
    else if (v->d_remote.high >= -1e-9)
        snprintf(v->why, sizeof v->why, "remote's p95 is not lower beyond "
                 "the interval (difference %.3f ± %.3f s)", v->d_remote.mean,
                 v->d_remote.half);
    else if (v->worse_chan >= 0)
        snprintf(v->why, sizeof v->why, "%s's p95 gets higher",
                 qc_channel_name(v->worse_chan, cn));
    else if (v->d_left.have && v->d_left.low > 1e-9)
        snprintf(v->why, sizeof v->why, "more recipients left at the end "
                 "(%+.1f)", v->d_left.mean);
    else
        v->better = 1;
}

/* new_p95 - the moved domain's own p95 (its new channel's) */
static const struct sim_ci *new_p95(const struct sim_advise_variant *v)
{
    return &v->p95[v->chan];
}

/* choose - per domain, of the better concurrencies the smallest whose
 * new channel's p95 is within the best one's interval (the moved domain
 * is not starved to save slots); then the domain that lowers remote's
 * p95 the most */
static void choose(struct sim_advise *adv)
{
    adv->chosen = 0;
    for (size_t i = 1; i < adv->nvar; i++) {
        struct sim_advise_variant *v = &adv->var[i];
        if (!v->better || !new_p95(v)->have)
            continue;
        size_t best = i;
        for (size_t j = 1; j < adv->nvar; j++) {
            const struct sim_advise_variant *w = &adv->var[j];
            if (w->better && strcmp(w->domain, v->domain) == 0 &&
                new_p95(w)->have &&
                new_p95(w)->mean < new_p95(&adv->var[best])->mean)
                best = j;
        }
        double bound = new_p95(&adv->var[best])->high + 1e-9;
        if (new_p95(v)->low > bound)
            continue;
        int smaller = 0;
        for (size_t j = 1; j < adv->nvar; j++) {
            const struct sim_advise_variant *w = &adv->var[j];
            smaller |= w->better && j != i &&
                       strcmp(w->domain, v->domain) == 0 &&
                       w->concurrency < v->concurrency &&
                       new_p95(w)->have && new_p95(w)->low <= bound;
        }
        if (smaller)
            continue;
        if (adv->chosen == 0 ||
            v->d_remote.mean < adv->var[adv->chosen].d_remote.mean)
            adv->chosen = (long)i;
    }
}

/* sim_advise_run - everything */
int sim_advise_run(const struct sim_advise_opts *o, struct sim_advise *adv,
                   char *err, size_t cap)
{
    memset(adv, 0, sizeof *adv);
    base_name(o->scenario, adv->scenario, sizeof adv->scenario);
    adv->reps = o->reps;
    struct sim_sweep_job probe = {o->scenario, NULL, o->sets, o->nsets,
                                  o->has_seed, o->seed, NULL};
    struct sim_scn sc;
    struct sim_err e;
    if (sim_sweep_load(&sc, &probe, &e) < 0) {
        snprintf(err, cap, "%s", e.msg);
        if (sc.path)
            sim_scn_free(&sc);
        return -1;
    }
    adv->nchan = sc.nchan;
    adv->seed0 = sc.seed;
    limits_env_default(&adv->env);
    adv->env.conf_spawn = sc.lim.conf_spawn;
    adv->env.fd_setsize = sc.lim.fd_setsize;
    adv->env.nofile = sc.lim.nofile;
    adv->env.nproc = sc.lim.nproc;
    adv->env.file_max = sc.lim.file_max;
    int copied = control_copy(&adv->current, &sc.control) == 0;
    sim_scn_free(&sc);
    if (!copied) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    struct sim_advise_variant *cur = &adv->var[adv->nvar++];
    snprintf(cur->label, sizeof cur->label, "current");
    snprintf(cur->scn, sizeof cur->scn, "%s", o->scenario);
    cur->chan = -1;
    cur->fits = fits(&adv->current, &adv->env, cur->limit_note,
                     sizeof cur->limit_note);
    if (remote_domains(adv, o->scenario, err, cap) < 0)
        return -1;
    unsigned cr = adv->current.concurrency[1];
    unsigned concs[3] = {cr / 4 ? cr / 4 : 1, cr / 2 ? cr / 2 : 1, cr};
    for (size_t d = 0; d < adv->ncand; d++)
        for (size_t k = 0; k < 3; k++) {
            if (k && concs[k] == concs[k - 1])
                continue;
            if (add_variant(adv, o, adv->cand[d], concs[k], err, cap) < 0)
                return -1;
        }
    /* every variant on the same seeds */
    size_t n = adv->nvar * o->reps;
    struct sim_sweep_job *jobs = calloc(n, sizeof *jobs);
    adv->runs = calloc(n, sizeof *adv->runs);
    if (!jobs || !adv->runs) {
        free(jobs);
        snprintf(err, cap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < adv->nvar; i++)
        for (unsigned k = 0; k < o->reps; k++) {
            struct sim_sweep_job *j = &jobs[i * o->reps + k];
            j->scenario = adv->var[i].scn;
            j->sets = o->sets;
            j->nsets = o->nsets;
            j->has_seed = 1;
            j->seed = adv->seed0 + k;
        }
    int rc = sim_sweep_run_all(jobs, n, adv->runs, o->workers, NULL, NULL);
    free(jobs);
    if (rc < 0) {
        snprintf(err, cap, "cannot start worker processes");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (adv->runs[i].status) {
            snprintf(err, cap, "%s seed %llu: %s", adv->var[i / o->reps].label,
                     (unsigned long long)adv->runs[i].seed,
                     adv->runs[i].msg);
            return -1;
        }
    for (size_t i = 0; i < adv->nvar; i++) {
        adv->var[i].res = adv->runs + i * o->reps;
        stats(adv, &adv->var[i], o->reps);
    }
    for (size_t i = 1; i < adv->nvar; i++)
        judge(adv, &adv->var[i]);
    choose(adv);
    return 0;
}

/* sim_advise_free - what sim_advise_run allocated */
void sim_advise_free(struct sim_advise *adv)
{
    free(adv->runs);
    control_free(&adv->current);
    adv->runs = NULL;
}
