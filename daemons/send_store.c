/*
 * send_store.c - the scheduler's view of the queue directory.
 *
 *	send_store_init(sv, &store)	fill struct sched_store
 *	send_getinfo(sv, id, &sender, &birth)
 *
 * The calls do what qmail-send does with the same files:
 *	pass_open	open local/N (or remote/, supplK/) and read info/N:
 *			the "F" record is the sender, its mtime the birth
 *	pass_next	the next record up to its NUL: T (to do), D (done)
 *	mark_done	overwrite the record's first byte with 'D' in place
 *	add_bounce	append "<rcpt>:\n" text "\n" to bounce/N
 *	chan_finish	remove the list
 *	message_finish	inject the bounce, remove info/N, then ask
 *			qmail-clean to remove mess/N ("foop")
 * A failure returns -1 after logging qmail's warning; the scheduler tries
 * again later.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qd_clock.h"
#include "qd_path.h"
#include "send.h"

#define RECORD_MAX (1 << 20)   /* a list record longer is unreadable */

/* send_getinfo - the sender and birth of message id */
int send_getinfo(struct send *sv, uint64_t id, char **sender, size_t *size,
                 qc_time *birth)
{
    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &sv->env, "info", id);
    int fd = open(fn, O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st;
    size_t cap = 256, len = 0;
    char *buf = qc_resize(sv->alloc, NULL, 0, cap);
    if (!buf || fstat(fd, &st) < 0)
        goto fail;
    for (;;) {
        if (len == cap) {
            if (cap >= RECORD_MAX)
                goto fail;
            char *p = qc_resize(sv->alloc, buf, cap, cap * 2);
            if (!p)
                goto fail;
            buf = p;
            cap *= 2;
        }
        ssize_t r = fdio_read_some(fd, buf + len, cap - len);
        if (r <= 0)
            goto fail;   /* no complete F record */
        size_t was = len;
        len += (size_t)r;
        if (memchr(buf + was, '\0', len - was))
            break;
    }
    close(fd);
    if (buf[0] != 'F') {
        qc_release(sv->alloc, buf, cap);
        return -1;
    }
    memmove(buf, buf + 1, strlen(buf + 1) + 1);
    *sender = buf;
    *size = cap;
    *birth = qd_clock_of_file(st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    return 0;
fail:
    qc_release(sv->alloc, buf, cap);
    close(fd);
    return -1;
}

/* pass_open - start reading a channel list */
static int pass_open(void *ctx, uint64_t id, int chan, const char **sender,
                     qc_time *birth)
{
    struct send *sv = ctx;
    struct send_pass *p = &sv->pass[chan];
    char fn[QD_PATH_MAX];
    if (p->fd >= 0)
        close(p->fd);
    qc_release(sv->alloc, p->sender, p->sender_size);
    p->sender = NULL;
    qd_chan_path(fn, sizeof fn, &sv->env, chan, id);
    p->fd = open(fn, O_RDONLY);
    if (p->fd < 0)
        return -1;
    if (send_getinfo(sv, id, &p->sender, &p->sender_size, birth) < 0) {
        close(p->fd);
        p->fd = -1;
        return -1;
    }
    p->id = id;
    p->blen = p->boff = 0;
    p->eof = 0;
    p->pos = 0;
    *sender = p->sender;
    return 0;
}

/* pass_fill - more bytes of the list; 1 some, 0 end, -1 error
 *
 * A list is complete (written and fsynced) before qmail-send hears of it
 * and only changes in place afterwards (mark_done), so a read of a
 * regular file that returns less than was asked for has reached the end:
 * the read that would return 0 is not made. */
static int pass_fill(struct send_pass *p)
{
    if (p->eof)
        return 0;
    ssize_t r = fdio_read_some(p->fd, p->buf, sizeof p->buf);
    if (r < 0)
        return -1;
    p->blen = (size_t)r;
    p->boff = 0;
    p->eof = (size_t)r < sizeof p->buf;
    return r > 0;
}

/* pass_next - the next record */
static enum sched_record pass_next(void *ctx, uint64_t id, int chan,
                                   struct sched_rcpt *rcpt)
{
    struct send *sv = ctx;
    struct send_pass *p = &sv->pass[chan];
    if (p->fd < 0 || p->id != id)
        return SCHED_REC_ERROR;
    size_t len = 0;
    for (;;) {
        if (p->boff == p->blen) {
            int r = pass_fill(p);
            if (r < 0)
                return SCHED_REC_ERROR;
            if (r == 0)
                return SCHED_REC_END;   /* a cut record is no record */
        }
        char *start = p->buf + p->boff;
        size_t avail = p->blen - p->boff;
        char *nul = memchr(start, '\0', avail);
        size_t take = nul ? (size_t)(nul - start) + 1 : avail;
        if (len + take > p->reccap) {
            size_t cap = p->reccap ? p->reccap : 256;
            while (cap < len + take)
                cap *= 2;
            if (cap > RECORD_MAX)
                return SCHED_REC_ERROR;
            /* refused: qmail's getln fails the same way ("trouble
             * reading"), and the pass is tried again later */
            char *n = qc_resize(sv->alloc, p->rec, p->reccap, cap);
            if (!n)
                return SCHED_REC_ERROR;
            p->rec = n;
            p->reccap = cap;
        }
        memcpy(p->rec + len, start, take);
        len += take;
        p->boff += take;
        if (nul)
            break;
    }
    rcpt->pos = p->pos;
    rcpt->addr = p->rec + 1;
    p->pos += len;
    if (len < 2 && p->rec[0] == '\0')
        return SCHED_REC_BAD;
    switch (p->rec[0]) {
    case 'T':
        return SCHED_REC_TODO;
    case 'D':
        return SCHED_REC_DONE;
    default:
        return SCHED_REC_BAD;
    }
}

/* pass_close - done with the list */
static void pass_close(void *ctx, uint64_t id, int chan)
{
    struct send *sv = ctx;
    struct send_pass *p = &sv->pass[chan];
    (void)id;
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    qc_release(sv->alloc, p->sender, p->sender_size);
    p->sender = NULL;
}

/* mark_done - the recipient at pos is done */
static int mark_done(void *ctx, uint64_t id, int chan, uint64_t pos)
{
    struct send *sv = ctx;
    char fn[QD_PATH_MAX];
    qd_chan_path(fn, sizeof fn, &sv->env, chan, id);
    int fd = open(fn, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t w = pwrite(fd, "D", 1, (off_t)pos);
    close(fd);
    return w == 1 ? 0 : -1;
}

/* vdom_prepend - the prepend virtualdomains gives the domain, if any */
static const char *vdom_prepend(struct send *sv, const char *key,
                                size_t *plen)
{
    const char *hit = NULL;
    size_t klen = strlen(key);
    /* a key listed twice: the later line wins */
    for (size_t i = 0; i < sv->ctl.virtualdomains.n; i++) {
        const char *line = sv->ctl.virtualdomains.items[i];
        const char *colon = strchr(line, ':');
        if (colon && (size_t)(colon - line) == klen &&
            strncasecmp(line, key, klen) == 0)
            hit = colon + 1;
    }
    if (hit)
        *plen = strlen(hit);
    return hit;
}

/* strip_vdom - qmail's stripvdomprepend: bounce the address the sender
 * wrote, not "prepend-user@domain" */
static const char *strip_vdom(struct send *sv, const char *rcpt)
{
    const char *at = strrchr(rcpt, '@');
    if (!at)
        return rcpt;
    const char *domain = at + 1;
    size_t dlen = strlen(domain);
    for (size_t i = 0; i <= dlen; i++) {
        if (i != 0 && i != dlen && domain[i] != '.')
            continue;
        size_t plen;
        const char *prep = vdom_prepend(sv, domain + i, &plen);
        if (!prep)
            continue;
        if (plen == 0 || strncmp(rcpt, prep, plen) != 0 || rcpt[plen] != '-')
            return rcpt;
        return rcpt + plen + 1;
    }
    return rcpt;
}

/* add_bounce - one failed recipient for the bounce message */
static int add_bounce(void *ctx, uint64_t id, const char *rcpt,
                      const char *text)
{
    struct send *sv = ctx;
    struct qd_buf b = {.alloc = sv->alloc};
    const char *addr = strip_vdom(sv, rcpt);
    size_t tlen = strlen(text);
    if (!qd_buf_reserve(&b, strlen(addr) + tlen + 8))
        return -1;
    qd_buf_add(&b, "<", 1);
    for (const char *p = addr; *p; p++)
        qd_buf_add(&b, *p == '\n' ? "_" : p, 1);
    qd_buf_add(&b, ">:\n", 3);
    size_t start = b.len;
    qd_buf_add(&b, text, tlen);
    if (tlen && text[tlen - 1] != '\n')
        qd_buf_add(&b, "\n", 1);
    /* a blank line would end the record: qmail turns it into '/' */
    for (size_t i = b.len - 1; i > start; i--)
        if (b.data[i] == '\n' && b.data[i - 1] == '\n')
            b.data[i] = '/';
    qd_buf_add(&b, "\n", 1);

    char fn[QD_PATH_MAX];
    qd_path(fn, sizeof fn, &sv->env, "bounce", id);
    /* in the set before the file may exist */
    if (sv->bounces_known && qd_idset_add(&sv->bounces, id) < 0)
        sv->bounces_known = 0;
    int fd = open(fn, O_WRONLY | O_APPEND | O_CREAT, 0600);
    struct stat st;
    int r = fd >= 0 && fstat(fd, &st) == 0 ? 0 : -1;
    if (r == 0 && fdio_write_all(fd, b.data, b.len) < 0) {
        /* a full disk may take part of the record: cut it off again, so
         * the retry's record is not appended to a broken one */
        (void)!ftruncate(fd, st.st_size);
        r = -1;
    }
    if (fd >= 0)
        close(fd);
    qd_buf_free(&b);
    return r;
}

/* chan_finish - every recipient of the list is done */
static int chan_finish(void *ctx, uint64_t id, int chan)
{
    struct send *sv = ctx;
    char fn[QD_PATH_MAX];
    qd_chan_path(fn, sizeof fn, &sv->env, chan, id);
    return unlink(fn) == 0 || errno == ENOENT ? 0 : -1;
}

/* message_finish - the end of a message
 *
 * qmail's messdone() first stats every channel list and todo/N ("false
 * alarm; consequence of HOPEFULLY"): its job_close() guesses from stat()
 * that a message has no list left, and messdone() checks the guess.  The
 * scheduler does not guess: its message table knows which lists it
 * removed, and it learnt of the message either from the queue scan (which
 * saw no todo/N) or from qmail-todo's "D" record (sent after todo/N is
 * gone, naming every list written).  Only qmail-todo writes lists and
 * only while todo/N exists, which never happens again for a message
 * whose todo/N is gone (qmail-queue makes it, for a fresh mess/ inode).
 * So those stats tell nothing new and are not made; on tmpfs each one
 * that fails is a slow lookup.  What is left is qmail's order: the
 * bounce, info/N, then mess/N through qmail-clean. */
static int message_finish(void *ctx, uint64_t id)
{
    struct send *sv = ctx;
    char fn[QD_PATH_MAX], bfn[QD_PATH_MAX];
    struct stat st;
    qd_path(fn, sizeof fn, &sv->env, "info", id);
    /* bounce/N is written by qmail-send alone: without the start-up
     * listing or an add_bounce naming it, it does not exist */
    int nobounce = sv->bounces_known && !qd_idset_has(&sv->bounces, id);
    if (!nobounce) {
        qd_path(bfn, sizeof bfn, &sv->env, "bounce", id);
        nobounce = stat(bfn, &st) < 0 && errno == ENOENT;
    }
    if (nobounce) {
        /* no bounce: removing info/N is the test that it is there (if
         * it is not, there is nothing to finish: say nothing, as qmail) */
        if (unlink(fn) < 0) {
            if (errno == ENOENT)
                return SCHED_NOT_FINISHED;
            send_logf(sv, "warning: unable to unlink %s; will try again "
                      "later\n", fn);
            return -1;
        }
    } else {
        if (stat(fn, &st) < 0) {
            if (errno == ENOENT)
                return SCHED_NOT_FINISHED;
            send_logf(sv, "warning: unable to stat %s; will try again "
                      "later\n", fn);
            return -1;
        }
        if (send_bounce(sv, id) < 0)
            return -1;
        qd_idset_del(&sv->bounces, id);   /* bounce/N is gone */
        if (unlink(fn) < 0) {
            send_logf(sv, "warning: unable to unlink %s; will try again "
                      "later\n", fn);
            return -1;
        }
    }
    qd_path(fn, sizeof fn, &sv->env, "foop", id);
    (void)send_clean(sv, fn);
    return 0;
}

/* send_clean - one request to qmail-clean */
int send_clean(struct send *sv, const char *path)
{
    if (!sv->clean_alive)
        return -1;
    char ch;
    if (fdio_write_all(SEND_FD_TO_CLEAN, path, strlen(path) + 1) < 0 ||
        fdio_read_some(SEND_FD_FROM_CLEAN, &ch, 1) != 1) {
        send_log(sv, "alert: oh no! lost qmail-clean connection! dying...\n");
        sv->clean_alive = 0;
        sched_exit_asap(sv->s);
        return -1;
    }
    if (ch != '+') {
        send_logf(sv, "warning: qmail-clean unable to clean up %s\n", path);
        return -1;
    }
    return 0;
}

/* rescan - pqfail's message is due: pqadd it again */
static void rescan(void *ctx, uint64_t id, qc_time now)
{
    send_scan_one(ctx, id, now);
}

/* send_store_init - the store's functions */
void send_store_init(struct send *sv, struct sched_store *store)
{
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        sv->pass[c].fd = -1;
    store->ctx = sv;
    store->pass_open = pass_open;
    store->pass_next = pass_next;
    store->pass_close = pass_close;
    store->mark_done = mark_done;
    store->add_bounce = add_bounce;
    store->chan_finish = chan_finish;
    store->message_finish = message_finish;
    store->rescan = rescan;
}

/* send_store_free - what the passes hold */
void send_store_free(struct send *sv)
{
    for (int c = 0; c < QC_MAX_CHANNELS; c++) {
        if (sv->pass[c].fd >= 0)
            close(sv->pass[c].fd);
        qc_release(sv->alloc, sv->pass[c].rec, sv->pass[c].reccap);
        qc_release(sv->alloc, sv->pass[c].sender, sv->pass[c].sender_size);
    }
    qd_idset_free(&sv->bounces);
}
