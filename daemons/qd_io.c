/*
 * qd_io.c - clock, non-blocking mode, output buffers; see qd_io.h.
 *
 * The daemons write to their peers through non-blocking descriptors and
 * a buffer each, as qmail-send does (it sets O_NDELAY on its spawner
 * pipes): a slow peer must never stop the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qd_io.h"

/* qd_now - the wall clock */
qc_time qd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (qc_time)ts.tv_sec * QC_SEC + ts.tv_nsec / 1000;
}

/* qd_nonblock - O_NONBLOCK on fd */
int qd_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* qd_buf_reserve - room for n bytes at the end, compacting first */
char *qd_buf_reserve(struct qd_buf *b, size_t n)
{
    if (b->off == b->len)
        b->off = b->len = 0;
    if (b->cap - b->len >= n)
        return b->data + b->len;
    if (b->off > 0) {
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->cap - b->len >= n)
            return b->data + b->len;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2)
            return NULL;
        cap *= 2;
    }
    char *d = qc_resize(b->alloc, b->data, b->cap, cap);
    if (!d)
        return NULL;
    b->data = d;
    b->cap = cap;
    return b->data + b->len;
}

/* qd_buf_add - append */
int qd_buf_add(struct qd_buf *b, const void *p, size_t n)
{
    char *at = qd_buf_reserve(b, n);
    if (!at)
        return -1;
    memcpy(at, p, n);
    b->len += n;
    return 0;
}

/* qd_buf_pending - unwritten bytes */
size_t qd_buf_pending(const struct qd_buf *b)
{
    return b->len - b->off;
}

/* qd_buf_flush - as much as fd takes now */
int qd_buf_flush(struct qd_buf *b, int fd)
{
    while (b->off < b->len) {
        ssize_t w = write(fd, b->data + b->off, b->len - b->off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        b->off += (size_t)w;
    }
    b->off = b->len = 0;
    return 0;
}

/* qd_buf_flush_all - everything, waiting as needed */
int qd_buf_flush_all(struct qd_buf *b, int fd)
{
    int r = fdio_write_all(fd, b->data + b->off, b->len - b->off);
    b->off = b->len = 0;
    return r;
}

/* qd_buf_free - release the memory */
void qd_buf_free(struct qd_buf *b)
{
    const struct qc_alloc *a = b->alloc;
    qc_release(a, b->data, b->cap);
    memset(b, 0, sizeof *b);
    b->alloc = a;
}
