/*
 * qd_fds.c - descriptor needs of qchan's daemons; see qd_fds.h.
 *
 * qd_fds_free() asks the kernel rather than counting: it duplicates a
 * descriptor n times and closes the copies.  Descriptors are always the
 * lowest free ones, so if n copies can be made, n open() calls that
 * follow (in the same single-threaded process) cannot fail for want of
 * a descriptor number; the limit may have been lowered from outside
 * (prlimit) at any time, which no count kept here would see.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "limits_model.h"
#include "qd_fds.h"

/* qd_fds_send - qmail-send with every pass open and a bounce going out */
unsigned long qd_fds_send(int nchan)
{
    return (unsigned long)limits_send_fds(nchan, nchan, 1) + QD_FDS_SEND_OWN;
}

/* qd_fds_todo - qmail-todo writing a message with a list per channel */
unsigned long qd_fds_todo(int nchan)
{
    return (unsigned long)limits_todo_fds(nchan, 1) + QD_FDS_TODO_OWN;
}

/* qd_fds_todo_message - todo/N, info/N and a list per channel */
unsigned long qd_fds_todo_message(int nchan)
{
    return (unsigned long)(limits_todo_fds(nchan, 1) -
                           limits_todo_fds(nchan, 0));
}

/* qd_fds_nofile - the soft descriptor limit */
unsigned long qd_fds_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
        rl.rlim_cur > QD_FDS_UNLIMITED)
        return QD_FDS_UNLIMITED;
    return (unsigned long)rl.rlim_cur;
}

/* qd_fds_free - can n more descriptors be opened now?  (n is at most
 * QD_FDS_PROBE_MAX; more is checked as that many) */
int qd_fds_free(unsigned n)
{
    int got[QD_FDS_PROBE_MAX];
    unsigned made = 0;
    if (n > QD_FDS_PROBE_MAX)
        n = QD_FDS_PROBE_MAX;
    while (made < n) {
        int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
        if (fd < 0 && errno == EBADF)
            fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        got[made++] = fd;
    }
    for (unsigned i = 0; i < made; i++)
        close(got[i]);
    return made == n;
}
