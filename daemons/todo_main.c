/*
 * todo_main.c - qmail-todo: preprocess queued messages for qmail-send.
 *
 *	qmail-todo	(started by qchan-start; fds as in todo.h)
 *
 * It waits for qmail-send's 'S', then walks todo/ whenever lock/trigger is
 * pulled (qmail-queue does that for every new message) and at least every
 * 25 minutes, preprocessing each message (todo_msg.c) and reporting it to
 * qmail-send with a "D" record; its log lines travel to qmail-send as "L"
 * records.  From qmail-send it obeys 'H' (reread the controls: locals,
 * virtualdomains, percenthack, envnoathost, supplsK) and 'X' (stop, answer
 * "X", exit when qmail-send closes the pipe).  SIGTERM stops it as 'X'
 * does.  If qmail-send goes away without 'X' it exits 1: nobody is left
 * to log to.
 *
 * Trouble does not flood the log or wait for the next message: before
 * each message it checks that the descriptors the message needs can be
 * opened (qd_fds.h); if not, it logs one alert, holds its scans for 10
 * seconds (qmail-todo's "sleeping...") and then scans again by itself.
 * A pass that leaves messages in todo/ for any other reason is followed
 * by another after 10 s, doubling up to the 25 minutes.  Warnings
 * beyond TODO_WARN_BURST a minute are counted, and the count is logged
 * instead; an alert that holds the scans is logged once a minute at
 * most, with the number of times it came meanwhile.
 *
 * Memory, all of it from one allocator (qd_alloc.h), that runs out
 * loses nothing: a message it was refused for stays in todo/ and the
 * scans are held as for missing descriptors ("alert: qmail-todo: out of
 * memory, sleeping..."); the controls at start-up are waited for; an 'H'
 * whose controls or classifier do not fit keeps those in force.  Its
 * pauses are ten seconds on the test build's clock (qd_clock.h), as
 * qmail-send's.
 *
 * Settings come from the environment (qd_env.h); the controls from
 * $QCHAN_HOME/control with qmail's rules (core/control.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto.h"
#include "qd_alloc.h"
#include "qd_clock.h"
#include "qd_fds.h"
#include "qd_path.h"
#include "qd_sig.h"
#include "todo.h"

#define SLEEP_TODO (1500 * QC_SEC)   /* check todo/ every 25 minutes */
#define TURN_MESSAGES 64             /* messages per turn of the loop */
#define OUT_HIGH (256 * 1024)        /* stop preprocessing above this */
#define SLEEP_SYSFAIL (10 * QC_SEC)  /* "unable to opendir todo, sleeping" */

/* add_record - an L record into the output, all or nothing, as
 * qmail-todo's log1; when the output cannot grow, what it holds and
 * then the record go to qmail-send at once (an alert about memory is
 * not lost to the memory it is about) */
static void add_record(struct todo *t, const char *line)
{
    size_t len = strlen(line);
    char *at = qd_buf_reserve(&t->out, len + 2);
    if (!at) {
        char rec[2100];
        size_t n = proto_todo_enc_log(rec, sizeof rec, line, len);
        if (n <= sizeof rec &&
            (qd_buf_flush_all(&t->out, TODO_FD_TO_SEND) < 0 ||
             fdio_write_all(TODO_FD_TO_SEND, rec, n) < 0))
            t->send_alive = 0;
        return;
    }
    size_t n = proto_todo_enc_log(at, len + 2, line, len);
    if (n <= len + 2)
        t->out.len += n;
}

/* warn_window - start a new window of the rate limit once the old one is
 * over (or now, when stopping), logging how many lines it left out */
static void warn_window(struct todo *t, qc_time now, int force)
{
    if (!force && now - t->warn_since < TODO_WARN_WINDOW)
        return;
    if (t->warn_dropped) {
        char line[160];
        snprintf(line, sizeof line, "warning: qmail-todo: %lu more warnings "
                 "in %lld seconds not logged\n", t->warn_dropped,
                 (long long)((now - t->warn_since) / QC_SEC));
        add_record(t, line);
    }
    t->warn_since = now;
    t->warn_count = 0;
    t->warn_dropped = 0;
}

/* todo_log - an L record; warnings rate-limited */
void todo_log(struct todo *t, const char *line)
{
    if (strncmp(line, "warning:", 8) == 0) {
        warn_window(t, qd_now(), 0);
        if (t->warn_count >= TODO_WARN_BURST) {
            t->warn_dropped++;
            return;
        }
        t->warn_count++;
    }
    add_record(t, line);
}

/* todo_hold_alert - a holding alert, once a window, with its repeats */
void todo_hold_alert(struct todo *t, const char *line)
{
    qc_time now = qd_now();
    if (t->hold_logged && now - t->hold_logged < TODO_WARN_WINDOW) {
        t->hold_repeats++;
        return;
    }
    char buf[1200];
    if (t->hold_repeats)
        snprintf(buf, sizeof buf, "%s (%lu more times since the last)\n",
                 line, t->hold_repeats);
    else
        snprintf(buf, sizeof buf, "%s\n", line);
    add_record(t, buf);
    t->hold_logged = now;
    t->hold_repeats = 0;
}

/* todo_logf - an L record, formatted */
void todo_logf(struct todo *t, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    todo_log(t, line);
}

/* start_alert - log through qmail-send's pipe and give up */
static void start_alert(struct todo *t, const char *line)
{
    todo_log(t, line);
    (void)qd_buf_flush_all(&t->out, TODO_FD_TO_SEND);
    _exit(111);
}

/* load_controls - control/ into t (home is the working directory); 0,
 * -1 with why, -2 (why says) memory ran out */
static int load_controls(struct todo *t, struct control *c, char *why,
                         size_t cap)
{
    struct control_error err;
    if (control_load(c, "control", t->env.nchan, t->alloc, &err) < 0) {
        if (err.line)
            snprintf(why, cap, "%s line %u: %s", err.file, err.line, err.msg);
        else
            snprintf(why, cap, "%s: %s", err.file, err.msg);
        return err.nomem ? -2 : -1;
    }
    return 0;
}

/* start_nomem - memory refused at start-up: say so, wait, try again */
static void start_nomem(struct todo *t)
{
    todo_log(t, "alert: qmail-todo: out of memory, sleeping...\n");
    (void)qd_buf_flush_all(&t->out, TODO_FD_TO_SEND);
    (void)poll(NULL, 0, qd_clock_wait_ms(SLEEP_SYSFAIL));
}

/* reread - 'H': new controls, keeping the channel count */
static void reread(struct todo *t)
{
    char why[1024];
    if (chdir(t->env.home) < 0) {
        todo_log(t, "alert: qmail-todo: unable to reread controls: unable "
                    "to switch to home directory\n");
        return;
    }
    struct control c;
    struct classify *cl = NULL;
    if (load_controls(t, &c, why, sizeof why) < 0)
        todo_logf(t, "alert: qmail-todo: unable to reread controls: %s\n",
                  why);
    else if (c.nchan != t->nchan)
        todo_logf(t, "alert: qmail-todo: unable to reread controls: they "
                  "define %d channels, not %d; restart to change that\n",
                  c.nchan, t->nchan);
    else if (!(cl = classify_new(&c, t->alloc)))
        todo_log(t, "alert: qmail-todo: unable to reread controls: out of "
                    "memory\n");
    if (cl) {
        control_free(&t->ctl);
        classify_free(t->cl);
        t->ctl = c;
        t->cl = cl;
    } else {
        control_free(&c);
    }
    while (chdir("queue") < 0) {
        todo_log(t, "alert: qmail-todo: unable to switch back to queue "
                    "directory; HELP! sleeping...\n");
        (void)qd_buf_flush_all(&t->out, TODO_FD_TO_SEND);
        sleep(10);
    }
}

/* trigger_set - (re)open lock/trigger so the next pull is seen */
static void trigger_set(struct todo *t)
{
    if (t->trigger >= 0)
        close(t->trigger);
    t->trigger = open("lock/trigger", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* command - one byte from qmail-send */
static void command(struct todo *t, char ch)
{
    enum proto_error err;
    switch (proto_cmd_decode(ch, &err)) {
    case 'H':
        reread(t);
        break;
    case 'X':
        if (!t->stop)
            todo_log(t, "status: qmail-todo stop processing asap\n");
        t->stop = 1;
        break;
    case 'S':
        break;
    default:
        todo_log(t, "warning: qmail-todo: qmail-send speaks an obscure "
                    "dialect\n");
    }
}

/* hold - no scan for SLEEP_SYSFAIL (on the test build's clock), then
 * one without a trigger */
static void hold(struct todo *t, qc_time now)
{
    t->hold_until = now + (qc_time)qd_clock_wait_ms(SLEEP_SYSFAIL) * 1000;
    t->next_run = t->hold_until;
}

/* descriptors_ok - can the next message's files be opened?  If not, the
 * pass stops before the message instead of failing on it (and on every
 * one after it, at every trigger) */
static int descriptors_ok(struct todo *t, qc_time now)
{
    unsigned long need = qd_fds_todo_message(t->nchan);
    if (qd_fds_free((unsigned)need))
        return 1;
    char line[160];
    snprintf(line, sizeof line, "alert: qmail-todo: out of descriptors (a "
             "message needs %lu more; ulimit -n %lu), sleeping...", need,
             qd_fds_nofile());
    todo_hold_alert(t, line);
    todo_scan_stop(t);
    hold(t, now);
    return 0;
}

/* left_in_todo - todo_msg() did not get through: todo/N is still there */
static int left_in_todo(struct todo *t, uint64_t id)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    if (qd_path(fn, sizeof fn, &t->env, "todo", id) < 0)
        return 0;
    return stat(fn, &st) == 0;
}

/* pass_done - a pass ended; one that left messages is repeated on a
 * timer (10 s, doubling with each repeat that leaves them again, up to
 * SLEEP_TODO; passes a trigger started do not double it), so what
 * failed for a passing reason is done without waiting for a trigger */
static void pass_done(struct todo *t, qc_time now)
{
    if (!t->left) {
        t->retry_wait = 0;
        return;
    }
    t->left = 0;
    if (!t->retry_wait)
        t->retry_wait = SLEEP_SYSFAIL;
    else if (t->pass_timed)
        t->retry_wait *= 2;
    if (t->retry_wait > SLEEP_TODO)
        t->retry_wait = SLEEP_TODO;
    if (now + t->retry_wait < t->next_run)
        t->next_run = now + t->retry_wait;
}

/* work - preprocess what is due, a bounded number per turn */
static void work(struct todo *t, int pulled, qc_time now)
{
    if (t->stop)
        return;
    if (!t->scanning) {
        if (now < t->hold_until || (!pulled && now < t->next_run))
            return;
        trigger_set(t);
        t->pass_timed = !pulled;
        t->next_run = now + SLEEP_TODO;
        t->left = 0;
        if (todo_scan_start(t) < 0) {
            /* qmail-todo sleeps 10 s here; holding the scan instead keeps
             * the talk with qmail-send going, and a trigger pulled
             * meanwhile is not lost: the scan runs when the hold ends */
            hold(t, now);
            return;
        }
    }
    uint64_t id;
    for (int i = 0; i < TURN_MESSAGES && !t->stop; i++) {
        if (qd_buf_pending(&t->out) > OUT_HIGH)
            return;
        if (!todo_scan_next(t, &id)) {
            pass_done(t, now);
            return;
        }
        if (!descriptors_ok(t, now))
            return;
        if (todo_msg(t, id) == TODO_MSG_NOMEM) {
            /* qmail-todo's nomem(): the message waits in todo/ */
            todo_hold_alert(t, "alert: qmail-todo: out of memory, "
                               "sleeping...");
            todo_scan_stop(t);
            hold(t, now);
            return;
        }
        if (left_in_todo(t, id))
            t->left++;
    }
}

/* setup - settings, controls, the queue directory */
static void setup(struct todo *t)
{
    char err[1024];
    t->trigger = -1;
    t->send_alive = 1;
    if (qd_env_load(&t->env, err, sizeof err) < 0 ||
        qd_clock_init(err, sizeof err) < 0 ||
        qd_alloc_init("QCHAN_TODO_ALLOC_FAIL", err, sizeof err) < 0) {
        char line[1200];
        snprintf(line, sizeof line, "alert: qmail-todo: cannot start: %s\n",
                 err);
        start_alert(t, line);
    }
    t->alloc = qd_alloc();
    t->out.alloc = t->alloc;
    if (chdir(t->env.home) < 0)
        start_alert(t, "alert: qmail-todo: cannot start: unable to switch "
                       "to home directory\n");
    int rc;
    while ((rc = load_controls(t, &t->ctl, err, sizeof err)) == -2)
        start_nomem(t);
    if (rc < 0) {
        char line[1200];
        snprintf(line, sizeof line, "alert: qmail-todo: cannot start: "
                 "unable to read controls: %s\n", err);
        start_alert(t, line);
    }
    t->nchan = t->ctl.nchan;
    while (!(t->cl = classify_new(&t->ctl, t->alloc)))
        start_nomem(t);
    if (chdir("queue") < 0)
        start_alert(t, "alert: qmail-todo: cannot start: unable to switch "
                       "to queue directory\n");
    umask(077);
}

int main(int argc, char **argv)
{
    (void)argv;
    static struct todo t;
    if (argc > 1) {
        fprintf(stderr, "usage: qmail-todo (started by qchan-start: fd 0/1 "
                        "from/to qmail-send, 2/3 to/from qmail-clean)\n");
        return 100;
    }
    int sigfd = qd_sig_init();
    setup(&t);

    char ch;
    ssize_t r;
    while ((r = fdio_read_some(TODO_FD_FROM_SEND, &ch, 1)) != 1)
        if (r == 0 || errno != EAGAIN)
            _exit(100);   /* qmail-send died before it started us */
    (void)qd_nonblock(TODO_FD_TO_SEND);
    trigger_set(&t);
    t.next_run = qd_now();

    int pulled = 0;
    for (;;) {
        if (!t.send_alive)
            _exit(t.stop ? 0 : 1);
        if (qd_sig_take(SIGTERM))
            command(&t, 'X');
        if (qd_sig_take(SIGHUP))
            reread(&t);
        if (qd_sig_take(SIGALRM))
            pulled = 1;
        qc_time now = qd_now();
        warn_window(&t, now, 0);
        work(&t, pulled, now);
        pulled = 0;
        if (t.stop && !t.x_queued && t.warn_dropped)
            warn_window(&t, now, 1);
        if (t.stop && !t.x_queued && qd_buf_pending(&t.out) == 0) {
            (void)qd_buf_add(&t.out, "X", 2);
            t.x_queued = 1;
        }

        struct pollfd pf[4];
        int np = 0;
        pf[np++] = (struct pollfd){TODO_FD_FROM_SEND, POLLIN, 0};
        pf[np++] = (struct pollfd){sigfd, POLLIN, 0};
        int iout = -1, itrig = -1;
        if (qd_buf_pending(&t.out)) {
            iout = np;
            pf[np++] = (struct pollfd){TODO_FD_TO_SEND, POLLOUT, 0};
        }
        if (!t.stop && t.trigger >= 0 && now >= t.hold_until) {
            itrig = np;
            pf[np++] = (struct pollfd){t.trigger, POLLIN, 0};
        }
        int timeout;
        if (t.stop)
            timeout = -1;
        else if (t.scanning && qd_buf_pending(&t.out) <= OUT_HIGH)
            timeout = 0;
        else {
            qc_time at = t.next_run;
            if (t.warn_dropped && t.warn_since + TODO_WARN_WINDOW < at)
                at = t.warn_since + TODO_WARN_WINDOW;
            qc_time wait = at - now;
            /* qmail's SLEEP_FUZZ, a second (on the test build's clock) */
            timeout = wait <= 0 ? 0
                                : (int)(wait / 1000) + qd_clock_wait_ms(QC_SEC);
        }
        if (poll(pf, (nfds_t)np, timeout) < 0) {
            if (errno != EINTR)
                todo_log(&t, "warning: qmail-todo: trouble in poll\n");
            continue;
        }
        if (pf[1].revents)
            qd_sig_drain();
        if (itrig >= 0 && pf[itrig].revents)
            pulled = 1;
        if (iout >= 0 && pf[iout].revents &&
            qd_buf_flush(&t.out, TODO_FD_TO_SEND) < 0)
            t.send_alive = 0;
        if (pf[0].revents) {
            char cmds[64];
            r = fdio_read_some(TODO_FD_FROM_SEND, cmds, sizeof cmds);
            if (r <= 0 && !(r < 0 && errno == EAGAIN))
                t.send_alive = 0;
            for (ssize_t i = 0; i < r; i++)
                command(&t, cmds[i]);
        }
    }
}
