/*
 * todo.h - qmail-todo's state, shared by its files.
 *
 *	todo_main.c	start-up, the poll() loop, the talk with qmail-send
 *	todo_dir.c	walking todo/ (flat, or split under big-todo)
 *	todo_msg.c	preprocessing one message
 *
 * Descriptors (CHANNELS qmail-start): 0 from qmail-send, 1 to qmail-send,
 * 2 to qmail-todo's own qmail-clean, 3 from it.  Nothing is ever written to
 * stderr: fd 2 is the cleaner's input.
 */
#ifndef TODO_H
#define TODO_H

#include <dirent.h>

#include "classify.h"
#include "control.h"
#include "qd_env.h"
#include "qd_io.h"

#define TODO_FD_FROM_SEND 0
#define TODO_FD_TO_SEND 1
#define TODO_FD_TO_CLEAN 2
#define TODO_FD_FROM_CLEAN 3

/* the log's rate limit for warnings: a full todo/ that fails message by
 * message at every trigger must not flood the log; an alert that holds
 * the scans (sleeping...) is logged at most once a window */
#define TODO_WARN_WINDOW (60 * QC_SEC)
#define TODO_WARN_BURST 10

struct todo {
    /* all of qmail-todo's memory (qd_alloc.h): the controls, the
     * classifier, every buffer */
    const struct qc_alloc *alloc;
    struct qd_env env;
    struct control ctl;
    struct classify *cl;
    int nchan;
    struct qd_buf out;       /* records for qmail-send */
    int send_alive;
    int stop;                /* X, SIGTERM or a lost cleaner: stop working */
    int x_queued;
    int trigger;             /* lock/trigger read end, -1 if unavailable */
    qc_time next_run;        /* scan todo/ at the latest then */
    qc_time hold_until;      /* no scan before: todo/ could not be opened */
    int scanning;
    DIR *dir;
    unsigned subdir;
    unsigned left;           /* messages this pass left in todo/ */
    int pass_timed;          /* this pass was started by the clock */
    qc_time retry_wait;      /* after a pass that left some: next wait */
    qc_time warn_since;      /* the rate limit's window began then */
    unsigned warn_count;     /* warnings logged in it */
    unsigned long warn_dropped;  /* and left out */
    qc_time hold_logged;     /* a holding alert was last logged then */
    unsigned long hold_repeats;  /* and came again since, not logged */
};

/* todo_log - an L record: a line for qmail-send's log; warnings beyond
 * TODO_WARN_BURST a TODO_WARN_WINDOW are counted instead, and the count
 * is logged when the window ends (alerts always go out) */
void todo_log(struct todo *t, const char *line);
/* todo_hold_alert - an alert that holds the scans ("..., sleeping...",
 * line without its newline): at most one a TODO_WARN_WINDOW, the next one
 * saying how often it came meanwhile */
void todo_hold_alert(struct todo *t, const char *line);
/* todo_logf - the same, printf style */
void todo_logf(struct todo *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* todo_scan_start - begin a pass over todo/; 0 ok, -1 (logged) */
int todo_scan_start(struct todo *t);
/* todo_scan_next - 1 with the next message number, 0 at the end */
int todo_scan_next(struct todo *t, uint64_t *id);
/* todo_scan_stop - give up the pass under way (the next one starts anew) */
void todo_scan_stop(struct todo *t);

/* todo_msg's answer when memory ran out: the message is left in todo/
 * (nothing of it was reported), to be done again after a pause */
#define TODO_MSG_NOMEM (-2)

/* todo_msg - preprocess message id; the D record when it worked; 0
 * done, -1 left in todo/ (logged), TODO_MSG_NOMEM */
int todo_msg(struct todo *t, uint64_t id);

#endif
