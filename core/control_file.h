/*
 * control_file.h - reading one qmail control file (internal to control.c).
 *
 *	control_file_read(dir, name, alloc, &text, err)	whole file
 *	control_file_drop(alloc, &text)	give its memory back
 *	control_file_line(alloc, buf, len)	qmail's control_readline: first line
 *	control_file_list(buf, len, fn, ctx)	qmail's control_readfile lines
 *	control_file_number(buf, len, max, &n)	qmail's control_readint
 */
#ifndef CONTROL_FILE_H
#define CONTROL_FILE_H

#include <stddef.h>

#include "control.h"

/* the bytes of one file, with a NUL after them */
struct control_text {
    char *buf;
    size_t len;     /* bytes read */
    size_t size;    /* bytes of the block (for qc_release) */
};

/* control_file_read - 1 read (text->buf from alloc, NUL added), 0
 * absent, -1 error (err->nomem set when memory ran out) */
int control_file_read(const char *dir, const char *name,
                      const struct qc_alloc *alloc, struct control_text *text,
                      struct control_error *err);
/* control_file_drop - release text's block (text is left empty) */
void control_file_drop(const struct qc_alloc *alloc,
                       struct control_text *text);

/* control_file_line - first line, trailing space/tab/newline stripped,
 * from alloc (qc_strfree gives it back); NULL if out of memory */
char *control_file_line(const struct qc_alloc *alloc, const char *buf,
                        size_t len);

/* control_file_list - fn(entry, lineno, ctx) for each line that is not
 * blank and does not start with '#' once stripped (buf is cut into
 * NUL-terminated entries in place, so buf[len] must be writable, as
 * control_file_read leaves it); stops at and returns
 * fn's first non-zero result */
int control_file_list(char *buf, size_t len,
                      int (*fn)(const char *entry, unsigned lineno, void *ctx),
                      void *ctx);

/* control_file_number - 1 and *n if the first line starts with a digit
 * (value capped at max), 0 if it counts as absent */
int control_file_number(const char *buf, size_t len, unsigned long max,
                        unsigned long *n);

/* control_error_set - fill err (file, line, printf-style message) */
void control_error_set(struct control_error *err, const char *file,
                       unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
