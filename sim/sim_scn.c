/*
 * sim_scn.c - scenario files: the public entry points; see sim_scn.h and
 * docs/scenarios.md.
 *
 * Loading runs the reader's parts in order (scn_int.h): the lexer makes
 * numbered lines of words, the grammar reads them in two passes, asking
 * the checks and building the model as it goes.  The --set and --seed
 * overrides use the same checks as the scenario's own lines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/* parse - the passes over lines read */
static int parse(struct sim_scn *sc, struct scn_lines *ls, struct sim_err *err)
{
    int rc = scn_parse_first(sc, ls, err);
    if (rc == 0)
        rc = scn_parse_rest(sc, ls, err);
    scn_lex_free(ls);
    return rc;
}

/* sim_scn_load - parse the scenario at path */
int sim_scn_load(struct sim_scn *sc, const char *path, struct sim_err *err)
{
    if (scn_model_defaults(sc, path, err) < 0)
        return -1;
    struct scn_lines ls;
    if (scn_lex_read(sc, &ls, err) < 0)
        return -1;
    return parse(sc, &ls, err);
}

/* sim_scn_load_text - parse text as the scenario at path */
int sim_scn_load_text(struct sim_scn *sc, const char *path, const char *text,
                      size_t len, struct sim_err *err)
{
    if (scn_model_defaults(sc, path, err) < 0)
        return -1;
    char *buf = malloc(len + 1);
    if (!buf)
        return scn_fail(err, sc, 0, "out of memory");
    memcpy(buf, text, len);
    buf[len] = '\0';
    struct scn_lines ls;
    if (scn_lex_text(sc, buf, len, &ls, err) < 0)
        return -1;
    return parse(sc, &ls, err);
}

/* sim_scn_inputs - the replay, carried and control-dir lines: the files
 * a scenario reads besides itself */
int sim_scn_inputs(const char *path, struct sim_scn_input *in, size_t cap,
                   size_t *n, struct sim_err *err)
{
    struct sim_scn sc;
    *n = 0;
    if (scn_model_defaults(&sc, path, err) < 0)
        return -1;
    struct scn_lines ls;
    if (scn_lex_read(&sc, &ls, err) < 0) {
        sim_scn_free(&sc);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < ls.n && rc == 0; i++) {
        const struct scn_line *ln = &ls.v[i];
        if (ln->n != 2 || (strcmp(ln->w[0], "replay") != 0 &&
                           strcmp(ln->w[0], "carried") != 0 &&
                           strcmp(ln->w[0], "control-dir") != 0))
            continue;
        if (*n == cap || strlen(ln->w[1]) >= sizeof in[0].word) {
            rc = scn_fail(err, &sc, ln->no, "%s", *n == cap
                          ? "too many replay and control-dir lines"
                          : "path too long");
            break;
        }
        in[*n].line = ln->no;
        in[*n].is_dir = strcmp(ln->w[0], "control-dir") == 0;
        snprintf(in[*n].keyword, sizeof in[*n].keyword, "%s", ln->w[0]);
        snprintf(in[*n].word, sizeof in[*n].word, "%s", ln->w[1]);
        if (ln->w[1][0] == '/')
            snprintf(in[*n].path, sizeof in[*n].path, "%s", ln->w[1]);
        else
            snprintf(in[*n].path, sizeof in[*n].path, "%.2000s/%.2000s",
                     sc.dir, ln->w[1]);
        (*n)++;
    }
    scn_lex_free(&ls);
    sim_scn_free(&sc);
    return rc;
}

/* sim_scn_set - one --set NAME=VALUE */
int sim_scn_set(struct sim_scn *sc, const char *name, const char *value,
                struct sim_err *err)
{
    unsigned long long v, max;
    int why;
    unsigned long long *p = scn_check_limit(sc, name, value, &v, &max, &why);
    if (p) {
        *p = v;
        return 0;
    }
    if (why == -2) {
        snprintf(err->msg, sizeof err->msg, "--set %s=%s: expected a whole "
                 "number from 1 to %llu", name, value, max);
        return -1;
    }
    if (strcmp(name, "profile") == 0) {
        if (scn_check_profile(value, &sc->profile) == 0)
            return 0;
        snprintf(err->msg, sizeof err->msg, "--set profile=%s: expected "
                 "qchan or channels-compat", value);
        return -1;
    }
    if (strcmp(name, "todo-delay") == 0) {
        if (scn_word_secs(value, &sc->todo_delay) == 0)
            return 0;
        snprintf(err->msg, sizeof err->msg, "--set todo-delay=%s: expected "
                 "seconds", value);
        return -1;
    }
    struct control_error ce;
    if (control_set(&sc->control, name, value, &ce) < 0) {
        snprintf(err->msg, sizeof err->msg, "--set %s=%s: %s", name, value,
                 ce.msg);
        return -1;
    }
    if (sc->control.nchan != sc->nchan) {
        snprintf(err->msg, sizeof err->msg, "--set %s=%s: the scenario has "
                 "%d channels", name, value, sc->nchan);
        return -1;
    }
    return 0;
}

/* sim_scn_set_seed - the --seed override */
void sim_scn_set_seed(struct sim_scn *sc, uint64_t seed)
{
    sc->seed = seed;
    if (sc->model)
        fs_model_set_seed(sc->model, seed);
}

/* sim_scn_free - release everything */
void sim_scn_free(struct sim_scn *sc)
{
    scn_model_free(sc);
}

/* sim_scn_profile_name - the profile's word */
const char *sim_scn_profile_name(enum sched_profile p)
{
    return p == SCHED_PROFILE_CHANNELS_COMPAT ? "channels-compat" : "qchan";
}

/* sim_op_name - the operator's symbol */
const char *sim_op_name(enum sim_op op)
{
    static const char *const names[] = {"<=", "<", ">=", ">", "==", "!="};
    return names[op];
}

/* sim_op_holds - value op bound, with a little slack for decimals */
int sim_op_holds(enum sim_op op, double v, double b)
{
    double eps = 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
    switch (op) {
    case SIM_OP_LE:
        return v <= b + eps;
    case SIM_OP_LT:
        return v < b - eps;
    case SIM_OP_GE:
        return v >= b - eps;
    case SIM_OP_GT:
        return v > b + eps;
    case SIM_OP_EQ:
        return fabs(v - b) <= eps;
    case SIM_OP_NE:
        return fabs(v - b) > eps;
    }
    return 0;
}
