/*
 * send_bounce.c - qmail-send's bounce messages.
 *
 *	send_bounce(sv, id)
 *
 * When a finished message has a bounce/N, qmail-send injects a message
 * made of the failure reports in bounce/N and the start of the original
 * through qmail-queue, in qmail's words: to the sender, from
 * bouncefrom@bouncehost with the empty sender; a bounce of a bounce (empty
 * sender) goes to doublebounceto@doublebouncehost with the sender "#@[]",
 * and one of those is discarded ("triple bounce").  Then bounce/N is
 * removed.  The injector is $QMAILQUEUE if set (the qmail-queue patch's
 * variable), else $QCHAN_HOME/bin/qmail-queue; qchan-start points it at
 * qchan-queue.  The log line "bounce msg N qp P" names the injector's pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qd_path.h"
#include "qlog.h"
#include "send.h"

#define BOUNCE_MAX_BYTES 50000   /* qmail's bouncemaxbytes default */

/* put - append a string; a refusal is remembered in *bad, so that a
 * bounce missing a piece is never injected */
static void put(struct qd_buf *b, const char *s, int *bad)
{
    if (qd_buf_add(b, s, strlen(s)) < 0)
        *bad = 1;
}

/* put_file - append a file, at most max bytes; 1 if it was cut, -1 error */
static int put_file(struct qd_buf *b, const char *fn, size_t max)
{
    int fd = open(fn, O_RDONLY);
    if (fd < 0)
        return -1;
    char buf[8192];
    size_t total = 0;
    int cut = 0;
    for (;;) {
        ssize_t r = fdio_read_some(fd, buf, sizeof buf);
        if (r < 0) {
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        size_t n = (size_t)r;
        if (total + n > max) {
            n = max - total;
            cut = 1;
        }
        if (qd_buf_add(b, buf, n) < 0) {
            close(fd);
            return -1;
        }
        total += n;
        if (cut)
            break;
    }
    close(fd);
    return cut;
}

/* date_field - qmail's "Date: 28 Nov 2026 14:13:55 -0000" */
static void date_field(struct qd_buf *b, int *bad)
{
    static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char line[80];
    snprintf(line, sizeof line, "Date: %d %s %d %02d:%02d:%02d -0000\n",
             tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    put(b, line, bad);
}

/* compose - the bounce message; 0 ok, -1 a file could not be read or
 * memory ran out */
static int compose(struct send *sv, uint64_t id, const char *sender,
                   const char *to, struct qd_buf *m)
{
    char fn[QD_PATH_MAX];
    int bad = 0;
    const char *host = sv->ctl.bouncehost ? sv->ctl.bouncehost : "bouncehost";
    date_field(m, &bad);
    put(m, "From: ", &bad);
    put(m, sv->ctl.bouncefrom ? sv->ctl.bouncefrom : "MAILER-DAEMON", &bad);
    put(m, "@", &bad);
    put(m, host, &bad);
    put(m, "\nTo: ", &bad);
    put(m, to, &bad);
    put(m, "\nSubject: failure notice\n\nHi. This is the qmail-send program "
           "at ", &bad);
    put(m, host, &bad);
    put(m, *sender ? ".\nI'm afraid I wasn't able to deliver your message "
                     "to the following addresses.\nThis is a permanent "
                     "error; I've given up. Sorry it didn't work out.\n\n"
                   : ".\nI tried to deliver a bounce message to this "
                     "address, but the bounce bounced!\n\n", &bad);
    qd_path(fn, sizeof fn, &sv->env, "bounce", id);
    if (put_file(m, fn, (size_t)-1) < 0)
        return -1;
    put(m, *sender ? "--- Below this line is a copy of the message.\n\n"
                   : "--- Below this line is the original bounce.\n\n", &bad);
    put(m, "Return-Path: <", &bad);
    put(m, sender, &bad);
    put(m, ">\n", &bad);
    qd_path(fn, sizeof fn, &sv->env, "mess", id);
    int cut = put_file(m, fn, BOUNCE_MAX_BYTES);
    if (cut < 0)
        return -1;
    if (cut)
        put(m, "\n\n--- End of message stripped.\n", &bad);
    return bad ? -1 : 0;
}

/* queue_program - the qmail-queue to run */
static void queue_program(struct send *sv, char *buf, size_t cap)
{
    const char *q = getenv("QMAILQUEUE");
    if (q && *q)
        snprintf(buf, cap, "%s", q);
    else
        snprintf(buf, cap, "%s/bin/qmail-queue", sv->env.home);
}

/* inject - run qmail-queue with message m and the envelope; its pid in
 * *qp; 0 ok */
static int inject(struct send *sv, struct qd_buf *m, const char *from,
                  const char *to, pid_t *qp)
{
    char prog[QD_HOME_MAX + 32];
    queue_program(sv, prog, sizeof prog);
    int pm[2], pe[2];
    if (pipe(pm) < 0)
        return -1;
    if (pipe(pe) < 0) {
        close(pm[0]);
        close(pm[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(pm[0], 0) < 0 || dup2(pe[0], 1) < 0)
            _exit(120);
        for (int fd = 2; fd < 1024; fd++)
            close(fd);
        signal(SIGPIPE, SIG_DFL);
        execl(prog, prog, (char *)NULL);
        _exit(120);
    }
    close(pm[0]);
    close(pe[0]);
    int bad = pid < 0;
    if (!bad) {
        /* the envelope, written as three pieces: no memory to ask for */
        if (fdio_write_all(pm[1], m->data + m->off, qd_buf_pending(m)) < 0)
            bad = 1;
        close(pm[1]);
        pm[1] = -1;
        if (!bad && (fdio_write_all(pe[1], "F", 1) < 0 ||
                     fdio_write_all(pe[1], from, strlen(from) + 1) < 0 ||
                     fdio_write_all(pe[1], "T", 1) < 0 ||
                     fdio_write_all(pe[1], to, strlen(to) + 1) < 0 ||
                     fdio_write_all(pe[1], "", 1) < 0))
            bad = 1;
    }
    if (pm[1] >= 0)
        close(pm[1]);
    close(pe[1]);
    if (pid < 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    *qp = pid;
    return !bad && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* send_bounce - bounce/N, if any, to whom it concerns */
int send_bounce(struct send *sv, uint64_t id)
{
    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &sv->env, "bounce", id);
    struct stat st;
    if (stat(fn, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        send_logf(sv, "warning: unable to stat %s\n", fn);
        return -1;
    }
    char *sender;
    size_t sender_size;
    qc_time birth;
    if (send_getinfo(sv, id, &sender, &sender_size, &birth) < 0) {
        char info[QD_PATH_MAX];
        qd_path(info, sizeof info, &sv->env, "info", id);
        send_logf(sv, "warning: unable to read %s; will try again later\n",
                  info);
        return -1;
    }
    /* owner-@host-@[] -> owner-@host */
    size_t sl = strlen(sender);
    if (sl >= 5 && strcmp(sender + sl - 5, "-@[]") == 0)
        sender[sl - 4] = '\0';

    char dbl[1024];
    snprintf(dbl, sizeof dbl, "%s@%s",
             sv->ctl.doublebounceto ? sv->ctl.doublebounceto : "",
             sv->ctl.doublebouncehost ? sv->ctl.doublebouncehost : "");
    int r = 0;
    if (strcmp(sender, "#@[]") == 0) {
        send_logf(sv, "triple bounce: discarding %s\n", fn);
    } else if (!*sender && dbl[0] == '@') {
        send_logf(sv, "double bounce: discarding %s\n", fn);
    } else {
        const char *from = *sender ? "" : "#@[]";
        const char *to = *sender ? sender : dbl;
        struct qd_buf m = {.alloc = sv->alloc};
        pid_t qp = 0;
        if (compose(sv, id, sender, to, &m) < 0 ||
            inject(sv, &m, from, to, &qp) < 0) {
            send_log(sv, "warning: trouble injecting bounce message, will "
                         "try later\n");
            r = -1;
        } else {
            char line[128];
            qlog_bounce_msg(id, (unsigned long)qp, line, sizeof line);
            send_log(sv, line);
        }
        qd_buf_free(&m);
    }
    qc_release(sv->alloc, sender, sender_size);
    if (r == 0 && unlink(fn) < 0) {
        send_logf(sv, "warning: unable to unlink %s\n", fn);
        r = -1;
    }
    return r;
}
