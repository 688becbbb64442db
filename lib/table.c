/*
 * table.c - a result table as text, CSV and JSON; see table.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "table.h"

/* table_init - an empty table */
void table_init(struct table *t, const struct table_col *cols, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
}

/* table_row - a new row of missing cells */
int table_row(struct table *t)
{
    if (t->failed)
        return -1;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        struct table_cell *c = realloc(t->cells,
                                       cap * t->ncols * sizeof *c);
        if (!c) {
            t->failed = 1;
            return -1;
        }
        t->cells = c;
        t->cap = cap;
    }
    memset(&t->cells[t->nrows * t->ncols], 0,
           t->ncols * sizeof *t->cells);
    t->nrows++;
    return 0;
}

/* cell - column c of the newest row, NULL when there is none to fill */
static struct table_cell *cell(struct table *t, size_t c)
{
    if (t->failed || t->nrows == 0 || c >= t->ncols)
        return NULL;
    return &t->cells[(t->nrows - 1) * t->ncols + c];
}

/* table_str - a text cell */
void table_str(struct table *t, size_t c, const char *s)
{
    struct table_cell *x = cell(t, c);
    if (!x)
        return;
    char *copy = strdup(s ? s : "");
    if (!copy) {
        t->failed = 1;
        return;
    }
    free(x->s);
    x->s = copy;
    x->has = 1;
}

/* table_uint - a count */
void table_uint(struct table *t, size_t c, unsigned long long v)
{
    struct table_cell *x = cell(t, c);
    if (!x)
        return;
    x->u = v;
    x->v = (double)v;
    x->has = 1;
}

/* table_num - a number, missing when not finite */
void table_num(struct table *t, size_t c, double v)
{
    struct table_cell *x = cell(t, c);
    if (!x)
        return;
    x->v = v;
    x->has = isfinite(v);
}

/* table_opt - a number that is there when >= 0 */
void table_opt(struct table *t, size_t c, double v)
{
    table_num(t, c, v < 0 ? NAN : v);
}

/* table_bool - yes or no */
void table_bool(struct table *t, size_t c, int v)
{
    struct table_cell *x = cell(t, c);
    if (!x)
        return;
    x->u = v != 0;
    x->has = 1;
}

/* table_show - the text rendering's cell */
void table_show(struct table *t, size_t c, const char *text)
{
    struct table_cell *x = cell(t, c);
    if (!x)
        return;
    char *copy = strdup(text);
    if (!copy) {
        t->failed = 1;
        return;
    }
    free(x->show);
    x->show = copy;
}

/* table_fmt_num - a number for people */
void table_fmt_num(char *buf, size_t cap, double v, int prec)
{
    if (prec >= 0) {
        snprintf(buf, cap, "%.*f", prec, v);
        return;
    }
    /* %g would write 1234 as 1.23e+03 with three digits */
    if (fabs(v) >= pow(10, -prec))
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.*g", -prec, v);
}

/* data_num - a number for programs (JSON, CSV) */
static void data_num(FILE *f, double v, int prec)
{
    if (prec >= 0)
        fprintf(f, "%.*f", prec, v);
    else
        fprintf(f, "%.*g", -prec, v);
}

/* text_of - what the text rendering shows in a cell */
static const char *text_of(const struct table_col *col,
                           const struct table_cell *x, char *buf,
                           size_t cap)
{
    if (x->show)
        return x->show;
    if (!x->has)
        return "-";
    switch (col->type) {
    case TABLE_STR:
        return x->s;
    case TABLE_UINT:
        snprintf(buf, cap, "%llu", x->u);
        return buf;
    case TABLE_BOOL:
        return x->u ? "yes" : "no";
    case TABLE_FRACTION: {
        size_t n;
        table_fmt_num(buf, cap - 1, 100 * x->v, col->prec);
        n = strlen(buf);
        buf[n] = '%';
        buf[n + 1] = '\0';
        return buf;
    }
    default:
        table_fmt_num(buf, cap, x->v, col->prec);
        return buf;
    }
}

/* chars - the characters of UTF-8 text (its width on a terminal, for
 * the text qchan writes) */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* head_of - a column's header text */
static const char *head_of(const struct table_col *col, char *buf,
                           size_t cap)
{
    const char *h = col->head ? col->head : col->key;
    if (!(col->flags & TABLE_UNIT) || !col->unit || !col->unit[0])
        return h;
    snprintf(buf, cap, "%s (%s)", h, col->unit);
    return buf;
}

/* left - the column's text is aligned left */
static int left(const struct table_col *col)
{
    if (col->align != TABLE_AUTO)
        return col->align == TABLE_LEFT;
    return col->type == TABLE_STR || col->type == TABLE_BOOL;
}

/* pad - n spaces */
static void pad(FILE *f, size_t n)
{
    while (n-- > 0)
        fputc(' ', f);
}

/* in_text - the column is a column of the text */
static int in_text(const struct table_col *col)
{
    return !(col->flags & (TABLE_GROUP | TABLE_NOTEXT));
}

/* text_line - one line: the cells given, each padded to its width */
static void text_line(const struct table *t, FILE *f, const char **cells,
                      const size_t *width, size_t first, size_t last)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const struct table_col *col = &t->cols[c];
        if (!in_text(col))
            continue;
        size_t n = chars(cells[c]), w = width[c];
        if (c == last && left(col) && n == 0)
            break;   /* no trailing blanks */
        if (c != first)
            pad(f, col->gap > 0 ? (size_t)col->gap : 1);
        if (left(col)) {
            fputs(cells[c], f);
            if (c != last)
                pad(f, w > n ? w - n : 0);
        } else {
            pad(f, w > n ? w - n : 0);
            fputs(cells[c], f);
        }
    }
    fputc('\n', f);
}

/* table_write_text - aligned columns */
int table_write_text(const struct table *t, FILE *f, int indent)
{
    size_t nc = t->ncols;
    const char **cells = calloc(nc ? nc : 1, sizeof *cells);
    size_t *width = calloc(nc, sizeof *width);
    char (*buf)[64] = calloc(nc, sizeof *buf);
    char (*hb)[128] = calloc(nc, sizeof *hb);
    if (!cells || !width || !buf || !hb) {
        free(cells);
        free(width);
        free(buf);
        free(hb);
        return -1;
    }
    size_t group = nc, first = nc, last = nc;
    for (size_t c = 0; c < nc; c++) {
        const struct table_col *col = &t->cols[c];
        if ((col->flags & TABLE_GROUP) && group == nc)
            group = c;
        if (!in_text(col))
            continue;
        if (first == nc)
            first = c;
        last = c;
        width[c] = (size_t)(col->width > 0 ? col->width : 0);
        size_t h = chars(head_of(col, hb[c], sizeof hb[c]));
        if (h > width[c])
            width[c] = h;
        for (size_t r = 0; r < t->nrows; r++) {
            size_t n = chars(text_of(col, &t->cells[r * nc + c], buf[c],
                                     sizeof buf[c]));
            if (n > width[c])
                width[c] = n;
        }
    }
    int sub = group < nc ? 2 : 0;   /* rows indented under a heading */
    for (size_t c = 0; c < nc; c++)
        cells[c] = head_of(&t->cols[c], hb[c], sizeof hb[c]);
    int heads = 0;   /* a table whose headers are all empty has none */
    for (size_t c = 0; c < nc; c++)
        heads |= in_text(&t->cols[c]) && cells[c][0] != '\0';
    if (first < nc && heads) {
        pad(f, (size_t)indent);
        /* the first header spans the rows' indent under headings */
        width[first] += (size_t)sub;
        text_line(t, f, cells, width, first, last);
        width[first] -= (size_t)sub;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const struct table_cell *row = &t->cells[r * nc];
        if (group < nc) {
            const char *g = text_of(&t->cols[group], &row[group], buf[group],
                                    sizeof buf[group]);
            const char *prev = NULL;
            if (r > 0)
                prev = text_of(&t->cols[group], &t->cells[(r - 1) * nc +
                                                          group],
                               hb[group], sizeof hb[group]);
            if (!prev || strcmp(prev, g) != 0) {
                pad(f, (size_t)indent);
                fprintf(f, "%s\n", g);
            }
        }
        for (size_t c = 0; c < nc; c++)
            cells[c] = text_of(&t->cols[c], &row[c], buf[c], sizeof buf[c]);
        if (first < nc) {
            pad(f, (size_t)(indent + sub));
            text_line(t, f, cells, width, first, last);
        }
    }
    free(cells);
    free(width);
    free(buf);
    free(hb);
    return t->failed || ferror(f) ? -1 : 0;
}

/* csv_field - s as one CSV field */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* in_data - the column is in the CSV and the JSON */
static int in_data(const struct table_col *col)
{
    return !(col->flags & TABLE_TEXTONLY);
}

/* data_row - row r for programs: CSV fields (missing: empty), or JSON
 * pairs (missing: null) */
static void data_row(const struct table *t, FILE *f, size_t r, int json)
{
    int sep = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const struct table_col *col = &t->cols[c];
        const struct table_cell *x = &t->cells[r * t->ncols + c];
        if (!in_data(col))
            continue;
        if (sep++)
            fputs(json ? ", " : ",", f);
        if (json) {
            json_write_str(f, col->key);
            fputs(": ", f);
        }
        if (!x->has) {
            fputs(json ? "null" : "", f);
        } else if (col->type == TABLE_STR) {
            if (json)
                json_write_str(f, x->s);
            else
                csv_field(f, x->s);
        } else if (col->type == TABLE_BOOL && json) {
            fputs(x->u ? "true" : "false", f);
        } else if (col->type == TABLE_UINT || col->type == TABLE_BOOL) {
            fprintf(f, "%llu", x->u);
        } else {
            data_num(f, x->v, col->data_prec);
        }
    }
}

/* table_write_csv - the table as CSV */
int table_write_csv(const struct table *t, FILE *f)
{
    int sep = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!in_data(&t->cols[c]))
            continue;
        if (sep++)
            fputc(',', f);
        csv_field(f, t->cols[c].key);
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        data_row(t, f, r, 0);
        fputc('\n', f);
    }
    return t->failed || ferror(f) ? -1 : 0;
}

/* table_write_json_fields - one row's pairs */
void table_write_json_fields(const struct table *t, FILE *f, size_t r)
{
    data_row(t, f, r, 1);
}

/* table_write_json - an array of objects */
int table_write_json(const struct table *t, FILE *f, int indent)
{
    fputc('[', f);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n" : "\n", f);
        pad(f, (size_t)indent + 2);
        fputc('{', f);
        table_write_json_fields(t, f, r);
        fputc('}', f);
    }
    if (t->nrows) {
        fputc('\n', f);
        pad(f, (size_t)indent);
    }
    fputc(']', f);
    return t->failed || ferror(f) ? -1 : 0;
}

/* table_free - release the cells */
void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        free(t->cells[i].s);
        free(t->cells[i].show);
    }
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}
