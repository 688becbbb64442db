/*
 * send.h - qmail-send's state, shared by its files.
 *
 *	send_main.c	start-up, the poll() loop, signals, qmail-todo
 *	send_store.c	struct sched_store on the queue directory
 *	send_sink.c	struct sched_sink: spawn requests and log lines
 *	send_bounce.c	bounce messages injected through qmail-queue
 *	send_scan.c	the queue scan at start-up, retry times at exit
 *	send_cleanup.c	removing abandoned mess/ files, as qmail-send does
 *	send_spawn.c	the spawners: limits, reports, width, garbage
 *
 * Descriptors (CHANNELS qmail-start): 0 the logger; 1/2 to/from the local
 * spawner; 3/4 to/from the remote spawner; 5/6 to/from qmail-clean; 7/8
 * to/from qmail-todo; supplemental channel K: 11+2K to and 12+2K from its
 * spawner.  Nothing is written to stdout or stderr: they are spawner pipes.
 */
#ifndef SEND_H
#define SEND_H

#include <dirent.h>

#include "control.h"
#include "proto.h"
#include "qd_env.h"
#include "qd_idset.h"
#include "qd_io.h"
#include "sched.h"

#define SEND_FD_LOG 0
#define SEND_FD_TO_CLEAN 5
#define SEND_FD_FROM_CLEAN 6
#define SEND_FD_TO_TODO 7
#define SEND_FD_FROM_TODO 8

/* bytes of requests queued for one spawner before it counts as busy */
#define SEND_SPAWN_BUF_MAX (32 * 1024)

struct send_pass {
    int fd;                 /* the channel list being read, -1 if none */
    uint64_t id;
    char buf[4096];
    size_t blen, boff;
    int eof;                /* the last read was short: the list ended */
    uint64_t pos;           /* file offset of the next record */
    char *rec;
    size_t reccap;
    char *sender;           /* from info/N */
    size_t sender_size;     /* its block's size */
};

struct send {
    /* all of qmail-send's memory (qd_alloc.h): the scheduler, the
     * controls, every buffer */
    const struct qc_alloc *alloc;
    struct qd_env env;
    struct control ctl;
    struct sched *s;
    int nchan;
    int fdout[QC_MAX_CHANNELS];
    int fdin[QC_MAX_CHANNELS];
    int spawn_alive[QC_MAX_CHANNELS];
    unsigned spawn_limit[QC_MAX_CHANNELS];
    struct qd_buf req[QC_MAX_CHANNELS];
    struct proto_report_dec *rdec[QC_MAX_CHANNELS];
    /* each spawner's conduct (send_spawn.c) */
    int requested[QC_MAX_CHANNELS];      /* a request was queued for it */
    unsigned bad_run[QC_MAX_CHANNELS];   /* unusable reports in a row */
    unsigned long good[QC_MAX_CHANNELS]; /* usable reports */
    size_t partial[QC_MAX_CHANNELS];     /* bytes of a report not ended */
    int report_unusable;     /* the sink saw the last report go nowhere */
    /* exiting (SIGTERM, a lost peer): since when, on the wall clock, and
     * how long deliveries in flight are waited for (QCHAN_TERM_WAIT) */
    qc_time exit_since;
    qc_time exit_wait;
    struct proto_todo_dec *tdec;
    int todo_alive;
    int todo_nonblock;      /* its pipe may be read until EAGAIN */
    int todo_x_sent;
    int clean_alive;
    struct qd_buf log;
    struct send_pass pass[QC_MAX_CHANNELS];
    /* messages that may have a bounce/N: those listed at start-up and
     * those qmail-send appended to since; only while bounces_known (the
     * listing worked and memory never ran out) is a message outside the
     * set known to have none */
    struct qd_idset bounces;
    int bounces_known;
    DIR *cleanup_dir;       /* the mess/ pass under way, or NULL */
    unsigned cleanup_sub;
    qc_time cleanup_next;
};

/* send_log - a line (with its newline) for the logger; a line the
 * buffer cannot take (memory) goes out at once, after what it holds */
void send_log(struct send *sv, const char *line);
void send_log_bytes(struct send *sv, const char *text, size_t n);
void send_logf(struct send *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* send_log_flush - write the log out (blocking, as qmail does) */
void send_log_flush(struct send *sv);
/* send_nomem - qmail's nomem(): "alert: out of memory, sleeping...",
 * then ten seconds (on the test build's clock) before the caller tries
 * again */
void send_nomem(struct send *sv);

void send_store_init(struct send *sv, struct sched_store *store);
void send_store_free(struct send *sv);
void send_sink_init(struct send *sv, struct sched_sink *sink);

/* send_getinfo - sender and birth (seconds) of message id from info/N;
 * 0 ok, -1 missing, unreadable or out of memory; *sender is a block of
 * *size bytes from sv->alloc */
int send_getinfo(struct send *sv, uint64_t id, char **sender, size_t *size,
                 qc_time *birth);
/* send_bounce - inject bounce/N if there is one, then remove it; 0 ok, -1
 * failed (logged), try again later */
int send_bounce(struct send *sv, uint64_t id);
/* send_clean - ask qmail-clean for path; 0 done, -1 failed (logged) */
int send_clean(struct send *sv, const char *path);

/* send_scan - tell the scheduler what the queue holds */
void send_scan(struct send *sv, qc_time now);
/* send_scan_one - one message (also the store's rescan of a message
 * whose scan failed) */
void send_scan_one(struct send *sv, uint64_t id, qc_time now);
/* send_todo_report - qmail-todo's D record to the scheduler (out of
 * memory: log, sleep and try again, as qmail-send) */
void send_todo_report(struct send *sv, uint64_t id, uint64_t chanmask,
                      qc_time now);
/* send_cleanup_step - a few entries of qmail-send's mess/ cleanup */
void send_cleanup_step(struct send *sv, qc_time now);
int send_cleanup_busy(const struct send *sv);

/* send_spawn_handshake - every spawner's limit; 0 ok, 1 SIGTERM came
 * first, -1 cannot start (why: one line, a width mismatch named) */
int send_spawn_handshake(struct send *sv, int sigfd, char *why, size_t cap);
/* send_spawn_reports - what chan's spawner wrote: reports to the
 * scheduler; a spawner sending garbage is cut off */
void send_spawn_reports(struct send *sv, int chan, qc_time now);
/* send_spawn_gone - chan's spawner is gone: the scheduler hears it */
void send_spawn_gone(struct send *sv, int chan, qc_time now);

/* send_keep_retry_times - qmail's pqfinish: mtimes of pending lists */
void send_keep_retry_times(struct send *sv);

#endif
