/*
 * fdio.c - whole writes, interrupted reads; see fdio.h.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "fdio.h"

/* fdio_write_all - all n bytes, whatever the descriptor's mode */
int fdio_write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd pf = {fd, POLLOUT, 0};
                (void)poll(&pf, 1, 1000);
                continue;
            }
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fdio_read_some - one read, retried on EINTR */
ssize_t fdio_read_some(int fd, void *p, size_t n)
{
    ssize_t r;
    do
        r = read(fd, p, n);
    while (r < 0 && errno == EINTR);
    return r;
}
