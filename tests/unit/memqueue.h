/*
 * memqueue.h - an in-memory queue and event recorder for scheduler tests.
 *
 * The store keeps, per message, a sender, a birth time and per channel a
 * list of recipients with done flags, and counts every call the
 * scheduler makes, so a test can check what was marked, bounced and
 * finished.  The sink records events and the deliveries in flight, so a
 * test can answer them.  Failure switches make store calls fail.
 */
#ifndef MEMQUEUE_H
#define MEMQUEUE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define MQ_MSGS 512
#define MQ_CHANS 8
#define MQ_RCPTS 32
#define MQ_EVENTS 4096
#define MQ_FLIGHT 1024

struct mq_rcpt {
    char addr[32];
    int done;
    int delivered;   /* successful deliveries (must end at most 1) */
    int bounced;     /* bounce lines (must end at most 1) */
    int inflight;
};

struct mq_msg {
    uint64_t id;
    qc_time birth;
    int has_list[MQ_CHANS];
    int nrcpt[MQ_CHANS];
    struct mq_rcpt r[MQ_CHANS][MQ_RCPTS];
    int finished;
    int finish_calls;
};

struct mq_flight {
    int chan;
    unsigned slot;
    uint64_t msg;
    uint64_t pos;
};

struct mq_event {
    enum sched_event_type type;
    int chan;
    uint64_t msg;
    unsigned slot;
    int outcome;
    qc_time now;
};

struct memqueue {
    struct mq_msg msgs[MQ_MSGS];
    int nmsgs;
    int open_msg[MQ_CHANS];   /* index of the message with an open pass */
    int pass_pos[MQ_CHANS];
    int fail_open, fail_finish, fail_chan_finish, fail_bounce;
    int not_finished;         /* message_finish answers SCHED_NOT_FINISHED */
    int bad_record;           /* pass_next answers BAD once */
    int spawner_busy[MQ_CHANS];
    int no_addr;              /* pass_next gives no address text */
    int last_pos[MQ_CHANS];   /* the record pass_next gave last */
    int null_rcpt_events;     /* events that came without an address */
    struct mq_event ev[MQ_EVENTS];
    int nev;
    uint64_t ev_hash;         /* of every event, for determinism checks */
    struct mq_flight flight[MQ_FLIGHT];
    int nflight;
    int violations;           /* a delivery to a recipient already in flight
                               * or done */
    char last_text[256];
};

/* mq_find - message by id */
static inline struct mq_msg *mq_find(struct memqueue *q, uint64_t id)
{
    for (int i = 0; i < q->nmsgs; i++)
        if (q->msgs[i].id == id)
            return &q->msgs[i];
    return NULL;
}

/* mq_add - a message with nrcpt[c] recipients on each channel */
static inline struct mq_msg *mq_add(struct memqueue *q, uint64_t id,
                                    qc_time birth, int nchan,
                                    const int *nrcpt)
{
    struct mq_msg *m = &q->msgs[q->nmsgs++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->birth = birth;
    for (int c = 0; c < nchan && c < MQ_CHANS; c++) {
        m->nrcpt[c] = nrcpt[c] < MQ_RCPTS ? nrcpt[c] : MQ_RCPTS;
        m->has_list[c] = nrcpt[c] > 0;
        for (int r = 0; r < m->nrcpt[c]; r++)
            snprintf(m->r[c][r].addr, sizeof m->r[c][r].addr,
                     "u%d@m%llu.c%d", r, (unsigned long long)id, c);
    }
    return m;
}

/* mq_mask - the D record's channel mask of m */
static inline uint64_t mq_mask(const struct mq_msg *m)
{
    uint64_t mask = 0;
    for (int c = 0; c < MQ_CHANS; c++)
        if (m->has_list[c])
            mask |= (uint64_t)1 << c;
    return mask;
}

static inline int mq_pass_open(void *ctx, uint64_t id, int chan,
                               const char **sender, qc_time *birth)
{
    struct memqueue *q = ctx;
    if (q->fail_open)
        return -1;
    struct mq_msg *m = mq_find(q, id);
    if (!m || !m->has_list[chan])
        return -1;
    q->open_msg[chan] = (int)(m - q->msgs);
    q->pass_pos[chan] = 0;
    *sender = "sender@example.org";
    *birth = m->birth;
    return 0;
}

static inline enum sched_record mq_pass_next(void *ctx, uint64_t id,
                                             int chan, struct sched_rcpt *r)
{
    struct memqueue *q = ctx;
    struct mq_msg *m = &q->msgs[q->open_msg[chan]];
    if (m->id != id)
        return SCHED_REC_ERROR;
    if (q->bad_record) {
        q->bad_record = 0;
        return SCHED_REC_BAD;
    }
    int pos = q->pass_pos[chan]++;
    if (pos >= m->nrcpt[chan])
        return SCHED_REC_END;
    r->pos = (uint64_t)pos;
    r->addr = q->no_addr ? NULL : m->r[chan][pos].addr;
    q->last_pos[chan] = pos;
    return m->r[chan][pos].done ? SCHED_REC_DONE : SCHED_REC_TODO;
}

static inline void mq_pass_close(void *ctx, uint64_t id, int chan)
{
    (void)ctx;
    (void)id;
    (void)chan;
}

static inline int mq_mark_done(void *ctx, uint64_t id, int chan,
                               uint64_t pos)
{
    struct mq_msg *m = mq_find(ctx, id);
    if (!m || pos >= (uint64_t)m->nrcpt[chan])
        return -1;
    m->r[chan][pos].done = 1;
    return 0;
}

static inline int mq_add_bounce(void *ctx, uint64_t id, const char *rcpt,
                                const char *text)
{
    struct memqueue *q = ctx;
    if (q->fail_bounce)
        return -1;
    struct mq_msg *m = mq_find(q, id);
    snprintf(q->last_text, sizeof q->last_text, "%s", text);
    for (int c = 0; m && rcpt && c < MQ_CHANS; c++)
        for (int r = 0; r < m->nrcpt[c]; r++)
            if (strcmp(m->r[c][r].addr, rcpt) == 0)
                m->r[c][r].bounced++;
    return 0;
}

static inline int mq_chan_finish(void *ctx, uint64_t id, int chan)
{
    struct memqueue *q = ctx;
    if (q->fail_chan_finish)
        return -1;
    struct mq_msg *m = mq_find(q, id);
    if (!m)
        return -1;
    m->has_list[chan] = 0;
    return 0;
}

static inline int mq_message_finish(void *ctx, uint64_t id)
{
    struct memqueue *q = ctx;
    struct mq_msg *m = mq_find(q, id);
    if (!m)
        return -1;
    m->finish_calls++;
    if (q->fail_finish)
        return -1;
    if (q->not_finished)
        return SCHED_NOT_FINISHED;
    m->finished = 1;
    return 0;
}

/* mq_event - record ev, track deliveries in flight */
static inline void mq_event(void *ctx, const struct sched_event *ev)
{
    struct memqueue *q = ctx;
    if (q->nev < MQ_EVENTS) {
        struct mq_event *e = &q->ev[q->nev++];
        e->type = ev->type;
        e->chan = ev->chan;
        e->msg = ev->msg;
        e->slot = ev->slot;
        e->outcome = ev->outcome;
        e->now = ev->now;
    }
    uint64_t h = q->ev_hash ^ ((uint64_t)ev->type << 56) ^
                 ((uint64_t)(ev->chan + 1) << 48) ^ ev->msg ^
                 ((uint64_t)ev->slot << 32) ^ (uint64_t)ev->outcome ^
                 (uint64_t)ev->now;
    q->ev_hash = h * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;

    if (ev->type == SCHED_EV_DELIVERY_START) {
        struct mq_msg *m = mq_find(q, ev->msg);
        struct mq_flight *f = &q->flight[q->nflight++];
        f->chan = ev->chan;
        f->slot = ev->slot;
        f->msg = ev->msg;
        f->pos = 0;
        if (!ev->rcpt)
            q->null_rcpt_events++;
        for (int r = 0; m && r < m->nrcpt[ev->chan]; r++)
            if (ev->rcpt ? strcmp(m->r[ev->chan][r].addr, ev->rcpt) == 0
                         : r == q->last_pos[ev->chan]) {
                struct mq_rcpt *rc = &m->r[ev->chan][r];
                if (rc->inflight || rc->done)
                    q->violations++;
                rc->inflight = 1;
                f->pos = (uint64_t)r;
            }
    }
    if (ev->type == SCHED_EV_DELIVERY_RESULT) {
        struct mq_msg *m = mq_find(q, ev->msg);
        for (int i = 0; i < q->nflight; i++)
            if (q->flight[i].chan == ev->chan &&
                q->flight[i].slot == ev->slot) {
                if (m) {
                    struct mq_rcpt *rc = &m->r[ev->chan][q->flight[i].pos];
                    rc->inflight = 0;
                    if (ev->outcome == SCHED_OUT_SUCCESS)
                        rc->delivered++;
                }
                q->flight[i] = q->flight[--q->nflight];
                break;
            }
    }
}

static inline int mq_spawner_ready(void *ctx, int chan)
{
    struct memqueue *q = ctx;
    return !q->spawner_busy[chan];
}

/* mq_sched - a scheduler over q */
static inline struct sched *mq_sched(struct memqueue *q,
                                     const struct sched_config *cfg)
{
    struct sched_store store = {q, mq_pass_open, mq_pass_next,
                                mq_pass_close, mq_mark_done, mq_add_bounce,
                                mq_chan_finish, mq_message_finish, NULL};
    struct sched_sink sink = {q, mq_event, mq_spawner_ready};
    return sched_new(cfg, &store, &sink);
}

/* mq_count - events of a type */
static inline int mq_count(const struct memqueue *q,
                           enum sched_event_type type)
{
    int n = 0;
    for (int i = 0; i < q->nev; i++)
        n += q->ev[i].type == type;
    return n;
}

/* mq_answer - report on the i-th delivery in flight */
static inline void mq_answer(struct memqueue *q, struct sched *s, int i,
                             char status, qc_time now)
{
    struct mq_flight f = q->flight[i];
    const char *text = status == 'K' ? "ok" : "no";
    sched_report(s, f.chan, f.slot, status, text, strlen(text), now);
}

#endif
