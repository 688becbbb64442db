/*
 * control_file.c - read one control file the way qmail's control.c does.
 *
 *	control_file_read(dir, name, alloc, &text, err)
 *		the whole of dir/name.  A file that does not exist is absent
 *		(0), which is not an error: qmail then uses a default.  Any
 *		other failure (permission, a directory in the file's place,
 *		a read error) is an error naming the file.
 *	control_file_line(alloc, buf, len)
 *		the first line with trailing spaces, tabs and newlines
 *		stripped (qmail's control_readline).  An empty file gives "".
 *	control_file_list(buf, len, fn, ctx)
 *		each line stripped the same way; blank lines and lines that
 *		begin with '#' are skipped (qmail's control_readfile).
 *		Leading white space is kept, as in qmail.
 *	control_file_number(buf, len, max, &n)
 *		the leading decimal digits of the first line (qmail's
 *		control_readint): a line that does not begin with a digit
 *		counts as an absent file, so the default stays.
 *
 * Only spaces, tabs and newlines are stripped: a carriage return from a
 * file edited elsewhere stays part of the value, exactly as in qmail.  A
 * NUL byte inside a line ends that entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control_file.h"

/* control_error_set - fill in err */
void control_error_set(struct control_error *err, const char *file,
                       unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->nomem = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* read_all - the bytes of an open descriptor into a block from a; -1
 * with errno (ENOMEM: refused) */
static int read_all(int fd, const struct qc_alloc *a,
                    struct control_text *t)
{
    size_t cap = 4096, n = 0;
    char *b = qc_resize(a, NULL, 0, cap);

    if (!b) {
        errno = ENOMEM;
        return -1;
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = qc_resize(a, b, cap, cap * 2);
            if (!nb) {
                qc_release(a, b, cap);
                errno = ENOMEM;
                return -1;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            qc_release(a, b, cap);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    b[n] = '\0';
    t->buf = b;
    t->len = n;
    t->size = cap;
    return 0;
}

/* control_file_read - whole of dir/name; 1 read, 0 absent, -1 error */
int control_file_read(const char *dir, const char *name,
                      const struct qc_alloc *alloc, struct control_text *text,
                      struct control_error *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);

    text->buf = NULL;
    text->len = text->size = 0;
    if (n < 0 || (size_t)n >= sizeof path) {
        control_error_set(err, dir, 0, "control directory name too long");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        control_error_set(err, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (read_all(fd, alloc, text) < 0) {
        if (errno == ENOMEM) {
            control_error_set(err, path, 0, "out of memory");
            if (err)
                err->nomem = 1;
        } else {
            control_error_set(err, path, 0, "cannot read: %s",
                              strerror(errno));
        }
        close(fd);
        return -1;
    }
    close(fd);
    return 1;
}

/* control_file_drop - give text's block back */
void control_file_drop(const struct qc_alloc *alloc, struct control_text *text)
{
    qc_release(alloc, text->buf, text->size);
    text->buf = NULL;
    text->len = text->size = 0;
}

/* stripped_len - length of line[0..n) without trailing blanks/newlines */
static size_t stripped_len(const char *line, size_t n)
{
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' ' ||
                     line[n - 1] == '\t'))
        n--;
    return n;
}

/* control_file_line - first line, stripped, a copy from alloc */
char *control_file_line(const struct qc_alloc *alloc, const char *buf,
                        size_t len)
{
    const char *nl = memchr(buf, '\n', len);
    size_t n = stripped_len(buf, nl ? (size_t)(nl - buf) : len);

    return qc_strndup(alloc, buf, n);
}

/* control_file_list - each kept line of buf, in order */
int control_file_list(char *buf, size_t len,
                      int (*fn)(const char *entry, unsigned lineno, void *ctx),
                      void *ctx)
{
    size_t pos = 0;
    unsigned lineno = 0;

    while (pos < len) {
        char *line = buf + pos;
        char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;

        pos += n + (nl ? 1 : 0);
        lineno++;
        n = stripped_len(line, n);
        line[n] = '\0';
        if (n == 0 || line[0] == '#' || line[0] == '\0')
            continue;
        int r = fn(line, lineno, ctx);
        if (r)
            return r;
    }
    return 0;
}

/* control_file_number - leading digits of the first line, capped at max */
int control_file_number(const char *buf, size_t len, unsigned long max,
                        unsigned long *n)
{
    size_t i = 0;
    unsigned long v = 0;

    if (len == 0 || buf[0] < '0' || buf[0] > '9')
        return 0;
    /* qmail's scan_ulong wraps silently on overflow; a huge number is
     * meant as "a lot", so cap it instead */
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
        unsigned d = (unsigned)(buf[i] - '0');
        v = (v > (max - d) / 10) ? max : v * 10 + d;
    }
    *n = v;
    return 1;
}
