/*
 * scn_replay.c - a replay file's rows for a scenario's 'replay FILE'
 * line; see scn_int.h.
 *
 * A replay file is a format of its own, one message a line:
 *
 *	time,sender,recipient[;recipient...]
 *
 * with '#' comment lines and blank lines skipped.  A 'carried' file
 * (messages queued before the scenario began) has the message's birth
 * after the time of its first attempt:
 *
 *	time,birth,sender,recipient[;recipient...]
 *  Its errors name the
 * replay file and its line, since that is where the fix goes.  Rows are
 * sorted by time, file order among equal times, so a log can be replayed
 * as it was cut.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/* cmp_row - replay rows by time, then by file order (stable) */
static int cmp_row(const void *a, const void *b)
{
    const struct sim_replay_row *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* add_rcpts - the ';'-separated recipients of one row; -1 out of memory */
static int add_rcpts(struct sim_replay_row *row, char *list)
{
    for (char *r = strtok(list, ";"); r; r = strtok(NULL, ";")) {
        char **nr = realloc(row->rcpts, (row->nrcpt + 1) * sizeof *nr);
        if (!nr)
            return -1;
        row->rcpts = nr;
        if (!(nr[row->nrcpt] = strdup(r)))
            return -1;
        row->nrcpt++;
    }
    return 0;
}

/* read_rows - every row of f into g */
static int read_rows(const struct sim_scn *sc, unsigned line,
                     const char *path, FILE *f, struct sim_gen *g,
                     int carried, struct sim_err *err)
{
    /* getline: a mailing list's row can be far longer than any buffer */
    char *buf = NULL;
    size_t bufcap = 0;
    unsigned no = 0;
    size_t cap = 0;
    int rc = 0;
    ssize_t got;
    while ((got = getline(&buf, &bufcap, f)) >= 0) {
        no++;
        size_t col;
        if (scn_lex_nul(buf, (size_t)got, &col)) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: a NUL byte at "
                     "column %zu; a replay file is text", path, no, col);
            rc = -1;
            break;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        char *p = buf + strspn(buf, " \t");
        if (!*p || *p == '#')
            continue;
        qc_time t, birth = 0;
        char *c0 = NULL;
        if (carried) {
            /* time,birth,...: the birth moves the rest along */
            char *b = strchr(p, ',');
            c0 = b ? strchr(b + 1, ',') : NULL;
            if (b)
                *b = '\0';
            if (c0)
                *c0 = '\0';
            /* a birth may come before time 0: the message was queued
             * before the scenario (the log) began */
            int neg = b && b[1] == '-';
            if (!b || !c0 || scn_word_secs(b + 1 + neg, &birth) < 0) {
                snprintf(err->msg, sizeof err->msg, "%.900s:%u: expected "
                         "'time,birth,sender,recipient[;recipient...]'",
                         path, no);
                rc = -1;
                break;
            }
            if (neg)
                birth = -birth;
        }
        char *c1 = c0 ? c0 : strchr(p, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (c1)
            *c1 = '\0';
        if (!c1 || !c2 || scn_word_secs(p, &t) < 0 || !c2[1]) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: expected "
                     "'time,%ssender,recipient[;recipient...]'", path, no,
                     carried ? "birth," : "");
            rc = -1;
            break;
        }
        if (carried && birth > t) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: the birth comes "
                     "after the first attempt", path, no);
            rc = -1;
            break;
        }
        *c2 = '\0';
        if (g->nrows == cap) {
            cap = cap ? 2 * cap : 64;
            struct sim_replay_row *r = realloc(g->rows, cap * sizeof *r);
            if (!r) {
                rc = scn_fail(err, sc, line, "out of memory");
                break;
            }
            g->rows = r;
        }
        struct sim_replay_row *row = &g->rows[g->nrows++];
        memset(row, 0, sizeof *row);
        row->t = t;
        row->birth = carried ? birth : t;
        row->sender = strdup(c1 + 1);
        if (add_rcpts(row, c2 + 1) < 0) {
            rc = scn_fail(err, sc, line, "out of memory");
            break;
        }
        if (!row->sender || row->nrcpt == 0 || row->nrcpt > 10000) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: expected 1 to "
                     "10000 recipients separated by ';'", path, no);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = scn_fail(err, sc, line, "cannot read replay file %s: %s", path,
                      strerror(errno));
    free(buf);
    return rc;
}

/* scn_replay_read - a replay generator with the file's rows */
int scn_replay_read(struct sim_scn *sc, unsigned line, const char *path,
                    int carried, struct sim_err *err)
{
    FILE *f = scn_lex_open(path);
    if (!f && errno == EISDIR)
        return scn_fail(err, sc, line, "replay file %s is a directory; "
                        "expected a file of 'time,sender,recipients' rows",
                        path);
    if (!f)
        return scn_fail(err, sc, line, "cannot open replay file %s: %s",
                        path, strerror(errno));
    struct sim_gen *g = scn_model_gen(sc, SIM_GEN_REPLAY, line);
    if (!g) {
        fclose(f);
        return scn_fail(err, sc, line, "out of memory or more than %d "
                        "burst, poisson and replay lines", SCN_MAX_GENS);
    }
    g->carried = carried;
    int rc = read_rows(sc, line, path, f, g, carried, err);
    fclose(f);
    if (rc == 0 && g->nrows)
        qsort(g->rows, g->nrows, sizeof *g->rows, cmp_row);
    return rc;
}
