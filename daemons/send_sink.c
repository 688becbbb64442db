/*
 * send_sink.c - what qmail-send does with the scheduler's decisions.
 *
 *	send_sink_init(sv, &sink)
 *	send_log(sv, line), send_logf(sv, fmt, ...), send_log_flush(sv)
 *
 * A DELIVERY_START event becomes a spawn request queued for the channel's
 * spawner (written as poll() allows); every event that qmail logs becomes
 * its line (core/qlog.h) on fd 0.  A spawner counts as ready while less
 * than SEND_SPAWN_BUF_MAX bytes of requests wait for it: qmail-send keeps
 * one request in flight on the pipe, which caps it at one delivery start
 * per turn of its loop; a few kilobytes keep the pipe full instead.
 *
 * The request's sender gets qmail's VERP rewriting ("owner-@host-@[]"
 * becomes "owner-box=rcpthost@host"), as qmail-send's senderadd().
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "qd_clock.h"
#include "qd_path.h"
#include "qlog.h"
#include "send.h"

/* send_log - queue a log line; when the buffer cannot grow, what it
 * holds and the line go out now (qmail's log buffer is fixed and
 * flushes when full), so an alert about memory is not lost to it */
void send_log(struct send *sv, const char *line)
{
    send_log_bytes(sv, line, strlen(line));
}

/* send_log_bytes - n bytes of log lines, as send_log */
void send_log_bytes(struct send *sv, const char *text, size_t n)
{
    if (qd_buf_add(&sv->log, text, n) == 0)
        return;
    send_log_flush(sv);
    (void)fdio_write_all(SEND_FD_LOG, text, n);
}

/* send_logf - queue a formatted log line */
void send_logf(struct send *sv, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    send_log(sv, line);
}

/* send_log_flush - out to the logger, waiting for it if need be */
void send_log_flush(struct send *sv)
{
    if (qd_buf_pending(&sv->log))
        (void)qd_buf_flush_all(&sv->log, SEND_FD_LOG);
}

/* send_nomem - say so and wait before the caller tries again */
void send_nomem(struct send *sv)
{
    send_log(sv, "alert: out of memory, sleeping...\n");
    send_log_flush(sv);
    (void)poll(NULL, 0, qd_clock_wait_ms(SCHED_SLEEP_NOMEM));
}

/* verp_sender - senderadd(): the sender a spawner sees for rcpt (a block
 * of *size bytes from a), or NULL when it is the sender itself; *fail
 * set if out of memory */
static char *verp_sender(const struct qc_alloc *a, const char *sender,
                         const char *rcpt, size_t *size, int *fail)
{
    size_t i = strlen(sender);
    *fail = 0;
    if (i >= 4 && strcmp(sender + i - 4, "-@[]") == 0) {
        const char *j = NULL;
        for (const char *p = sender; p < sender + i - 4; p++)
            if (*p == '@')
                j = p;
        const char *k = strrchr(rcpt, '@');
        size_t jl = j ? (size_t)(j - sender) : i - 4;
        if (k && jl + 5 <= i) {
            size_t n = jl + strlen(rcpt) + i + 4;
            char *out = qc_resize(a, NULL, 0, n);
            *size = n;
            if (!out) {
                *fail = 1;
                return NULL;
            }
            snprintf(out, n, "%.*s%.*s=%s@%.*s", (int)jl, sender,
                     (int)(k - rcpt), rcpt, k + 1,
                     (int)(i - 5 - jl), sender + jl + 1);
            return out;
        }
    }
    return NULL;
}

/* request - queue the spawn request for a delivery start
 *
 * The scheduler has counted the delivery as started: a request that is
 * not written would leave it in flight for ever.  So, as qmail-send's
 * comm_write, memory that is refused is waited for (nomem) and asked
 * for again until it comes. */
static void request(struct send *sv, const struct sched_event *ev)
{
    char path[QD_PATH_MAX];
    (void)qd_split_name(path, sizeof path, &sv->env, ev->msg);
    const char *plain = ev->sender ? ev->sender : "";
    for (;;) {
        int fail;
        size_t vsize = 0;
        char *verp = verp_sender(sv->alloc, plain, ev->rcpt, &vsize, &fail);
        if (fail) {
            send_nomem(sv);
            continue;
        }
        const char *sender = verp ? verp : plain;
        size_t need = proto_request_enc(NULL, 0, sv->env.width, ev->slot,
                                        path, sender, ev->rcpt);
        char *at = need ? qd_buf_reserve(&sv->req[ev->chan], need) : NULL;
        if (need && !at) {
            qc_release(sv->alloc, verp, vsize);
            send_nomem(sv);
            continue;
        }
        if (at && proto_request_enc(at, need, sv->env.width, ev->slot, path,
                                    sender, ev->rcpt) == need) {
            sv->req[ev->chan].len += need;
            sv->requested[ev->chan] = 1;
        } else {
            send_logf(sv, "warning: unable to send delivery %llu to its "
                      "spawner\n", (unsigned long long)ev->delid);
        }
        qc_release(sv->alloc, verp, vsize);
        return;
    }
}

/* event - one decision of the scheduler */
static void event(void *ctx, const struct sched_event *ev)
{
    struct send *sv = ctx;
    if (ev->type == SCHED_EV_DELIVERY_START)
        request(sv, ev);
    else if (ev->type == SCHED_EV_WARNING &&
             ev->warning == SCHED_WARN_REPORT_RANGE)
        sv->report_unusable = 1;   /* send_spawn.c judges the spawner */
    char line[4096];
    size_t n = qlog_event(ev, sv->s, line, sizeof line);
    if (n >= sizeof line) {
        n = sizeof line - 1;
        line[n - 1] = '\n';
    }
    if (n)
        send_log_bytes(sv, line, n);
}

/* spawner_ready - room for another request to chan's spawner */
static int spawner_ready(void *ctx, int chan)
{
    struct send *sv = ctx;
    return sv->spawn_alive[chan] &&
           qd_buf_pending(&sv->req[chan]) < SEND_SPAWN_BUF_MAX;
}

/* send_sink_init - the sink's functions */
void send_sink_init(struct send *sv, struct sched_sink *sink)
{
    sink->ctx = sv;
    sink->event = event;
    sink->spawner_ready = spawner_ready;
}
