/*
 * send_spawn.c - qmail-send's side of the spawn protocol: the limits at
 * start, the reports, and what it does with a spawner that does not
 * speak the protocol.
 *
 *	send_spawn_handshake(sv, sigfd, why, cap)
 *			every spawner's limit; 0 ok, 1 SIGTERM came first,
 *			-1 cannot start (why says so in one line)
 *	send_spawn_reports(sv, chan, now)
 *			everything chan's spawner has written so far
 *	send_spawn_gone(sv, chan, now)
 *			chan's spawner is gone: the scheduler hears it
 *
 * The width of a delivery number (QCHAN_SPAWN_WIDTH) is not announced on
 * the wire, and a mismatch used to leave deliveries in flight for ever.
 * Both directions show at start, before any request (the rule is
 * core's, proto_limit_width_check(); the waiting is done here):
 *  - a classic spawner under width 2 writes one byte of its limit and
 *    then waits for requests: a limit begun and not finished within
 *    SEND_SPAWN_LIMIT_WAIT is a classic spawner;
 *  - a two-byte spawner under width 1 writes a byte more than the limit
 *    read: a spawner writes nothing before its first request, so bytes
 *    waiting after the limit (at start, or later while no request has
 *    been written to it) mean a longer limit.
 * Either stops qmail-send with one line naming the setting.
 *
 * Later, a spawner whose reports are garbage is cut off: its pipes are
 * closed and the scheduler hears it is gone, as for a spawner that died
 * (qmail-send finishes the other channels' deliveries and exits; what
 * was in flight on the cut channel stays in its list and is delivered
 * after the restart).  Garbage is SEND_SPAWN_BAD_RUN unusable reports
 * in a row (a number out of range or not in flight, a mangled status),
 * or SEND_SPAWN_BAD_BYTES bytes without the NUL that ends a report.  A
 * report now and then that qmail-send cannot use is only logged, as
 * qmail does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "qd_sig.h"
#include "send.h"

/* what a spawner may send before it is cut off */
#define SEND_SPAWN_BAD_RUN 8
#define SEND_SPAWN_BAD_BYTES (8 * PROTO_RECORD_MAX)
/* a limit begun must be finished within this many seconds */
#define SEND_SPAWN_LIMIT_WAIT 5

/* chan_name - "local", "remote", "supplK" */
static const char *chan_name(int c, char buf[QC_CHAN_NAME_MAX])
{
    return qc_channel_name(c, buf);
}

/* narrower - the line for a spawner that stopped inside its limit */
static void narrower(struct send *sv, int c, unsigned have, char *why,
                     size_t cap)
{
    char name[QC_CHAN_NAME_MAX];
    snprintf(why, cap, "the %s spawner sent %u byte%s of a %d-byte limit "
             "and then nothing for %d seconds: it speaks the classic "
             "1-byte spawn protocol; set QCHAN_SPAWN_WIDTH=1 (qchan-start "
             "--width 1)", chan_name(c, name), have, have == 1 ? "" : "s",
             (int)sv->env.width, SEND_SPAWN_LIMIT_WAIT);
}

/* wider - the line for a spawner that wrote more than its limit */
static void wider(struct send *sv, int c, char *why, size_t cap)
{
    char name[QC_CHAN_NAME_MAX];
    if (sv->env.width == PROTO_WIDTH_CLASSIC)
        snprintf(why, cap, "the %s spawner sent more than its 1-byte limit "
                 "before any request: it speaks the 2-byte spawn protocol; "
                 "set QCHAN_SPAWN_WIDTH=2 (qchan-start --width 2)",
                 chan_name(c, name));
    else
        snprintf(why, cap, "the %s spawner sent more than its 2-byte limit "
                 "before any request: it does not speak the spawn protocol "
                 "(QCHAN_SPAWN_WIDTH=2)", chan_name(c, name));
}

/* extra_bytes - the bytes (at most one is read) waiting after a limit */
static size_t extra_bytes(int fd)
{
    struct pollfd pf = {fd, POLLIN, 0};
    if (poll(&pf, 1, 0) <= 0 || !(pf.revents & POLLIN))
        return 0;
    char ch;
    return fdio_read_some(fd, &ch, 1) == 1;
}

/* send_spawn_handshake - every spawner's limit, read side by side */
int send_spawn_handshake(struct send *sv, int sigfd, char *why, size_t cap)
{
    struct proto_limit_dec dec[QC_MAX_CHANNELS];
    qc_time begun[QC_MAX_CHANNELS];   /* a limit's first byte came then */
    int left = sv->nchan;
    for (int c = 0; c < sv->nchan; c++) {
        proto_limit_dec_init(&dec[c], sv->env.width);
        begun[c] = 0;
        sv->spawn_alive[c] = 0;
        (void)qd_nonblock(sv->fdin[c]);
    }
    while (left > 0) {
        if (qd_sig_take(SIGTERM))
            return 1;
        struct pollfd pf[QC_MAX_CHANNELS + 1];
        int chan[QC_MAX_CHANNELS + 1];
        int np = 0;
        int timeout = -1;
        qc_time now = qd_now();
        pf[np++] = (struct pollfd){sigfd, POLLIN, 0};
        for (int c = 0; c < sv->nchan; c++) {
            if (sv->spawn_alive[c])
                continue;
            if (begun[c]) {
                qc_time end = begun[c] + SEND_SPAWN_LIMIT_WAIT * QC_SEC;
                if (proto_limit_width_check(sv->env.width, dec[c].have,
                                            now >= end, 0) != PROTO_E_NONE) {
                    narrower(sv, c, dec[c].have, why, cap);
                    return -1;
                }
                int ms = (int)((end - now) / 1000) + 1;
                if (timeout < 0 || ms < timeout)
                    timeout = ms;
            }
            chan[np] = c;
            pf[np++] = (struct pollfd){sv->fdin[c], POLLIN, 0};
        }
        if (poll(pf, (nfds_t)np, timeout) < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, cap, "trouble in poll");
            return -1;
        }
        if (pf[0].revents)
            qd_sig_drain();
        for (int i = 1; i < np; i++) {
            int c = chan[i];
            if (!pf[i].revents)
                continue;
            /* never more than the limit: what follows it is evidence */
            char buf[2];
            size_t want = (size_t)sv->env.width - dec[c].have;
            ssize_t r = fdio_read_some(sv->fdin[c], buf, want);
            if (r == 0) {
                snprintf(why, cap, "hath the daemon spawn no fire?");
                return -1;
            }
            size_t used;
            unsigned limit;
            if (r < 0)
                continue;
            if (proto_limit_dec_feed(&dec[c], buf, (size_t)r, &used,
                                     &limit) == PROTO_OK) {
                sv->spawn_limit[c] = limit;
                sv->spawn_alive[c] = 1;
                left--;
            } else if (!begun[c]) {
                begun[c] = qd_now();
            }
        }
    }
    for (int c = 0; c < sv->nchan; c++)
        if (proto_limit_width_check(sv->env.width, sv->env.width, 0,
                                    extra_bytes(sv->fdin[c])) != PROTO_E_NONE) {
            wider(sv, c, why, cap);
            return -1;
        }
    return 0;
}

/* send_spawn_gone - chan's spawner closed its pipe (or was cut off) */
void send_spawn_gone(struct send *sv, int c, qc_time now)
{
    if (!sv->spawn_alive[c])
        return;
    sv->spawn_alive[c] = 0;
    sched_spawner_dead(sv->s, c, now);
}

/* cut_off - a spawner that does not speak the protocol: close its pipes
 * (their numbers stay taken, by /dev/null, so no file opened later lands
 * on a spawner's descriptor) and treat it as gone */
static void cut_off(struct send *sv, int c, const char *why, qc_time now)
{
    char name[QC_CHAN_NAME_MAX];
    send_logf(sv, "alert: the %s spawner %s; cutting it off\n",
              chan_name(c, name), why);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, sv->fdout[c]) < 0 ||
        dup2(null, sv->fdin[c]) < 0) {
        close(sv->fdout[c]);
        close(sv->fdin[c]);
    }
    if (null >= 0)
        close(null);
    send_spawn_gone(sv, c, now);
}

/* judge - one report was usable or not; enough bad ones in a row and
 * the spawner is cut off */
static void judge(struct send *sv, int c, int usable, qc_time now)
{
    if (usable) {
        sv->bad_run[c] = 0;
        sv->good[c]++;
        return;
    }
    if (++sv->bad_run[c] < SEND_SPAWN_BAD_RUN)
        return;
    char why[256];
    snprintf(why, sizeof why, "sent %d reports in a row that are for no "
             "delivery in flight or mangled%s", SEND_SPAWN_BAD_RUN,
             sv->good[c] ? "" : ", and never a good one (is "
             "QCHAN_SPAWN_WIDTH right for it?)");
    cut_off(sv, c, why, now);
}

/* feed_reports - the complete reports in buf go to the scheduler */
static void feed_reports(struct send *sv, int c, const char *buf, size_t n,
                         qc_time now)
{
    size_t off = 0;
    while (off < n && sv->spawn_alive[c]) {
        size_t used = 0;
        struct proto_report rep;
        enum proto_error err;
        int res = proto_report_dec_feed(sv->rdec[c], buf + off, n - off,
                                        &used, &rep, &err);
        off += used;
        if (res == PROTO_MORE) {
            sv->partial[c] += used;
            if (sv->partial[c] > SEND_SPAWN_BAD_BYTES) {
                char why[128];
                snprintf(why, sizeof why, "sent %zu bytes without ending a "
                         "report", sv->partial[c]);
                cut_off(sv, c, why, now);
            }
            break;
        }
        sv->partial[c] = 0;
        if (res == PROTO_OK || err == PROTO_E_STATUS ||
            err == PROTO_E_TOOLONG) {
            sv->report_unusable = 0;
            sched_report(sv->s, c, rep.slot, rep.status, rep.text, rep.len,
                         now);
            judge(sv, c, !sv->report_unusable && err != PROTO_E_STATUS,
                  now);
        } else {
            if (err == PROTO_E_RANGE)
                send_log(sv, "warning: internal error: delivery report out "
                             "of range\n");
            else
                send_logf(sv, "warning: spawner report unreadable: %s\n",
                          proto_strerror(err));
            judge(sv, c, 0, now);
        }
    }
}

/* send_spawn_reports - everything chan's spawner has written so far
 *
 * The pipe is non-blocking and read until it is empty: with a fast
 * spawner one wakeup finds many reports, and each poll() saved is a
 * system call and often a sleep.  A read that fills less than the buffer
 * emptied the pipe; the next turn of the loop starts the deliveries the
 * reports made room for before poll() is asked again. */
void send_spawn_reports(struct send *sv, int c, qc_time now)
{
    static char buf[65536];
    while (sv->spawn_alive[c]) {
        ssize_t r = fdio_read_some(sv->fdin[c], buf, sizeof buf);
        if (r < 0)
            return;   /* EAGAIN: drained */
        if (r == 0) {
            send_spawn_gone(sv, c, now);
            return;
        }
        if (!sv->requested[c] &&
            proto_limit_width_check(sv->env.width, sv->env.width, 0,
                                    (size_t)r) != PROTO_E_NONE) {
            /* nothing asked, yet bytes: the limit was longer than read */
            char why[300];
            wider(sv, c, why, sizeof why);
            cut_off(sv, c, why, now);
            return;
        }
        feed_reports(sv, c, buf, (size_t)r, now);
        if ((size_t)r < sizeof buf)
            return;
    }
}
