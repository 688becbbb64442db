/*
 * sim_fmt.c - numbers into text without printf's format parsing: the
 * simulator writes an address per delivery and ten CSV rows per sample,
 * millions in a big run.
 *
 *	sim_put_dec(p, v)	v in decimal at p; returns the end
 *	sim_row_*		a CSV row built in a buffer, then written
 */
#include <stdio.h>
#include <string.h>

#include "sim_int.h"

/* sim_put_dec - v in decimal at p; the end */
char *sim_put_dec(char *p, unsigned long long v)
{
    return p + qc_fmt_u64(p, v);
}

/* sim_row_str - a field of text (the row has room: fields are short) */
void sim_row_str(struct sim_row *r, const char *str)
{
    size_t n = strlen(str);
    if (n > sizeof r->b - 64 - r->n)
        n = sizeof r->b - 64 - r->n;
    if (r->fields++)
        r->b[r->n++] = ',';
    memcpy(r->b + r->n, str, n);
    r->n += n;
}

/* sim_row_u - an unsigned field */
void sim_row_u(struct sim_row *r, unsigned long long v)
{
    if (r->fields++)
        r->b[r->n++] = ',';
    r->n = (size_t)(sim_put_dec(r->b + r->n, v) - r->b);
}

/* sim_row_i - a signed field */
void sim_row_i(struct sim_row *r, long long v)
{
    if (r->fields++)
        r->b[r->n++] = ',';
    if (v < 0) {
        r->b[r->n++] = '-';
        r->n = (size_t)(sim_put_dec(r->b + r->n,
                                    0ULL - (unsigned long long)v) - r->b);
    } else {
        r->n = (size_t)(sim_put_dec(r->b + r->n, (unsigned long long)v) -
                        r->b);
    }
}

/* sim_row_end - the row and its newline to f; the row is empty again */
void sim_row_end(struct sim_row *r, FILE *f)
{
    r->b[r->n++] = '\n';
    fwrite(r->b, 1, r->n, f);
    r->n = 0;
    r->fields = 0;
}
