/*
 * send_scan.c - what the queue holds at start-up, and retry times at exit.
 *
 *	send_scan(sv, now)		every info/ file: qmail-send's pqstart
 *	send_scan_one(sv, id, now)	one message: qmail-send's pqadd
 *	send_rescan_due(sv, now)	scans that failed, retried (pqfail)
 *	send_keep_retry_times(sv)	qmail-send's pqfinish
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
#include "qd_path.h"
#include "send.h"

/* rescan_later - qmail's pqfail: try this message again in a while */
static void rescan_later(struct send *sv, uint64_t id, qc_time now)
{
    if (sv->nrescan == sv->caprescan) {
        size_t cap = sv->caprescan ? sv->caprescan * 2 : 16;
        void *p = realloc(sv->rescan, cap * sizeof *sv->rescan);
        if (!p)
            return;   /* found again at the next start */
        sv->rescan = p;
        sv->caprescan = cap;
    }
    sv->rescan[sv->nrescan].id = id;
    sv->rescan[sv->nrescan].due = now + SCHED_SLEEP_SYSFAIL;
    sv->nrescan++;
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
    int any = 0;
    for (int c = 0; c < sv->nchan; c++) {
        qd_chan_path(fn, sizeof fn, &sv->env, c, id);
        due[c] = -1;
        if (stat(fn, &st) == 0) {
            due[c] = qd_clock_of_file(st.st_mtim.tv_sec,
                                      st.st_mtim.tv_nsec);
            any = 1;
        } else if (errno != ENOENT) {
            goto fail;
        }
    }
    for (int c = 0; c < sv->nchan; c++)
        if (due[c] >= 0)
            sched_add_channel(sv->s, id, c, due[c]);
    if (!any)
        sched_add_done(sv->s, id, now);
    return;
fail:
    send_logf(sv, "warning: unable to stat %s; will try again later\n", fn);
    rescan_later(sv, id, now);
}

/* send_rescan_due - the failed scans whose time has come */
void send_rescan_due(struct send *sv, qc_time now)
{
    size_t keep = 0, n = sv->nrescan;
    struct send_rescan due[64];
    size_t ndue = 0;
    for (size_t i = 0; i < n; i++) {
        if (sv->rescan[i].due <= now && ndue < 64)
            due[ndue++] = sv->rescan[i];
        else
            sv->rescan[keep++] = sv->rescan[i];
    }
    sv->nrescan = keep;
    for (size_t i = 0; i < ndue; i++)
        send_scan_one(sv, due[i].id, now);
}

/* send_scan - pqstart: every message of info/ */
void send_scan(struct send *sv, qc_time now)
{
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
        while ((de = readdir(d)) != NULL)
            if (qd_parse_id(de->d_name, &id) == 0)
                send_scan_one(sv, id, now);
        closedir(d);
    }
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
