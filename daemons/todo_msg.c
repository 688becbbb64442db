/*
 * todo_msg.c - qmail-todo's preprocessing of one queued message.
 *
 *	todo_msg(t, id)
 *
 * The steps and their order are qmail-todo's (ext_todo), and each leaves a
 * state a restart can finish:
 *	1. read todo/N (the envelope qmail-queue wrote);
 *	2. remove any channel list and info/N a crashed earlier run left;
 *	3. create info/N ("F" sender) and one list per channel that has
 *	   recipients ("T" address for each, rewritten by the classifier);
 *	4. fsync info/N and every list;
 *	5. ask qmail-clean to remove intd/N and then todo/N;
 *	6. tell qmail-send "D" with the channels that have lists.
 * Until step 5 completes todo/N exists, so a crash anywhere before it
 * means the whole message is preprocessed again from step 1 (qmail-send's
 * queue scan skips a message whose todo/N exists).  After step 5 the
 * message is complete in info/ and the lists: a crash before step 6 is
 * repaired by qmail-send's queue scan at its next start.
 *
 * Memory that runs out before step 5 leaves todo/N where it is, like any
 * other failure (TODO_MSG_NOMEM: the caller pauses, then the message is
 * done again from step 1).  The D record's room is taken before step 5,
 * so once todo/N is gone nothing can keep qmail-send from hearing of the
 * message; should the room be gone all the same, the record is written
 * to qmail-send at once, without a buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qd_path.h"
#include "qlog.h"
#include "todo.h"
#include "todo_step.h"

struct todo_job {
    int fd;                            /* todo/N */
    int fdinfo;
    int fdchan[QC_MAX_CHANNELS];
    struct qd_buf chan[QC_MAX_CHANNELS];
    char *env;                         /* todo/N's bytes */
    size_t envlen;
    size_t envcap;                     /* env's block */
    struct todo_step step;             /* the classification and D record */
};

/* read_all - the whole envelope; 0 ok, -1 read error, TODO_MSG_NOMEM */
static int read_all(struct todo_job *j, const struct qc_alloc *a)
{
    size_t cap = 4096;
    if (!(j->env = qc_resize(a, NULL, 0, cap)))
        return TODO_MSG_NOMEM;
    j->envcap = cap;
    for (;;) {
        if (j->envlen == cap) {
            char *p = qc_resize(a, j->env, cap, cap * 2);
            if (!p)
                return TODO_MSG_NOMEM;
            j->env = p;
            cap *= 2;
            j->envcap = cap;
        }
        ssize_t r = fdio_read_some(j->fd, j->env + j->envlen, cap - j->envlen);
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        j->envlen += (size_t)r;
    }
}

/* unlink_stale - step 2 */
static int unlink_stale(struct todo *t, uint64_t id)
{
    char fn[QD_PATH_MAX];
    for (int c = 0; c <= t->nchan; c++) {
        if (c < t->nchan)
            qd_chan_path(fn, sizeof fn, &t->env, c, id);
        else
            qd_path(fn, sizeof fn, &t->env, "info", id);
        if (unlink(fn) < 0 && errno != ENOENT) {
            todo_logf(t, "warning: qmail-todo: unable to unlink %s\n", fn);
            return -1;
        }
    }
    return 0;
}

/* add_rcpt - one T record to its channel's list (core/todo_step); 0,
 * -1 (logged) or TODO_MSG_NOMEM */
static int add_rcpt(struct todo *t, struct todo_job *j, uint64_t id,
                    const char *addr, size_t len)
{
    struct todo_step_rcpt out;
    enum todo_step_result r = todo_step_rcpt(&j->step, addr, len, &out);
    char fn[QD_PATH_MAX];
    if (r == TODO_STEP_NOMEM)
        return TODO_MSG_NOMEM;
    if (r != TODO_STEP_OK) {
        /* the message stays in todo/ for a later pass, as on any
         * failure of qmail-todo's rewrite() */
        qd_path(fn, sizeof fn, &t->env, "todo", id);
        todo_logf(t, "warning: qmail-todo: %s (%d of %d) for a recipient "
                     "in %s\n", todo_step_strerror(r), out.chan, t->nchan,
                  fn);
        return -1;
    }
    int chan = out.chan;
    qd_chan_path(fn, sizeof fn, &t->env, chan, id);
    if (j->fdchan[chan] < 0) {
        j->fdchan[chan] = open(fn, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (j->fdchan[chan] < 0) {
            todo_logf(t, "warning: qmail-todo: unable to create %s\n", fn);
            return -1;
        }
    }
    if (!qd_buf_reserve(&j->chan[chan], out.len + 2))
        return TODO_MSG_NOMEM;
    (void)qd_buf_add(&j->chan[chan], "T", 1);
    (void)qd_buf_add(&j->chan[chan], out.addr, out.len + 1);
    return 0;
}

/* records - step 3: walk the envelope's records; 0, -1 or
 * TODO_MSG_NOMEM */
static int records(struct todo *t, struct todo_job *j, uint64_t id,
                   uint64_t bytes)
{
    char fn[QD_PATH_MAX];
    unsigned long uid = 0, pid = 0;
    size_t pos = 0;
    while (pos < j->envlen) {
        const char *rec = j->env + pos;
        const char *nul = memchr(rec, '\0', j->envlen - pos);
        if (!nul)
            break;   /* a cut last record: qmail's getln drops it too */
        size_t len = (size_t)(nul - rec);
        pos += len + 1;
        switch (rec[0]) {
        case 'u':
            uid = strtoul(rec + 1, NULL, 10);
            break;
        case 'p':
            pid = strtoul(rec + 1, NULL, 10);
            break;
        case 'F': {
            if (fdio_write_all(j->fdinfo, rec, len + 1) < 0) {
                qd_path(fn, sizeof fn, &t->env, "info", id);
                todo_logf(t, "warning: qmail-todo: trouble writing to %s\n",
                          fn);
                return -1;
            }
            char line[2048];
            size_t n = qlog_info_msg(id, bytes, rec + 1, pid, uid, line,
                                     sizeof line);
            if (n >= sizeof line)
                line[sizeof line - 2] = '\n';
            todo_log(t, line);
            break;
        }
        case 'T': {
            int r = add_rcpt(t, j, id, rec + 1, len - 1);
            if (r < 0)
                return r;
            break;
        }
        default:
            qd_path(fn, sizeof fn, &t->env, "todo", id);
            todo_logf(t, "warning: qmail-todo: unknown record type in %s\n",
                      fn);
            return -1;
        }
    }
    return 0;
}

/* sync_files - step 4 */
static int sync_files(struct todo *t, struct todo_job *j, uint64_t id)
{
    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &t->env, "info", id);
    if (fsync(j->fdinfo) < 0) {
        todo_logf(t, "warning: qmail-todo: trouble fsyncing %s\n", fn);
        return -1;
    }
    for (int c = 0; c < t->nchan; c++) {
        if (j->fdchan[c] < 0)
            continue;
        qd_chan_path(fn, sizeof fn, &t->env, c, id);
        if (qd_buf_flush_all(&j->chan[c], j->fdchan[c]) < 0) {
            todo_logf(t, "warning: qmail-todo: trouble writing to %s\n", fn);
            return -1;
        }
        if (fsync(j->fdchan[c]) < 0) {
            todo_logf(t, "warning: qmail-todo: trouble fsyncing %s\n", fn);
            return -1;
        }
    }
    return 0;
}

/* clean_todo - step 5; 0 ok, -1 not cleaned (logged) */
static int clean_todo(struct todo *t, uint64_t id)
{
    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &t->env, "todo", id);
    char ch;
    if (fdio_write_all(TODO_FD_TO_CLEAN, fn, strlen(fn) + 1) < 0 ||
        fdio_read_some(TODO_FD_FROM_CLEAN, &ch, 1) != 1) {
        todo_log(t, "alert: qmail-todo: oh no! lost qmail-clean connection! "
                    "dying...\n");
        t->stop = 1;
        return -1;
    }
    if (ch != '+') {
        todo_logf(t, "warning: qmail-clean unable to clean up %s\n", fn);
        return -1;
    }
    return 0;
}

/* job_close - release whatever the job holds */
static void job_close(struct todo *t, struct todo_job *j)
{
    if (j->fd >= 0)
        close(j->fd);
    if (j->fdinfo >= 0)
        close(j->fdinfo);
    for (int c = 0; c < t->nchan; c++) {
        if (j->fdchan[c] >= 0)
            close(j->fdchan[c]);
        qd_buf_free(&j->chan[c]);
    }
    qc_release(t->alloc, j->env, j->envcap);
    todo_step_free(&j->step);
}

/* tell_send - the D record into the output, whose room was taken before
 * todo/N went; without that room it goes to qmail-send now, after what
 * the output holds */
static void tell_send(struct todo *t, const char *rec, size_t n)
{
    if (qd_buf_add(&t->out, rec, n) == 0)
        return;
    if (qd_buf_flush_all(&t->out, TODO_FD_TO_SEND) < 0 ||
        fdio_write_all(TODO_FD_TO_SEND, rec, n) < 0)
        t->send_alive = 0;
}

/* todo_msg - preprocess message id */
int todo_msg(struct todo *t, uint64_t id)
{
    struct todo_job j;
    int rc = -1;
    memset(&j, 0, sizeof j);
    j.fdinfo = -1;
    for (int c = 0; c < QC_MAX_CHANNELS; c++) {
        j.fdchan[c] = -1;
        j.chan[c].alloc = t->alloc;
    }
    todo_step_init(&j.step, t->nchan, t->alloc);
    todo_step_begin(&j.step, t->cl);

    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &t->env, "todo", id);
    j.fd = open(fn, O_RDONLY);
    if (j.fd < 0) {
        todo_logf(t, "warning: qmail-todo: unable to open %s\n", fn);
        return -1;
    }
    struct stat st;
    qd_path(fn, sizeof fn, &t->env, "mess", id);
    if (stat(fn, &st) < 0) {
        todo_logf(t, "warning: qmail-todo: unable to stat %s\n", fn);
        goto out;
    }
    int r = read_all(&j, t->alloc);
    if (r == TODO_MSG_NOMEM) {
        rc = r;
        goto out;
    }
    if (r < 0) {
        qd_path(fn, sizeof fn, &t->env, "todo", id);
        todo_logf(t, "warning: qmail-todo: trouble reading %s\n", fn);
        goto out;
    }
    if (unlink_stale(t, id) < 0)
        goto out;
    qd_path(fn, sizeof fn, &t->env, "info", id);
    j.fdinfo = open(fn, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (j.fdinfo < 0) {
        todo_logf(t, "warning: qmail-todo: unable to create %s\n", fn);
        goto out;
    }
    char line[64];
    qlog_new_msg(id, line, sizeof line);
    todo_log(t, line);
    if ((r = records(t, &j, id, (uint64_t)st.st_size)) < 0) {
        rc = r;
        goto out;
    }
    if (sync_files(t, &j, id) < 0)
        goto out;
    char rec[QC_MAX_CHANNELS + 32];
    size_t n = todo_step_record(&j.step, id, rec, sizeof rec);
    if (n == 0 || n > sizeof rec) {
        qd_path(fn, sizeof fn, &t->env, "todo", id);
        todo_logf(t, "warning: qmail-todo: no record for qmail-send fits "
                  "%s\n", fn);
        goto out;
    }
    if (!qd_buf_reserve(&t->out, n)) {
        rc = TODO_MSG_NOMEM;
        goto out;
    }
    if (clean_todo(t, id) < 0)
        goto out;
    tell_send(t, rec, n);
    rc = 0;
out:
    job_close(t, &j);
    return rc;
}
