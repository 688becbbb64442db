/*
 * queue_floor.c - the queue-file floor: the file work qmail-send does per
 * delivered single-recipient message, and nothing else.
 *
 *	queue_floor [--calls qmail|qchan|least] [--channels N] [--split N]
 *		    DIR MESSAGES
 *
 * Builds a queue of MESSAGES preprocessed single-recipient messages under
 * DIR (created, or an empty directory; message i on channel i % 4, as
 * bench/spawn_floor.c and bench/daemons_rate.py spread them), the way
 * qmail-todo leaves them: mess/S/N (N the file's inode number, S = N %
 * split), info/S/N "F<sender>\0", and one channel list "T<rcpt>\0".  Then,
 * timed, it makes the system calls qmail-send makes to deliver them, in
 * one process, with no pipes, no spawner and no scheduler, and removes
 * what it built.  Every call's result is checked; a queue that is not as
 * expected (a file left, a file missing) is an error naming the file.
 *
 * --calls qmail (default): notqmail's qmail-send.c and qmail-clean.c, with
 * the CHANNELS patch's channel count (the loops run over every channel):
 *  start-up	pqstart(): opendir/readdir/closedir of every info/S, and
 *		pqadd() per message: stat info/N, stat todo/N (ENOENT),
 *		stat every channel's list (the one that exists gives its
 *		mtime, the retry time; the others ENOENT)
 *  pass open	pass_dochan(): open the list read-only; getinfo(): open
 *		info/N, fstat (the birth), read "F<sender>\0", close
 *  pass	getln(): read the list (the whole record), read again (0:
 *		end of file), close the list
 *  report K	markdone(): open the list write-only, fstat, lseek to the
 *		record, write "D", close
 *  job_close	unlink the list; stat every other channel's list (ENOENT)
 *  messdone	stat every channel's list (ENOENT), todo/N (ENOENT), info/N;
 *		injectbounce(): getinfo() again (open, fstat, read, close),
 *		stat bounce/N (ENOENT); unlink info/N; then "foop/N" to
 *		qmail-clean, which unlinks intd/N (ENOENT) and mess/S/N, and
 *		every 30 requests reads pid/ (cleanuppid: opendir, readdir,
 *		closedir)
 * Left out: the pipe I/O (the request to the spawner, its report, the
 * foop request and its answer, the log lines) and the poll/select around
 * it: that is the spawn floor's part (bench/spawn_floor.c).
 *
 * --calls qchan: what daemons/ did at commit 0ba3e57 (since then they
 * list each queue directory once at start-up instead of the per-message
 * stats, and skip the stats of lists the scheduler knows are gone: 14.7
 * calls per delivery in all, bench/RESULTS.md) (send_scan.c,
 * send_store.c, send_bounce.c, qchan_clean.c): qmail's list minus
 * job_close's stats of
 * the other lists, markdone's fstat and lseek (one pwrite instead), the
 * second getinfo (only when bounce/N exists) and qmail-clean's pid/ scan.
 *
 * --calls least: what a qmail-compatible qmail-send cannot avoid when it
 * remembers what qmail-todo told it (which lists a message has) and that
 * todo/ and bounce/ held nothing at start-up (one readdir of each, not
 * timed per message): at start-up one stat per list (its mtime is the
 * retry time); open+read+close of the list and of info/N (the sender goes
 * in the request; the birth is needed only for a deferral); no done mark,
 * because for the last recipient of a list unlinking the list records the
 * same thing (a crash before the unlink delivers again either way); unlink
 * the list, info/N and mess/S/N.
 *
 * Prints, like spawn_floor, deliveries per second over the timed part
 * (start-up scan plus deliveries: the daemon benchmark times both) and
 * the CPU microseconds per delivery, then the scan's share and the system
 * calls per message.  Exit 0 ok, 1 when a call fails or the queue is not
 * as expected, 2 for a bad command line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXCHAN 20
#define NAMEMAX 64

enum qf_mode { QF_QMAIL, QF_QCHAN, QF_LEAST };

struct qf_msg {
    uint64_t id;
    int chan;
};

struct qf {
    enum qf_mode mode;
    int nchan;
    unsigned split;
    char chan_dir[MAXCHAN][16];   /* local, remote, suppl0... */
    struct qf_msg *msg;           /* found by the scan */
    size_t nmsg, cap;
    int scan_chan;                /* least: the channel being read */
    unsigned long calls;          /* system calls in the timed part */
    unsigned long cleans;         /* foop requests, for cleanuppid */
};

static const char *dom[4] = {"local.test", "r.test", "s0.test", "s1.test"};

/* fail - a failed call or an unexpected queue: say which file, exit 1 */
static void fail(const char *what, const char *fn)
{
    if (errno)
        fprintf(stderr, "queue_floor: %s %s: %s\n", what, fn,
                strerror(errno));
    else
        fprintf(stderr, "queue_floor: %s %s\n", what, fn);
    exit(1);
}

/* usage - the command line, exit 2 */
static void usage(const char *why)
{
    fprintf(stderr, "queue_floor: %s\nusage: queue_floor [--calls "
            "qmail|qchan|least] [--channels N] [--split N] DIR MESSAGES\n",
            why);
    exit(2);
}

/* seconds - a monotonic clock */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu - user + system seconds so far */
static double cpu(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_utime.tv_sec + (double)r.ru_utime.tv_usec / 1e6 +
           (double)r.ru_stime.tv_sec + (double)r.ru_stime.tv_usec / 1e6;
}

/* put_num - decimal digits of v at p; the end.  By hand, as qmail's
 * fmtqfn: the floor should cost the kernel's work, not snprintf's */
static char *put_num(char *p, uint64_t v)
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0)
        *p++ = t[--n];
    return p;
}

/* name - dir/S/N (split) or dir/N in fn */
static const char *name(const struct qf *q, char fn[NAMEMAX], const char *dir,
                        uint64_t id, int split)
{
    char *p = fn;
    size_t l = strlen(dir);
    memcpy(p, dir, l);
    p += l;
    *p++ = '/';
    if (split) {
        p = put_num(p, id % q->split);
        *p++ = '/';
    }
    p = put_num(p, id);
    *p = '\0';
    return fn;
}

/* ---------------------------------------------------------- the calls */
/* Each wrapper counts one system call and checks what qmail checks. */

/* s_stat - stat that must find the file (want 1) or must not (want 0) */
static void s_stat(struct qf *q, const char *fn, int want)
{
    struct stat st;
    q->calls++;
    int r = stat(fn, &st);
    if (want && r < 0)
        fail("cannot stat", fn);
    if (!want && (r == 0 || errno != ENOENT)) {
        if (r == 0)
            errno = 0;
        fail(r == 0 ? "should not exist:" : "cannot stat", fn);
    }
}

/* s_open - open that must succeed */
static int s_open(struct qf *q, const char *fn, int flags)
{
    q->calls++;
    int fd = open(fn, flags);
    if (fd < 0)
        fail("cannot open", fn);
    return fd;
}

/* s_read - one read; the bytes it got */
static ssize_t s_read(struct qf *q, int fd, char *buf, size_t len,
                      const char *fn)
{
    q->calls++;
    ssize_t r = read(fd, buf, len);
    if (r < 0)
        fail("cannot read", fn);
    return r;
}

/* s_close - close */
static void s_close(struct qf *q, int fd)
{
    q->calls++;
    close(fd);
}

/* s_fstat - fstat */
static void s_fstat(struct qf *q, int fd, const char *fn)
{
    struct stat st;
    q->calls++;
    if (fstat(fd, &st) < 0)
        fail("cannot fstat", fn);
}

/* s_unlink - unlink; absent is an error unless may_miss */
static void s_unlink(struct qf *q, const char *fn, int may_miss)
{
    q->calls++;
    if (unlink(fn) < 0 && !(may_miss && errno == ENOENT))
        fail("cannot unlink", fn);
}

/* s_readdir_all - opendir, every entry, closedir; calls each entry's
 * function with its id (numeric names only) */
static void s_readdir_all(struct qf *q, const char *dir,
                          void (*each)(struct qf *, uint64_t))
{
    DIR *d = opendir(dir);
    if (!d)
        fail("cannot opendir", dir);
    struct dirent *de;
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de)
            break;
        if (each && de->d_name[0] >= '0' && de->d_name[0] <= '9')
            each(q, strtoull(de->d_name, NULL, 10));
    }
    if (errno)
        fail("cannot readdir", dir);
    /* opendir's openat and fstat, getdents64 until it gives nothing (twice
     * for directories of a few hundred names), close: five calls */
    q->calls += 5;
    closedir(d);
}

/* getinfo - qmail's getinfo(): open, fstat (birth), read "F...\0", close */
static void getinfo(struct qf *q, uint64_t id, int with_fstat)
{
    char fn[NAMEMAX], buf[128];
    name(q, fn, "info", id, 1);
    int fd = s_open(q, fn, O_RDONLY);
    if (with_fstat)
        s_fstat(q, fd, fn);
    ssize_t r = s_read(q, fd, buf, sizeof buf, fn);
    if (r < 2 || buf[0] != 'F' || !memchr(buf, '\0', (size_t)r)) {
        errno = 0;
        fail("no F record in", fn);
    }
    s_close(q, fd);
}

/* ---------------------------------------------------------- start-up */

/* found - the scan found message id on chan */
static void found(struct qf *q, uint64_t id, int chan)
{
    if (q->nmsg == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        struct qf_msg *m = realloc(q->msg, cap * sizeof *m);
        if (!m) {
            errno = ENOMEM;
            fail("scan:", "memory");
        }
        q->msg = m;
        q->cap = cap;
    }
    q->msg[q->nmsg].id = id;
    q->msg[q->nmsg].chan = chan;
    q->nmsg++;
}

/* pqadd - qmail's pqadd(): which lists message id has */
static void pqadd(struct qf *q, uint64_t id)
{
    char fn[NAMEMAX];
    s_stat(q, name(q, fn, "info", id, 1), 1);
    s_stat(q, name(q, fn, "todo", id, 0), 0);
    int chan = -1;
    for (int c = 0; c < q->nchan; c++) {
        struct stat st;
        name(q, fn, q->chan_dir[c], id, 1);
        q->calls++;
        if (stat(fn, &st) == 0)
            chan = c;
        else if (errno != ENOENT)
            fail("cannot stat", fn);
    }
    if (chan < 0) {
        errno = 0;
        fail("no channel list for", name(q, fn, "info", id, 1));
    }
    found(q, id, chan);
}

/* least_add - least: a list found by readdir; one stat for its mtime */
static void least_add(struct qf *q, uint64_t id)
{
    char fn[NAMEMAX];
    s_stat(q, name(q, fn, q->chan_dir[q->scan_chan], id, 1), 1);
    found(q, id, q->scan_chan);
}

/* scan - the start-up scan */
static void scan(struct qf *q)
{
    char dir[NAMEMAX];
    if (q->mode != QF_LEAST) {
        for (unsigned s = 0; s < q->split; s++) {
            snprintf(dir, sizeof dir, "info/%u", s);
            s_readdir_all(q, dir, pqadd);
        }
        return;
    }
    s_readdir_all(q, "todo", NULL);
    s_readdir_all(q, "bounce", NULL);
    for (q->scan_chan = 0; q->scan_chan < q->nchan; q->scan_chan++)
        for (unsigned s = 0; s < q->split; s++) {
            snprintf(dir, sizeof dir, "%s/%u", q->chan_dir[q->scan_chan], s);
            s_readdir_all(q, dir, least_add);
        }
}

/* ---------------------------------------------------------- delivery */

/* deliver - one message from pass open to qmail-clean's unlinks */
static void deliver(struct qf *q, const struct qf_msg *m)
{
    char list[NAMEMAX], fn[NAMEMAX], buf[128];
    name(q, list, q->chan_dir[m->chan], m->id, 1);

    /* pass open and the pass */
    int fd = s_open(q, list, O_RDONLY);
    getinfo(q, m->id, q->mode != QF_LEAST);
    ssize_t r = s_read(q, fd, buf, sizeof buf, list);
    if (r < 2 || buf[0] != 'T' || buf[r - 1] != '\0') {
        errno = 0;
        fail("not one T record in", list);
    }
    /* a short read of a finished list is its end: least stops here */
    if (q->mode != QF_LEAST && s_read(q, fd, buf, sizeof buf, list) != 0) {
        errno = 0;
        fail("more than one record in", list);
    }
    s_close(q, fd);

    /* the report: mark the record done */
    if (q->mode == QF_QMAIL) {
        fd = s_open(q, list, O_WRONLY);
        s_fstat(q, fd, list);
        q->calls++;
        if (lseek(fd, 0, SEEK_SET) != 0)
            fail("cannot seek", list);
        q->calls++;
        if (write(fd, "D", 1) != 1)
            fail("cannot write", list);
        s_close(q, fd);
    } else if (q->mode == QF_QCHAN) {
        fd = s_open(q, list, O_WRONLY);
        q->calls++;
        if (pwrite(fd, "D", 1, 0) != 1)
            fail("cannot write", list);
        s_close(q, fd);
    }

    /* job_close: the list is done */
    s_unlink(q, list, 0);
    if (q->mode == QF_QMAIL)
        for (int c = 0; c < q->nchan; c++)
            if (c != m->chan)
                s_stat(q, name(q, fn, q->chan_dir[c], m->id, 1), 0);

    /* messdone */
    if (q->mode != QF_LEAST) {
        for (int c = 0; c < q->nchan; c++)
            s_stat(q, name(q, fn, q->chan_dir[c], m->id, 1), 0);
        s_stat(q, name(q, fn, "todo", m->id, 0), 0);
        s_stat(q, name(q, fn, "info", m->id, 1), 1);
        if (q->mode == QF_QMAIL)
            getinfo(q, m->id, 1);
        s_stat(q, name(q, fn, "bounce", m->id, 0), 0);
    }
    s_unlink(q, name(q, fn, "info", m->id, 1), 0);

    /* qmail-clean's part of foop/N */
    if (q->mode != QF_LEAST)
        s_unlink(q, name(q, fn, "intd", m->id, 0), 1);
    s_unlink(q, name(q, fn, "mess", m->id, 1), 0);
    if (q->mode == QF_QMAIL && q->cleans++ % 30 == 0)
        s_readdir_all(q, "pid", NULL);
}

/* ---------------------------------------------------------- the queue */

/* mkdir_or_die - a directory of the queue */
static void mkdir_or_die(const char *d)
{
    if (mkdir(d, 0700) < 0)
        fail("cannot mkdir", d);
}

/* write_file - a file of the queue, complete */
static void write_file(const char *fn, const char *data, size_t len)
{
    int fd = open(fn, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        fail("cannot create", fn);
    if (write(fd, data, len) != (ssize_t)len)
        fail("cannot write", fn);
    close(fd);
}

/* build - the queue as qmail-todo leaves it */
static void build(struct qf *q, size_t n)
{
    char fn[NAMEMAX], d[NAMEMAX];
    static const char *flat[] = {"todo", "intd", "bounce", "pid"};
    static const char *split[] = {"mess", "info"};
    for (size_t i = 0; i < 4; i++)
        mkdir_or_die(flat[i]);
    for (int k = 0; k < 2 + q->nchan; k++) {
        const char *top = k < 2 ? split[k] : q->chan_dir[k - 2];
        mkdir_or_die(top);
        for (unsigned s = 0; s < q->split; s++) {
            snprintf(d, sizeof d, "%s/%u", top, s);
            mkdir_or_die(d);
        }
    }
    static const char body[] = "Subject: bench\n\nbody\n";
    static const char info[] = "Fs@local.test";
    for (size_t i = 0; i < n; i++) {
        /* qmail-queue's way to a message number: the inode */
        write_file("mess/new", body, sizeof body - 1);
        struct stat st;
        if (stat("mess/new", &st) < 0)
            fail("cannot stat", "mess/new");
        uint64_t id = (uint64_t)st.st_ino;
        if (rename("mess/new", name(q, fn, "mess", id, 1)) < 0)
            fail("cannot rename mess/new to", fn);
        write_file(name(q, fn, "info", id, 1), info, sizeof info);
        char rec[128];
        int c = (int)(i % (size_t)q->nchan);
        int len = snprintf(rec, sizeof rec, "Tu%zu_0@%s", i, dom[i % 4]);
        write_file(name(q, fn, q->chan_dir[c], id, 1), rec, (size_t)len + 1);
    }
}

/* rmdir_or_die - an emptied directory of the queue: anything left in it
 * is a file the delivery should have removed */
static void rmdir_or_die(const char *d)
{
    if (rmdir(d) < 0)
        fail(errno == ENOTEMPTY || errno == EEXIST ? "files left in"
                                                   : "cannot rmdir", d);
}

/* teardown - remove the (now empty) queue directories */
static void teardown(struct qf *q)
{
    char d[NAMEMAX];
    static const char *flat[] = {"todo", "intd", "bounce", "pid"};
    static const char *split[] = {"mess", "info"};
    for (int k = 0; k < 2 + q->nchan; k++) {
        const char *top = k < 2 ? split[k] : q->chan_dir[k - 2];
        for (unsigned s = 0; s < q->split; s++) {
            snprintf(d, sizeof d, "%s/%u", top, s);
            rmdir_or_die(d);
        }
        rmdir_or_die(top);
    }
    for (size_t i = 0; i < 4; i++)
        rmdir_or_die(flat[i]);
}

/* number - a positive decimal command-line value */
static unsigned long number(const char *opt, const char *v,
                            unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n == 0 || n > max) {
        char why[160];
        snprintf(why, sizeof why, "%s %s: expected a number from 1 to %lu",
                 opt, v, max);
        usage(why);
    }
    return n;
}

int main(int argc, char **argv)
{
    static struct qf q;
    q.mode = QF_QMAIL;
    q.nchan = 4;
    q.split = 23;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *o = argv[i];
        if (i + 1 >= argc)
            usage("an option needs a value");
        const char *v = argv[++i];
        if (strcmp(o, "--calls") == 0) {
            if (strcmp(v, "qmail") == 0)
                q.mode = QF_QMAIL;
            else if (strcmp(v, "qchan") == 0)
                q.mode = QF_QCHAN;
            else if (strcmp(v, "least") == 0)
                q.mode = QF_LEAST;
            else
                usage("--calls: expected qmail, qchan or least");
        } else if (strcmp(o, "--channels") == 0) {
            q.nchan = (int)number(o, v, MAXCHAN);
            if (q.nchan < 2)
                usage("--channels: at least 2 (local and remote)");
        } else if (strcmp(o, "--split") == 0) {
            q.split = (unsigned)number(o, v, 1000);
        } else {
            usage("unknown option");
        }
    }
    if (argc - i != 2)
        usage("expected DIR MESSAGES");
    const char *dir = argv[i];
    size_t n = number("MESSAGES", argv[i + 1], 100000000);
    for (int c = 0; c < q.nchan; c++) {
        if (c < 2)
            strcpy(q.chan_dir[c], c ? "remote" : "local");
        else
            snprintf(q.chan_dir[c], sizeof q.chan_dir[c], "suppl%d", c - 2);
    }

    int made = mkdir(dir, 0700) == 0;
    if (!made && errno != EEXIST)
        fail("cannot mkdir", dir);
    if (chdir(dir) < 0)
        fail("cannot chdir to", dir);
    DIR *d = opendir(".");
    if (!d)
        fail("cannot opendir", dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            closedir(d);
            errno = 0;
            fail("not an empty directory:", dir);
        }
    closedir(d);
    build(&q, n);

    double c0 = cpu(), t0 = seconds();
    scan(&q);
    double t1 = seconds();
    unsigned long scan_calls = q.calls;
    if (q.nmsg != n) {
        errno = 0;
        fprintf(stderr, "queue_floor: the scan found %zu messages of %zu\n",
                q.nmsg, n);
        exit(1);
    }
    for (size_t k = 0; k < q.nmsg; k++)
        deliver(&q, &q.msg[k]);
    double t2 = seconds(), c1 = cpu();

    teardown(&q);
    if (chdir("..") == 0 && made)
        (void)rmdir(dir);
    free(q.msg);
    static const char *mode[] = {"qmail", "qchan", "least"};
    printf("queue floor (%s calls): delivered %zu in %.3f s: %.0f "
           "deliveries/s; CPU %.3f s = %.1f us/delivery\n", mode[q.mode], n,
           t2 - t0, (double)n / (t2 - t0), c1 - c0,
           (c1 - c0) * 1e6 / (double)n);
    printf("start-up scan %.3f s (%.1f calls/message), deliveries %.3f s "
           "(%.1f calls/message); %d channels, split %u\n", t1 - t0,
           (double)scan_calls / (double)n, t2 - t1,
           (double)(q.calls - scan_calls) / (double)n, q.nchan, q.split);
    return 0;
}
