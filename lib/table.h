/*
 * table.h - one result table, three renderings: aligned text for
 * people, CSV and JSON for programs, from the same typed cells.
 *
 *	table_init(t, cols, ncols)	an empty table of those columns (the
 *					array is used, not copied)
 *	table_row(t)			a new row, its cells missing; the
 *					setters below fill the newest row
 *	table_str(t, c, s)		text (copied)
 *	table_uint(t, c, v)		an unsigned count
 *	table_num(t, c, v)		a number; NaN or infinity is missing
 *	table_opt(t, c, v)		a number that cannot be negative: < 0
 *					is missing (-1 meaning none)
 *	table_bool(t, c, v)		yes or no
 *	table_show(t, c, text)		what the text rendering shows in that
 *					cell instead (a value with its limit,
 *					an interval); the data stays
 *	table_write_text(t, f, indent)	aligned columns under a header line
 *					(none when every header is empty),
 *					each line after indent spaces
 *	table_write_csv(t, f)		header of keys, one line a row
 *	table_write_json(t, f, indent)	an array of objects, one a line
 *					(indent + 2 spaces), "]" at indent
 *	table_write_json_fields(t, f, r)
 *					row r's `"key": value` pairs without
 *					braces, for a record with more in it
 *	table_free(t)
 *
 * A missing cell is null in JSON, empty in CSV and "-" in text, so a
 * reader never takes "no value" for zero.  Text is escaped for its
 * format: JSON strings by json_write_str (valid UTF-8 whatever the
 * bytes), CSV fields quoted when they hold a comma, a quote or a line
 * break (RFC 4180).  Text columns are as wide as their widest cell,
 * at least `width`, counted in characters (UTF-8), so a "±" does not
 * shift the columns after it.  A TABLE_GROUP column is no column in
 * the text: a line with its shown text opens each run of rows that
 * share its value, and the rows under it are indented two more spaces.
 *
 * The writers return 0, or -1 when the stream failed or a cell could
 * not be stored (out of memory while filling).
 */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>
#include <stdio.h>

enum table_type {
    TABLE_STR,
    TABLE_UINT,
    TABLE_NUM,
    TABLE_FRACTION,   /* a number; text shows it as a percentage */
    TABLE_BOOL,       /* JSON true/false, CSV 1/0, text yes/no */
};

enum table_align { TABLE_AUTO, TABLE_LEFT, TABLE_RIGHT };

/* TABLE_SIG(n): n significant digits (%g) instead of n decimals */
#define TABLE_SIG(n) (-(n))

#define TABLE_GROUP 1     /* flags: see above */
#define TABLE_UNIT 2      /* text header "head (unit)" */
#define TABLE_NOTEXT 4    /* data only: not in the text */
#define TABLE_TEXTONLY 8  /* for people only: not in CSV or JSON */

struct table_col {
    const char *key;      /* JSON key and CSV header */
    const char *head;     /* text header; NULL: the key */
    const char *unit;     /* "s", "recipients"...; NULL or "" none */
    enum table_type type;
    int prec;             /* text: decimals, or TABLE_SIG(n) */
    int data_prec;        /* JSON and CSV: the same */
    int width;            /* text: the least width */
    enum table_align align;   /* AUTO: text left, numbers right */
    int gap;              /* text: spaces before the column (0: one) */
    int flags;
};

struct table_cell {
    int has;              /* 0: missing */
    unsigned long long u;
    double v;
    char *s;              /* TABLE_STR's text */
    char *show;           /* table_show's, or NULL */
};

struct table {
    const struct table_col *cols;
    size_t ncols;
    struct table_cell *cells;     /* nrows * ncols */
    size_t nrows, cap;
    int failed;                   /* a cell could not be stored */
};

void table_init(struct table *t, const struct table_col *cols, size_t ncols);
int table_row(struct table *t);
void table_str(struct table *t, size_t c, const char *s);
void table_uint(struct table *t, size_t c, unsigned long long v);
void table_num(struct table *t, size_t c, double v);
void table_opt(struct table *t, size_t c, double v);
void table_bool(struct table *t, size_t c, int v);
void table_show(struct table *t, size_t c, const char *text);
int table_write_text(const struct table *t, FILE *f, int indent);
int table_write_csv(const struct table *t, FILE *f);
int table_write_json(const struct table *t, FILE *f, int indent);
void table_write_json_fields(const struct table *t, FILE *f, size_t r);
void table_free(struct table *t);

/* table_fmt_num - v as the text rendering shows it with prec (decimals,
 * or TABLE_SIG(n): n significant digits, whole numbers from 10^n up
 * without an exponent) */
void table_fmt_num(char *buf, size_t cap, double v, int prec);

#endif
