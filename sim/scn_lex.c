/*
 * scn_lex.c - a scenario file into numbered lines of words, and the
 * values one word can hold; see scn_int.h.
 *
 *	scn_lex_read(sc, lines, err)	the file sc->path, every non-empty
 *					line split at blanks, '#' comments
 *					removed, each with its line number
 *	scn_word_number/secs/uint/weight/rcpts/op
 *					one word's value; -1 when it is not
 *					one, -2 (number, secs, uint) when it
 *					is a number out of range
 *	scn_fail(err, sc, line, fmt, ...)
 *					the located error every part uses
 *
 * The whole file is read first, so a line's words point into one buffer
 * and the parts after this one never copy text they only look at.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decimal.h"
#include "fs_dist.h"
#include "scn_int.h"

/* scn_fail - format "file:line: msg" into err; returns -1 */
int scn_fail(struct sim_err *err, const struct sim_scn *sc, unsigned line,
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

/* split - the words of one line, comments removed; -1 if too many */
static int split(char *text, struct scn_line *ln)
{
    char *hash = strchr(text, '#');
    if (hash)
        *hash = '\0';
    char *w[SCN_MAX_WORDS];
    int n = 0;
    for (char *tok = strtok(text, " \t\r\n"); tok;
         tok = strtok(NULL, " \t\r\n")) {
        if (n == SCN_MAX_WORDS)
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

/* scn_lex_open - path for reading; NULL with errno (EISDIR for a
 * directory, which fopen opens and then reads as an error) */
FILE *scn_lex_open(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    return f;
}

/* scn_lex_nul - where the first NUL byte of buf (len bytes) is: its
 * line and column, both from 1; 0 when there is none */
unsigned scn_lex_nul(const char *buf, size_t len, size_t *col)
{
    const char *nul = memchr(buf, '\0', len);
    if (!nul)
        return 0;
    unsigned line = 1;
    *col = 1;
    for (const char *q = buf; q < nul; q++) {
        if (*q == '\n') {
            line++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
    return line;
}

/* slurp - the whole file into a NUL-terminated buffer */
static int slurp(const struct sim_scn *sc, char **bufp, size_t *lenp,
                 struct sim_err *err)
{
    FILE *f = scn_lex_open(sc->path);
    if (!f && errno == EISDIR)
        return scn_fail(err, sc, 0, "is a directory; expected a scenario "
                        "file");
    if (!f)
        return scn_fail(err, sc, 0, "cannot open: %s", strerror(errno));
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
                return scn_fail(err, sc, 0, "out of memory");
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    int rerr = ferror(f) ? errno : 0;
    fclose(f);
    if (rerr) {
        free(buf);
        return scn_fail(err, sc, 0, "read error: %s", strerror(rerr));
    }
    if (!buf && !(buf = calloc(1, 1)))
        return scn_fail(err, sc, 0, "out of memory");
    buf[len] = '\0';
    *bufp = buf;
    *lenp = len;
    return 0;
}

/* scn_lex_free - the lines and their text */
void scn_lex_free(struct scn_lines *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        free(ls->v[i].w);
    free(ls->v);
    free(ls->buf);
    memset(ls, 0, sizeof *ls);
}

/* scn_lex_read - the file's non-empty lines, tokenized */
int scn_lex_read(const struct sim_scn *sc, struct scn_lines *ls,
                 struct sim_err *err)
{
    char *buf;
    size_t len;
    memset(ls, 0, sizeof *ls);
    if (slurp(sc, &buf, &len, err) < 0)
        return -1;
    return scn_lex_text(sc, buf, len, ls, err);
}

/* scn_lex_text - the lines of buf (len bytes and a NUL after them, which
 * ls takes over) */
int scn_lex_text(const struct sim_scn *sc, char *buf, size_t len,
                 struct scn_lines *ls, struct sim_err *err)
{
    memset(ls, 0, sizeof *ls);
    ls->buf = buf;
    size_t col;
    unsigned nul = scn_lex_nul(ls->buf, len, &col);
    if (nul) {
        scn_lex_free(ls);
        return scn_fail(err, sc, nul, "a NUL byte at column %zu; a scenario "
                        "is text (is this the right file?)", col);
    }
    size_t lcap = 0;
    unsigned no = 0;
    char *p = ls->buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        no++;
        if (strlen(p) > SCN_LINE_MAX_BYTES) {
            scn_lex_free(ls);
            return scn_fail(err, sc, no, "line too long");
        }
        struct scn_line ln = {no, 0, NULL};
        if (split(p, &ln) < 0) {
            scn_lex_free(ls);
            return scn_fail(err, sc, no, "too many words (at most %d)",
                            SCN_MAX_WORDS);
        }
        if (ln.n) {
            if (ls->n == lcap) {
                lcap = lcap ? 2 * lcap : 64;
                struct scn_line *nv = realloc(ls->v, lcap * sizeof *nv);
                if (!nv) {
                    free(ln.w);
                    scn_lex_free(ls);
                    return scn_fail(err, sc, no, "out of memory");
                }
                ls->v = nv;
            }
            ls->v[ls->n++] = ln;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

/* scn_word_number - a number in [lo, hi]; -2 for a number outside it:
 * a negative one, one too big for a double, or one past either end */
int scn_word_number(const char *s, double lo, double hi, double *v)
{
    double x;
    if (fs_parse_number(s, &x) == 0) {
        if (x < lo || x > hi)
            return -2;
        *v = x;
        return 0;
    }
    const char *p = s[0] == '-' ? s + 1 : s;
    if (!((*p >= '0' && *p <= '9') || *p == '.') ||
        strspn(p, "0123456789.eE-+") != strlen(p))
        return -1;
    char *end;
    errno = 0;
    double y = strtod(p, &end);
    if (*end)
        return -1;
    if (errno == ERANGE)
        return -2;   /* past what a double holds */
    return p != s && isfinite(y) ? -2 : -1;
}

/* scn_word_secs - seconds into qc_time */
int scn_word_secs(const char *s, qc_time *t)
{
    double v;
    int r = scn_word_number(s, 0, SCN_MAX_SECS, &v);
    if (r < 0)
        return r;
    *t = (qc_time)llround(v * (double)QC_SEC);
    return 0;
}

/* scn_word_uint - a whole number; -2 for digits past max */
int scn_word_uint(const char *s, unsigned long long max,
                  unsigned long long *v)
{
    uint64_t n;
    if (decimal_parse_u64(s, max, &n) < 0)
        return *s && strspn(s, "0123456789") == strlen(s) ? -2 : -1;
    *v = n;
    return 0;
}

/* scn_word_weight - a number, optionally with '%' */
int scn_word_weight(const char *s, double *v)
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

/* scn_word_rcpts - "N" or "A-B" */
int scn_word_rcpts(const char *s, unsigned *lo, unsigned *hi)
{
    char buf[64];
    unsigned long long a, b;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    if (scn_word_uint(buf, 10000, &a) < 0)
        return -1;
    b = a;
    if (dash && scn_word_uint(dash + 1, 10000, &b) < 0)
        return -1;
    if (a < 1 || b < a)
        return -1;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

/* scn_word_op - comparison operator */
int scn_word_op(const char *s, enum sim_op *op)
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

/* scn_words_join - words w[0..n-1] with single spaces */
char *scn_words_join(char **w, int n)
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
