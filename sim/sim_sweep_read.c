/*
 * sim_sweep_read.c - a run's numbers read back from its summary.json.
 *
 *	sim_sweep_read(path, res, err, cap)
 *				fill res as sim_sweep_run would have for the
 *				same run; 0, or -1 with err saying why (no
 *				file, not JSON, a field missing)
 *
 * A sweep run elsewhere (its jobs on GNU parallel or Slurm) leaves one
 * summary.json per run; the collector reads them here and reports from
 * the same struct a local sweep fills, so both give the same bytes.
 * Times in summary.json are whole microseconds printed with six
 * decimals, so the double read back is the one the run computed.
 * Limits hit come from the records (processes' exhausted_by, findings
 * of kind curbed and overrun) in the order the run noted them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "sim_sweep.h"

struct reader {
    const char *path;
    char *err;
    size_t cap;
    int bad;
};

/* field - obj[key], noting a missing one */
static json_t *field(struct reader *rd, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v && !rd->bad) {
        snprintf(rd->err, rd->cap, "%s: no \"%s\"", rd->path, key);
        rd->bad = 1;
    }
    return v;
}

/* num - a number, or `none` for null */
static double num(struct reader *rd, json_t *obj, const char *key,
                  double none)
{
    json_t *v = field(rd, obj, key);
    if (!v)
        return none;
    if (json_is_null(v))
        return none;
    if (!json_is_number(v) && !rd->bad) {
        snprintf(rd->err, rd->cap, "%s: \"%s\" is not a number", rd->path,
                 key);
        rd->bad = 1;
    }
    return json_number_value(v);
}

/* count - a whole number */
static unsigned long long count(struct reader *rd, json_t *obj,
                                const char *key)
{
    json_t *v = field(rd, obj, key);
    return v && json_is_integer(v) ? (unsigned long long)json_integer_value(v)
                                   : 0;
}

/* str - a string into buf */
static void str(struct reader *rd, json_t *obj, const char *key, char *buf,
                size_t cap)
{
    json_t *v = field(rd, obj, key);
    snprintf(buf, cap, "%s", v && json_is_string(v) ? json_string_value(v)
                                                    : "");
}

/* channels - the per-channel figures */
static void channels(struct reader *rd, json_t *arr,
                     struct sim_sweep_res *res)
{
    size_t i;
    json_t *c;
    res->nchan = 0;
    json_array_foreach(arr, i, c) {
        if (i >= QC_MAX_CHANNELS)
            break;
        struct sim_chan_result *ch = &res->chans[i];
        str(rd, c, "name", ch->name, sizeof ch->name);
        ch->concurrency = (unsigned)count(rd, c, "concurrency");
        ch->max_limit = (unsigned)count(rd, c, "max_concurrency");
        ch->max_inflight = (unsigned)count(rd, c, "max_inflight");
        ch->attempts = count(rd, c, "attempts");
        ch->delivered = count(rd, c, "delivered");
        ch->deferred = count(rd, c, "deferred");
        ch->failed = count(rd, c, "failed");
        ch->pending = count(rd, c, "pending");
        ch->spawn_errors = count(rd, c, "spawn_errors");
        ch->p50 = num(rd, c, "latency_p50", -1);
        ch->p95 = num(rd, c, "latency_p95", -1);
        ch->p99 = num(rd, c, "latency_p99", -1);
        ch->max_queue = count(rd, c, "max_queue");
        res->nchan = (int)i + 1;
    }
}

/* processes - the per-process peaks and the limits they reached */
static void processes(struct reader *rd, json_t *arr,
                      struct sim_sweep_res *res)
{
    size_t i;
    json_t *p;
    res->nprocs = 0;
    json_array_foreach(arr, i, p) {
        if (i >= sizeof res->procs / sizeof res->procs[0])
            break;
        struct sim_proc_result *pr = &res->procs[i];
        str(rd, p, "name", pr->name, sizeof pr->name);
        pr->fd_peak = count(rd, p, "fd_peak");
        pr->fd_highest = count(rd, p, "fd_highest");
        pr->fd_limit = count(rd, p, "fd_limit");
        if (strcmp(pr->name, "qmailr") == 0) {
            pr->proc_peak = pr->fd_peak;
            pr->proc_limit = pr->fd_limit;
        }
        json_t *ex = field(rd, p, "exhausted");
        pr->exhausted = ex && json_is_true(ex);
        if (pr->exhausted) {
            str(rd, p, "exhausted_by", pr->exhausted_by,
                sizeof pr->exhausted_by);
            pr->exhausted_at = (qc_time)llround(num(rd, p, "exhausted_at",
                                                    0) * QC_SEC);
            sim_sweep_add_hit(res, pr->name, "", pr->exhausted_by);
        }
        res->nprocs = i + 1;
    }
}

/* findings - the limits held by conf-spawn or the delivery table */
static void findings(struct reader *rd, json_t *arr,
                     struct sim_sweep_res *res)
{
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f) {
        char kind[32], chan[QC_CHAN_NAME_MAX], limit[32];
        str(rd, f, "kind", kind, sizeof kind);
        if (strcmp(kind, "curbed") != 0 && strcmp(kind, "overrun") != 0)
            continue;
        json_t *c = field(rd, f, "channel");
        snprintf(chan, sizeof chan, "%s",
                 c && json_is_string(c) ? json_string_value(c) : "");
        str(rd, f, "limit", limit, sizeof limit);
        if (chan[0])
            sim_sweep_add_hit(res, "", chan, limit);
    }
    res->nfindings = (unsigned)json_array_size(arr);
}

/* sim_sweep_read - summary.json into res */
int sim_sweep_read(const char *path, struct sim_sweep_res *res, char *err,
                   size_t cap)
{
    memset(res, 0, sizeof *res);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, cap, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    struct reader rd = {path, err, cap, 0};
    if (!json_is_object(root)) {
        snprintf(err, cap, "%s: expected a JSON object", path);
        json_decref(root);
        return -1;
    }
    json_t *d = field(&rd, root, "drained");
    res->drained = d && json_is_true(d);
    res->drain_time = res->drained ? num(&rd, root, "drain_time", -1) : -1;
    res->end_time = num(&rd, root, "end_time", 0);
    res->messages = count(&rd, root, "messages");
    res->recipients = count(&rd, root, "recipients");
    res->events = count(&rd, root, "events");
    json_t *a = field(&rd, root, "channels");
    if (a)
        channels(&rd, a, res);
    if ((a = field(&rd, root, "processes")))
        processes(&rd, a, res);
    if ((a = field(&rd, root, "expect"))) {
        size_t i;
        json_t *e;
        res->nexpects = (unsigned)json_array_size(a);
        json_array_foreach(a, i, e) {
            json_t *ok = json_object_get(e, "ok");
            res->expects_failed += !(ok && json_is_true(ok));
        }
    }
    if ((a = field(&rd, root, "findings")))
        findings(&rd, a, res);
    if ((a = field(&rd, root, "violations")))
        res->nviolations = (unsigned)json_array_size(a);
    json_decref(root);
    return rd.bad ? -1 : 0;
}
