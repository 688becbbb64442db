/*
 * fdio.h - reads and writes on descriptors that finish what they start.
 *
 *	fdio_write_all(fd, p, n)	all n bytes: retries EINTR and short
 *					writes, and on a non-blocking
 *					descriptor that is full (EAGAIN) waits
 *					for it to drain; 0, or -1 with errno
 *	fdio_read_some(fd, p, n)	one read(), retried on EINTR
 *
 * The daemons write to their peers through non-blocking pipes, the
 * sweep's workers through blocking ones: one writer serves both.
 */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>
#include <sys/types.h>

int fdio_write_all(int fd, const void *p, size_t n);
ssize_t fdio_read_some(int fd, void *p, size_t n);

#endif
