/*
 * sim_scn.c - scenario files: the public entry points; see sim_scn.h and
 * docs/scenarios.md.
 *
 * Loading runs the reader's parts in order (scn_int.h): the lexer makes
 * numbered lines of words, the grammar reads them in two passes, asking
 * the checks and building the model as it goes.  The --set and --seed
 * overrides use the same checks as the scenario's own lines.
 */
#include <errno.h>
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

/* is_channel_word - local, remote, supplK */
static int is_channel_word(const char *w)
{
    if (strcmp(w, "local") == 0 || strcmp(w, "remote") == 0)
        return 1;
    if (strncmp(w, "suppl", 5) != 0 || !w[5])
        return 0;
    for (const char *p = w + 5; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* add_name - name into names, once */
static int add_name(char (*names)[256], size_t cap, size_t *n,
                    const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0)
            return 0;
    if (*n == cap || strlen(name) >= 256)
        return 0;
    snprintf(names[(*n)++], 256, "%s", name);
    return 0;
}

/* sim_scn_domains - the domains a scenario names: its domain lines, the
 * domains its outages hit, the domains its burst and poisson lines send
 * to (not pools, not channels) */
int sim_scn_domains(const char *path, char (*names)[256], size_t cap,
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
    size_t npools = 0;
    for (size_t i = 0; i < ls.n; i++)
        npools += ls.v[i].n >= 2 && strcmp(ls.v[i].w[0], "pool") == 0;
    for (size_t i = 0; i < ls.n; i++) {
        const struct scn_line *ln = &ls.v[i];
        if (ln->n < 2)
            continue;
        const char *k = ln->w[0];
        if (strcmp(k, "domain") == 0 ||
            (strcmp(k, "outage") == 0 && !is_channel_word(ln->w[1]))) {
            add_name(names, cap, n, ln->w[1]);
            continue;
        }
        if (strcmp(k, "burst") != 0 && strcmp(k, "poisson") != 0)
            continue;
        int j = 1;   /* the targets follow "rcpts R to" */
        while (j < ln->n && strcmp(ln->w[j], "rcpts") != 0)
            j++;
        j += 2;
        for (j++; j + 1 < ln->n && strcmp(ln->w[j], "from") != 0 &&
                  strcmp(ln->w[j], "size") != 0;
             j += 2) {
            int pool = 0;
            for (size_t p = 0; p < ls.n && npools; p++)
                pool |= ls.v[p].n >= 2 && strcmp(ls.v[p].w[0], "pool") == 0 &&
                        strcmp(ls.v[p].w[1], ln->w[j]) == 0;
            if (!pool && !is_channel_word(ln->w[j]))
                add_name(names, cap, n, ln->w[j]);
        }
    }
    scn_lex_free(&ls);
    sim_scn_free(&sc);
    return 0;
}

/* is_input_word - a keyword whose second word is a path */
static int is_input_word(const char *k)
{
    return strcmp(k, "replay") == 0 || strcmp(k, "carried") == 0 ||
           strcmp(k, "control-dir") == 0;
}

/* sim_scn_add_channel - the scenario with one more supplemental channel
 * for domain, written to out */
int sim_scn_add_channel(const char *path, const char *domain,
                        unsigned concurrency, FILE *out, struct sim_err *err)
{
    struct sim_scn sc;
    if (sim_scn_load(&sc, path, err) < 0) {
        if (sc.path)
            sim_scn_free(&sc);
        return -1;
    }
    int k = sc.nchan - 2;
    struct scn_lines ls;
    if (sc.nchan >= QC_MAX_CHANNELS) {
        scn_fail(err, &sc, 0, "already %d channels: none can be added",
                 QC_MAX_CHANNELS);
        sim_scn_free(&sc);
        return -1;
    }
    if (scn_lex_read(&sc, &ls, err) < 0) {
        sim_scn_free(&sc);
        return -1;
    }
    FILE *in = fopen(path, "r");
    if (!in) {
        scn_fail(err, &sc, 0, "cannot open: %s", strerror(errno));
        scn_lex_free(&ls);
        sim_scn_free(&sc);
        return -1;
    }
    int have_channels = 0;
    for (size_t i = 0; i < ls.n; i++)
        have_channels |= strcmp(ls.v[i].w[0], "channels") == 0;
    fprintf(out, "# %s with supplemental channel suppl%d for %s (qchan "
            "advise)\n", sc.name, k, domain);
    if (!have_channels)
        fprintf(out, "channels %d\n", sc.nchan + 1);
    char *line = NULL;
    size_t cap = 0, next = 0;
    unsigned no = 0;
    while (getline(&line, &cap, in) >= 0) {
        no++;
        while (next < ls.n && ls.v[next].no < no)
            next++;
        const struct scn_line *ln = next < ls.n && ls.v[next].no == no
                                        ? &ls.v[next] : NULL;
        if (ln && strcmp(ln->w[0], "channels") == 0)
            fprintf(out, "channels %d\n", sc.nchan + 1);
        else if (ln && ln->n == 2 && is_input_word(ln->w[0]) &&
                 ln->w[1][0] != '/')
            fprintf(out, "%s %s/%s\n", ln->w[0], sc.dir, ln->w[1]);
        else
            fputs(line, out);
    }
    free(line);
    fclose(in);
    /* the new channel's deliveries behave as remote's did: its spawner
     * and channel outages are remote's */
    for (size_t i = 0; i < ls.n; i++) {
        const struct scn_line *ln = &ls.v[i];
        if (ln->n < 2 || strcmp(ln->w[1], "remote") != 0 ||
            (strcmp(ln->w[0], "spawner") != 0 &&
             strcmp(ln->w[0], "outage") != 0))
            continue;
        fprintf(out, "%s suppl%d", ln->w[0], k);
        for (int j = 2; j < ln->n; j++)
            fprintf(out, " %s", ln->w[j]);
        fputc('\n', out);
    }
    fprintf(out, "control suppls%d %s\ncontrol concurrencysuppl%d %u\n", k,
            domain, k, concurrency);
    int rc = ferror(out) ? scn_fail(err, &sc, 0, "write error") : k + 2;
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
