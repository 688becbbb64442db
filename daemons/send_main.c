/*
 * send_main.c - qmail-send: deliver what qmail-todo has preprocessed.
 *
 *	qmail-send	(started by qchan-start; descriptors as in send.h)
 *
 * A thin host around the scheduler (core/sched.h): it reads the controls,
 * takes each spawner's limit from its handshake, scans the queue, tells
 * qmail-todo 'S', and then loops on poll(): reports from the spawners go
 * to sched_report(), "D" records from qmail-todo to sched_todo_report(),
 * "L" records to the log, and sched_run() decides everything else, its
 * events turning into spawn requests and log lines (send_sink.c) and its
 * queue operations into file operations (send_store.c).
 *
 * Signals, as qmail-send: SIGALRM makes everything queued due now; SIGHUP
 * rereads the controls, tells qmail-todo 'H' and hands the new
 * concurrencies to the scheduler, which curbs them to the spawners' limits
 * with a warning; SIGTERM stops starting deliveries, tells qmail-todo 'X',
 * waits for the deliveries in flight and for qmail-todo to finish, keeps
 * each pending list's retry time in its mtime, logs "status: exiting" and
 * exits 0.  A spawner, qmail-todo or qmail-clean that goes away is logged
 * with qmail's alert and qmail-send exits the same way.  Unlike qmail-send
 * the wait is bounded: after QCHAN_TERM_WAIT seconds (default 60) it
 * exits anyway, with an alert saying how many deliveries it left in
 * flight; their lists keep them, so the next start makes them (one that
 * finished meanwhile is made twice, as after a kill -9).  A spawner that
 * speaks the other width or sends garbage: send_spawn.c.
 *
 * Memory, all of it from one allocator (qd_alloc.h), that runs out keeps
 * nothing from being delivered, as in qmail: qmail-send says "alert: out
 * of memory, sleeping...", waits ten seconds and asks again, at start-up
 * (the controls, the scheduler, the decoders) as for a message; a
 * message it cannot take in stays on disk until it can; a SIGHUP whose
 * controls do not fit keeps those in force.
 *
 * Between other work it walks mess/ for files a crashed qmail-queue left
 * (send_cleanup.c).  Only one qmail-send runs on a queue: lock/sendmutex is locked
 * exclusively, without waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qd_alloc.h"
#include "qd_clock.h"
#include "qd_sig.h"
#include "sched_control.h"
#include "send.h"

#define SLEEP_FOREVER (86400 * QC_SEC)
/* QCHAN_TERM_WAIT's default: seconds exiting waits for deliveries */
#define SEND_EXIT_WAIT 60

/* cannot_start - qmail's start-up alert, then exit 111 */
static void cannot_start(struct send *sv, const char *why)
{
    send_logf(sv, "alert: cannot start: %s\n", why);
    send_log_flush(sv);
    _exit(111);
}

/* read_controls - control/ with the channel count fixed once known; 0
 * ok, -1 with why, -2 (why says) memory ran out */
static int read_controls(struct send *sv, struct control *c, int nchan,
                         char *why, size_t cap)
{
    struct control_error err;
    if (control_load(c, "control", nchan, sv->alloc, &err) < 0) {
        if (err.line)
            snprintf(why, cap, "%s line %u: %s", err.file, err.line, err.msg);
        else
            snprintf(why, cap, "%s: %s", err.file, err.msg);
        return err.nomem ? -2 : -1;
    }
    return 0;
}

/* block - size bytes of sv's memory, waited for (nomem) until granted:
 * start-up has nothing else to do meanwhile */
static void *block(struct send *sv, size_t size)
{
    void *p;
    while (!(p = qc_resize(sv->alloc, NULL, 0, size)))
        send_nomem(sv);
    return p;
}

/* channel_fds - the CHANNELS descriptor layout */
static void channel_fds(struct send *sv)
{
    for (int c = 0; c < sv->nchan; c++) {
        if (c < 2) {
            sv->fdout[c] = 1 + 2 * c;
            sv->fdin[c] = 2 + 2 * c;
        } else {
            sv->fdout[c] = 11 + 2 * (c - 2);
            sv->fdin[c] = 12 + 2 * (c - 2);
        }
    }
}

/* setup - everything before the loop */
static void setup(struct send *sv, int sigfd, struct sched_store *store,
                  struct sched_sink *sink)
{
    char why[1200];
    if (qd_env_load(&sv->env, why, sizeof why) < 0)
        cannot_start(sv, why);
    if (qd_clock_init(why, sizeof why) < 0)
        cannot_start(sv, why);
    if (qd_alloc_init("QCHAN_ALLOC_FAIL", why, sizeof why) < 0)
        cannot_start(sv, why);
    sv->alloc = qd_alloc();
    sv->log.alloc = sv->alloc;
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        sv->req[c].alloc = sv->alloc;
    if (chdir(sv->env.home) < 0)
        cannot_start(sv, "unable to switch to home directory");
    int rc;
    while ((rc = read_controls(sv, &sv->ctl, sv->env.nchan, why,
                               sizeof why)) == -2)
        send_nomem(sv);
    if (rc < 0) {
        char line[1300];
        snprintf(line, sizeof line, "unable to read controls: %s", why);
        cannot_start(sv, line);
    }
    sv->nchan = sv->ctl.nchan;
    if (chdir("queue") < 0)
        cannot_start(sv, "unable to switch to queue directory");
    umask(077);
    int fd = open("lock/sendmutex", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        cannot_start(sv, "unable to open mutex");
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        cannot_start(sv, "qmail-send is already running");

    unsigned long wait = SEND_EXIT_WAIT;
    const char *w = getenv("QCHAN_TERM_WAIT");
    if (w && *w && qd_env_number(w, 0, 86400, &wait) < 0) {
        snprintf(why, sizeof why, "QCHAN_TERM_WAIT=%s: expected seconds "
                 "from 0 to 86400", w);
        cannot_start(sv, why);
    }
    sv->exit_wait = (qc_time)wait * QC_SEC;

    channel_fds(sv);
    int r = send_spawn_handshake(sv, sigfd, why, sizeof why);
    if (r < 0)
        cannot_start(sv, why);
    if (r > 0) {
        /* SIGTERM before every spawner spoke: nothing was started */
        send_log(sv, "status: exiting\n");
        send_log_flush(sv);
        _exit(0);
    }
    struct sched_config cfg;
    sched_control_config(&cfg, &sv->ctl);
    cfg.alloc = sv->alloc;
    send_store_init(sv, store);
    send_sink_init(sv, sink);
    /* the controls are valid, so only memory can be missing: qmail's
     * job_init waits for it the same way */
    while (!(sv->s = sched_new(&cfg, store, sink)))
        send_nomem(sv);
    sv->tdec = block(sv, sizeof *sv->tdec);
    proto_todo_dec_init(sv->tdec, sv->nchan);
    qc_time now = qd_clock_now();
    for (int c = 0; c < sv->nchan; c++) {
        sv->rdec[c] = block(sv, sizeof *sv->rdec[c]);
        proto_report_dec_init(sv->rdec[c], sv->env.width, sv->spawn_limit[c]);
        /* reports are read until the pipe is empty: non-blocking too */
        if (qd_nonblock(sv->fdout[c]) < 0 || qd_nonblock(sv->fdin[c]) < 0)
            sv->spawn_alive[c] = 0;
        sched_spawner_limit(sv->s, c, sv->spawn_limit[c], now);
    }
    while (sched_start(sv->s, now) < 0)
        send_nomem(sv);
    for (int c = 0; c < sv->nchan; c++)
        if (!sv->spawn_alive[c])
            sched_spawner_dead(sv->s, c, now);
    sv->clean_alive = 1;
    send_scan(sv, now);
    sv->todo_alive = 1;
    sv->todo_nonblock = qd_nonblock(SEND_FD_FROM_TODO) == 0;
    if (fdio_write_all(SEND_FD_TO_TODO, "S", 1) < 0) {
        send_log(sv, "alert: oh no! lost qmail-todo connection! dying...\n");
        sv->todo_alive = 0;
        sched_exit_asap(sv->s);
    }
}

/* reread - SIGHUP */
static void reread(struct send *sv, qc_time now)
{
    char why[1200];
    struct control c;
    if (chdir(sv->env.home) < 0) {
        send_log(sv, "alert: unable to reread controls: unable to switch to "
                     "home directory\n");
        return;
    }
    if (sv->todo_alive)
        (void)fdio_write_all(SEND_FD_TO_TODO, "H", 1);
    /* the controls in force stay if the new ones cannot be read, memory
     * included: they are read into c, and only taken when complete */
    if (read_controls(sv, &c, sv->nchan, why, sizeof why) < 0) {
        send_logf(sv, "alert: unable to reread controls: %s\n", why);
    } else {
        control_free(&sv->ctl);
        sv->ctl = c;
        sched_control_reread(sv->s, &sv->ctl, now);
    }
    while (chdir("queue") < 0) {
        send_log(sv, "alert: unable to switch back to queue directory; HELP! "
                     "sleeping...\n");
        send_log_flush(sv);
        sleep(10);
    }
}

/* feed_todo - the complete records in buf: D to the scheduler, L to the
 * log, X: qmail-todo has stopped */
static void feed_todo(struct send *sv, const char *buf, size_t n,
                      qc_time now)
{
    size_t off = 0;
    while (off < n) {
        size_t used = 0;
        struct proto_todo_rec rec;
        enum proto_error err;
        int res = proto_todo_dec_feed(sv->tdec, buf + off, n - off, &used,
                                      &rec, &err);
        off += used;
        if (res == PROTO_MORE)
            break;
        if (res == PROTO_OK && rec.type == 'D') {
            if (!sched_exiting(sv->s))
                send_todo_report(sv, rec.id, rec.chanmask, now);
        } else if (rec.type == 'L' &&
                   (res == PROTO_OK || err == PROTO_E_TOOLONG)) {
            send_log_bytes(sv, rec.text, rec.len);
            /* a line cut at the record limit must not swallow the next */
            if (res != PROTO_OK && rec.len && rec.text[rec.len - 1] != '\n')
                send_log_bytes(sv, "\n", 1);
        } else if (res == PROTO_OK && rec.type == 'X') {
            /* qmail-todo's answer to 'X': it has stopped */
            if (!sched_exiting(sv->s))
                send_log(sv, "alert: oh no! lost qmail-todo connection! "
                             "dying...\n");
            sv->todo_alive = 0;
            sched_exit_asap(sv->s);
        } else {
            send_logf(sv, "warning: qmail-send unable to understand "
                      "qmail-todo: %s\n", proto_strerror(err));
        }
    }
}

/* todo_records - everything qmail-todo has written so far (a
 * non-blocking pipe, read until empty, as the reports) */
static void todo_records(struct send *sv, qc_time now)
{
    static char buf[65536];
    for (;;) {
        ssize_t r = fdio_read_some(SEND_FD_FROM_TODO, buf, sizeof buf);
        if (r < 0)
            return;
        if (r == 0) {
            if (!sched_exiting(sv->s))
                send_log(sv, "alert: oh no! lost qmail-todo connection! "
                             "dying...\n");
            sv->todo_alive = 0;
            sched_exit_asap(sv->s);
            return;
        }
        feed_todo(sv, buf, (size_t)r, now);
        if ((size_t)r < sizeof buf || !sv->todo_alive || !sv->todo_nonblock)
            return;
    }
}

/* poll_timeout - milliseconds until the scheduler next has work */
static int poll_timeout(struct send *sv, qc_time now)
{
    qc_time at = sched_next_wakeup(sv->s, now);
    if (sv->cleanup_next < at && !sched_exiting(sv->s))
        at = sv->cleanup_next;
    if (at <= now)
        return 0;
    qc_time wait = at - now;
    if (wait > SLEEP_FOREVER)
        wait = SLEEP_FOREVER;
    return qd_clock_wait_ms(wait);
}

/* exit_waited - exiting, and the wait for what is in flight is over:
 * say what is left behind (each list keeps its records, so the next
 * start delivers them; a delivery that finishes after this exit is made
 * twice, as after a kill -9) */
static int exit_waited(struct send *sv)
{
    if (!sched_exiting(sv->s))
        return 0;
    qc_time real = qd_now();
    if (!sv->exit_since)
        sv->exit_since = real;
    if (real - sv->exit_since < sv->exit_wait)
        return 0;
    unsigned inflight = 0;
    for (int c = 0; c < sv->nchan; c++)
        if (sv->spawn_alive[c])
            inflight += sched_inflight(sv->s, c);
    send_logf(sv, "alert: exiting with %u deliveries in flight%s after %lld "
              "seconds (QCHAN_TERM_WAIT); they will be made after the "
              "restart\n", inflight, sv->todo_alive ? " and qmail-todo "
              "not stopped" : "", (long long)(sv->exit_wait / QC_SEC));
    return 1;
}

/* exit_timeout - poll()'s timeout capped to the end of the exit wait */
static int exit_timeout(struct send *sv, int timeout)
{
    if (!sched_exiting(sv->s))
        return timeout;
    if (!sv->exit_since)
        sv->exit_since = qd_now();
    qc_time left = sv->exit_since + sv->exit_wait - qd_now();
    int ms = left <= 0 ? 0 : (int)(left / 1000) + 1;
    return timeout < 0 || ms < timeout ? ms : timeout;
}

/* loop - until told to stop and everything in flight is back, or the
 * exit wait is over */
static void loop(struct send *sv, int sigfd)
{
    struct pollfd pf[2 * QC_MAX_CHANNELS + 4];
    int idx_in[QC_MAX_CHANNELS], idx_out[QC_MAX_CHANNELS];
    while ((!sched_exiting(sv->s) || !sched_can_exit(sv->s) ||
            sv->todo_alive) && !exit_waited(sv)) {
        qc_time now = qd_clock_now();
        if (qd_sig_take(SIGTERM) && !sched_exiting(sv->s))
            sched_exit_asap(sv->s);
        if (qd_sig_take(SIGHUP))
            reread(sv, now);
        if (qd_sig_take(SIGALRM))
            sched_alarm(sv->s, now);
        if (sched_exiting(sv->s) && sv->todo_alive && !sv->todo_x_sent) {
            if (fdio_write_all(SEND_FD_TO_TODO, "X", 1) < 0)
                sv->todo_alive = 0;
            sv->todo_x_sent = 1;
        }
        sched_run(sv->s, now);
        if (!sched_exiting(sv->s))
            send_cleanup_step(sv, now);

        int np = 0;
        pf[np++] = (struct pollfd){sigfd, POLLIN, 0};
        int itodo = -1;
        if (sv->todo_alive) {
            itodo = np;
            pf[np++] = (struct pollfd){SEND_FD_FROM_TODO, POLLIN, 0};
        }
        for (int c = 0; c < sv->nchan; c++) {
            idx_in[c] = idx_out[c] = -1;
            if (!sv->spawn_alive[c])
                continue;
            if (qd_buf_pending(&sv->req[c]) &&
                qd_buf_flush(&sv->req[c], sv->fdout[c]) < 0) {
                send_spawn_gone(sv, c, now);
                continue;
            }
            idx_in[c] = np;
            pf[np++] = (struct pollfd){sv->fdin[c], POLLIN, 0};
            if (qd_buf_pending(&sv->req[c])) {
                idx_out[c] = np;
                pf[np++] = (struct pollfd){sv->fdout[c], POLLOUT, 0};
            }
        }
        send_log_flush(sv);
        int timeout = poll_timeout(sv, now);
        if (send_cleanup_busy(sv) && !sched_exiting(sv->s))
            timeout = 0;
        timeout = exit_timeout(sv, timeout);
        if (poll(pf, (nfds_t)np, timeout) < 0) {
            if (errno != EINTR)
                send_log(sv, "warning: trouble in poll\n");
            continue;
        }
        now = qd_clock_now();
        if (pf[0].revents)
            qd_sig_drain();
        for (int c = 0; c < sv->nchan; c++) {
            if (idx_out[c] >= 0 && pf[idx_out[c]].revents &&
                qd_buf_flush(&sv->req[c], sv->fdout[c]) < 0)
                send_spawn_gone(sv, c, now);
            if (idx_in[c] >= 0 && pf[idx_in[c]].revents)
                send_spawn_reports(sv, c, now);
        }
        if (itodo >= 0 && pf[itodo].revents)
            todo_records(sv, now);
    }
}

int main(int argc, char **argv)
{
    (void)argv;
    static struct send sv;
    static struct sched_store store;
    static struct sched_sink sink;
    if (argc > 1) {
        fprintf(stderr, "usage: qmail-send (started by qchan-start)\n");
        return 100;
    }
    int sigfd = qd_sig_init();
    if (sigfd < 0)
        cannot_start(&sv, "unable to create the signal pipe");
    setup(&sv, sigfd, &store, &sink);
    loop(&sv, sigfd);
    send_keep_retry_times(&sv);
    send_log(&sv, "status: exiting\n");
    send_log_flush(&sv);
    sched_free(sv.s);
    send_store_free(&sv);
    control_free(&sv.ctl);
    for (int c = 0; c < sv.nchan; c++) {
        qc_release(sv.alloc, sv.rdec[c], sizeof *sv.rdec[c]);
        qd_buf_free(&sv.req[c]);
    }
    qc_release(sv.alloc, sv.tdec, sizeof *sv.tdec);
    if (sv.cleanup_dir)
        closedir(sv.cleanup_dir);
    qd_buf_free(&sv.log);
    return 0;
}
