/*
 * send_scan.c - what the queue holds at start-up, and retry times at exit.
 *
 *	send_scan(sv, now)		every info/ file: qmail-send's pqstart,
 *					from listings of the queue directories
 *	send_scan_one(sv, id, now)	one message: qmail-send's pqadd, also
 *					the store's rescan of a message
 *					whose look failed (the scheduler
 *					keeps pqfail)
 *	send_keep_retry_times(sv)	qmail-send's pqfinish
 *	send_todo_report(sv, id, mask, now)
 *					qmail-todo's D record: todo_del
 *
 * The scheduler refuses a message only when memory runs out (it has
 * room for everything it took in).  qmail-send then says "alert: out of
 * memory, sleeping...", sleeps ten seconds and tries again, and so does
 * this: the message stays on disk and nothing else is taken meanwhile.
 *
 * A message with info/N and a todo/N is being preprocessed again after a
 * crash: qmail-todo will report it, so the scan leaves it alone.  Each
 * channel list found is due at its mtime, which is where pqfinish keeps
 * the retry time when qmail-send stops; a message with no list left is
 * finished at once.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "qd_clock.h"
#include "qd_idset.h"
#include "qd_path.h"
#include "send.h"

/* rescan_later - qmail's pqfail: the scheduler hands id back to
 * send_scan_one in a while */
static void rescan_later(struct send *sv, uint64_t id, qc_time now)
{
    while (sched_add_failed(sv->s, id, now) == SCHED_NOMEM)
        send_nomem(sv);
}

/* add_lists - message id has lists due at due[c] (-1: none there), or
 * none at all */
static void add_lists(struct send *sv, uint64_t id, const qc_time *due,
                      qc_time now)
{
    int any = 0;
    for (int c = 0; c < sv->nchan; c++)
        if (due[c] >= 0) {
            any = 1;
            while (sched_add_channel(sv->s, id, c, due[c]) == SCHED_NOMEM)
                send_nomem(sv);
        }
    if (!any)
        while (sched_add_done(sv->s, id, now) == SCHED_NOMEM)
            send_nomem(sv);
}

/* send_todo_report - todo_del: a D record's lists to the scheduler */
void send_todo_report(struct send *sv, uint64_t id, uint64_t chanmask,
                      qc_time now)
{
    while (sched_todo_report(sv->s, id, chanmask, now) == SCHED_NOMEM)
        send_nomem(sv);
}

/* send_scan_one - pqadd: hand message id's lists to the scheduler */
void send_scan_one(struct send *sv, uint64_t id, qc_time now)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    qd_path(fn, sizeof fn, &sv->env, "info", id);
    if (stat(fn, &st) < 0) {
        if (errno != ENOENT)
            goto fail;
        return;   /* someone yanking our chain */
    }
    qd_path(fn, sizeof fn, &sv->env, "todo", id);
    if (stat(fn, &st) == 0)
        return;   /* look, ma, dad crashed writing info! */
    if (errno != ENOENT)
        goto fail;
    qc_time due[QC_MAX_CHANNELS];
    for (int c = 0; c < sv->nchan; c++) {
        qd_chan_path(fn, sizeof fn, &sv->env, c, id);
        due[c] = -1;
        if (stat(fn, &st) == 0)
            due[c] = qd_clock_of_file(st.st_mtim.tv_sec,
                                      st.st_mtim.tv_nsec);
        else if (errno != ENOENT)
            goto fail;
    }
    add_lists(sv, id, due, now);
    return;
fail:
    send_logf(sv, "warning: unable to stat %s; will try again later\n", fn);
    rescan_later(sv, id, now);
}

/* list_info - every message of info/, in the order qmail-send's pqstart
 * meets them (the order its decisions follow); -1 out of memory */
static int list_info(struct send *sv, uint64_t **ids, size_t *n,
                     size_t *cap)
{
    *ids = NULL;
    *n = *cap = 0;
    for (unsigned i = 0; i < sv->env.split; i++) {
        char dir[64];
        snprintf(dir, sizeof dir, "info/%u", i);
        DIR *d;
        while (!(d = opendir(dir))) {
            send_logf(sv, "alert: unable to opendir %s, sleeping...\n", dir);
            send_log_flush(sv);
            sleep(10);
        }
        struct dirent *de;
        uint64_t id;
        while ((de = readdir(d)) != NULL) {
            if (qd_parse_id(de->d_name, &id) < 0)
                continue;
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 1024;
                uint64_t *p = qc_resize(sv->alloc, *ids, *cap * sizeof *p,
                                        nc * sizeof *p);
                if (!p) {
                    closedir(d);
                    return -1;
                }
                *ids = p;
                *cap = nc;
            }
            (*ids)[(*n)++] = id;
        }
        closedir(d);
    }
    return 0;
}

/* scan_listed - pqadd for a message whose todo/N and lists are known from
 * listings of todo/ and the channel directories: the lists found are
 * stat()ed for their mtimes, the missing files are not asked about */
static void scan_listed(struct send *sv, uint64_t id, qc_time now,
                        const struct qd_idset *todo,
                        const struct qd_idset *chan)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    if (qd_idset_has(todo, id))
        return;   /* look, ma, dad crashed writing info! */
    qc_time due[QC_MAX_CHANNELS];
    for (int c = 0; c < sv->nchan; c++) {
        due[c] = -1;
        if (!qd_idset_has(&chan[c], id))
            continue;
        qd_chan_path(fn, sizeof fn, &sv->env, c, id);
        if (stat(fn, &st) == 0) {
            due[c] = qd_clock_of_file(st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        } else if (errno != ENOENT) {
            send_logf(sv, "warning: unable to stat %s; will try again "
                      "later\n", fn);
            rescan_later(sv, id, now);
            return;
        }
    }
    add_lists(sv, id, due, now);
}

/* send_scan - pqstart: every message of info/
 *
 * qmail's pqadd stats info/N, todo/N and every channel list of each
 * message: five or more lookups, most of them of files that do not
 * exist.  Here info/, todo/ and the channel directories are each listed
 * once, in that order (so each message is still seen in info/ before its
 * todo/N is looked for, and that before its lists), and only the lists
 * that exist are stat()ed, for their mtimes.  Nothing writes info/ or
 * lists meanwhile: qmail-todo waits for our 'S'.  If a listing fails,
 * every message is looked at one by one as qmail does. */
void send_scan(struct send *sv, qc_time now)
{
    uint64_t *ids;
    size_t n, cap;
    struct qd_idset todo = {0}, chan[QC_MAX_CHANNELS];
    memset(chan, 0, sizeof chan);
    int listed = list_info(sv, &ids, &n, &cap) == 0 &&
                 qd_idset_read_dir(&todo, &sv->env, "todo") == 0;
    for (int c = 0; listed && c < sv->nchan; c++) {
        char dir[QC_CHAN_NAME_MAX];
        listed = qd_idset_read_dir(&chan[c], &sv->env,
                                   qd_chan_dir(c, dir)) == 0;
    }
    /* bounce/ last: a bounce/N found is one qmail-send left itself */
    sv->bounces_known = listed &&
                        qd_idset_read_dir(&sv->bounces, &sv->env,
                                          "bounce") == 0;
    if (listed) {
        for (size_t i = 0; i < n; i++)
            scan_listed(sv, ids[i], now, &todo, chan);
    } else {
        qc_release(sv->alloc, ids, cap * sizeof *ids);
        ids = NULL;
        n = cap = 0;
        /* pqstart as qmail has it; the listing's partial work is lost */
        for (unsigned i = 0; i < sv->env.split; i++) {
            char dir[64];
            snprintf(dir, sizeof dir, "info/%u", i);
            DIR *d;
            while (!(d = opendir(dir))) {
                send_logf(sv, "alert: unable to opendir %s, sleeping...\n",
                          dir);
                send_log_flush(sv);
                sleep(10);
            }
            struct dirent *de;
            uint64_t id;
            while ((de = readdir(d)) != NULL)
                if (qd_parse_id(de->d_name, &id) == 0)
                    send_scan_one(sv, id, now);
            closedir(d);
        }
    }
    qc_release(sv->alloc, ids, cap * sizeof *ids);
    qd_idset_free(&todo);
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        qd_idset_free(&chan[c]);
}

/* keep_one - set a pending list's mtime to its retry time */
static void keep_one(void *ctx, uint64_t id, int chan, qc_time due)
{
    struct send *sv = ctx;
    char fn[QD_PATH_MAX];
    qd_chan_path(fn, sizeof fn, &sv->env, chan, id);
    struct timeval tv[2];
    time_t sec;
    long usec;
    qd_clock_to_file(due, &sec, &usec);
    tv[0].tv_sec = tv[1].tv_sec = sec;
    tv[0].tv_usec = tv[1].tv_usec = usec;
    if (utimes(fn, tv) < 0)
        send_logf(sv, "warning: unable to utime %s; message will be retried "
                  "too soon\n", fn);
}

/* send_keep_retry_times - pqfinish */
void send_keep_retry_times(struct send *sv)
{
    sched_foreach_queued(sv->s, keep_one, sv);
}
