/*
 * sim_sweep_job.c - one run of a scenario with a variant's overrides.
 *
 *	sim_sweep_load(sc, job, err)	the scenario, then the job's control
 *					directory, --set overrides and seed
 *	sim_sweep_run(job, res)		load, run, write the files, keep the
 *					numbers compare and sweep need
 *
 * The order of the overrides is the order `qchan run` applies them
 * (seed, then each --set), so a compare variant is exactly the run
 * `qchan run SCENARIO --set ...` would make.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "path.h"
#include "sim_sweep.h"

/* use_control_dir - a variant's whole configuration from a directory */
static int use_control_dir(struct sim_scn *sc, const char *dir,
                           struct sim_err *err)
{
    struct control c;
    struct control_error ce;
    if (control_load(&c, dir, sc->nchan, NULL, &ce) < 0) {
        if (ce.line)
            snprintf(err->msg, sizeof err->msg, "control directory %s: "
                     "%s:%u: %s", dir, ce.file, ce.line, ce.msg);
        else
            snprintf(err->msg, sizeof err->msg, "control directory %s: %s: "
                     "%s", dir, ce.file, ce.msg);
        control_free(&c);
        return -1;
    }
    if (c.nchan != sc->nchan) {
        snprintf(err->msg, sizeof err->msg, "control directory %s has %d "
                 "channels, the scenario %d", dir, c.nchan, sc->nchan);
        control_free(&c);
        return -1;
    }
    if (sc->control_loaded)
        control_free(&sc->control);
    sc->control = c;
    sc->control_loaded = 1;
    return 0;
}

/* sim_sweep_load - the scenario with the job's overrides */
int sim_sweep_load(struct sim_scn *sc, const struct sim_sweep_job *job,
                   struct sim_err *err)
{
    if (sim_scn_load(sc, job->scenario, err) < 0)
        return -1;
    if (job->control_dir && use_control_dir(sc, job->control_dir, err) < 0)
        return -1;
    if (job->has_seed)
        sim_scn_set_seed(sc, job->seed);
    for (size_t i = 0; i < job->nsets; i++) {
        const char *set = job->sets[i];
        const char *eq = strchr(set, '=');
        if (!eq || eq == set) {
            snprintf(err->msg, sizeof err->msg, "--set %s: expected "
                     "NAME=VALUE", set);
            return -1;
        }
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - set), set);
        if (sim_scn_set(sc, name, eq + 1, err) < 0)
            return -1;
    }
    return 0;
}

/* sim_sweep_add_hit - one more limit in res->hits, once */
void sim_sweep_add_hit(struct sim_sweep_res *res, const char *process,
                    const char *channel, const char *limit)
{
    for (unsigned i = 0; i < res->nhits; i++)
        if (strcmp(res->hits[i].process, process) == 0 &&
            strcmp(res->hits[i].channel, channel) == 0 &&
            strcmp(res->hits[i].limit, limit) == 0)
            return;
    if (res->nhits == SIM_SWEEP_MAX_HITS)
        return;
    struct sim_limit_hit *h = &res->hits[res->nhits++];
    snprintf(h->process, sizeof h->process, "%s", process);
    snprintf(h->channel, sizeof h->channel, "%s", channel);
    snprintf(h->limit, sizeof h->limit, "%s", limit);
}

/* note_limits - which limits the run hit: a process at its descriptor or
 * process limit (the first it reached), or a concurrency held by
 * conf-spawn or the delivery table (findings of those kinds) */
static void note_limits(struct sim_sweep_res *res, const struct sim_result *r)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].exhausted)
            sim_sweep_add_hit(res, r->procs[i].name, "",
                              r->procs[i].exhausted_by);
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct sim_finding *f = &r->findings[i];
        if ((f->kind == SIM_FIND_CURBED || f->kind == SIM_FIND_OVERRUN) &&
            f->chan >= 0) {
            char cn[QC_CHAN_NAME_MAX];
            sim_sweep_add_hit(res, "", qc_channel_name(f->chan, cn),
                              f->limit);
        }
    }
}

/* sim_sweep_hits_text - the limits hit, for people */
void sim_sweep_hits_text(const struct sim_sweep_res *res, char *buf,
                         size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < res->nhits && len < cap; i++) {
        const struct sim_limit_hit *h = &res->hits[i];
        len += (size_t)snprintf(buf + len, cap - len, "%s%s: %s",
                                i ? "; " : "",
                                h->process[0] ? h->process : h->channel,
                                h->limit);
    }
}

/* sim_sweep_hits_json - the limits hit as records */
void sim_sweep_hits_json(FILE *out, const struct sim_sweep_res *res)
{
    fputc('[', out);
    for (unsigned i = 0; i < res->nhits; i++) {
        const struct sim_limit_hit *h = &res->hits[i];
        fputs(i ? ", {\"process\": " : "{\"process\": ", out);
        if (h->process[0])
            json_write_str(out, h->process);
        else
            fputs("null", out);
        fputs(", \"channel\": ", out);
        if (h->channel[0])
            json_write_str(out, h->channel);
        else
            fputs("null", out);
        fputs(", \"limit\": ", out);
        json_write_str(out, h->limit);
        fputc('}', out);
    }
    fputc(']', out);
}

/* open_in - dir/name for writing */
static FILE *open_in(const char *dir, const char *name,
                     struct sim_sweep_res *res)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        res->status = 2;
        snprintf(res->msg, sizeof res->msg, "cannot write %.900s: %s", path,
                 strerror(errno));
    } else {
        setvbuf(f, NULL, _IOFBF, 1 << 16);
    }
    return f;
}

/* close_in - close, noting a write error */
static void close_in(FILE *f, const char *dir, const char *name,
                     struct sim_sweep_res *res)
{
    if (!f)
        return;
    if (path_fclose(f) < 0 && res->status == 0) {
        res->status = 2;
        snprintf(res->msg, sizeof res->msg, "cannot write %.900s/%s: %s",
                 dir, name, strerror(errno));
    }
}

/* keep - the numbers of a finished run */
static void keep(struct sim_sweep_res *res, const struct sim_scn *sc,
                 const struct sim_result *r)
{
    res->seed = sc->seed;
    res->drained = r->drained;
    res->drain_time = r->drained ? (double)r->drain_time / QC_SEC : -1;
    res->end_time = (double)r->end_time / QC_SEC;
    res->messages = r->messages;
    res->recipients = r->recipients;
    res->events = r->events;
    res->fd_setsize = sc->lim.fd_setsize;
    res->nofile = sc->lim.nofile;
    res->nchan = r->nchan;
    memcpy(res->chans, r->chans, sizeof res->chans);
    res->nprocs = r->nprocs;
    memcpy(res->procs, r->procs, sizeof res->procs);
    res->nexpects = (unsigned)r->nexpects;
    res->expects_failed = (unsigned)r->expects_failed;
    res->nviolations = (unsigned)r->nviolations;
    res->nfindings = (unsigned)r->nfindings;
    note_limits(res, r);
}

/* sim_sweep_run - one job in this process */
void sim_sweep_run(const struct sim_sweep_job *job, struct sim_sweep_res *res)
{
    memset(res, 0, sizeof *res);
    struct sim_scn sc;
    struct sim_err err;
    if (sim_sweep_load(&sc, job, &err) < 0) {
        res->status = 2;
        snprintf(res->msg, sizeof res->msg, "%s", err.msg);
        if (sc.path)
            sim_scn_free(&sc);
        return;
    }
    struct sim_opts opts = {NULL, NULL, NULL, 0};
    if (job->outdir) {
        if (path_mkdirs(job->outdir) < 0) {
            res->status = 2;
            snprintf(res->msg, sizeof res->msg, "cannot create %s: %s",
                     job->outdir, strerror(errno));
            sim_scn_free(&sc);
            return;
        }
        opts.series = open_in(job->outdir, "series.csv", res);
        opts.fds = open_in(job->outdir, "fds.csv", res);
        if (res->status) {
            if (opts.series)
                fclose(opts.series);
            if (opts.fds)
                fclose(opts.fds);
            sim_scn_free(&sc);
            return;
        }
    }
    struct sim_result r;
    int ran = sim_run(&sc, &opts, &r, &err);
    close_in(opts.series, job->outdir, "series.csv", res);
    close_in(opts.fds, job->outdir, "fds.csv", res);
    if (ran < 0) {
        res->status = 2;
        snprintf(res->msg, sizeof res->msg, "%s", err.msg);
        sim_scn_free(&sc);
        return;
    }
    keep(res, &sc, &r);
    if (job->outdir && res->status == 0) {
        FILE *j = open_in(job->outdir, "summary.json", res);
        if (j) {
            sim_report_json(j, &sc, &r);
            close_in(j, job->outdir, "summary.json", res);
        }
    }
    sim_result_free(&r);
    sim_scn_free(&sc);
}
