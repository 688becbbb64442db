/*
 * sched_bench.c - cost of one delivery decision (start + report) in the
 * core scheduler, at several concurrency limits.
 *
 *	sched_bench [MESSAGES] [REPEATS]
 *
 * One remote channel; MESSAGES single-recipient messages arrive at once;
 * every delivery in flight is answered 'K' in the order it started, and
 * sched_run() is called after each answer, as a host does.  The store is
 * a flat array, so the figure is the scheduler's own cost.  Prints, per
 * limit, the median nanoseconds per delivery over REPEATS runs and the
 * ratio to the smallest limit: a flat ratio means the cost does not grow
 * with the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"

struct bench_queue {
    size_t n;
    char *done;           /* per message: its one recipient is done */
    int cursor;           /* position within the open list */
    unsigned *fifo;       /* slots in flight, in start order */
    size_t head, tail, cap;
    size_t delivered;
};

static int b_open(void *ctx, uint64_t id, int chan, const char **sender,
                  qc_time *birth)
{
    struct bench_queue *b = ctx;
    (void)id;
    (void)chan;
    b->cursor = 0;
    *sender = "bench@example.org";
    *birth = 0;
    return 0;
}

static enum sched_record b_next(void *ctx, uint64_t id, int chan,
                                struct sched_rcpt *r)
{
    struct bench_queue *b = ctx;
    (void)chan;
    if (b->cursor++ > 0)
        return SCHED_REC_END;
    r->pos = 0;
    r->addr = "user@example.com";
    return b->done[id - 1] ? SCHED_REC_DONE : SCHED_REC_TODO;
}

static void b_close(void *ctx, uint64_t id, int chan)
{
    (void)ctx;
    (void)id;
    (void)chan;
}

static int b_mark(void *ctx, uint64_t id, int chan, uint64_t pos)
{
    struct bench_queue *b = ctx;
    (void)chan;
    (void)pos;
    b->done[id - 1] = 1;
    b->delivered++;
    return 0;
}

static int b_bounce(void *ctx, uint64_t id, const char *r, const char *t)
{
    (void)ctx;
    (void)id;
    (void)r;
    (void)t;
    return 0;
}

static int b_chan_finish(void *ctx, uint64_t id, int chan)
{
    (void)ctx;
    (void)id;
    (void)chan;
    return 0;
}

static int b_finish(void *ctx, uint64_t id)
{
    (void)ctx;
    (void)id;
    return 0;
}

static void b_event(void *ctx, const struct sched_event *ev)
{
    struct bench_queue *b = ctx;
    if (ev->type == SCHED_EV_DELIVERY_START) {
        b->fifo[b->tail] = ev->slot;
        b->tail = (b->tail + 1) % b->cap;
    }
}

/* now_ns - a monotonic clock */
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* one_run - nanoseconds per delivery for n messages at limit */
static double one_run(size_t n, unsigned limit)
{
    struct bench_queue b;
    memset(&b, 0, sizeof b);
    b.n = n;
    b.done = calloc(n, 1);
    b.cap = limit + 1;
    b.fifo = calloc(b.cap, sizeof *b.fifo);
    struct sched_store store = {&b, b_open, b_next, b_close, b_mark,
                                b_bounce, b_chan_finish, b_finish, NULL};
    struct sched_sink sink = {&b, b_event, NULL};
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = 2;
    cfg.concurrency[0] = 10;
    cfg.concurrency[1] = limit;
    cfg.lifetime = 604800 * QC_SEC;
    struct sched *s = sched_new(&cfg, &store, &sink);
    if (!s || sched_start(s, 0) != 0) {
        fprintf(stderr, "sched_bench: out of memory\n");
        exit(111);
    }
    for (uint64_t id = 1; id <= n; id++)
        sched_add_channel(s, id, 1, 0);

    double t0 = now_ns();
    qc_time now = 0;
    sched_run(s, now);
    while (b.head != b.tail) {
        unsigned slot = b.fifo[b.head];
        b.head = (b.head + 1) % b.cap;
        now += 1000;
        sched_report(s, 1, slot, 'K', "ok", 2, now);
        sched_run(s, now);
    }
    double t1 = now_ns();
    if (b.delivered != n || sched_messages(s) != 0) {
        fprintf(stderr, "sched_bench: delivered %zu of %zu\n", b.delivered,
                n);
        exit(1);
    }
    sched_free(s);
    free(b.done);
    free(b.fifo);
    return (t1 - t0) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (n == 0 || repeats < 1 || repeats > 99) {
        fprintf(stderr, "usage: sched_bench [MESSAGES] [REPEATS<100]\n");
        return 2;
    }
    static const unsigned limits[] = {20, 500, 5000};
    double base = 0;
    printf("scheduler decision cost (start + report), %zu messages, "
           "median of %d\n", n, repeats);
    printf("%8s %14s %10s\n", "limit", "ns/delivery", "ratio");
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        double t[100];
        for (int r = 0; r < repeats; r++)
            t[r] = one_run(n, limits[i]);
        qsort(t, (size_t)repeats, sizeof t[0], cmp_double);
        double med = t[repeats / 2];
        if (i == 0)
            base = med;
        printf("%8u %14.1f %10.2f\n", limits[i], med, med / base);
    }
    return 0;
}
