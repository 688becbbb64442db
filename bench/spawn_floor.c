/*
 * spawn_floor.c - the spawn path alone: the floor the daemon benchmark is
 * compared with.
 *
 *	spawn_floor FAKESPAWN MESSAGES CONC LOG [FAKESPAWN-ARG...]
 *
 * Starts one FAKESPAWN per channel (local, remote, suppl0, suppl1, as
 * bench/daemons_rate.py configures them: --no-open --latency 0
 * --limit 500 --log LOG, protocol width 2, then any FAKESPAWN-ARGs, e.g.
 * --fork for a process per delivery) and plays qmail-send's part
 * with nothing else: MESSAGES single-recipient requests, message i on
 * channel i % 4, at most CONC in flight per channel, a new request as
 * soon as a report frees a slot.  No queue, no files, no scheduler: what
 * remains is the pipes, the processes and fakespawn's own work, the most
 * any qmail-send could get out of these spawners.
 *
 * Prints deliveries per second (from the first request to the last
 * report) and the client's CPU microseconds per delivery.  Exit 1 when a
 * report is missing or malformed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

#define NCHAN 4

struct floor_chan {
    pid_t pid;
    int to, from;              /* request pipe, report pipe */
    unsigned limit;            /* from the handshake */
    struct proto_limit_dec ld;
    struct proto_report_dec rd;
    int ready;
    unsigned *free_slots;
    unsigned nfree;
    size_t sent, next;         /* requests sent; next message index */
    char out[65536];
    size_t outlen;
};

/* seconds - a monotonic clock */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* die - a message and exit 1 */
static void die(const char *what)
{
    fprintf(stderr, "spawn_floor: %s\n", what);
    exit(1);
}

/* start - fakespawn for channel c */
static void start(struct floor_chan *ch, const char *prog, const char *name,
                  const char *log, char **extra, int nextra)
{
    int req[2], rep[2];
    if (pipe(req) < 0 || pipe(rep) < 0)
        die("cannot create pipe");
    /* the next spawners must not hold this one's request pipe open, or
     * it never sees the end of its input */
    for (int i = 0; i < 2; i++) {
        fcntl(req[i], F_SETFD, FD_CLOEXEC);
        fcntl(rep[i], F_SETFD, FD_CLOEXEC);
    }
    ch->pid = fork();
    if (ch->pid < 0)
        die("cannot fork");
    if (ch->pid == 0) {
        dup2(req[0], 0);
        dup2(rep[1], 1);
        close(req[0]);
        close(req[1]);
        close(rep[0]);
        close(rep[1]);
        setenv("QCHAN_SPAWN_WIDTH", "2", 1);
        const char *fixed[] = {prog, "--channel", name, "--no-open",
                               "--latency", "0", "--limit", "500", "--log",
                               log};
        enum { NFIXED = sizeof fixed / sizeof fixed[0] };
        char **av = calloc(NFIXED + (size_t)nextra + 1, sizeof *av);
        if (!av)
            _exit(111);
        for (int i = 0; i < NFIXED; i++)
            av[i] = (char *)fixed[i];
        for (int i = 0; i < nextra; i++)
            av[NFIXED + i] = extra[i];
        execv(prog, av);
        fprintf(stderr, "spawn_floor: cannot run %s\n", prog);
        _exit(111);
    }
    close(req[0]);
    close(rep[1]);
    ch->to = req[1];
    ch->from = rep[0];
    proto_limit_dec_init(&ch->ld, PROTO_WIDTH_BIG);
}

/* flush - write what is buffered (blocking: fakespawn reads eagerly) */
static void flush(struct floor_chan *ch)
{
    size_t off = 0;
    while (off < ch->outlen) {
        ssize_t n = write(ch->to, ch->out + off, ch->outlen - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write to fakespawn failed");
        off += (size_t)n;
    }
    ch->outlen = 0;
}

/* fill - requests for every free slot while messages remain */
static void fill(struct floor_chan *ch, int c, size_t msgs, unsigned conc)
{
    char path[64], rcpt[128];
    while (ch->nfree > 0 && ch->next < msgs &&
           ch->limit - ch->nfree < conc) {
        unsigned slot = ch->free_slots[--ch->nfree];
        size_t m = ch->next;
        ch->next += NCHAN;
        static const char *dom[NCHAN] = {"local.test", "r.test", "s0.test",
                                         "s1.test"};
        snprintf(path, sizeof path, "%zu/%zu", (m + 1) % 23, m + 1);
        snprintf(rcpt, sizeof rcpt, "u%zu_0@%s", m, dom[c]);
        size_t need = proto_request_enc(NULL, 0, PROTO_WIDTH_BIG, slot, path,
                                        "s@local.test", rcpt);
        if (need == 0)
            die("cannot encode a request");
        if (ch->outlen + need > sizeof ch->out)
            flush(ch);
        proto_request_enc(ch->out + ch->outlen, sizeof ch->out - ch->outlen,
                          PROTO_WIDTH_BIG, slot, path, "s@local.test", rcpt);
        ch->outlen += need;
        ch->sent++;
    }
    flush(ch);
}

int main(int argc, char **argv)
{
    if (argc < 5)
        die("usage: spawn_floor FAKESPAWN MESSAGES CONC LOG "
            "[FAKESPAWN-ARG...]");
    size_t msgs = strtoul(argv[2], NULL, 10);
    unsigned conc = (unsigned)strtoul(argv[3], NULL, 10);
    if (msgs == 0 || conc == 0)
        die("MESSAGES and CONC must be positive");
    signal(SIGPIPE, SIG_IGN);
    static const char *names[NCHAN] = {"local", "remote", "suppl0", "suppl1"};
    static struct floor_chan ch[NCHAN];
    for (int c = 0; c < NCHAN; c++) {
        ch[c].next = (size_t)c;
        start(&ch[c], argv[1], names[c], argv[4], argv + 5, argc - 5);
    }

    struct rusage r0, r1;
    double t0 = 0;
    size_t done = 0;
    int nready = 0;
    char buf[65536];
    while (done < msgs) {
        struct pollfd pf[NCHAN];
        for (int c = 0; c < NCHAN; c++) {
            pf[c].fd = ch[c].from;
            pf[c].events = POLLIN;
        }
        if (poll(pf, NCHAN, 10000) <= 0)
            die("no report from fakespawn for 10 s");
        for (int c = 0; c < NCHAN; c++) {
            if (!(pf[c].revents & (POLLIN | POLLHUP)))
                continue;
            ssize_t n = read(ch[c].from, buf, sizeof buf);
            if (n <= 0)
                die("fakespawn closed its report pipe");
            size_t off = 0;
            while (off < (size_t)n) {
                size_t used = 0;
                if (!ch[c].ready) {
                    unsigned lim;
                    int r = proto_limit_dec_feed(&ch[c].ld, buf + off,
                                                 (size_t)n - off, &used, &lim);
                    off += used;
                    if (r != PROTO_OK)
                        continue;
                    ch[c].ready = 1;
                    ch[c].limit = lim;
                    ch[c].free_slots = malloc(lim * sizeof(unsigned));
                    if (!ch[c].free_slots)
                        die("out of memory");
                    for (unsigned i = 0; i < lim; i++)
                        ch[c].free_slots[i] = lim - 1 - i;
                    ch[c].nfree = lim;
                    proto_report_dec_init(&ch[c].rd, PROTO_WIDTH_BIG, lim);
                    if (++nready == NCHAN) {
                        /* timing starts when every spawner is up */
                        getrusage(RUSAGE_SELF, &r0);
                        t0 = seconds();
                        for (int k = 0; k < NCHAN; k++)
                            fill(&ch[k], k, msgs, conc);
                    }
                    continue;
                }
                struct proto_report rep;
                int r = proto_report_dec_feed(&ch[c].rd, buf + off,
                                              (size_t)n - off, &used, &rep,
                                              NULL);
                off += used;
                if (r == PROTO_MORE)
                    continue;
                if (r != PROTO_OK || rep.status != 'K')
                    die("malformed or unexpected report");
                ch[c].free_slots[ch[c].nfree++] = rep.slot;
                done++;
            }
            if (nready == NCHAN)
                fill(&ch[c], c, msgs, conc);
        }
    }
    double t1 = seconds();
    getrusage(RUSAGE_SELF, &r1);
    double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
                 (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
                 (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
                 (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    for (int c = 0; c < NCHAN; c++) {
        close(ch[c].to);
        int st;
        waitpid(ch[c].pid, &st, 0);
        close(ch[c].from);
        free(ch[c].free_slots);
    }
    printf("spawn floor: delivered %zu in %.3f s: %.0f deliveries/s; client "
           "CPU %.3f s = %.1f us/delivery\n", done, t1 - t0,
           (double)done / (t1 - t0), cpu, cpu * 1e6 / (double)done);
    return 0;
}
