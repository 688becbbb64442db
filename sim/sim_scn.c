/*
 * sim_scn.c - scenario parsing; see sim_scn.h and docs/scenarios.md.
 *
 * Two passes over the tokenized lines: the first reads what the rest
 * depends on (seed, channels, profile, control-dir), so those lines may
 * stand anywhere in the file; the second reads everything else in order.
 * Spawner, domain and outage lines are the model library's own grammar
 * (fs_model_line), so the real-time fakespawn program reads the same
 * lines the simulator does.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_scn.h"

#define MAX_WORDS 256
/* a message records its generator in one byte */
#define SIM_MAX_GENS 255
#define LINE_MAX_BYTES 65536

struct line {
    unsigned no;
    int n;
    char **w;
};

/* Defaults of the machine, as core/limits_model.h describes them. */
static const struct sim_limits default_limits = {509, 1024, 1024, 2048,
                                                 1000000};

/* fail - format "file:line: msg" into err; returns -1 */
static int fail(struct sim_err *err, const struct sim_scn *sc, unsigned line,
                const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        snprintf(err->msg, sizeof err->msg, "%s:%u: %s", sc->path, line, msg);
    else
        snprintf(err->msg, sizeof err->msg, "%s: %s", sc->path, msg);
    return -1;
}

/* xstrdup - strdup that the callers check */
static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* parse_secs - seconds into qc_time */
static int parse_secs(const char *s, qc_time *t)
{
    double v;
    if (fs_parse_number(s, &v) < 0 || v > 1e12)
        return -1;
    *t = (qc_time)llround(v * (double)QC_SEC);
    return 0;
}

/* parse_uint - a whole number */
static int parse_uint(const char *s, unsigned long long max,
                      unsigned long long *v)
{
    unsigned long long n = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (n > (max - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *v = n;
    return 0;
}

/* parse_weight - a number, optionally with '%' */
static int parse_weight(const char *s, double *v)
{
    char buf[64];
    size_t len = strlen(s);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len + 1);
    if (buf[len - 1] == '%')
        buf[len - 1] = '\0';
    return fs_parse_number(buf, v);
}

/* split - the words of one line, comments removed; -1 if too many */
static int split(char *text, struct line *ln)
{
    char *hash = strchr(text, '#');
    if (hash)
        *hash = '\0';
    char *w[MAX_WORDS];
    int n = 0;
    for (char *tok = strtok(text, " \t\r\n"); tok;
         tok = strtok(NULL, " \t\r\n")) {
        if (n == MAX_WORDS)
            return -1;
        w[n++] = tok;
    }
    ln->n = n;
    ln->w = NULL;
    if (n == 0)
        return 0;
    ln->w = malloc((size_t)n * sizeof *ln->w);
    if (!ln->w)
        return -1;
    memcpy(ln->w, w, (size_t)n * sizeof *w);
    return 0;
}

/* read_lines - the file's non-empty lines, tokenized; buf owns the text */
static int read_lines(struct sim_scn *sc, char **bufp, struct line **linesp,
                      size_t *nlines, struct sim_err *err)
{
    FILE *f = fopen(sc->path, "r");
    if (!f)
        return fail(err, sc, 0, "cannot open: %s", strerror(errno));
    size_t cap = 0, len = 0;
    char *buf = NULL;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = 2 * (len + got + 1);
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return fail(err, sc, 0, "out of memory");
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(buf);
        return fail(err, sc, 0, "read error");
    }
    if (!buf && !(buf = calloc(1, 1)))
        return fail(err, sc, 0, "out of memory");
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        free(buf);
        return fail(err, sc, 0, "expected a text file (found a NUL byte)");
    }
    struct line *lines = NULL;
    size_t n = 0, lcap = 0;
    unsigned no = 0;
    char *p = buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        no++;
        if (strlen(p) > LINE_MAX_BYTES) {
            free(buf);
            for (size_t i = 0; i < n; i++)
                free(lines[i].w);
            free(lines);
            return fail(err, sc, no, "line too long");
        }
        struct line ln = {no, 0, NULL};
        if (split(p, &ln) < 0) {
            free(buf);
            for (size_t i = 0; i < n; i++)
                free(lines[i].w);
            free(lines);
            return fail(err, sc, no, "too many words (at most %d)",
                        MAX_WORDS);
        }
        if (ln.n) {
            if (n == lcap) {
                lcap = lcap ? 2 * lcap : 64;
                struct line *nl2 = realloc(lines, lcap * sizeof *lines);
                if (!nl2) {
                    free(ln.w);
                    free(buf);
                    for (size_t i = 0; i < n; i++)
                        free(lines[i].w);
                    free(lines);
                    return fail(err, sc, no, "out of memory");
                }
                lines = nl2;
            }
            lines[n++] = ln;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    *bufp = buf;
    *linesp = lines;
    *nlines = n;
    return 0;
}

/* ------------------------------------------------------------ pieces */

/* find_pool - index of a pool name, or -1 */
static int find_pool(const struct sim_scn *sc, const char *name)
{
    for (size_t i = 0; i < sc->npools; i++)
        if (strcmp(sc->pools[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* do_pool - pool NAME N zipf S | pool NAME N uniform */
static int do_pool(struct sim_scn *sc, const struct line *ln,
                   struct sim_err *err)
{
    unsigned long long n;
    double s = 0;
    if (ln->n < 4 || parse_uint(ln->w[2], 10000000, &n) < 0 || n == 0)
        return fail(err, sc, ln->no, "expected 'pool NAME COUNT zipf "
                    "EXPONENT' or 'pool NAME COUNT uniform' (COUNT from 1 "
                    "to 10000000)");
    if (strcmp(ln->w[3], "zipf") == 0) {
        if (ln->n != 5 || fs_parse_number(ln->w[4], &s) < 0 || s > 100)
            return fail(err, sc, ln->no, "expected the Zipf exponent (a "
                        "number from 0 to 100) after 'zipf'");
    } else if (strcmp(ln->w[3], "uniform") != 0 || ln->n != 4) {
        return fail(err, sc, ln->no, "expected 'zipf EXPONENT' or "
                    "'uniform' after the pool size");
    }
    if (find_pool(sc, ln->w[1]) >= 0)
        return fail(err, sc, ln->no, "pool '%s' is defined twice",
                    ln->w[1]);
    if (strchr(ln->w[1], '@') || strlen(ln->w[1]) > 100)
        return fail(err, sc, ln->no, "expected a pool name without '@'");
    struct sim_pool *p = realloc(sc->pools, (sc->npools + 1) * sizeof *p);
    if (!p)
        return fail(err, sc, ln->no, "out of memory");
    sc->pools = p;
    struct sim_pool *pool = &sc->pools[sc->npools];
    pool->name = xstrdup(ln->w[1]);
    pool->n = (uint32_t)n;
    pool->cdf = malloc(n * sizeof *pool->cdf);
    if (!pool->name || !pool->cdf) {
        free(pool->name);
        free(pool->cdf);
        return fail(err, sc, ln->no, "out of memory");
    }
    sc->npools++;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += pow((double)i + 1, -s);
        pool->cdf[i] = sum;
    }
    for (uint32_t i = 0; i < n; i++)
        pool->cdf[i] /= sum;
    pool->cdf[n - 1] = 1.0;
    return 0;
}

/* parse_rcpts - "N" or "A-B" */
static int parse_rcpts(const char *s, unsigned *lo, unsigned *hi)
{
    char buf[64];
    unsigned long long a, b;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    if (parse_uint(buf, 10000, &a) < 0)
        return -1;
    b = a;
    if (dash && parse_uint(dash + 1, 10000, &b) < 0)
        return -1;
    if (a < 1 || b < a)
        return -1;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

/* gen_tail - "rcpts R to TARGET W ... [from ADDR] [size BYTES]" from w[i] */
static int gen_tail(struct sim_scn *sc, const struct line *ln, int i,
                    struct sim_gen *g, struct sim_err *err)
{
    if (i + 1 >= ln->n || strcmp(ln->w[i], "rcpts") != 0 ||
        parse_rcpts(ln->w[i + 1], &g->rmin, &g->rmax) < 0)
        return fail(err, sc, ln->no, "expected 'rcpts N' or 'rcpts A-B' "
                    "(1 to 10000)%s%s", i < ln->n ? " at '" : "",
                    i < ln->n ? ln->w[i] : "");
    i += 2;
    if (i >= ln->n || strcmp(ln->w[i], "to") != 0)
        return fail(err, sc, ln->no, "expected 'to' and targets with "
                    "weights after 'rcpts'");
    i++;
    double sum = 0;
    while (i < ln->n && strcmp(ln->w[i], "from") != 0 &&
           strcmp(ln->w[i], "size") != 0) {
        double wgt;
        if (i + 1 >= ln->n || parse_weight(ln->w[i + 1], &wgt) < 0)
            return fail(err, sc, ln->no, "expected a weight after target "
                        "'%s'", ln->w[i]);
        struct sim_target *t = realloc(g->targets,
                                       (g->ntargets + 1) * sizeof *t);
        if (!t)
            return fail(err, sc, ln->no, "out of memory");
        g->targets = t;
        t = &g->targets[g->ntargets];
        t->pool = find_pool(sc, ln->w[i]);
        t->domain = NULL;
        if (t->pool < 0) {
            if (!strchr(ln->w[i], '.') || strchr(ln->w[i], '@'))
                return fail(err, sc, ln->no, "expected a pool defined "
                            "above or a domain, not '%s'", ln->w[i]);
            if (!(t->domain = xstrdup(ln->w[i])))
                return fail(err, sc, ln->no, "out of memory");
        }
        g->ntargets++;
        sum += wgt;
        t->cum = sum;
        i += 2;
    }
    if (g->ntargets == 0)
        return fail(err, sc, ln->no, "expected at least one target after "
                    "'to'");
    if (sum <= 0)
        return fail(err, sc, ln->no, "target weights add up to 0");
    for (size_t k = 0; k < g->ntargets; k++)
        g->targets[k].cum /= sum;
    g->targets[g->ntargets - 1].cum = 1.0;
    while (i < ln->n) {
        if (i + 1 >= ln->n)
            return fail(err, sc, ln->no, "expected a value after '%s'",
                        ln->w[i]);
        if (strcmp(ln->w[i], "from") == 0) {
            free(g->sender);
            if (!(g->sender = xstrdup(ln->w[i + 1])))
                return fail(err, sc, ln->no, "out of memory");
        } else if (strcmp(ln->w[i], "size") == 0) {
            unsigned long long b;
            if (parse_uint(ln->w[i + 1], 1ULL << 40, &b) < 0)
                return fail(err, sc, ln->no, "expected bytes after 'size'");
            g->bytes = b;
        } else {
            return fail(err, sc, ln->no, "expected 'from' or 'size', not "
                        "'%s'", ln->w[i]);
        }
        i += 2;
    }
    return 0;
}

/* new_gen - a zeroed generator appended to sc */
static struct sim_gen *new_gen(struct sim_scn *sc, enum sim_gen_kind k,
                               unsigned line)
{
    if (sc->ngens >= SIM_MAX_GENS)
        return NULL;
    struct sim_gen *g = realloc(sc->gens, (sc->ngens + 1) * sizeof *g);
    if (!g)
        return NULL;
    sc->gens = g;
    g = &sc->gens[sc->ngens++];
    memset(g, 0, sizeof *g);
    g->kind = k;
    g->line = line;
    g->bytes = 2000;
    g->sender = xstrdup("sender@qchan.test");
    return g->sender ? g : NULL;
}

/* do_burst - burst at T count N rcpts R to ... */
static int do_burst(struct sim_scn *sc, const struct line *ln,
                    struct sim_err *err)
{
    unsigned long long n;
    qc_time at;
    if (ln->n < 5 || strcmp(ln->w[1], "at") != 0 ||
        parse_secs(ln->w[2], &at) < 0 || strcmp(ln->w[3], "count") != 0 ||
        parse_uint(ln->w[4], 100000000, &n) < 0)
        return fail(err, sc, ln->no, "expected 'burst at SECONDS count N "
                    "rcpts R to TARGET WEIGHT ...'");
    struct sim_gen *g = new_gen(sc, SIM_GEN_BURST, ln->no);
    if (!g)
        return fail(err, sc, ln->no, "out of memory or more than %d "
                    "burst, poisson and replay lines", SIM_MAX_GENS);
    g->at = at;
    g->count = n;
    return gen_tail(sc, ln, 5, g, err);
}

/* do_poisson - poisson from A to B rate R rcpts R to ... */
static int do_poisson(struct sim_scn *sc, const struct line *ln,
                      struct sim_err *err)
{
    qc_time from, to;
    double rate;
    if (ln->n < 7 || strcmp(ln->w[1], "from") != 0 ||
        parse_secs(ln->w[2], &from) < 0 || strcmp(ln->w[3], "to") != 0 ||
        parse_secs(ln->w[4], &to) < 0 || strcmp(ln->w[5], "rate") != 0 ||
        fs_parse_number(ln->w[6], &rate) < 0 || rate <= 0 || rate > 1e7)
        return fail(err, sc, ln->no, "expected 'poisson from SECONDS to "
                    "SECONDS rate PER-SECOND rcpts R to TARGET WEIGHT ...'");
    if (to <= from)
        return fail(err, sc, ln->no, "expected 'from' before 'to'");
    struct sim_gen *g = new_gen(sc, SIM_GEN_POISSON, ln->no);
    if (!g)
        return fail(err, sc, ln->no, "out of memory or more than %d "
                    "burst, poisson and replay lines", SIM_MAX_GENS);
    g->from = from;
    g->to = to;
    g->rate = rate;
    return gen_tail(sc, ln, 7, g, err);
}

/* cmp_row - replay rows by time, then by file order (stable) */
static int cmp_row(const void *a, const void *b)
{
    const struct sim_replay_row *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* do_replay - replay FILE: "time,sender,rcpt[;rcpt...]" */
static int do_replay(struct sim_scn *sc, const struct line *ln,
                     struct sim_err *err)
{
    if (ln->n != 2)
        return fail(err, sc, ln->no, "expected 'replay FILE'");
    char path[4096];
    if (ln->w[1][0] == '/')
        snprintf(path, sizeof path, "%s", ln->w[1]);
    else
        snprintf(path, sizeof path, "%s/%s", sc->dir, ln->w[1]);
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(err, sc, ln->no, "cannot open replay file %s: %s", path,
                    strerror(errno));
    struct sim_gen *g = new_gen(sc, SIM_GEN_REPLAY, ln->no);
    if (!g) {
        fclose(f);
        return fail(err, sc, ln->no, "out of memory or more than %d "
                    "burst, poisson and replay lines", SIM_MAX_GENS);
    }
    /* getline: a mailing list's row can be far longer than any buffer */
    char *buf = NULL;
    size_t bufcap = 0;
    unsigned no = 0;
    size_t cap = 0;
    int rc = 0;
    while (getline(&buf, &bufcap, f) >= 0) {
        no++;
        buf[strcspn(buf, "\r\n")] = '\0';
        char *p = buf + strspn(buf, " \t");
        if (!*p || *p == '#')
            continue;
        char *c1 = strchr(p, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        qc_time t;
        if (c1)
            *c1 = '\0';
        if (!c1 || !c2 || parse_secs(p, &t) < 0 || !c2[1]) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: expected "
                     "'time,sender,recipient[;recipient...]'", path, no);
            rc = -1;
            break;
        }
        *c2 = '\0';
        if (g->nrows == cap) {
            cap = cap ? 2 * cap : 64;
            struct sim_replay_row *r = realloc(g->rows, cap * sizeof *r);
            if (!r) {
                rc = fail(err, sc, ln->no, "out of memory");
                break;
            }
            g->rows = r;
        }
        struct sim_replay_row *row = &g->rows[g->nrows++];
        memset(row, 0, sizeof *row);
        row->t = t;
        row->sender = xstrdup(c1 + 1);
        for (char *r = strtok(c2 + 1, ";"); r; r = strtok(NULL, ";")) {
            char **nr = realloc(row->rcpts, (row->nrcpt + 1) * sizeof *nr);
            if (!nr || !(nr[row->nrcpt] = xstrdup(r))) {
                if (nr)
                    row->rcpts = nr;
                rc = fail(err, sc, ln->no, "out of memory");
                break;
            }
            row->rcpts = nr;
            row->nrcpt++;
        }
        if (rc < 0)
            break;
        if (!row->sender || row->nrcpt == 0 || row->nrcpt > 10000) {
            snprintf(err->msg, sizeof err->msg, "%.900s:%u: expected 1 to 10000 "
                     "recipients separated by ';'", path, no);
            rc = -1;
            break;
        }
    }
    free(buf);
    fclose(f);
    if (rc == 0 && g->nrows)
        qsort(g->rows, g->nrows, sizeof *g->rows, cmp_row);
    return rc;
}

/* do_at - at T hup [NAME VALUE]... | at T alarm | at T kill CHAN */
static int do_at(struct sim_scn *sc, const struct line *ln,
                 struct sim_err *err)
{
    qc_time at;
    if (ln->n < 3 || parse_secs(ln->w[1], &at) < 0)
        return fail(err, sc, ln->no, "expected 'at SECONDS hup|alarm|kill "
                    "...'");
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
            return fail(err, sc, ln->no, "expected a channel name after "
                        "'kill', not '%s'", ln->w[3]);
    } else if (strcmp(k, "hup") == 0 && (ln->n - 3) % 2 == 0) {
        a.kind = SIM_ACT_HUP;
        a.n = (size_t)(ln->n - 3) / 2;
        if (a.n) {
            a.names = calloc(a.n, sizeof *a.names);
            a.values = calloc(a.n, sizeof *a.values);
            if (!a.names || !a.values) {
                free(a.names);
                free(a.values);
                return fail(err, sc, ln->no, "out of memory");
            }
        }
        /* try the changes on a copy now, so a bad one is a parse error */
        struct control probe;
        if (control_copy(&probe, &sc->control) < 0)
            return fail(err, sc, ln->no, "out of memory");
        for (size_t i = 0; i < a.n; i++) {
            a.names[i] = xstrdup(ln->w[3 + 2 * i]);
            a.values[i] = xstrdup(ln->w[4 + 2 * i]);
            struct control_error ce;
            if (control_set(&probe, a.names[i], a.values[i], &ce) < 0 ||
                probe.nchan != sc->nchan) {
                control_free(&probe);
                for (size_t j = 0; j <= i; j++) {
                    free(a.names[j]);
                    free(a.values[j]);
                }
                free(a.names);
                free(a.values);
                return fail(err, sc, ln->no, "hup: %s",
                            probe.nchan != sc->nchan
                                ? "that channel is beyond 'channels'"
                                : ce.msg);
            }
        }
        control_free(&probe);
    } else {
        return fail(err, sc, ln->no, "expected 'hup [CONTROL VALUE]...', "
                    "'alarm' or 'kill CHANNEL' after 'at SECONDS'");
    }
    struct sim_action *p = realloc(sc->actions,
                                   (sc->nactions + 1) * sizeof *p);
    if (!p)
        return fail(err, sc, ln->no, "out of memory");
    sc->actions = p;
    /* keep time order, file order among equal times */
    size_t i = sc->nactions;
    while (i > 0 && sc->actions[i - 1].at > a.at) {
        sc->actions[i] = sc->actions[i - 1];
        i--;
    }
    sc->actions[i] = a;
    sc->nactions++;
    return 0;
}

/* parse_op - comparison operator */
static int parse_op(const char *s, enum sim_op *op)
{
    static const struct { const char *s; enum sim_op op; } ops[] = {
        {"<=", SIM_OP_LE}, {"<", SIM_OP_LT}, {">=", SIM_OP_GE},
        {">", SIM_OP_GT}, {"==", SIM_OP_EQ}, {"=", SIM_OP_EQ},
        {"!=", SIM_OP_NE},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(s, ops[i].s) == 0) {
            *op = ops[i].op;
            return 0;
        }
    return -1;
}

/* valid_process - a process name the run reports */
static int valid_process(const struct sim_scn *sc, const char *name)
{
    if (strcmp(name, "qmail-send") == 0 || strcmp(name, "qmail-todo") == 0 ||
        strcmp(name, "qmailr") == 0 || strcmp(name, "system") == 0)
        return 1;
    return strncmp(name, "spawn-", 6) == 0 &&
           qc_channel_parse(name + 6, sc->nchan) >= 0;
}

/* join - words w[0..n-1] with single spaces */
static char *join(char **w, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(w[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, w[i]);
    }
    return s;
}

/* do_expect - one expect line */
static int do_expect(struct sim_scn *sc, const struct line *ln,
                     struct sim_err *err)
{
    static const struct { const char *name; enum sim_exp_kind kind; } chk[] = {
        {"max-inflight", SIM_EXP_MAX_INFLIGHT}, {"max-queue", SIM_EXP_MAX_QUEUE},
        {"delivered", SIM_EXP_DELIVERED}, {"attempts", SIM_EXP_ATTEMPTS},
        {"deferred", SIM_EXP_DEFERRED}, {"failed", SIM_EXP_FAILED},
        {"pending", SIM_EXP_PENDING}, {"p50-latency", SIM_EXP_P50},
        {"p95-latency", SIM_EXP_P95}, {"p99-latency", SIM_EXP_P99},
    };
    struct sim_expect e;
    memset(&e, 0, sizeof e);
    e.line = ln->no;
    e.chan = -1;
    const char *usage = "expected 'expect' and one of: max-inflight, "
                        "max-queue, delivered, attempts, deferred, failed, "
                        "pending, p50-latency, p95-latency, p99-latency "
                        "(CHANNEL|all OP NUMBER); drained-by SECONDS; "
                        "drained; not-drained; no-fd-exhaustion; "
                        "fd-exhaustion PROCESS; fd-peak PROCESS OP NUMBER; "
                        "finding WORDS; no-finding WORDS";
    if (ln->n < 2)
        return fail(err, sc, ln->no, "%s", usage);
    const char *k = ln->w[1];
    int found = 0;
    for (size_t i = 0; i < sizeof chk / sizeof chk[0]; i++)
        if (strcmp(k, chk[i].name) == 0) {
            found = 1;
            e.kind = chk[i].kind;
            if (ln->n != 5)
                return fail(err, sc, ln->no, "expected 'expect %s CHANNEL "
                            "OP NUMBER'", k);
            if (strcmp(ln->w[2], "all") == 0)
                e.chan = -1;
            else if ((e.chan = qc_channel_parse(ln->w[2], sc->nchan)) < 0)
                return fail(err, sc, ln->no, "expected a channel name or "
                            "'all', not '%s'", ln->w[2]);
            if (parse_op(ln->w[3], &e.op) < 0)
                return fail(err, sc, ln->no, "expected an operator (<= < >= "
                            "> == !=), not '%s'", ln->w[3]);
            if (fs_parse_number(ln->w[4], &e.value) < 0)
                return fail(err, sc, ln->no, "expected a number, not '%s'",
                            ln->w[4]);
            if ((e.kind == SIM_EXP_MAX_INFLIGHT ||
                 e.kind == SIM_EXP_MAX_QUEUE) && e.chan < 0)
                return fail(err, sc, ln->no, "%s needs one channel", k);
        }
    if (found) {
        /* done above */
    } else if (strcmp(k, "drained-by") == 0) {
        qc_time t;
        e.kind = SIM_EXP_DRAINED_BY;
        if (ln->n != 3 || parse_secs(ln->w[2], &t) < 0)
            return fail(err, sc, ln->no, "expected 'expect drained-by "
                        "SECONDS'");
        e.value = (double)t / QC_SEC;
    } else if (strcmp(k, "drained") == 0 && ln->n == 2) {
        e.kind = SIM_EXP_DRAINED;
    } else if (strcmp(k, "not-drained") == 0 && ln->n == 2) {
        e.kind = SIM_EXP_NOT_DRAINED;
    } else if (strcmp(k, "no-fd-exhaustion") == 0 && ln->n == 2) {
        e.kind = SIM_EXP_NO_FD_EXHAUSTION;
    } else if (strcmp(k, "fd-exhaustion") == 0 && ln->n == 3) {
        e.kind = SIM_EXP_FD_EXHAUSTION;
        if (!valid_process(sc, ln->w[2]))
            return fail(err, sc, ln->no, "expected a process (qmail-send, "
                        "qmail-todo, spawn-CHANNEL, qmailr, system), not "
                        "'%s'", ln->w[2]);
        e.name = xstrdup(ln->w[2]);
    } else if (strcmp(k, "fd-peak") == 0 && ln->n == 5) {
        e.kind = SIM_EXP_FD_PEAK;
        if (!valid_process(sc, ln->w[2]))
            return fail(err, sc, ln->no, "expected a process (qmail-send, "
                        "qmail-todo, spawn-CHANNEL, qmailr, system), not "
                        "'%s'", ln->w[2]);
        if (parse_op(ln->w[3], &e.op) < 0 ||
            fs_parse_number(ln->w[4], &e.value) < 0)
            return fail(err, sc, ln->no, "expected 'expect fd-peak PROCESS "
                        "OP NUMBER'");
        e.name = xstrdup(ln->w[2]);
    } else if ((strcmp(k, "finding") == 0 || strcmp(k, "no-finding") == 0) &&
               ln->n >= 3) {
        e.kind = k[0] == 'f' ? SIM_EXP_FINDING : SIM_EXP_NO_FINDING;
        e.name = join(ln->w + 2, ln->n - 2);
    } else {
        return fail(err, sc, ln->no, "%s", usage);
    }
    e.text = join(ln->w + 1, ln->n - 1);
    struct sim_expect *p = realloc(sc->expects,
                                   (sc->nexpects + 1) * sizeof *p);
    if (!p || !e.text) {
        free(e.text);
        free(e.name);
        return fail(err, sc, ln->no, "out of memory");
    }
    sc->expects = p;
    sc->expects[sc->nexpects++] = e;
    return 0;
}

/* set_limit - limit NAME N; -1 if NAME is not a limit, -2 bad value */
static int set_limit(struct sim_scn *sc, const char *name, const char *value)
{
    unsigned long long *p;
    if (strcmp(name, "conf-spawn") == 0)
        p = &sc->lim.conf_spawn;
    else if (strcmp(name, "fd-setsize") == 0)
        p = &sc->lim.fd_setsize;
    else if (strcmp(name, "nofile") == 0)
        p = &sc->lim.nofile;
    else if (strcmp(name, "nproc") == 0)
        p = &sc->lim.nproc;
    else if (strcmp(name, "file-max") == 0)
        p = &sc->lim.file_max;
    else
        return -1;
    unsigned long long v;
    /* conf-spawn travels in the 2-byte handshake; the others bound
     * bitmaps of descriptor numbers the simulator keeps */
    unsigned long long max = p == &sc->lim.conf_spawn ? 65535 : 1ULL << 24;
    if (p == &sc->lim.file_max)
        max = 1ULL << 62;
    if (parse_uint(value, max, &v) < 0 || v == 0)
        return -2;
    *p = v;
    return 0;
}

/* set_profile - qchan or channels-compat */
static int set_profile(struct sim_scn *sc, const char *v)
{
    if (strcmp(v, "qchan") == 0)
        sc->profile = SCHED_PROFILE_QCHAN;
    else if (strcmp(v, "channels-compat") == 0)
        sc->profile = SCHED_PROFILE_CHANNELS_COMPAT;
    else
        return -1;
    return 0;
}

/* do_control - control NAME VALUE... */
static int do_control(struct sim_scn *sc, const struct line *ln,
                      struct sim_err *err)
{
    if (ln->n < 3)
        return fail(err, sc, ln->no, "expected 'control NAME VALUE'");
    char *value = join(ln->w + 2, ln->n - 2);
    if (!value)
        return fail(err, sc, ln->no, "out of memory");
    struct control_error ce;
    int rc = control_set(&sc->control, ln->w[1], value, &ce);
    free(value);
    if (rc < 0)
        return fail(err, sc, ln->no, "%s", ce.msg);
    if (sc->control.nchan != sc->nchan)
        return fail(err, sc, ln->no, "%s names a channel beyond 'channels "
                    "%d'", ln->w[1], sc->nchan);
    return 0;
}

/* do_run - run until drained [max T] | run for T */
static int do_run(struct sim_scn *sc, const struct line *ln,
                  struct sim_err *err)
{
    qc_time t;
    if (ln->n == 3 && strcmp(ln->w[1], "for") == 0 &&
        parse_secs(ln->w[2], &t) == 0) {
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
            parse_secs(ln->w[4], &t) == 0) {
            sc->until_drained = 1;
            sc->run_max = t;
            return 0;
        }
    }
    return fail(err, sc, ln->no, "expected 'run until drained [max "
                "SECONDS]' or 'run for SECONDS'");
}

/* first_pass - seed, channels, profile, control-dir */
static int first_pass(struct sim_scn *sc, struct line *lines, size_t n,
                      struct sim_err *err)
{
    const char *cdir = NULL;
    unsigned cdir_line = 0;
    int nchan = 0;
    for (size_t i = 0; i < n; i++) {
        struct line *ln = &lines[i];
        const char *k = ln->w[0];
        unsigned long long v;
        if (strcmp(k, "seed") == 0) {
            if (ln->n != 2 || parse_uint(ln->w[1], UINT64_MAX, &v) < 0)
                return fail(err, sc, ln->no, "expected 'seed NUMBER'");
            sc->seed = v;
        } else if (strcmp(k, "channels") == 0) {
            if (ln->n != 2 || parse_uint(ln->w[1], QC_MAX_CHANNELS, &v) < 0 ||
                v < QC_MIN_CHANNELS)
                return fail(err, sc, ln->no, "expected 'channels N' with N "
                            "from %d to %d", QC_MIN_CHANNELS,
                            QC_MAX_CHANNELS);
            nchan = (int)v;
        } else if (strcmp(k, "profile") == 0) {
            if (ln->n != 2 || set_profile(sc, ln->w[1]) < 0)
                return fail(err, sc, ln->no, "expected 'profile qchan' or "
                            "'profile channels-compat'");
        } else if (strcmp(k, "control-dir") == 0) {
            if (ln->n != 2)
                return fail(err, sc, ln->no, "expected 'control-dir DIR'");
            cdir = ln->w[1];
            cdir_line = ln->no;
        }
    }
    if (cdir) {
        char path[4096];
        if (cdir[0] == '/')
            snprintf(path, sizeof path, "%s", cdir);
        else
            snprintf(path, sizeof path, "%s/%s", sc->dir, cdir);
        struct control_error ce;
        if (control_load(&sc->control, path, nchan, &ce) < 0) {
            if (ce.line)
                return fail(err, sc, cdir_line, "control-dir: %s:%u: %s",
                            ce.file, ce.line, ce.msg);
            return fail(err, sc, cdir_line, "control-dir: %s: %s", ce.file,
                        ce.msg);
        }
        sc->control_loaded = 1;
        if (nchan && sc->control.nchan != nchan)
            return fail(err, sc, cdir_line, "control-dir has channels "
                        "beyond 'channels %d'", nchan);
    } else if (control_init(&sc->control, nchan ? nchan : 4) < 0) {
        return fail(err, sc, 0, "out of memory");
    }
    sc->control_loaded = 1;
    sc->nchan = sc->control.nchan;
    sc->model = fs_model_new(sc->nchan, sc->seed);
    if (!sc->model)
        return fail(err, sc, 0, "out of memory");
    return 0;
}

/* second_pass - everything else, in order */
static int second_pass(struct sim_scn *sc, struct line *lines, size_t n,
                       struct sim_err *err)
{
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        struct line *ln = &lines[i];
        const char *k = ln->w[0];
        char emsg[512];
        int rc;
        if (strcmp(k, "seed") == 0 || strcmp(k, "channels") == 0 ||
            strcmp(k, "profile") == 0 || strcmp(k, "control-dir") == 0)
            continue;
        rc = fs_model_line(sc->model, ln->w, ln->n, sc->dir, emsg,
                           sizeof emsg);
        if (rc == -1)
            return fail(err, sc, ln->no, "%s", emsg);
        if (rc == 0)
            continue;
        rc = 0;
        if (strcmp(k, "control") == 0)
            rc = do_control(sc, ln, err);
        else if (strcmp(k, "limit") == 0) {
            if (ln->n != 3)
                return fail(err, sc, ln->no, "expected 'limit NAME N'");
            int r = set_limit(sc, ln->w[1], ln->w[2]);
            if (r == -1)
                return fail(err, sc, ln->no, "expected a limit name "
                            "(conf-spawn, fd-setsize, nofile, nproc, "
                            "file-max), not '%s'", ln->w[1]);
            if (r == -2)
                return fail(err, sc, ln->no, "expected a whole number above "
                            "0 for %s, not '%s'", ln->w[1], ln->w[2]);
        } else if (strcmp(k, "todo-delay") == 0) {
            if (ln->n != 2 || parse_secs(ln->w[1], &sc->todo_delay) < 0)
                return fail(err, sc, ln->no, "expected 'todo-delay "
                            "SECONDS'");
        } else if (strcmp(k, "pool") == 0)
            rc = do_pool(sc, ln, err);
        else if (strcmp(k, "burst") == 0)
            rc = do_burst(sc, ln, err);
        else if (strcmp(k, "poisson") == 0)
            rc = do_poisson(sc, ln, err);
        else if (strcmp(k, "replay") == 0)
            rc = do_replay(sc, ln, err);
        else if (strcmp(k, "at") == 0)
            rc = do_at(sc, ln, err);
        else if (strcmp(k, "run") == 0) {
            rc = do_run(sc, ln, err);
            ran = 1;
        } else if (strcmp(k, "sample") == 0) {
            if (ln->n != 2 || parse_secs(ln->w[1], &sc->sample) < 0 ||
                sc->sample < QC_SEC / 1000)
                return fail(err, sc, ln->no, "expected 'sample SECONDS' "
                            "(at least 0.001)");
        } else if (strcmp(k, "expect") == 0)
            rc = do_expect(sc, ln, err);
        else
            return fail(err, sc, ln->no, "expected a keyword (seed, channels, "
                        "profile, control-dir, control, limit, todo-delay, "
                        "spawner, domain, outage, pool, burst, poisson, "
                        "replay, at, run, sample, expect), not '%s'", k);
        if (rc < 0)
            return -1;
    }
    (void)ran;
    return 0;
}

/* sim_scn_load - parse the scenario at path */
int sim_scn_load(struct sim_scn *sc, const char *path, struct sim_err *err)
{
    memset(sc, 0, sizeof *sc);
    sc->path = xstrdup(path);
    const char *slash = strrchr(path, '/');
    sc->dir = slash ? strndup(path, (size_t)(slash - path)) : xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    if (blen > 4 && strcmp(base + blen - 4, ".scn") == 0)
        blen -= 4;
    sc->name = strndup(base, blen);
    sc->seed = 1;
    sc->lim = default_limits;
    sc->until_drained = 1;
    sc->run_max = 30LL * 86400 * QC_SEC;
    sc->sample = 10 * QC_SEC;
    if (!sc->path || !sc->dir || !sc->name) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        return -1;
    }
    if (sc->dir[0] == '\0') {
        free(sc->dir);
        sc->dir = xstrdup("/");
    }
    char *buf = NULL;
    struct line *lines = NULL;
    size_t n = 0;
    if (read_lines(sc, &buf, &lines, &n, err) < 0)
        return -1;
    int rc = first_pass(sc, lines, n, err);
    if (rc == 0)
        rc = second_pass(sc, lines, n, err);
    for (size_t i = 0; i < n; i++)
        free(lines[i].w);
    free(lines);
    free(buf);
    return rc;
}

/* sim_scn_set - one --set NAME=VALUE */
int sim_scn_set(struct sim_scn *sc, const char *name, const char *value,
                struct sim_err *err)
{
    int r = set_limit(sc, name, value);
    if (r == 0)
        return 0;
    if (r == -2) {
        snprintf(err->msg, sizeof err->msg, "--set %s=%s: expected a whole "
                 "number above 0", name, value);
        return -1;
    }
    if (strcmp(name, "profile") == 0) {
        if (set_profile(sc, value) == 0)
            return 0;
        snprintf(err->msg, sizeof err->msg, "--set profile=%s: expected "
                 "qchan or channels-compat", value);
        return -1;
    }
    if (strcmp(name, "todo-delay") == 0) {
        if (parse_secs(value, &sc->todo_delay) == 0)
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
    free(sc->path);
    free(sc->name);
    free(sc->dir);
    fs_model_free(sc->model);
    if (sc->control_loaded)
        control_free(&sc->control);
    for (size_t i = 0; i < sc->npools; i++) {
        free(sc->pools[i].name);
        free(sc->pools[i].cdf);
    }
    free(sc->pools);
    for (size_t i = 0; i < sc->ngens; i++) {
        struct sim_gen *g = &sc->gens[i];
        for (size_t k = 0; k < g->ntargets; k++)
            free(g->targets[k].domain);
        free(g->targets);
        free(g->sender);
        for (size_t r = 0; r < g->nrows; r++) {
            free(g->rows[r].sender);
            for (unsigned k = 0; k < g->rows[r].nrcpt; k++)
                free(g->rows[r].rcpts[k]);
            free(g->rows[r].rcpts);
        }
        free(g->rows);
    }
    free(sc->gens);
    for (size_t i = 0; i < sc->nactions; i++) {
        for (size_t k = 0; k < sc->actions[i].n; k++) {
            free(sc->actions[i].names[k]);
            free(sc->actions[i].values[k]);
        }
        free(sc->actions[i].names);
        free(sc->actions[i].values);
    }
    free(sc->actions);
    for (size_t i = 0; i < sc->nexpects; i++) {
        free(sc->expects[i].text);
        free(sc->expects[i].name);
    }
    free(sc->expects);
    memset(sc, 0, sizeof *sc);
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
