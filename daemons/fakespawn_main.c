/*
 * fakespawn_main.c - fakespawn: a spawner that delivers nothing, in real
 * time, with the simulator's models.
 *
 *	fakespawn [options]	requests on fd 0, reports on fd 1
 *
 * It speaks the spawn protocol as qmail-lspawn and qmail-rspawn do: on
 * start it announces its limit (1 or 2 bytes, QCHAN_SPAWN_WIDTH or
 * --width), then takes requests (delivery number, message path, sender,
 * recipient) and answers each with a report (delivery number, K/Z/D,
 * text).  How long an answer takes and what it says comes from the
 * fakespawn models (fs_model.h), the same ones the simulator uses: the
 * channel, the recipient's domain, the attempt number (counted here per
 * message and recipient) and the model time, which runs --time-scale
 * times faster than the wall clock from --epoch on.
 *
 * Options:
 *	--channel NAME	the channel it serves (local, remote, supplK)
 *	--channels N	channels of the installation (QCHAN_CHANNELS)
 *	--limit N	the limit it announces (default 120, qmail's conf-spawn)
 *	--width 1|2	delivery number width
 *	--model FILE	spawner, domain and outage lines (scenario syntax);
 *			other lines are skipped
 *	--line 'LINE'	one such line
 *	--latency S	shorthand for 'spawner CHAN latency const S'
 *	--defer-domain D, --fail-domain D
 *			shorthands for 'domain D outcome defer 100' / fail
 *	--time-scale F	model seconds per wall-clock second (default 1)
 *	--epoch T	wall-clock time (seconds) of model time 0 (default now)
 *	--seed N	the models' seed
 *	--log FILE	one line per delivery, appended:
 *			start end channel slot msg sender rcpt status attempt
 *			inflight (tab-separated, times in seconds)
 *	--keep DIR	copy each message it is asked to deliver into DIR
 *			as MSG.N (N counts the copies)
 *	--no-open	do not open the message file (by default it is opened
 *			under $QCHAN_HOME/queue/mess, as a spawner must, and a
 *			missing one is a deferral)
 *	--fork		deliver as qmail-lspawn and qmail-rspawn do: a child
 *			process per delivery (fork, no exec) that opens the
 *			message (unless --no-open), writes the report text
 *			to a pipe and exits 0 (K), 100 (D) or 111 (Z); the
 *			report goes out when the model's latency is over
 *			and the child is reaped and its pipe drained (its
 *			exit code gives the status, the pipe the text).
 *			A failed pipe() or fork() is a deferral.  With
 *			--keep, N then numbers requests, not copies
 *	--sim-key G	draw outcomes with the keys the simulator gives
 *			generator G's messages: message N is its message
 *			N-1, recipient "uN.R@..." its recipient R (other
 *			addresses keep the usual key); a scenario replayed
 *			through the daemons then meets the same latencies
 *			and outcomes as in `qchan run`
 *
 * Misbehaviour on purpose, to test qmail-send against a broken spawner
 * (N counts reports; 0, the default, never):
 *	--mangle-every N	every Nth report has the status byte 'X'
 *	--bad-slot-every N	after every Nth report, one more for a
 *				delivery number not in flight (alternately
 *				the limit itself, out of range, and the
 *				highest free number below it)
 *	--huge-report-every N	every Nth report carries 12,000 bytes of
 *				text, over qmail's 10,000-byte REPORTMAX
 *	--die-after N		exit at once after the Nth request, leaving
 *				what is in flight unanswered (a crashed
 *				spawner)
 *
 * A request for a delivery number at or above the limit, or for one still
 * in flight, is a protocol violation: it is written to the log as a line
 * starting with '#' and to stderr, and ignored.  At the end of input it
 * finishes what is in flight and exits 0.
 */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fs_model.h"
#include "fs_rand.h"
#include "heap.h"
#include "opt.h"
#include "proto.h"
#include "qd_env.h"
#include "qd_io.h"
#include "u64map.h"

struct flight {
    int used;
    qc_time start;
    qc_time due;
    char status;
    const char *text;
    unsigned attempt;
    char *msg;
    char *sender;
    char *rcpt;
    /* --fork: the child delivering it */
    pid_t pid;              /* > 0 while it runs */
    int pipe;               /* read end of its output */
    int waiting;            /* the latency is over; waiting for it */
    char *out;              /* its output: the report text */
    size_t outlen;
};

struct fakespawn {
    int chan;
    int sim_gen;            /* --sim-key, -1 if not */
    unsigned long mangle_every, bad_slot_every, huge_every, die_after;
    unsigned long nreports, nrequests, nbad;
    char chan_name[QC_CHAN_NAME_MAX];
    unsigned limit;
    enum proto_width width;
    double scale;
    qc_time epoch;
    struct fs_model *model;
    int logfd;
    const char *keep;
    int open_msg;
    struct flight *fl;      /* [limit] */
    unsigned *heap;         /* slots in flight, by due time */
    size_t nheap;
    unsigned inflight;
    struct u64map att;      /* key -> attempts so far */
    struct qd_buf out;
    unsigned long kept;
    int fork;               /* --fork */
    unsigned *kids;         /* slots whose child runs */
    unsigned nkids;
};

/* the most of a child's output kept for the report */
#define FORK_TEXT_MAX 4000

/* usage - the options */
static void usage(void)
{
    fprintf(stderr,
            "usage: fakespawn [--channel NAME] [--channels N] [--limit N] "
            "[--width 1|2]\n"
            "         [--model FILE] [--line LINE] [--latency S] "
            "[--defer-domain D]\n"
            "         [--fail-domain D] [--time-scale F] [--epoch T] "
            "[--seed N]\n"
            "         [--log FILE] [--keep DIR] [--no-open] [--sim-key G]\n"
            "         [--mangle-every N] [--bad-slot-every N] "
            "[--huge-report-every N]\n"
            "         [--die-after N] [--fork]\n");
}

/* die - a start-up error */
static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fakespawn: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(111);
}

/* attempt_next - count one more attempt of key */
static unsigned attempt_next(struct u64map *att, uint64_t key)
{
    uint64_t n = 0;
    (void)u64map_get(att, key, &n);
    if (u64map_put(att, key, n + 1) < 0)
        die("out of memory", NULL);
    return (unsigned)(n + 1);
}

/* heap_less - order of two slots in the heap */
static int heap_less(const struct fakespawn *f, unsigned a, unsigned b)
{
    if (f->fl[a].due != f->fl[b].due)
        return f->fl[a].due < f->fl[b].due;
    return a < b;
}

#define SLOT_BEFORE(f, a, b) heap_less((f), *(a), *(b))
HEAP_DEFINE(slot_heap, unsigned, const struct fakespawn *, SLOT_BEFORE)

/* model_line - split one line into words and give it to the model */
static int model_line(struct fakespawn *f, const char *line, const char *src,
                      unsigned lineno)
{
    char buf[1024];
    if (strlen(line) >= sizeof buf) {
        fprintf(stderr, "fakespawn: %s:%u: line too long\n", src, lineno);
        return -1;
    }
    strcpy(buf, line);
    char *w[64];
    int n = 0;
    for (char *p = strtok(buf, " \t\r\n"); p && n < 64;
         p = strtok(NULL, " \t\r\n"))
        w[n++] = p;
    if (n == 0 || w[0][0] == '#')
        return 0;
    char err[256];
    int r = fs_model_line(f->model, w, n, NULL, err, sizeof err);
    if (r == -1) {
        fprintf(stderr, "fakespawn: %s:%u: %s\n", src, lineno, err);
        return -1;
    }
    return 0;   /* -2: not a model line; scenario files hold others */
}

/* model_file - every model line of a file */
static int model_file(struct fakespawn *f, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "fakespawn: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    unsigned lineno = 0;
    int r = 0;
    while (r == 0 && fgets(line, sizeof line, fp))
        r = model_line(f, line, path, ++lineno);
    fclose(fp);
    return r;
}

/* log_line - one line to the delivery log, in one write so several
 * fakespawns can share a log opened with O_APPEND */
static void log_line(struct fakespawn *f, const char *line, size_t len)
{
    if (f->logfd >= 0)
        (void)fdio_write_all(f->logfd, line, len);
}

/* every - is count a multiple of n (n 0: never)? */
static int every(unsigned long count, unsigned long n)
{
    return n && count % n == 0;
}

/* put_report - a report record, built by hand: proto_report_enc() will
 * not write the oversized or mangled ones misbehaviour asks for */
static void put_report(struct fakespawn *f, unsigned slot, char status,
                       const char *text, size_t len, size_t pad)
{
    char head[3];
    size_t n = 0;
    head[n++] = (char)(slot & 0xff);
    if (f->width == PROTO_WIDTH_BIG)
        head[n++] = (char)(slot >> 8);
    head[n++] = status;
    char *at = qd_buf_reserve(&f->out, n + len + pad + 1);
    if (!at)
        die("out of memory", NULL);
    memcpy(at, head, n);
    memcpy(at + n, text, len);
    memset(at + n + len, 'x', pad);
    at[n + len + pad] = '\0';
    f->out.len += n + len + pad + 1;
}

/* bogus_report - a report for a delivery number not in flight */
static void bogus_report(struct fakespawn *f)
{
    unsigned slot = f->limit;   /* out of range */
    if (f->nbad++ % 2 == 1 || f->limit >= proto_width_max(f->width)) {
        /* the highest free number: qmail-send hands out the lowest
         * first, so it is the least likely to be in a request on its way
         * here (a concurrency below the limit keeps it out of use) */
        for (slot = f->limit; slot > 0 && f->fl[slot - 1].used; slot--)
            ;
        if (slot-- == 0)
            return;   /* every number is in flight */
    }
    static const char text[] = "fakespawn: a report nobody asked for/";
    put_report(f, slot, 'K', text, sizeof text - 1, 0);
}

/* report - a delivery ends: answer qmail-send, log it */
static void report(struct fakespawn *f, unsigned slot, qc_time now)
{
    struct flight *d = &f->fl[slot];
    f->nreports++;
    char status = d->status;
    if (every(f->nreports, f->mangle_every))
        status = 'X';
    size_t pad = every(f->nreports, f->huge_every) ? 12000 : 0;
    put_report(f, slot, status, d->text, strlen(d->text), pad);
    if (every(f->nreports, f->bad_slot_every))
        bogus_report(f);
    char line[8192];
    int len = snprintf(line, sizeof line,
                       "%.6f\t%.6f\t%s\t%u\t%s\t%s\t%s\t%c\t%u\t%u\n",
                       (double)d->start / QC_SEC, (double)now / QC_SEC,
                       f->chan_name, slot, d->msg, d->sender, d->rcpt,
                       status, d->attempt, f->inflight);
    if (len > 0)
        log_line(f, line, (size_t)len < sizeof line ? (size_t)len
                                                     : sizeof line - 1);
    free(d->msg);
    free(d->sender);
    free(d->rcpt);
    free(d->out);
    memset(d, 0, sizeof *d);
    f->inflight--;
}

/* violation - a request qmail-send must never send */
static void violation(struct fakespawn *f, const char *what, unsigned slot)
{
    char line[256];
    int len = snprintf(line, sizeof line, "# %s: %s delivery number %u "
                       "(limit %u)\n", f->chan_name, what, slot, f->limit);
    fprintf(stderr, "fakespawn: %s", line + 2);
    log_line(f, line, (size_t)len);
}

/* message_ok - open the message as a spawner would; copy it if asked */
static int message_ok(struct fakespawn *f, const char *path, const char *id)
{
    if (!f->open_msg)
        return 1;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    if (f->keep) {
        char dst[4096];
        snprintf(dst, sizeof dst, "%s/%s.%lu", f->keep, id, ++f->kept);
        int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out >= 0) {
            char buf[65536];
            ssize_t r;
            while ((r = fdio_read_some(fd, buf, sizeof buf)) > 0)
                if (fdio_write_all(out, buf, (size_t)r) < 0)
                    break;
            close(out);
        }
    }
    close(fd);
    return 1;
}

/* child_run - in the child: the delivery itself, then exit with its
 * outcome as qmail-local and qmail-remote do (0, 100 permanent, 111
 * temporary) */
static void child_run(struct fakespawn *f, const struct flight *d, int out,
                      const char *path, const char *id)
{
    /* the parent counted this copy already (the child's count is lost) */
    if (f->keep)
        f->kept--;
    const char *text = d->text;
    char status = d->status;
    if (!message_ok(f, path, id)) {
        status = 'Z';
        text = "fakespawn: unable to open the message file./";
    }
    (void)fdio_write_all(out, text, strlen(text));
    _exit(status == 'K' ? 0 : status == 'D' ? 100 : 111);
}

/* child_start - --fork: a child process for the delivery in slot; a
 * failure to make one is a deferral, as in qmail's spawn */
static void child_start(struct fakespawn *f, unsigned slot, const char *path,
                        const char *id)
{
    struct flight *d = &f->fl[slot];
    int p[2];
    if (pipe(p) < 0) {
        d->status = 'Z';
        d->text = "fakespawn: unable to create a pipe./";
        return;
    }
    if (f->keep)
        f->kept++;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        child_run(f, d, p[1], path, id);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        d->status = 'Z';
        d->text = "fakespawn: unable to fork./";
        return;
    }
    d->pid = pid;
    d->pipe = p[0];
    f->kids[f->nkids++] = slot;
}

/* child_read - more output from the child in slot; 1 at its end */
static int child_read(struct fakespawn *f, unsigned slot)
{
    struct flight *d = &f->fl[slot];
    char buf[4096];
    ssize_t r = fdio_read_some(d->pipe, buf, sizeof buf);
    if (r <= 0)
        return 1;
    size_t take = (size_t)r;
    if (take > FORK_TEXT_MAX - d->outlen)
        take = FORK_TEXT_MAX - d->outlen;
    if (take == 0)
        return 0;   /* over the limit: drained, not kept */
    char *n = realloc(d->out, d->outlen + take + 1);
    if (!n)
        die("out of memory", NULL);
    /* a NUL would end the report early */
    for (size_t i = 0; i < take; i++)
        n[d->outlen + i] = buf[i] ? buf[i] : '_';
    d->out = n;
    d->outlen += take;
    d->out[d->outlen] = '\0';
    return 0;
}

/* child_done - the child in slot has closed its output: reap it, take
 * its outcome, and report if the latency is over */
static void child_done(struct fakespawn *f, unsigned slot, qc_time now)
{
    struct flight *d = &f->fl[slot];
    int st;
    while (waitpid(d->pid, &st, 0) < 0 && errno == EINTR)
        ;
    close(d->pipe);
    d->pid = 0;
    d->pipe = -1;
    for (unsigned i = 0; i < f->nkids; i++)
        if (f->kids[i] == slot) {
            f->kids[i] = f->kids[--f->nkids];
            break;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        d->status = 'K';
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 100)
        d->status = 'D';
    else
        d->status = 'Z';
    d->text = d->out ? d->out : "";
    if (!WIFEXITED(st))
        d->text = "fakespawn: the delivery process crashed./";
    if (d->waiting)
        report(f, slot, now);
}

/* recipient_key - the model's key for rcpt of message msg: the
 * simulator's under --sim-key when the address is one it generated */
static uint64_t recipient_key(const struct fakespawn *f, uint64_t msg,
                              const char *rcpt)
{
    if (f->sim_gen >= 0 && msg > 0 && rcpt[0] == 'u') {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(rcpt + 1, &end, 10);
        if (!errno && n == msg && *end == '.') {
            unsigned long long r = strtoull(end + 1, &end, 10);
            if (!errno && *end == '@')
                return fs_rand_mix(((uint64_t)(f->sim_gen + 1) << 40) |
                                   (msg - 1)) ^ r;
        }
    }
    return fs_model_key(msg, rcpt);
}

/* request - a delivery begins: ask the model how it goes */
static void request(struct fakespawn *f, const struct proto_request *q,
                    qc_time now)
{
    if (q->slot >= f->limit) {
        violation(f, "out of range", q->slot);
        return;
    }
    struct flight *d = &f->fl[q->slot];
    if (d->used) {
        violation(f, "still in flight", q->slot);
        return;
    }
    const char *id = strrchr(q->path, '/');
    id = id ? id + 1 : q->path;
    uint64_t msg = strtoull(id, NULL, 10);
    const char *at = strrchr(q->rcpt, '@');
    uint64_t key = recipient_key(f, msg, q->rcpt);
    unsigned attempt = attempt_next(&f->att, key);
    qc_time mnow = (qc_time)((double)(now - f->epoch) * f->scale);
    struct fs_result r;
    fs_model_decide(f->model, f->chan, at ? at + 1 : NULL, key, attempt,
                    mnow, &r);
    d->used = 1;
    d->start = now;
    d->due = now + (qc_time)((double)r.latency / f->scale);
    d->status = r.status;
    d->text = r.text ? r.text : "";
    d->attempt = attempt;
    d->msg = strdup(id);
    d->sender = strdup(q->sender);
    d->rcpt = strdup(q->rcpt);
    if (!d->msg || !d->sender || !d->rcpt)
        die("out of memory", NULL);
    if (f->fork) {
        child_start(f, q->slot, q->path, id);
    } else if (!message_ok(f, q->path, id)) {
        d->status = 'Z';
        d->text = "fakespawn: unable to open the message file./";
    }
    f->inflight++;
    slot_heap_push(f, f->heap, &f->nheap, q->slot);
}

/* opt_number - a numeric option value */
static double opt_number(const char *opt, const char *v)
{
    double d;
    if (fs_parse_number(v, &d) < 0) {
        fprintf(stderr, "fakespawn: %s %s: expected a number >= 0\n", opt, v);
        exit(2);
    }
    return d;
}

/* setup - options, models, the log; exits on bad input */
static void setup(struct fakespawn *f, int argc, char **argv)
{
    struct qd_env env;
    char err[256];
    if (qd_env_load(&env, err, sizeof err) < 0)
        die(err, NULL);
    const char *chan = "local";
    int nchan = env.nchan;
    f->limit = 120;
    f->width = env.width;
    f->scale = 1.0;
    f->epoch = qd_now();
    f->logfd = -1;
    f->open_msg = 1;
    f->sim_gen = -1;
    uint64_t seed = 1;
    /* model lines are applied after the channel count is known */
    const char **lines = calloc((size_t)argc + 1, sizeof *lines);
    char **files = calloc((size_t)argc + 1, sizeof *files);
    char **owned = calloc((size_t)argc + 1, sizeof *owned);
    int nlines = 0, nfiles = 0, nowned = 0;
    double latency = -1;
    if (!lines || !files || !owned)
        die("out of memory", NULL);
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"channel", required_argument, NULL, 'c'},
        {"channels", required_argument, NULL, 'n'},
        {"limit", required_argument, NULL, 'L'},
        {"width", required_argument, NULL, 'w'},
        {"model", required_argument, NULL, 'M'},
        {"line", required_argument, NULL, 'l'},
        {"latency", required_argument, NULL, 't'},
        {"defer-domain", required_argument, NULL, 'd'},
        {"fail-domain", required_argument, NULL, 'f'},
        {"time-scale", required_argument, NULL, 'T'},
        {"epoch", required_argument, NULL, 'E'},
        {"seed", required_argument, NULL, 's'},
        {"log", required_argument, NULL, 'g'},
        {"keep", required_argument, NULL, 'k'},
        {"no-open", no_argument, NULL, 'N'},
        {"fork", no_argument, NULL, 'F'},
        {"sim-key", required_argument, NULL, 'K'},
        {"mangle-every", required_argument, NULL, 1000},
        {"bad-slot-every", required_argument, NULL, 1001},
        {"huge-report-every", required_argument, NULL, 1002},
        {"die-after", required_argument, NULL, 1003},
        {NULL, 0, NULL, 0}};
    int c;
    opt_start(OPT_IN_ORDER);
    while ((c = opt_next(argc, argv, "fakespawn", options)) != -1) {
        const char *v = optarg;
        switch (c) {
        case 'h':
            usage();
            exit(0);
        case 'c': chan = v; break;
        case 'n': nchan = (int)opt_number("--channels", v); break;
        case 'L': f->limit = (unsigned)opt_number("--limit", v); break;
        case 'w':
            if (strcmp(v, "1") && strcmp(v, "2")) {
                fprintf(stderr, "fakespawn: --width %s: expected 1 or 2\n", v);
                exit(2);
            }
            f->width = v[0] == '1' ? PROTO_WIDTH_CLASSIC : PROTO_WIDTH_BIG;
            break;
        case 'M': files[nfiles++] = (char *)v; break;
        case 'l': lines[nlines++] = v; break;
        case 't': latency = opt_number("--latency", v); break;
        case 'd':
        case 'f': {
            char *l = malloc(strlen(v) + 40);
            if (!l)
                die("out of memory", NULL);
            sprintf(l, "domain %s outcome %s 100", v,
                    c == 'd' ? "defer" : "fail");
            lines[nlines++] = owned[nowned++] = l;
            break;
        }
        case 'T':
            f->scale = opt_number("--time-scale", v);
            if (f->scale <= 0) {
                fprintf(stderr, "fakespawn: --time-scale must be > 0\n");
                exit(2);
            }
            break;
        case 'E':
            f->epoch = (qc_time)(opt_number("--epoch", v) * QC_SEC);
            break;
        case 's': seed = (uint64_t)opt_number("--seed", v); break;
        case 'g':
            f->logfd = open(v, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (f->logfd < 0)
                die(v, strerror(errno));
            break;
        case 'k': f->keep = v; break;
        case 'N': f->open_msg = 0; break;
        case 'F': f->fork = 1; break;
        case 'K': f->sim_gen = (int)opt_number("--sim-key", v); break;
        case 1000:
            f->mangle_every = (unsigned long)opt_number("--mangle-every", v);
            break;
        case 1001:
            f->bad_slot_every =
                (unsigned long)opt_number("--bad-slot-every", v);
            break;
        case 1002:
            f->huge_every = (unsigned long)opt_number("--huge-report-every", v);
            break;
        case 1003:
            f->die_after = (unsigned long)opt_number("--die-after", v);
            break;
        case OPT_ARG:
            fprintf(stderr, "fakespawn: unexpected argument '%s'; see "
                    "fakespawn --help\n", v);
            exit(2);
        default:
            exit(2);   /* opt_next said what */
        }
    }
    if (nchan == 0) {
        int c = qc_channel_parse(chan, QC_MAX_CHANNELS);
        nchan = c + 1 > QC_MIN_CHANNELS ? c + 1 : QC_MIN_CHANNELS;
    }
    f->chan = qc_channel_parse(chan, nchan);
    if (f->chan < 0) {
        fprintf(stderr, "fakespawn: --channel %s: expected local, remote or "
                "supplK below the %d channels\n", chan, nchan);
        exit(2);
    }
    qc_channel_name(f->chan, f->chan_name);
    if (f->limit < 1 || f->limit > proto_width_max(f->width)) {
        fprintf(stderr, "fakespawn: --limit %u: expected 1 to %u for width "
                "%d\n", f->limit, proto_width_max(f->width), (int)f->width);
        exit(2);
    }
    f->model = fs_model_new(nchan, seed);
    if (!f->model)
        die("out of memory", NULL);
    if (latency >= 0) {
        char l[128];
        snprintf(l, sizeof l, "spawner %s latency const %.9g", f->chan_name,
                 latency);
        if (model_line(f, l, "--latency", 1) < 0)
            exit(2);
    }
    for (int i = 0; i < nfiles; i++)
        if (model_file(f, files[i]) < 0)
            exit(2);
    for (int i = 0; i < nlines; i++)
        if (model_line(f, lines[i], "--line", (unsigned)i + 1) < 0)
            exit(2);
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(files);
    free(lines);

    f->fl = calloc(f->limit, sizeof *f->fl);
    f->heap = calloc(f->limit, sizeof *f->heap);
    f->kids = calloc(f->limit, sizeof *f->kids);
    if (!f->fl || !f->heap || !f->kids)
        die("out of memory", NULL);
    if (f->open_msg) {
        char dir[QD_HOME_MAX + 16];
        snprintf(dir, sizeof dir, "%s/queue/mess", env.home);
        if (chdir(dir) < 0)
            die(dir, strerror(errno));
    }
}

int main(int argc, char **argv)
{
    static struct fakespawn f;
    signal(SIGPIPE, SIG_IGN);
    setup(&f, argc, argv);

    char hs[4];
    size_t n = proto_limit_enc(hs, sizeof hs, f.width, f.limit);
    if (fdio_write_all(1, hs, n) < 0)
        return 111;
    (void)qd_nonblock(1);

    struct proto_request_dec *dec = malloc(sizeof *dec);
    if (!dec)
        die("out of memory", NULL);
    proto_request_dec_init(dec, f.width, f.limit);
    /* stdin, stdout and, under --fork, a pipe per child */
    struct pollfd *pf = calloc((size_t)f.limit + 2, sizeof *pf);
    unsigned *kidslot = calloc((size_t)f.limit + 1, sizeof *kidslot);
    if (!pf || !kidslot)
        die("out of memory", NULL);
    int reading = 1, writing = 1;
    char buf[65536];
    while (reading || f.inflight || (writing && qd_buf_pending(&f.out))) {
        qc_time now = qd_now();
        while (f.nheap && f.fl[f.heap[0]].due <= now) {
            unsigned slot = slot_heap_pop(&f, f.heap, &f.nheap);
            if (f.fl[slot].pid > 0)
                f.fl[slot].waiting = 1;   /* reported when reaped */
            else
                report(&f, slot, now);
        }
        if (writing && qd_buf_flush(&f.out, 1) < 0)
            writing = 0;   /* qmail-send is gone; finish quietly */
        if (!writing)
            f.out.off = f.out.len = 0;

        int np = 0;
        if (reading)
            pf[np++] = (struct pollfd){0, POLLIN, 0};
        if (writing && qd_buf_pending(&f.out))
            pf[np++] = (struct pollfd){1, POLLOUT, 0};
        int kid0 = np;
        for (unsigned k = 0; k < f.nkids; k++)
            pf[np++] = (struct pollfd){f.fl[f.kids[k]].pipe, POLLIN, 0};
        /* ppoll: a latency scaled down to a fraction of a millisecond
         * must not be rounded up to one (--time-scale 100 would add
         * 0.05 s to every delivery) */
        struct timespec ts, *tsp = NULL;
        if (f.nheap) {
            qc_time wait = f.fl[f.heap[0]].due - now;
            if (wait < 0)
                wait = 0;
            ts.tv_sec = (time_t)(wait / QC_SEC);
            ts.tv_nsec = (long)(wait % QC_SEC) * 1000;
            tsp = &ts;
        }
        if (np == 0 && !tsp)
            break;
        int pr = ppoll(pf, (nfds_t)np, tsp, NULL);
        if (pr < 0 && errno != EINTR)
            die("poll", strerror(errno));
        if (pr > 0 && np > kid0) {
            /* children that end are taken out of kids: note theirs first */
            unsigned nk = (unsigned)(np - kid0);
            for (unsigned k = 0; k < nk; k++)
                if (pf[kid0 + k].revents & (POLLIN | POLLHUP | POLLERR))
                    kidslot[k] = f.kids[k];
                else
                    kidslot[k] = f.limit;
            qc_time cnow = qd_now();
            for (unsigned k = 0; k < nk; k++)
                if (kidslot[k] < f.limit && child_read(&f, kidslot[k]))
                    child_done(&f, kidslot[k], cnow);
        }
        if (!reading || !(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t r = fdio_read_some(0, buf, sizeof buf);
        if (r <= 0) {
            reading = 0;
            continue;
        }
        now = qd_now();
        size_t off = 0;
        while (off < (size_t)r) {
            size_t used = 0;
            struct proto_request q;
            enum proto_error perr;
            int res = proto_request_dec_feed(dec, buf + off, (size_t)r - off,
                                             &used, &q, &perr);
            off += used;
            if (res == PROTO_MORE)
                break;
            if (res == PROTO_OK) {
                request(&f, &q, now);
                if (f.die_after && ++f.nrequests == f.die_after) {
                    char line[128];
                    int len = snprintf(line, sizeof line, "# %s: dying "
                                       "after %lu requests\n", f.chan_name,
                                       f.nrequests);
                    log_line(&f, line, (size_t)len);
                    _exit(111);
                }
            }
            else if (perr == PROTO_E_RANGE)
                violation(&f, "out of range", q.slot);
            else
                violation(&f, proto_strerror(perr), q.slot);
        }
    }
    free(dec);
    free(pf);
    free(kidslot);
    free(f.kids);
    qd_buf_free(&f.out);
    free(f.fl);
    free(f.heap);
    u64map_free(&f.att);
    fs_model_free(f.model);
    return 0;
}
