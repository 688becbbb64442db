/*
 * qlog.c - qmail-send's log lines from scheduler events; see qlog.h.
 *
 * The words are qmail-log(5)'s and qmail-send's own, so that tools that
 * read qmail logs (qmailanalog, the simulator's log fitting) read ours.
 * The lines for curbing and for the CHANNELS overrun are qchan's: qmail
 * curbs silently at start-up and does not check at all on SIGHUP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "qlog.h"

/* put - printf into buf, returning the untruncated length */
static size_t put(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n < 0 ? 0 : (size_t)n;
}

/* safe - text as qmail's logsafe() writes it: a newline becomes '/', any
 * other byte outside printable ASCII '?' */
static size_t safe(char *buf, size_t cap, size_t at, const char *text)
{
    if (!text)
        text = "";   /* a store that gave no address (sched_rcpt) */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        char ch = (char)*p;
        if (*p == '\n')
            ch = '/';
        else if (*p < 32 || *p > 126)
            ch = '?';
        if (at + 1 < cap)
            buf[at] = ch;
        at++;
    }
    if (cap)
        buf[at < cap ? at : cap - 1] = '\0';
    return at;
}

/* tail - append a plain string at position at */
static size_t tail(char *buf, size_t cap, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at < cap) {
        size_t room = cap - at - 1;
        memcpy(buf + at, s, n < room ? n : room);
        buf[at + (n < room ? n : room)] = '\0';
    }
    return at + n;
}

/* qlog_status - "status: local 0/10 remote 3/20 suppl0 0/20" */
size_t qlog_status(const struct sched *s, char *buf, size_t cap)
{
    size_t at = tail(buf, cap, 0, "status:");
    for (int c = 0; c < sched_nchan(s); c++) {
        char name[QC_CHAN_NAME_MAX];
        char part[64];
        snprintf(part, sizeof part, " %s %u/%u", qc_channel_name(c, name),
                 sched_inflight(s, c), sched_limit(s, c));
        at = tail(buf, cap, at, part);
    }
    if (sched_exiting(s))
        at = tail(buf, cap, at, " exitasap");
    return tail(buf, cap, at, "\n");
}

/* warning_line - qmail-send's words for a failed queue operation; the
 * file is named as qmail names it, without the split subdirectory the
 * scheduler does not know */
static size_t warning_line(const struct sched_event *ev, char *buf,
                           size_t cap)
{
    char name[QC_CHAN_NAME_MAX] = "";
    if (ev->chan >= 0)
        qc_channel_name(ev->chan, name);
    unsigned long long id = (unsigned long long)ev->msg;
    switch (ev->warning) {
    case SCHED_WARN_TROUBLE_OPENING:
        return put(buf, cap, "warning: trouble opening %s/%llu; will try "
                   "again later\n", name, id);
    case SCHED_WARN_TROUBLE_READING:
        return put(buf, cap, "warning: trouble reading %s/%llu; will try "
                   "again later\n", name, id);
    case SCHED_WARN_UNKNOWN_RECORD:
        return put(buf, cap, "warning: unknown record type in %s/%llu!\n",
                   name, id);
    case SCHED_WARN_TROUBLE_MARKING:
        return put(buf, cap, "warning: trouble marking %s/%llu; message "
                   "will be delivered twice!\n", name, id);
    case SCHED_WARN_UNABLE_TO_UNLINK:
        return put(buf, cap, "warning: unable to unlink %s/%llu; will try "
                   "again later\n", name, id);
    case SCHED_WARN_REPORT_RANGE:
        return put(buf, cap, "warning: internal error: delivery report out "
                   "of range\n");
    case SCHED_WARN_BOUNCE_FAILED:
        return put(buf, cap, "alert: unable to append to bounce message; "
                   "HELP! sleeping...\n");
    case SCHED_WARN_NOMEM:
        return put(buf, cap, "alert: out of memory, sleeping...\n");
    case SCHED_WARN_FINISH_FAILED:
        break;   /* the store has logged what failed, in its own words */
    }
    if (cap)
        buf[0] = '\0';
    return 0;
}

/* qlog_event - the log line for ev, or 0 when qmail logs nothing */
size_t qlog_event(const struct sched_event *ev, const struct sched *s,
                  char *buf, size_t cap)
{
    char name[QC_CHAN_NAME_MAX] = "";
    if (ev->chan >= 0)
        qc_channel_name(ev->chan, name);
    unsigned long long delid = (unsigned long long)ev->delid;
    size_t at;
    switch (ev->type) {
    case SCHED_EV_DELIVERY_START:
        at = put(buf, cap, "starting delivery %llu: msg %llu to %s ", delid,
                 (unsigned long long)ev->msg, name);
        at = safe(buf, cap, at, ev->rcpt);
        return tail(buf, cap, at, "\n");
    case SCHED_EV_DELIVERY_RESULT:
        if (ev->outcome == SCHED_OUT_MANGLED)
            return put(buf, cap, "delivery %llu: report mangled, will "
                       "defer\n", delid);
        at = put(buf, cap, "delivery %llu: %s: ", delid,
                 ev->outcome == SCHED_OUT_SUCCESS    ? "success"
                 : ev->outcome == SCHED_OUT_DEFERRAL ? "deferral"
                                                     : "failure");
        at = safe(buf, cap, at, ev->text);
        return tail(buf, cap, at, "\n");
    case SCHED_EV_STATUS:
        return qlog_status(s, buf, cap);
    case SCHED_EV_MESSAGE_DONE:
        return qlog_end_msg(ev->msg, buf, cap);
    case SCHED_EV_CURB:
        return put(buf, cap, "warning: concurrency of %s curbed from %u to "
                   "%u, the spawner's limit\n", name, ev->wanted, ev->limit);
    case SCHED_EV_OVERRUN:
        return put(buf, cap, "warning: concurrency of %s raised to %u above "
                   "its delivery table of %u: CHANNELS qmail-send would "
                   "overrun it; kept at %u\n", name, ev->wanted, ev->limit,
                   ev->limit);
    case SCHED_EV_SPAWNER_DEAD:
        return put(buf, cap, "alert: oh no! lost spawn connection! "
                   "dying...\n");
    case SCHED_EV_WARNING:
        return warning_line(ev, buf, cap);
    case SCHED_EV_BOUNCE:
    case SCHED_EV_CHANNEL_DONE:
        break;
    }
    if (cap)
        buf[0] = '\0';
    return 0;
}

/* qlog_new_msg - "new msg N" */
size_t qlog_new_msg(uint64_t id, char *buf, size_t cap)
{
    return put(buf, cap, "new msg %llu\n", (unsigned long long)id);
}

/* qlog_info_msg - "info msg N: bytes B from <s> qp P uid U" */
size_t qlog_info_msg(uint64_t id, uint64_t bytes, const char *sender,
                     unsigned long qp, unsigned long uid, char *buf,
                     size_t cap)
{
    size_t at = put(buf, cap, "info msg %llu: bytes %llu from <",
                    (unsigned long long)id, (unsigned long long)bytes);
    at = safe(buf, cap, at, sender);
    char rest[64];
    snprintf(rest, sizeof rest, "> qp %lu uid %lu\n", qp, uid);
    return tail(buf, cap, at, rest);
}

/* qlog_bounce_msg - "bounce msg N qp P" */
size_t qlog_bounce_msg(uint64_t id, unsigned long qp, char *buf, size_t cap)
{
    return put(buf, cap, "bounce msg %llu qp %lu\n", (unsigned long long)id,
               qp);
}

/* qlog_end_msg - "end msg N" */
size_t qlog_end_msg(uint64_t id, char *buf, size_t cap)
{
    return put(buf, cap, "end msg %llu\n", (unsigned long long)id);
}
