/*
 * sim_traffic.c - messages arriving: bursts, Poisson streams, replays.
 *
 *	sim_traffic_start(s)		domain tables, the first arrivals
 *	sim_traffic_arrive(s, gen, i)	arrival i of generator gen
 *
 * Every draw is keyed by (generator, message index, recipient index),
 * never by a running generator state: message 1234 of a generator has
 * the same arrival time, recipients and domains in every configuration
 * of the scenario (common random numbers, fs_rand.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fs_rand.h"
#include "sim_int.h"

/* gen_key - the stream key of message index of generator gen */
static uint64_t gen_key(size_t gen, uint64_t index)
{
    return ((uint64_t)(gen + 1) << 40) | index;
}

/* poisson_time - arrival time of message index (after prev) */
static qc_time poisson_next(const struct sim *s, size_t gen, uint64_t index,
                            qc_time prev)
{
    const struct sim_gen *g = &s->sc->gens[gen];
    double u = fs_rand_u01_at(s->stream_arrival, gen_key(gen, index), 0);
    double gap = gsl_cdf_exponential_Pinv(u, 1.0 / g->rate);
    qc_time dt = (qc_time)llround(gap * (double)QC_SEC);
    return prev + (dt > 0 ? dt : 1);
}

/* sim_traffic_start - tables and first arrivals */
int sim_traffic_start(struct sim *s)
{
    const struct sim_scn *sc = s->sc;
    size_t ng = sc->ngens ? sc->ngens : 1;
    s->stream_arrival = fs_rand_stream(sc->seed, FS_STREAM_ARRIVAL);
    s->stream_nrcpt = fs_rand_stream(sc->seed, FS_STREAM_NRCPT);
    s->stream_target = fs_rand_stream(sc->seed, FS_STREAM_TARGET);
    s->stream_domain = fs_rand_stream(sc->seed, FS_STREAM_DOMAIN);
    s->gen_sender = calloc(ng, sizeof *s->gen_sender);
    s->gen_dom_base = calloc(ng, sizeof *s->gen_dom_base);
    s->pool_base = calloc(sc->npools ? sc->npools : 1, sizeof *s->pool_base);
    size_t ntargets = 0;
    for (size_t g = 0; g < sc->ngens; g++)
        ntargets += sc->gens[g].ntargets;
    s->dom_names = calloc(ntargets ? ntargets : 1, sizeof *s->dom_names);
    if (!s->gen_sender || !s->gen_dom_base || !s->pool_base || !s->dom_names)
        return -1;
    uint32_t d = 0;
    for (size_t g = 0; g < sc->ngens; g++) {
        const struct sim_gen *gen = &sc->gens[g];
        s->gen_dom_base[g] = d;
        for (size_t t = 0; t < gen->ntargets; t++)
            s->dom_names[d++] = gen->targets[t].domain;  /* NULL: pool */
        s->gen_sender[g] = sim_arena_add(s, gen->sender ? gen->sender : "");
    }
    s->nexplicit = d;
    if (!(s->dom_lens = calloc(d ? d : 1, sizeof *s->dom_lens)))
        return -1;
    for (uint32_t i = 0; i < d; i++) {
        size_t n = s->dom_names[i] ? strlen(s->dom_names[i]) : 0;
        s->dom_lens[i] = (uint16_t)(n < 299 ? n : 299);
    }
    for (size_t p = 0; p < sc->npools; p++) {
        s->pool_base[p] = d;
        d += sc->pools[p].n;
    }
    s->ndomains = d;
    if (d >= RCPT_STORED)
        return -1;   /* a recipient keeps its domain in 31 bits */
    if (!(s->dom_chan = malloc(d ? d : 1)))
        return -1;
    memset(s->dom_chan, DOM_CHAN_UNKNOWN, d);
    for (size_t g = 0; g < sc->ngens; g++) {
        const struct sim_gen *gen = &sc->gens[g];
        qc_time t;
        if (gen->kind == SIM_GEN_BURST) {
            if (gen->count == 0)
                continue;
            t = gen->at;
        } else if (gen->kind == SIM_GEN_POISSON) {
            t = poisson_next(s, g, 0, gen->from);
            if (t >= gen->to)
                continue;
        } else {
            if (gen->nrows == 0)
                continue;
            t = gen->rows[0].t;
        }
        if (sim_heap_push(&s->heap, t, EV_ARRIVE, (uint32_t)g, 0) < 0)
            return -1;
        s->gens_active++;
    }
    return s->oom ? -1 : 0;
}

/* pick_pool - Zipf (or flat) choice of a pool domain */
static uint32_t pick_pool(const struct sim_pool *p, double u)
{
    uint32_t lo = 0, hi = p->n - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* make_message - generated message index of generator g */
static int make_message(struct sim *s, size_t g, uint64_t index)
{
    const struct sim_gen *gen = &s->sc->gens[g];
    uint64_t key = gen_key(g, index);
    unsigned n = gen->rmin;
    if (gen->rmax > gen->rmin) {
        double u = fs_rand_u01_at(s->stream_nrcpt, key, 0);
        n += (unsigned)(u * (gen->rmax - gen->rmin + 1));
        if (n > gen->rmax)
            n = gen->rmax;
    }
    if (sim_new_message(s, g, index) < 0)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        /* one target: the draw cannot choose, and draws are keyed */
        double u = gen->ntargets > 1
                       ? fs_rand_u01_at(s->stream_target, key, i) : 0;
        size_t t = 0;
        while (t + 1 < gen->ntargets && gen->targets[t].cum < u)
            t++;
        uint32_t dom;
        if (gen->targets[t].pool >= 0) {
            size_t p = (size_t)gen->targets[t].pool;
            double v = fs_rand_u01_at(s->stream_domain, key, i);
            dom = s->pool_base[p] + pick_pool(&s->sc->pools[p], v);
        } else {
            dom = s->gen_dom_base[g] + (uint32_t)t;
        }
        if (sim_add_rcpt(s, dom, NULL) < 0)
            return -1;
    }
    return 0;
}

/* replay_message - row index of a replay generator */
static int replay_message(struct sim *s, size_t g, uint64_t index)
{
    const struct sim_replay_row *row = &s->sc->gens[g].rows[index];
    if (sim_new_message(s, g, index) < 0)
        return -1;
    if (s->sc->gens[g].carried)
        s->msgs[s->nmsgs - 1].flags |= MF_CARRIED;
    for (unsigned i = 0; i < row->nrcpt; i++)
        if (sim_add_rcpt(s, SIM_NONE, row->rcpts[i]) < 0)
            return -1;
    return 0;
}

/* todo_kick - qmail-todo has work: make sure it is scheduled */
static int todo_kick(struct sim *s)
{
    if (s->todo_busy || s->todo_next >= s->nmsgs)
        return 0;
    s->todo_busy = 1;
    /* qmail-todo takes it up now: "new msg" now, the D record after its
     * work (with no delay the EV_TODO handler writes both at once) */
    if (s->sc->todo_delay > 0)
        sim_todo_log_new(s, s->todo_next);
    return sim_heap_push(&s->heap, s->now + s->sc->todo_delay, EV_TODO, 0, 0);
}

/* sim_traffic_arrive - arrival index of generator gen */
int sim_traffic_arrive(struct sim *s, uint32_t g, uint64_t index)
{
    const struct sim_gen *gen = &s->sc->gens[g];
    if (gen->kind == SIM_GEN_BURST) {
        for (uint64_t k = 0; k < gen->count; k++)
            if (make_message(s, g, k) < 0)
                return -1;
        s->gens_active--;
    } else if (gen->kind == SIM_GEN_POISSON) {
        if (make_message(s, g, index) < 0)
            return -1;
        qc_time t = poisson_next(s, g, index + 1, s->now);
        if (t < gen->to) {
            if (sim_heap_push(&s->heap, t, EV_ARRIVE, g, index + 1) < 0)
                return -1;
        } else {
            s->gens_active--;
        }
    } else {
        /* messages queued before the scenario are all there from the
         * first one's attempt on, each due at its own (sim_store.c) */
        uint64_t k = index;
        while (k < gen->nrows &&
               (gen->carried || gen->rows[k].t == gen->rows[index].t)) {
            if (replay_message(s, g, k) < 0)
                return -1;
            k++;
        }
        if (k < gen->nrows) {
            if (sim_heap_push(&s->heap, gen->rows[k].t, EV_ARRIVE, g, k) < 0)
                return -1;
        } else {
            s->gens_active--;
        }
    }
    return todo_kick(s);
}
