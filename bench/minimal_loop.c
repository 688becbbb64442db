/*
 * minimal_loop.c - the floor for the simulator benchmark: a minimal C
 * event loop that models only the reference workload.
 *
 *	minimal_loop [MESSAGES] [SEED]
 *
 * MESSAGES single-recipient messages (default 1,000,000) arrive at t=0;
 * each goes to channel local, remote or suppl0 with probability 10/80/10
 * per cent; the channels take 10, 20 and 20 deliveries at a time; a
 * delivery takes an exponential time with mean 0.05, 1 and 2 s; every
 * attempt succeeds.  State: one byte of channel per message, a FIFO of
 * message numbers per channel, and a binary heap of completions (time,
 * channel, message).  Nothing else: no classification, no lists, no retry
 * schedule, no descriptors, no checks.  This is what the hardware does
 * with the workload when the code does nothing more; `qchan run` on
 * bench/bench-1m.scn is measured against it.
 *
 * Prints one line: messages, simulated drain time, heap events, the wall
 * time of the loop (after the set-up) and of the whole process so far,
 * deliveries per second and peak RSS.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

struct ml_ev {
    double t;
    uint32_t msg;
    uint32_t chan;
};

struct ml_heap {
    struct ml_ev *v;
    size_t n;
};

/* ml_rand - splitmix64: small, fast, good enough for a floor */
static uint64_t ml_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ml_u01 - uniform in (0, 1] */
static double ml_u01(uint64_t *s)
{
    return ((double)(ml_rand(s) >> 11) + 1.0) / 9007199254740992.0;
}

/* ml_push - add a completion, sift up */
static void ml_push(struct ml_heap *h, struct ml_ev e)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p].t <= e.t)
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
}

/* ml_pop - remove the earliest completion, sift down */
static struct ml_ev ml_pop(struct ml_heap *h)
{
    struct ml_ev top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1].t < h->v[c].t)
            c++;
        if (h->v[c].t >= last.t)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = last;
    return top;
}

/* seconds - a monotonic clock */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double t_start = seconds();
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    if (n == 0 || n > UINT32_MAX) {
        fprintf(stderr, "usage: minimal_loop [MESSAGES] [SEED]\n");
        return 2;
    }
    static const unsigned limit[3] = {10, 20, 20};
    static const double mean[3] = {0.05, 1.0, 2.0};
    uint8_t *chan = malloc(n);
    uint32_t *fifo[3];
    size_t head[3] = {0, 0, 0}, tail[3] = {0, 0, 0};
    unsigned inflight[3] = {0, 0, 0};
    struct ml_heap h = {malloc(64 * sizeof(struct ml_ev)), 0};
    for (int c = 0; c < 3; c++)
        fifo[c] = malloc(n * sizeof(uint32_t));
    if (!chan || !h.v || !fifo[0] || !fifo[1] || !fifo[2]) {
        fprintf(stderr, "minimal_loop: out of memory\n");
        return 111;
    }

    double t0 = seconds();
    /* arrivals: every message at t=0, classified by a draw */
    for (size_t m = 0; m < n; m++) {
        uint64_t r = ml_rand(&seed) % 100;
        int c = r < 10 ? 0 : r < 90 ? 1 : 2;
        chan[m] = (uint8_t)c;
        fifo[c][tail[c]++] = (uint32_t)m;
    }
    double now = 0, latsum = 0;
    size_t events = 0, delivered = 0;
    for (;;) {
        for (int c = 0; c < 3; c++)
            while (inflight[c] < limit[c] && head[c] < tail[c]) {
                struct ml_ev e;
                e.msg = fifo[c][head[c]++];
                e.chan = (uint32_t)c;
                e.t = now - mean[c] * log(ml_u01(&seed));
                inflight[c]++;
                ml_push(&h, e);
            }
        if (h.n == 0)
            break;
        struct ml_ev e = ml_pop(&h);
        events++;
        now = e.t;
        inflight[e.chan]--;
        delivered++;
        latsum += now;   /* arrival was 0 */
    }
    double t1 = seconds();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("minimal_loop: %zu messages, drained at %.3f s, %zu events, "
           "mean latency %.1f s; loop %.3f s, process %.3f s, "
           "%.0f deliveries/s, peak RSS %ld kB\n",
           n, now, events, latsum / (double)delivered, t1 - t0,
           seconds() - t_start, (double)delivered / (t1 - t0), ru.ru_maxrss);
    for (int c = 0; c < 3; c++)
        free(fifo[c]);
    free(chan);
    free(h.v);
    return delivered == n ? 0 : 1;
}
