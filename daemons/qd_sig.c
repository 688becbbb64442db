/*
 * qd_sig.c - the self-pipe for signals; see qd_sig.h.
 *
 * The flags and the pipe are process globals because a signal handler
 * can reach nothing else; nothing outside this file sees them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "qd_io.h"
#include "qd_sig.h"

static volatile sig_atomic_t got_term, got_hup, got_alrm;
static int sig_pipe[2] = {-1, -1};

/* on_signal - note the signal, wake poll() */
static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGTERM)
        got_term = 1;
    else if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGALRM)
        got_alrm = 1;
    if (sig_pipe[1] >= 0)
        (void)!write(sig_pipe[1], "", 1);
    errno = saved;
}

/* qd_sig_init - handlers and the pipe */
int qd_sig_init(void)
{
    if (pipe(sig_pipe) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        (void)qd_nonblock(sig_pipe[i]);
        (void)fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return sig_pipe[0];
}

/* qd_sig_take - test and clear */
int qd_sig_take(int sig)
{
    volatile sig_atomic_t *f = sig == SIGTERM  ? &got_term
                               : sig == SIGHUP ? &got_hup
                                               : &got_alrm;
    if (!*f)
        return 0;
    *f = 0;
    return 1;
}

/* qd_sig_drain - read away the wake-up bytes */
void qd_sig_drain(void)
{
    char buf[64];
    while (read(sig_pipe[0], buf, sizeof buf) > 0)
        ;
}
