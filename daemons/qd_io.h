/*
 * qd_io.h - the few I/O helpers the daemons share.
 *
 *	qd_now()			wall clock in qc_time (microseconds)
 *	qd_nonblock(fd)			set O_NONBLOCK
 *	struct qd_buf			a growable output buffer, drained
 *					by qd_buf_flush() on a non-blocking
 *					descriptor as poll() allows
 *
 * Whole writes and interrupted reads are lib/fdio's (fdio_write_all,
 * fdio_read_some); this header brings them in.
 */
#ifndef QD_IO_H
#define QD_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "fdio.h"
#include "qc.h"

struct qd_buf {
    const struct qc_alloc *alloc;   /* where data comes from (NULL: malloc);
                                       kept by qd_buf_free */
    char *data;
    size_t off;   /* first byte not yet written */
    size_t len;   /* end of data */
    size_t cap;
};

qc_time qd_now(void);
int qd_nonblock(int fd);

/* qd_buf_reserve - room for n more bytes at data + len; NULL if no memory */
char *qd_buf_reserve(struct qd_buf *b, size_t n);
/* qd_buf_add - append n bytes; 0 ok, -1 out of memory */
int qd_buf_add(struct qd_buf *b, const void *p, size_t n);
/* qd_buf_pending - bytes not yet written */
size_t qd_buf_pending(const struct qd_buf *b);
/* qd_buf_flush - write what the descriptor takes; 0 ok (maybe partial),
 * -1 error with errno (EPIPE: the reader is gone) */
int qd_buf_flush(struct qd_buf *b, int fd);
/* qd_buf_flush_all - blocking: write everything; 0 ok, -1 error */
int qd_buf_flush_all(struct qd_buf *b, int fd);
/* qd_buf_free - release the memory; the buffer is empty, its allocator
 * kept */
void qd_buf_free(struct qd_buf *b);

#endif
