/*
 * scn_parse.c - the scenario grammar: which keyword, which words stand
 * where; see scn_int.h and docs/scenarios.md.
 *
 *	scn_parse_first(sc, lines, err)	seed, channels, profile,
 *					control-dir
 *	scn_parse_rest(sc, lines, err)	everything else, in file order
 *
 * Two passes over the words: the first reads what the rest depends on
 * (seed, channels, profile, control-dir), so those lines may stand
 * anywhere in the file; the second reads everything else in order.
 * Spawner, domain and outage lines are the model library's own grammar
 * (fs_model_line), so the real-time fakespawn program reads the same
 * lines the simulator does.  Each line's handler takes its words apart,
 * asks scn_check.c whether the names and values can be run, and hands
 * them to scn_model.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_dist.h"
#include "scn_int.h"

/* oom - the one failure model building has */
static int oom(struct sim_err *err, const struct sim_scn *sc,
               const struct scn_line *ln)
{
    return scn_fail(err, sc, ln->no, "out of memory");
}

/* secs_range - w[i], seconds out of range, is an error giving the range
 * (the grammar's message would only say "expected SECONDS") */
static int secs_range(const struct sim_scn *sc, const struct scn_line *ln,
                      int i, struct sim_err *err)
{
    qc_time t;
    if (i < ln->n && scn_word_secs(ln->w[i], &t) == -2)
        return scn_fail(err, sc, ln->no, "time '%s' is out of range: "
                        "seconds from 0 to %.0f", ln->w[i], SCN_MAX_SECS);
    return 0;
}

/* uint_range - w[i], a whole number above max, is an error giving the
 * range */
static int uint_range(const struct sim_scn *sc, const struct scn_line *ln,
                      int i, unsigned long long max, const char *what,
                      struct sim_err *err)
{
    unsigned long long v;
    if (i < ln->n && scn_word_uint(ln->w[i], max, &v) == -2)
        return scn_fail(err, sc, ln->no, "%s '%s' is out of range: 0 to "
                        "%llu", what, ln->w[i], max);
    return 0;
}

/* do_pool - pool NAME N zipf S | pool NAME N uniform */
static int do_pool(struct sim_scn *sc, const struct scn_line *ln,
                   struct sim_err *err)
{
    unsigned long long n;
    double s = 0;
    if (ln->n < 4 || scn_word_uint(ln->w[2], SCN_MAX_POOL, &n) < 0 || n == 0)
        return scn_fail(err, sc, ln->no, "expected 'pool NAME COUNT zipf "
                        "EXPONENT' or 'pool NAME COUNT uniform' (COUNT "
                        "from 1 to %d)", SCN_MAX_POOL);
    if (strcmp(ln->w[3], "zipf") == 0) {
        if (ln->n != 5 || fs_parse_number(ln->w[4], &s) < 0 || s > 100)
            return scn_fail(err, sc, ln->no, "expected the Zipf exponent "
                            "(a number from 0 to 100) after 'zipf'");
    } else if (strcmp(ln->w[3], "uniform") != 0 || ln->n != 4) {
        return scn_fail(err, sc, ln->no, "expected 'zipf EXPONENT' or "
                        "'uniform' after the pool size");
    }
    if (scn_check_pool(sc, ln->no, ln->w[1], (uint32_t)n, err) < 0)
        return -1;
    if (scn_model_pool(sc, ln->w[1], (uint32_t)n, s) < 0)
        return oom(err, sc, ln);
    return 0;
}

/* gen_tail - "rcpts R to TARGET W ... [from ADDR] [size BYTES]" from w[i] */
static int gen_tail(struct sim_scn *sc, const struct scn_line *ln, int i,
                    struct sim_gen *g, struct sim_err *err)
{
    if (i + 1 >= ln->n || strcmp(ln->w[i], "rcpts") != 0 ||
        scn_word_rcpts(ln->w[i + 1], &g->rmin, &g->rmax) < 0)
        return scn_fail(err, sc, ln->no, "expected 'rcpts N' or 'rcpts "
                        "A-B' (1 to 10000)%s%s%s%s%s",
                        i < ln->n ? ", not '" : "", i < ln->n ? ln->w[i] : "",
                        i + 1 < ln->n ? " " : "",
                        i + 1 < ln->n ? ln->w[i + 1] : "",
                        i < ln->n ? "'" : "");
    i += 2;
    if (i >= ln->n || strcmp(ln->w[i], "to") != 0)
        return scn_fail(err, sc, ln->no, "expected 'to' and targets with "
                        "weights after 'rcpts'");
    i++;
    while (i < ln->n && strcmp(ln->w[i], "from") != 0 &&
           strcmp(ln->w[i], "size") != 0) {
        double wgt;
        int pool;
        if (i + 1 >= ln->n || scn_word_weight(ln->w[i + 1], &wgt) < 0)
            return scn_fail(err, sc, ln->no, "expected a weight after "
                            "target '%s'", ln->w[i]);
        if (scn_check_target(sc, ln->no, ln->w[i], &pool, err) < 0)
            return -1;
        if (scn_model_target(g, pool, pool < 0 ? ln->w[i] : NULL, wgt) < 0)
            return oom(err, sc, ln);
        i += 2;
    }
    if (g->ntargets == 0)
        return scn_fail(err, sc, ln->no, "expected at least one target "
                        "after 'to'");
    if (scn_model_targets_done(g) < 0)
        return scn_fail(err, sc, ln->no, "target weights add up to 0");
    while (i < ln->n) {
        if (i + 1 >= ln->n)
            return scn_fail(err, sc, ln->no, "expected a value after '%s'",
                            ln->w[i]);
        if (strcmp(ln->w[i], "from") == 0) {
            free(g->sender);
            if (!(g->sender = strdup(ln->w[i + 1])))
                return oom(err, sc, ln);
        } else if (strcmp(ln->w[i], "size") == 0) {
            unsigned long long b;
            if (uint_range(sc, ln, i + 1, 1ULL << 40, "size", err) < 0)
                return -1;
            if (scn_word_uint(ln->w[i + 1], 1ULL << 40, &b) < 0)
                return scn_fail(err, sc, ln->no, "expected bytes after "
                                "'size'");
            g->bytes = b;
        } else {
            return scn_fail(err, sc, ln->no, "expected 'from' or 'size', "
                            "not '%s'", ln->w[i]);
        }
        i += 2;
    }
    return 0;
}

/* new_gen - a generator, or the error of having none */
static struct sim_gen *new_gen(struct sim_scn *sc, enum sim_gen_kind k,
                               const struct scn_line *ln, struct sim_err *err)
{
    struct sim_gen *g = scn_model_gen(sc, k, ln->no);
    if (!g)
        scn_fail(err, sc, ln->no, "out of memory or more than %d burst, "
                 "poisson and replay lines", SCN_MAX_GENS);
    return g;
}

/* do_burst - burst at T count N rcpts R to ... */
static int do_burst(struct sim_scn *sc, const struct scn_line *ln,
                    struct sim_err *err)
{
    unsigned long long n;
    qc_time at;
    if (secs_range(sc, ln, 2, err) < 0 ||
        uint_range(sc, ln, 4, SCN_MAX_BURST, "count", err) < 0)
        return -1;
    if (ln->n < 5 || strcmp(ln->w[1], "at") != 0 ||
        scn_word_secs(ln->w[2], &at) < 0 || strcmp(ln->w[3], "count") != 0 ||
        scn_word_uint(ln->w[4], SCN_MAX_BURST, &n) < 0)
        return scn_fail(err, sc, ln->no, "expected 'burst at SECONDS count "
                        "N rcpts R to TARGET WEIGHT ...'");
    struct sim_gen *g = new_gen(sc, SIM_GEN_BURST, ln, err);
    if (!g)
        return -1;
    g->at = at;
    g->count = n;
    return gen_tail(sc, ln, 5, g, err);
}

/* do_poisson - poisson from A to B rate R rcpts R to ... */
static int do_poisson(struct sim_scn *sc, const struct scn_line *ln,
                      struct sim_err *err)
{
    qc_time from, to;
    double rate;
    if (secs_range(sc, ln, 2, err) < 0 || secs_range(sc, ln, 4, err) < 0)
        return -1;
    int r = ln->n > 6 ? scn_word_number(ln->w[6], 0, SCN_MAX_RATE, &rate)
                      : -1;
    if (r == -2 || (r == 0 && rate == 0))
        return scn_fail(err, sc, ln->no, "rate '%s' is out of range: more "
                        "than 0, at most %.0f messages a second (one a "
                        "microsecond, the simulator's clock tick)", ln->w[6],
                        SCN_MAX_RATE);
    if (ln->n < 7 || strcmp(ln->w[1], "from") != 0 ||
        scn_word_secs(ln->w[2], &from) < 0 || strcmp(ln->w[3], "to") != 0 ||
        scn_word_secs(ln->w[4], &to) < 0 || strcmp(ln->w[5], "rate") != 0 ||
        r < 0)
        return scn_fail(err, sc, ln->no, "expected 'poisson from SECONDS "
                        "to SECONDS rate PER-SECOND rcpts R to TARGET "
                        "WEIGHT ...'");
    if (to <= from)
        return scn_fail(err, sc, ln->no, "expected 'from' before 'to'");
    struct sim_gen *g = new_gen(sc, SIM_GEN_POISSON, ln, err);
    if (!g)
        return -1;
    g->from = from;
    g->to = to;
    g->rate = rate;
    return gen_tail(sc, ln, 7, g, err);
}

/* do_replay - replay FILE | carried FILE (relative to the scenario's
 * directory) */
static int do_replay(struct sim_scn *sc, const struct scn_line *ln,
                     struct sim_err *err)
{
    int carried = strcmp(ln->w[0], "carried") == 0;
    if (ln->n != 2)
        return scn_fail(err, sc, ln->no, "expected '%s FILE'", ln->w[0]);
    char path[4096];
    if (ln->w[1][0] == '/')
        snprintf(path, sizeof path, "%s", ln->w[1]);
    else
        snprintf(path, sizeof path, "%s/%s", sc->dir, ln->w[1]);
    return scn_replay_read(sc, ln->no, path, carried, err);
}

/* at_hup - the NAME VALUE pairs of 'at T hup' into a */
static int at_hup(struct sim_scn *sc, const struct scn_line *ln,
                  struct sim_action *a, struct sim_err *err)
{
    a->kind = SIM_ACT_HUP;
    size_t n = (size_t)(ln->n - 3) / 2;
    if (n) {
        a->names = calloc(n, sizeof *a->names);
        a->values = calloc(n, sizeof *a->values);
        a->n = n;
        if (!a->names || !a->values) {
            scn_model_action_free(a);
            return oom(err, sc, ln);
        }
    }
    for (size_t i = 0; i < n; i++) {
        a->names[i] = strdup(ln->w[3 + 2 * i]);
        a->values[i] = strdup(ln->w[4 + 2 * i]);
        if (!a->names[i] || !a->values[i]) {
            scn_model_action_free(a);
            return oom(err, sc, ln);
        }
    }
    if (scn_check_hup(sc, ln->no, a->names, a->values, n, err) < 0) {
        scn_model_action_free(a);
        return -1;
    }
    return 0;
}

/* do_at - at T hup [NAME VALUE]... | at T alarm | at T kill CHAN */
static int do_at(struct sim_scn *sc, const struct scn_line *ln,
                 struct sim_err *err)
{
    qc_time at;
    if (secs_range(sc, ln, 1, err) < 0)
        return -1;
    if (ln->n < 3 || scn_word_secs(ln->w[1], &at) < 0)
        return scn_fail(err, sc, ln->no, "expected 'at SECONDS "
                        "hup|alarm|kill ...'");
    struct sim_action a;
    memset(&a, 0, sizeof a);
    a.line = ln->no;
    a.at = at;
    a.chan = -1;
    const char *k = ln->w[2];
    if (strcmp(k, "alarm") == 0 && ln->n == 3) {
        a.kind = SIM_ACT_ALARM;
    } else if (strcmp(k, "kill") == 0 && ln->n == 4) {
        a.kind = SIM_ACT_KILL;
        a.chan = qc_channel_parse(ln->w[3], sc->nchan);
        if (a.chan < 0)
            return scn_fail(err, sc, ln->no, "expected a channel name after "
                            "'kill', not '%s'", ln->w[3]);
    } else if (strcmp(k, "hup") == 0 && (ln->n - 3) % 2 == 0) {
        if (at_hup(sc, ln, &a, err) < 0)
            return -1;
    } else {
        return scn_fail(err, sc, ln->no, "expected 'hup [CONTROL VALUE]...', "
                        "'alarm' or 'kill CHANNEL' after 'at SECONDS'");
    }
    if (scn_model_action(sc, &a) < 0) {
        scn_model_action_free(&a);
        return oom(err, sc, ln);
    }
    return 0;
}

/* expect_counter - expect KIND CHANNEL|all OP NUMBER */
static int expect_counter(struct sim_scn *sc, const struct scn_line *ln,
                          struct sim_expect *e, struct sim_err *err)
{
    const char *k = ln->w[1];
    if (ln->n != 5)
        return scn_fail(err, sc, ln->no, "expected 'expect %s CHANNEL OP "
                        "NUMBER'", k);
    if (strcmp(ln->w[2], "all") == 0)
        e->chan = -1;
    else if ((e->chan = qc_channel_parse(ln->w[2], sc->nchan)) < 0)
        return scn_fail(err, sc, ln->no, "expected a channel name or "
                        "'all', not '%s'", ln->w[2]);
    if (scn_word_op(ln->w[3], &e->op) < 0)
        return scn_fail(err, sc, ln->no, "expected an operator (<= < >= > "
                        "== !=), not '%s'", ln->w[3]);
    if (fs_parse_number(ln->w[4], &e->value) < 0)
        return scn_fail(err, sc, ln->no, "expected a number, not '%s'",
                        ln->w[4]);
    if ((e->kind == SIM_EXP_MAX_INFLIGHT || e->kind == SIM_EXP_MAX_QUEUE) &&
        e->chan < 0)
        return scn_fail(err, sc, ln->no, "%s needs one channel", k);
    return 0;
}

/* expect_process - the PROCESS word of fd-exhaustion and fd-peak */
static int expect_process(struct sim_scn *sc, const struct scn_line *ln,
                          struct sim_err *err)
{
    if (scn_check_process(sc, ln->w[2]))
        return 0;
    return scn_fail(err, sc, ln->no, "expected a process (qmail-send, "
                    "qmail-todo, spawn-CHANNEL, qmailr, system), not '%s'",
                    ln->w[2]);
}

/* expect_other - the expectations that are not per-channel counters */
static int expect_other(struct sim_scn *sc, const struct scn_line *ln,
                        struct sim_expect *e, const char *usage,
                        struct sim_err *err)
{
    const char *k = ln->w[1];
    if (strcmp(k, "drained-by") == 0) {
        qc_time t;
        e->kind = SIM_EXP_DRAINED_BY;
        if (secs_range(sc, ln, 2, err) < 0)
            return -1;
        if (ln->n != 3 || scn_word_secs(ln->w[2], &t) < 0)
            return scn_fail(err, sc, ln->no, "expected 'expect drained-by "
                            "SECONDS'");
        e->value = (double)t / QC_SEC;
    } else if (strcmp(k, "drained") == 0 && ln->n == 2) {
        e->kind = SIM_EXP_DRAINED;
    } else if (strcmp(k, "not-drained") == 0 && ln->n == 2) {
        e->kind = SIM_EXP_NOT_DRAINED;
    } else if (strcmp(k, "no-fd-exhaustion") == 0 && ln->n == 2) {
        e->kind = SIM_EXP_NO_FD_EXHAUSTION;
    } else if (strcmp(k, "fd-exhaustion") == 0 && ln->n == 3) {
        e->kind = SIM_EXP_FD_EXHAUSTION;
        if (expect_process(sc, ln, err) < 0)
            return -1;
        e->name = strdup(ln->w[2]);
    } else if (strcmp(k, "fd-peak") == 0 && ln->n == 5) {
        e->kind = SIM_EXP_FD_PEAK;
        if (expect_process(sc, ln, err) < 0)
            return -1;
        if (scn_word_op(ln->w[3], &e->op) < 0 ||
            fs_parse_number(ln->w[4], &e->value) < 0)
            return scn_fail(err, sc, ln->no, "expected 'expect fd-peak "
                            "PROCESS OP NUMBER'");
        e->name = strdup(ln->w[2]);
    } else if ((strcmp(k, "finding") == 0 || strcmp(k, "no-finding") == 0) &&
               ln->n >= 3) {
        e->kind = k[0] == 'f' ? SIM_EXP_FINDING : SIM_EXP_NO_FINDING;
        e->name = scn_words_join(ln->w + 2, ln->n - 2);
    } else {
        return scn_fail(err, sc, ln->no, "%s", usage);
    }
    return 0;
}

/* do_expect - one expect line */
static int do_expect(struct sim_scn *sc, const struct scn_line *ln,
                     struct sim_err *err)
{
    static const struct { const char *name; enum sim_exp_kind kind; } chk[] = {
        {"max-inflight", SIM_EXP_MAX_INFLIGHT}, {"max-queue", SIM_EXP_MAX_QUEUE},
        {"delivered", SIM_EXP_DELIVERED}, {"attempts", SIM_EXP_ATTEMPTS},
        {"deferred", SIM_EXP_DEFERRED}, {"failed", SIM_EXP_FAILED},
        {"pending", SIM_EXP_PENDING}, {"p50-latency", SIM_EXP_P50},
        {"p95-latency", SIM_EXP_P95}, {"p99-latency", SIM_EXP_P99},
    };
    const char *usage = "expected 'expect' and one of: max-inflight, "
                        "max-queue, delivered, attempts, deferred, failed, "
                        "pending, p50-latency, p95-latency, p99-latency "
                        "(CHANNEL|all OP NUMBER); drained-by SECONDS; "
                        "drained; not-drained; no-fd-exhaustion; "
                        "fd-exhaustion PROCESS; fd-peak PROCESS OP NUMBER; "
                        "finding WORDS; no-finding WORDS";
    struct sim_expect e;
    memset(&e, 0, sizeof e);
    e.line = ln->no;
    e.chan = -1;
    if (ln->n < 2)
        return scn_fail(err, sc, ln->no, "%s", usage);
    int found = 0;
    for (size_t i = 0; i < sizeof chk / sizeof chk[0] && !found; i++)
        if (strcmp(ln->w[1], chk[i].name) == 0) {
            found = 1;
            e.kind = chk[i].kind;
        }
    int rc = found ? expect_counter(sc, ln, &e, err)
                   : expect_other(sc, ln, &e, usage, err);
    if (rc < 0) {
        free(e.name);
        return -1;
    }
    int named = e.kind == SIM_EXP_FD_EXHAUSTION || e.kind == SIM_EXP_FD_PEAK ||
                e.kind == SIM_EXP_FINDING || e.kind == SIM_EXP_NO_FINDING;
    e.text = scn_words_join(ln->w + 1, ln->n - 1);
    if (!e.text || (named && !e.name) || scn_model_expect(sc, &e) < 0) {
        free(e.text);
        free(e.name);
        return oom(err, sc, ln);
    }
    return 0;
}

/* do_control - control NAME VALUE... */
static int do_control(struct sim_scn *sc, const struct scn_line *ln,
                      struct sim_err *err)
{
    if (ln->n < 3)
        return scn_fail(err, sc, ln->no, "expected 'control NAME VALUE'");
    char *value = scn_words_join(ln->w + 2, ln->n - 2);
    if (!value)
        return oom(err, sc, ln);
    struct control_error ce;
    int rc = control_set(&sc->control, ln->w[1], value, &ce);
    free(value);
    if (rc < 0)
        return scn_fail(err, sc, ln->no, "%s", ce.msg);
    if (sc->control.nchan != sc->nchan)
        return scn_fail(err, sc, ln->no, "%s names a channel beyond "
                        "'channels %d'", ln->w[1], sc->nchan);
    return 0;
}

/* do_limit - limit NAME N */
static int do_limit(struct sim_scn *sc, const struct scn_line *ln,
                    struct sim_err *err)
{
    if (ln->n != 3)
        return scn_fail(err, sc, ln->no, "expected 'limit NAME N'");
    unsigned long long v, max;
    int why;
    unsigned long long *p = scn_check_limit(sc, ln->w[1], ln->w[2], &v, &max,
                                            &why);
    if (!p && why == -1)
        return scn_fail(err, sc, ln->no, "expected a limit name (conf-spawn, "
                        "fd-setsize, nofile, nproc, file-max), not '%s'",
                        ln->w[1]);
    if (!p)
        return scn_fail(err, sc, ln->no, "expected a whole number from 1 to "
                        "%llu for %s, not '%s'", max, ln->w[1], ln->w[2]);
    *p = v;
    return 0;
}

/* do_run - run until drained [max T] | run for T */
static int do_run(struct sim_scn *sc, const struct scn_line *ln,
                  struct sim_err *err)
{
    qc_time t;
    if (secs_range(sc, ln, 2, err) < 0 || secs_range(sc, ln, 4, err) < 0)
        return -1;
    if (ln->n == 3 && strcmp(ln->w[1], "for") == 0 &&
        scn_word_secs(ln->w[2], &t) == 0) {
        sc->until_drained = 0;
        sc->run_max = t;
        return 0;
    }
    if (ln->n >= 3 && strcmp(ln->w[1], "until") == 0 &&
        strcmp(ln->w[2], "drained") == 0) {
        if (ln->n == 3) {
            sc->until_drained = 1;
            return 0;
        }
        if (ln->n == 5 && strcmp(ln->w[3], "max") == 0 &&
            scn_word_secs(ln->w[4], &t) == 0) {
            sc->until_drained = 1;
            sc->run_max = t;
            return 0;
        }
    }
    return scn_fail(err, sc, ln->no, "expected 'run until drained [max "
                    "SECONDS]' or 'run for SECONDS'");
}

/* do_seconds_line - todo-delay S | sample S */
static int do_seconds_line(struct sim_scn *sc, const struct scn_line *ln,
                           struct sim_err *err)
{
    if (secs_range(sc, ln, 1, err) < 0)
        return -1;
    if (strcmp(ln->w[0], "todo-delay") == 0) {
        if (ln->n != 2 || scn_word_secs(ln->w[1], &sc->todo_delay) < 0)
            return scn_fail(err, sc, ln->no, "expected 'todo-delay "
                            "SECONDS'");
        return 0;
    }
    if (ln->n != 2 || scn_word_secs(ln->w[1], &sc->sample) < 0 ||
        sc->sample < QC_SEC / 1000)
        return scn_fail(err, sc, ln->no, "expected 'sample SECONDS' (at "
                        "least 0.001)");
    return 0;
}

/* do_clock - clock ORIGIN [window FROM TO] */
static int do_clock(struct sim_scn *sc, const struct scn_line *ln,
                    struct sim_err *err)
{
    unsigned long long origin;
    if ((ln->n != 2 && ln->n != 5) ||
        scn_word_uint(ln->w[1], 253402300799ULL, &origin) < 0 ||
        origin == 0 ||
        (ln->n == 5 && (strcmp(ln->w[2], "window") != 0 ||
                        scn_word_secs(ln->w[3], &sc->window_from) < 0 ||
                        scn_word_secs(ln->w[4], &sc->window_to) < 0 ||
                        sc->window_to <= sc->window_from)))
        return scn_fail(err, sc, ln->no, "expected 'clock UNIX-SECONDS "
                        "[window FROM TO]' (time 0 on the log's clock; the "
                        "window in seconds after it, FROM < TO)");
    sc->clock_origin = (long long)origin;
    sc->has_window = ln->n == 5;
    return 0;
}

/* load_control_dir - control-dir DIR, relative to the scenario */
static int load_control_dir(struct sim_scn *sc, const char *cdir,
                            unsigned line, int nchan, struct sim_err *err)
{
    char path[4096];
    if (cdir[0] == '/')
        snprintf(path, sizeof path, "%s", cdir);
    else
        snprintf(path, sizeof path, "%s/%s", sc->dir, cdir);
    struct control_error ce;
    if (control_load(&sc->control, path, nchan, NULL, &ce) < 0) {
        if (ce.line)
            return scn_fail(err, sc, line, "control-dir: %s:%u: %s",
                            ce.file, ce.line, ce.msg);
        return scn_fail(err, sc, line, "control-dir: %s: %s", ce.file,
                        ce.msg);
    }
    sc->control_loaded = 1;
    if (nchan && sc->control.nchan != nchan)
        return scn_fail(err, sc, line, "control-dir has channels beyond "
                        "'channels %d'", nchan);
    return 0;
}

/* scn_parse_first - seed, channels, profile, control-dir */
int scn_parse_first(struct sim_scn *sc, const struct scn_lines *ls,
                    struct sim_err *err)
{
    const char *cdir = NULL;
    unsigned cdir_line = 0;
    int nchan = 0;
    for (size_t i = 0; i < ls->n; i++) {
        const struct scn_line *ln = &ls->v[i];
        const char *k = ln->w[0];
        unsigned long long v;
        if (strcmp(k, "seed") == 0) {
            if (ln->n != 2 || scn_word_uint(ln->w[1], UINT64_MAX, &v) < 0)
                return scn_fail(err, sc, ln->no, "expected 'seed NUMBER'");
            sc->seed = v;
        } else if (strcmp(k, "channels") == 0) {
            if (ln->n != 2 ||
                scn_word_uint(ln->w[1], QC_MAX_CHANNELS, &v) < 0 ||
                v < QC_MIN_CHANNELS)
                return scn_fail(err, sc, ln->no, "expected 'channels N' "
                                "with N from %d to %d", QC_MIN_CHANNELS,
                                QC_MAX_CHANNELS);
            nchan = (int)v;
        } else if (strcmp(k, "profile") == 0) {
            if (ln->n != 2 || scn_check_profile(ln->w[1], &sc->profile) < 0)
                return scn_fail(err, sc, ln->no, "expected 'profile qchan' "
                                "or 'profile channels-compat'");
        } else if (strcmp(k, "control-dir") == 0) {
            if (ln->n != 2)
                return scn_fail(err, sc, ln->no, "expected 'control-dir "
                                "DIR'");
            cdir = ln->w[1];
            cdir_line = ln->no;
        }
    }
    if (cdir) {
        if (load_control_dir(sc, cdir, cdir_line, nchan, err) < 0)
            return -1;
    } else if (control_init(&sc->control, nchan ? nchan : 4, NULL) < 0) {
        return scn_fail(err, sc, 0, "out of memory");
    }
    sc->control_loaded = 1;
    sc->nchan = sc->control.nchan;
    sc->model = fs_model_new(sc->nchan, sc->seed);
    if (!sc->model)
        return scn_fail(err, sc, 0, "out of memory");
    return 0;
}

/* one_line - a line of the second pass by its keyword */
static int one_line(struct sim_scn *sc, const struct scn_line *ln,
                    struct sim_err *err)
{
    const char *k = ln->w[0];
    if (strcmp(k, "control") == 0)
        return do_control(sc, ln, err);
    if (strcmp(k, "limit") == 0)
        return do_limit(sc, ln, err);
    if (strcmp(k, "todo-delay") == 0 || strcmp(k, "sample") == 0)
        return do_seconds_line(sc, ln, err);
    if (strcmp(k, "pool") == 0)
        return do_pool(sc, ln, err);
    if (strcmp(k, "burst") == 0)
        return do_burst(sc, ln, err);
    if (strcmp(k, "poisson") == 0)
        return do_poisson(sc, ln, err);
    if (strcmp(k, "replay") == 0 || strcmp(k, "carried") == 0)
        return do_replay(sc, ln, err);
    if (strcmp(k, "at") == 0)
        return do_at(sc, ln, err);
    if (strcmp(k, "run") == 0)
        return do_run(sc, ln, err);
    if (strcmp(k, "expect") == 0)
        return do_expect(sc, ln, err);
    if (strcmp(k, "clock") == 0)
        return do_clock(sc, ln, err);
    return scn_fail(err, sc, ln->no, "expected a keyword (seed, channels, "
                    "profile, control-dir, control, limit, todo-delay, "
                    "spawner, domain, outage, pool, burst, poisson, replay, "
                    "carried, at, run, sample, clock, expect), not '%s'", k);
}

/* scn_parse_rest - everything else, in order */
int scn_parse_rest(struct sim_scn *sc, const struct scn_lines *ls,
                   struct sim_err *err)
{
    for (size_t i = 0; i < ls->n; i++) {
        const struct scn_line *ln = &ls->v[i];
        const char *k = ln->w[0];
        char emsg[512];
        if (strcmp(k, "seed") == 0 || strcmp(k, "channels") == 0 ||
            strcmp(k, "profile") == 0 || strcmp(k, "control-dir") == 0)
            continue;
        int rc = fs_model_line(sc->model, ln->w, ln->n, sc->dir, emsg,
                               sizeof emsg);
        if (rc == -1)
            return scn_fail(err, sc, ln->no, "%s", emsg);
        if (rc == 0)
            continue;
        if (one_line(sc, ln, err) < 0)
            return -1;
    }
    return 0;
}
