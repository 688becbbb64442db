/*
 * sched.c - qmail-send's channel scheduler, without I/O; see sched.h.
 *
 * The rules are qmail-send's (CHANNELS patch), state kept in struct sched:
 *
 *	- Each channel has a queue of (due, message) ordered by due time and
 *	  then id.  A message is in a channel's queue, or held by a job on
 *	  that channel, for as long as its list for the channel exists.
 *	- Each channel has at most one pass: it takes the first due message
 *	  when a job is free, reads the list record by record, and starts a
 *	  delivery for each T record while the channel is under its limit and
 *	  the spawner can take a request.
 *	- A job is one (message, channel) being worked on; it holds the
 *	  retry time (worked out from when its pass opened, and only if the
 *	  message goes back on the queue) and the lifetime verdict.
 *	  It is closed when the pass has ended and every delivery is back:
 *	  then either the list is finished (every record done) or the message
 *	  goes back on the queue at its retry time.
 *	- A message with no list left is finished (bounce, then removal).
 *
 * Where qchan departs from the patch (profile SCHED_PROFILE_QCHAN): a raise
 * of concurrency on reconfiguration is curbed to the spawner's limit, and
 * the delivery and job tables grow with it; a channel paused with
 * concurrency 0 opens no pass, so it holds no job the others need.  Under
 * SCHED_PROFILE_CHANNELS_COMPAT the tables stay as sized at start-up, and
 * a raise beyond them is reported as the overrun the patch would suffer.
 *
 * Allocation of jobs and delivery slots is O(1) through free lists; queue
 * operations are O(log n); nothing scans all jobs or all slots.
 *
 * Memory comes from cfg.alloc only.  A message taken in on a channel
 * counts in that channel's `listed`, and the channel queue always has
 * room for all of them (prioq_reserve when it is taken in), so putting
 * a message back after a pass can never fail; likewise pqdone has room
 * for every message still listed, so finishing one's last list cannot
 * fail either.  qmail-send instead loops on nomem() where an insert
 * fails; here the failure is moved to where a message enters, and the
 * host keeps that message (on disk) and offers it again.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msgtab.h"
#include "prioq.h"
#include "retry.h"
#include "sched.h"

#define NO_JOB SIZE_MAX

/* qmail's REPORTMAX: the longest report text kept */
#define REPORT_MAX 10000

#define LIFETIME_TEXT \
    "I'm not going to try again; this message has been in the queue too long.\n"

struct job {
    uint64_t id;
    int chan;
    int refs;          /* the pass, plus one per delivery in flight */
    int numtodo;       /* T records started and not yet done */
    int hit_eof;
    int dying;         /* older than queuelifetime when the pass opened */
    int nomem;         /* the pass ended for want of memory: back on the
                          queue SCHED_SLEEP_NOMEM later, not at the
                          retry time */
    qc_time opened;    /* when the pass opened: the retry time is
                          retry_next(birth, opened), worked out only
                          when the message goes back on the queue */
    qc_time birth;
    const char *sender; /* the store's: valid while the pass is open,
                           which is when deliveries start */
    size_t next_free;
};

struct delivery {
    int used;
    size_t job;
    uint64_t delid;
    uint64_t pos;
    char *rcpt;        /* reused from delivery to delivery */
    size_t rcpt_cap;
    int has_rcpt;      /* the store gave the address's text */
};

struct channel {
    unsigned limit;          /* concurrency in force */
    unsigned spawner_limit;  /* from the handshake; UINT_MAX until known */
    unsigned used;           /* deliveries in flight */
    unsigned table;          /* delivery slots in use as such */
    struct delivery *dels;
    unsigned dels_cap;       /* allocated, >= table */
    unsigned *free_slots;    /* stack of unused slot numbers */
    unsigned fs_cap;         /* allocated, >= table */
    unsigned nfree;
    struct prioq queue;
    size_t listed;           /* messages with a list here: queued or held
                                by a job; the queue has room for all */
    int alive;
    int pass_open;
    size_t pass_job;
};

struct sched {
    struct sched_config cfg;
    struct sched_store store;
    struct sched_sink sink;
    int nchan;
    struct channel chans[QC_MAX_CHANNELS];
    struct job *jobs;
    size_t njobs;            /* allocated */
    size_t jobs_used;
    size_t job_free;         /* head of the free list, NO_JOB if none */
    struct msgtab msgs;
    struct prioq done;       /* messages with no list left */
    struct prioq fail;       /* pqfail: messages to look at again */
    size_t listed;           /* messages with a list left; pqdone has
                                room for them besides what it holds */
    qc_time nomem_until;     /* no pass opens before (out of memory) */
    uint64_t next_delid;
    char *text;              /* a report's text, NUL-terminated */
    size_t text_cap;
    int started;
    int exiting;
};

/* emit - hand an event to the host */
static void emit(struct sched *s, struct sched_event *ev)
{
    if (s->sink.event)
        s->sink.event(s->sink.ctx, ev);
}

/* wanted - does the host want events of type */
static int wanted(const struct sched *s, enum sched_event_type type)
{
    return !(s->cfg.quiet_events & SCHED_QUIETABLE & SCHED_QUIET(type));
}

/* event_init - an event of type at now with no payload */
static void event_init(struct sched_event *ev, enum sched_event_type type,
                       qc_time now, int chan, uint64_t msg)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->now = now;
    ev->chan = chan;
    ev->msg = msg;
}

/* warn - a warning event */
static void warn(struct sched *s, enum sched_warning w, qc_time now,
                 int chan, uint64_t msg)
{
    struct sched_event ev;
    event_init(&ev, SCHED_EV_WARNING, now, chan, msg);
    ev.warning = w;
    emit(s, &ev);
}

/* status - the in-flight counts changed */
static void status(struct sched *s, qc_time now)
{
    if (!wanted(s, SCHED_EV_STATUS))
        return;
    struct sched_event ev;
    event_init(&ev, SCHED_EV_STATUS, now, -1, 0);
    emit(s, &ev);
}

/* ---------------------------------------------------------------- tables */

/* reserve - a grow-only buffer of at least need bytes; the buffers live
 * as long as their slot or job, so the steady state does not allocate */
static int reserve(const struct sched *s, char **buf, size_t *cap,
                   size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = need < 64 ? 64 : 2 * need;
    char *p = qc_resize(s->cfg.alloc, *buf, *cap, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* copy_into - len bytes and a NUL into a grow-only buffer */
static int copy_into(const struct sched *s, char **buf, size_t *cap,
                     const char *src, size_t len)
{
    if (reserve(s, buf, cap, len + 1) == -1)
        return -1;
    memcpy(*buf, src, len);
    (*buf)[len] = '\0';
    return 0;
}

/* grow_slots - make chan's delivery table hold n slots */
static int grow_slots(const struct sched *s, struct channel *ch, unsigned n)
{
    if (n <= ch->table)
        return 0;
    if (n > ch->dels_cap) {
        struct delivery *dels =
            qc_resize(s->cfg.alloc, ch->dels, ch->dels_cap * sizeof *dels,
                      n * sizeof *dels);
        if (!dels)
            return -1;
        memset(dels + ch->dels_cap, 0, (n - ch->dels_cap) * sizeof *dels);
        ch->dels = dels;
        ch->dels_cap = n;
    }
    if (n > ch->fs_cap) {
        unsigned *fs = qc_resize(s->cfg.alloc, ch->free_slots,
                                 ch->fs_cap * sizeof *fs, n * sizeof *fs);
        if (!fs)
            return -1;
        ch->free_slots = fs;
        ch->fs_cap = n;
    }
    unsigned *fs = ch->free_slots;
    /* push the new slots highest first, so the lowest is handed out next */
    unsigned oldfree = ch->nfree;
    unsigned added = n - ch->table;
    memmove(fs + added, fs, oldfree * sizeof *fs);
    for (unsigned i = 0; i < added; i++)
        fs[i] = n - 1 - i;
    ch->nfree += added;
    ch->table = n;
    return 0;
}

/* grow_jobs - make the job table hold n jobs */
static int grow_jobs(struct sched *s, size_t n)
{
    if (n <= s->njobs)
        return 0;
    struct job *jobs = qc_resize(s->cfg.alloc, s->jobs,
                                 s->njobs * sizeof *jobs, n * sizeof *jobs);
    if (!jobs)
        return -1;
    s->jobs = jobs;
    for (size_t j = n; j-- > s->njobs;) {
        memset(&jobs[j], 0, sizeof jobs[j]);
        jobs[j].next_free = s->job_free;
        s->job_free = j;
    }
    s->njobs = n;
    return 0;
}

/* sum_limits - what the job table must hold */
static size_t sum_limits(const struct sched *s)
{
    size_t n = 0;
    for (int c = 0; c < s->nchan; c++)
        n += s->chans[c].limit;
    return n;
}

/* ---------------------------------------------------------------- set-up */

/* sched_new - a scheduler for cfg */
struct sched *sched_new(const struct sched_config *cfg,
                        const struct sched_store *store,
                        const struct sched_sink *sink)
{
    if (cfg->nchan < QC_MIN_CHANNELS || cfg->nchan > QC_MAX_CHANNELS)
        return NULL;
    struct sched *s = qc_resize(cfg->alloc, NULL, 0, sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->store = *store;
    s->sink = *sink;
    s->nchan = cfg->nchan;
    s->next_delid = 1;
    s->job_free = NO_JOB;
    for (int c = 0; c < s->nchan; c++) {
        s->chans[c].limit = cfg->concurrency[c];
        s->chans[c].spawner_limit = UINT_MAX;
        s->chans[c].alive = 1;
        prioq_init(&s->chans[c].queue, cfg->alloc);
    }
    prioq_init(&s->done, cfg->alloc);
    prioq_init(&s->fail, cfg->alloc);
    if (msgtab_init(&s->msgs, cfg->nchan, cfg->alloc) == -1) {
        qc_release(cfg->alloc, s, sizeof *s);
        return NULL;
    }
    return s;
}

/* sched_free - release everything, including deliveries still in flight */
void sched_free(struct sched *s)
{
    if (!s)
        return;
    const struct qc_alloc *a = s->cfg.alloc;
    for (int c = 0; c < s->nchan; c++) {
        struct channel *ch = &s->chans[c];
        for (unsigned i = 0; i < ch->dels_cap; i++)
            qc_release(a, ch->dels[i].rcpt, ch->dels[i].rcpt_cap);
        qc_release(a, ch->dels, ch->dels_cap * sizeof *ch->dels);
        qc_release(a, ch->free_slots, ch->fs_cap * sizeof *ch->free_slots);
        prioq_free(&ch->queue);
    }
    qc_release(a, s->jobs, s->njobs * sizeof *s->jobs);
    qc_release(a, s->text, s->text_cap);
    prioq_free(&s->done);
    prioq_free(&s->fail);
    msgtab_free(&s->msgs);
    qc_release(a, s, sizeof *s);
}

/* curb - lower chan's limit to what its spawner takes, with an event */
static void curb(struct sched *s, int c, unsigned wanted, qc_time now)
{
    struct channel *ch = &s->chans[c];
    ch->limit = wanted;
    if (wanted <= ch->spawner_limit)
        return;
    ch->limit = ch->spawner_limit;
    struct sched_event ev;
    event_init(&ev, SCHED_EV_CURB, now, c, 0);
    ev.limit = ch->limit;
    ev.wanted = wanted;
    emit(s, &ev);
}

/* sched_spawner_limit - the start-up handshake of chan's spawner */
void sched_spawner_limit(struct sched *s, int chan, unsigned limit,
                         qc_time now)
{
    if (chan < 0 || chan >= s->nchan)
        return;
    s->chans[chan].spawner_limit = limit;
    curb(s, chan, s->chans[chan].limit, now);
}

/* sched_start - size the tables from the limits in force, and the
 * report buffer once for all */
int sched_start(struct sched *s, qc_time now)
{
    for (int c = 0; c < s->nchan; c++)
        if (grow_slots(s, &s->chans[c], s->chans[c].limit) == -1)
            return -1;
    size_t n = sum_limits(s);
    if (grow_jobs(s, n) == -1)
        return -1;
    if (reserve(s, &s->text, &s->text_cap,
                REPORT_MAX + sizeof LIFETIME_TEXT) == -1)
        return -1;
    s->started = 1;
    status(s, now);
    return 0;
}

/* ---------------------------------------------------------------- arrivals */

/* entry - message id's channel mask into *chans, made (0) if new; *made
 * says so; -1 when out of memory */
static int entry(struct sched *s, uint64_t id, uint64_t *chans, int *made)
{
    size_t len = s->msgs.len;
    int r = msgtab_get(&s->msgs, id, chans);
    *made = s->msgs.len != len;
    return r;
}

/* done_room - pqdone can take one more besides every listed message */
static int done_room(struct sched *s)
{
    return prioq_reserve(&s->done, s->done.len + s->listed + 1);
}

/* take_in - message id queued on chan at due, its mask in *chans (the
 * caller writes it back); the room was reserved */
static void take_in(struct sched *s, uint64_t id, uint64_t *chans, int chan,
                    qc_time due)
{
    struct channel *ch = &s->chans[chan];
    (void)prioq_insert(&ch->queue, due, id);
    ch->listed++;
    if (*chans == 0)
        s->listed++;
    *chans |= (uint64_t)1 << chan;
}

/* sched_add_channel - message id has a list for chan due at due */
int sched_add_channel(struct sched *s, uint64_t id, int chan, qc_time due)
{
    if (chan < 0 || chan >= s->nchan || id == 0)
        return -1;
    int made;
    uint64_t chans;
    if (entry(s, id, &chans, &made) == -1)
        return SCHED_NOMEM;
    uint64_t bit = (uint64_t)1 << chan;
    /* already queued or being worked on: a second entry could start a
     * second pass over the same list */
    if (chans & bit)
        return 0;
    struct channel *ch = &s->chans[chan];
    /* room for its way back after every pass, and for its end */
    if (prioq_reserve(&ch->queue, ch->listed + 1) == -1 ||
        (chans == 0 && done_room(s) == -1)) {
        if (made)
            msgtab_del(&s->msgs, id);
        return SCHED_NOMEM;
    }
    take_in(s, id, &chans, chan, due);
    msgtab_set(&s->msgs, id, chans);
    return 0;
}

/* sched_add_done - message id has no list: finish it at due */
int sched_add_done(struct sched *s, uint64_t id, qc_time due)
{
    if (id == 0)
        return -1;
    int made;
    uint64_t chans;
    if (entry(s, id, &chans, &made) == -1)
        return SCHED_NOMEM;
    if (chans)
        return 0;
    if (done_room(s) == -1) {
        if (made)
            msgtab_del(&s->msgs, id);
        return SCHED_NOMEM;
    }
    (void)prioq_insert(&s->done, due, id);   /* room reserved */
    return 0;
}

/* sched_add_failed - pqfail: look at message id again later */
int sched_add_failed(struct sched *s, uint64_t id, qc_time now)
{
    if (id == 0 || !s->store.rescan)
        return -1;
    if (prioq_insert(&s->fail, now + SCHED_SLEEP_SYSFAIL, id) == -1)
        return SCHED_NOMEM;
    return 0;
}

/* sched_todo_report - a D record from qmail-todo */
int sched_todo_report(struct sched *s, uint64_t id, uint64_t chanmask,
                      qc_time now)
{
    if (id == 0 || (s->nchan < 64 && (chanmask >> s->nchan) != 0))
        return -1;
    if (chanmask == 0)
        return sched_add_done(s, id, now);
    /* all the room first, so that the record goes in whole or not at
     * all: a message taken in on some of its channels could be finished
     * while the others' lists still wait on disk */
    for (int c = 0; c < s->nchan; c++)
        if ((chanmask >> c) & 1 &&
            prioq_reserve(&s->chans[c].queue, s->chans[c].listed + 1) == -1)
            return SCHED_NOMEM;
    int made;
    uint64_t chans;
    if (entry(s, id, &chans, &made) == -1)
        return SCHED_NOMEM;
    if (chans == 0 && done_room(s) == -1) {
        if (made)
            msgtab_del(&s->msgs, id);
        return SCHED_NOMEM;
    }
    for (int c = 0; c < s->nchan; c++)
        if ((chanmask >> c) & 1 && !(chans & (uint64_t)1 << c))
            take_in(s, id, &chans, c, now);
    msgtab_set(&s->msgs, id, chans);
    return 0;
}

/* ---------------------------------------------------------------- jobs */

/* job_open - a free job for (id, chan); the caller checked one is free */
static size_t job_open(struct sched *s, uint64_t id, int chan)
{
    size_t j = s->job_free;
    struct job *jb = &s->jobs[j];
    s->job_free = jb->next_free;
    s->jobs_used++;
    jb->id = id;
    jb->chan = chan;
    jb->refs = 1;
    jb->numtodo = 0;
    jb->hit_eof = 0;
    jb->dying = 0;
    jb->nomem = 0;
    return j;
}

/* job_release - back on the free list */
static void job_release(struct sched *s, size_t j)
{
    struct job *jb = &s->jobs[j];
    jb->next_free = s->job_free;
    s->job_free = j;
    s->jobs_used--;
}

/* nomem - memory ran out: say so, as qmail's nomem(), and open no pass
 * for a while */
static void nomem(struct sched *s, qc_time now)
{
    s->nomem_until = now + SCHED_SLEEP_NOMEM;
    warn(s, SCHED_WARN_NOMEM, now, -1, 0);
}

/* requeue - id back on chan's queue at due; its room was reserved when
 * it was taken in (listed) */
static void requeue(struct sched *s, int chan, uint64_t id, qc_time due)
{
    (void)prioq_insert(&s->chans[chan].queue, due, id);
}

/* list_finished - chan's list of id is gone; finish the message if it
 * was the last */
static void list_finished(struct sched *s, uint64_t id, int chan,
                          qc_time now)
{
    if (wanted(s, SCHED_EV_CHANNEL_DONE)) {
        struct sched_event ev;
        event_init(&ev, SCHED_EV_CHANNEL_DONE, now, chan, id);
        emit(s, &ev);
    }
    s->chans[chan].listed--;
    uint64_t chans;
    if (!msgtab_find(&s->msgs, id, &chans))
        return;
    chans &= ~((uint64_t)1 << chan);
    msgtab_set(&s->msgs, id, chans);
    if (chans == 0) {
        s->listed--;
        /* room kept for it while it was listed */
        (void)prioq_insert(&s->done, now, id);
    }
}

/* job_close - drop one reference; at the last, requeue or finish */
static void job_close(struct sched *s, size_t j, qc_time now)
{
    struct job *jb = &s->jobs[j];
    if (--jb->refs > 0)
        return;
    uint64_t id = jb->id;
    int c = jb->chan;
    int finished = jb->hit_eof && jb->numtodo == 0;
    qc_time due = finished   ? 0
                  : jb->nomem ? now + SCHED_SLEEP_NOMEM
                              : retry_next(jb->birth, jb->opened,
                                           retry_chanskip(c));
    job_release(s, j);
    if (finished) {
        if (s->store.chan_finish(s->store.ctx, id, c) == 0) {
            list_finished(s, id, c, now);
            return;
        }
        warn(s, SCHED_WARN_UNABLE_TO_UNLINK, now, c, id);
        due = now + SCHED_SLEEP_SYSFAIL;
    }
    requeue(s, c, id, due);
}

/* ---------------------------------------------------------------- passes */

static void pass_end(struct sched *s, int c, qc_time now);

/* delivery_avail - may chan start one more delivery now */
static int delivery_avail(struct sched *s, int c)
{
    struct channel *ch = &s->chans[c];
    if (!ch->alive || ch->used >= ch->limit || ch->nfree == 0)
        return 0;
    if (s->sink.spawner_ready && !s->sink.spawner_ready(s->sink.ctx, c))
        return 0;
    return 1;
}

/* rcpt_of - the address of delivery d, NULL when the store gave none */
static const char *rcpt_of(const struct delivery *d)
{
    return d->has_rcpt ? d->rcpt : NULL;
}

/* delivery_start - hand recipient rcpt of job j to the spawner */
static void delivery_start(struct sched *s, size_t j,
                           const struct sched_rcpt *r, qc_time now)
{
    struct job *jb = &s->jobs[j];
    struct channel *ch = &s->chans[jb->chan];
    unsigned slot = ch->free_slots[ch->nfree - 1];
    struct delivery *d = &ch->dels[slot];
    if (r->addr &&
        copy_into(s, &d->rcpt, &d->rcpt_cap, r->addr, strlen(r->addr)) ==
            -1) {
        /* the record stays T; the pass ends here, so the list is not
         * taken for finished, and the message is tried again after the
         * pause */
        jb->nomem = 1;
        nomem(s, now);
        pass_end(s, jb->chan, now);
        return;
    }
    d->has_rcpt = r->addr != NULL;
    ch->nfree--;
    d->used = 1;
    d->job = j;
    d->delid = s->next_delid++;
    d->pos = r->pos;
    ch->used++;
    jb->refs++;
    jb->numtodo++;

    struct sched_event ev;
    event_init(&ev, SCHED_EV_DELIVERY_START, now, jb->chan, jb->id);
    ev.slot = slot;
    ev.delid = d->delid;
    ev.sender = jb->sender;
    ev.rcpt = rcpt_of(d);
    ev.birth = jb->birth;
    emit(s, &ev);
    status(s, now);
}

/* pass_end - close chan's pass */
static void pass_end(struct sched *s, int c, qc_time now)
{
    struct channel *ch = &s->chans[c];
    size_t j = ch->pass_job;
    s->store.pass_close(s->store.ctx, s->jobs[j].id, c);
    ch->pass_open = 0;
    job_close(s, j, now);
}

/* pass_useful - may a pass open on chan.  qmail-send opens one whatever
 * the cap, so a channel paused with concurrency 0 holds a job it cannot
 * use and the others lose it; the qchan profile opens none there. */
static int pass_useful(const struct sched *s, int c)
{
    if (s->cfg.profile == SCHED_PROFILE_CHANNELS_COMPAT)
        return 1;
    return s->chans[c].limit > 0 && s->chans[c].alive;
}

/* pass_begin - open a pass on the first due message; 1 if anything
 * changed */
static int pass_begin(struct sched *s, int c, qc_time now)
{
    struct channel *ch = &s->chans[c];
    struct prioq_elt e;
    /* an empty queue first: the commonest no, and the cheapest */
    if (ch->queue.len == 0 || s->job_free == NO_JOB || !pass_useful(s, c) ||
        now < s->nomem_until)
        return 0;
    if (!prioq_min(&ch->queue, &e) || e.due > now)
        return 0;
    prioq_delmin(&ch->queue);

    const char *sender = NULL;
    qc_time birth = 0;
    if (s->store.pass_open(s->store.ctx, e.id, c, &sender, &birth) != 0) {
        warn(s, SCHED_WARN_TROUBLE_OPENING, now, c, e.id);
        requeue(s, c, e.id, now + SCHED_SLEEP_SYSFAIL);
        return 1;
    }
    size_t j = job_open(s, e.id, c);
    struct job *jb = &s->jobs[j];
    jb->sender = sender ? sender : "";
    jb->birth = birth;
    jb->opened = now;
    jb->dying = now > birth + s->cfg.lifetime;
    ch->pass_open = 1;
    ch->pass_job = j;
    return 1;
}

/* pass_step - one record of chan's pass, opening one if needed; 1 if
 * anything changed */
static int pass_step(struct sched *s, int c, qc_time now)
{
    struct channel *ch = &s->chans[c];
    int changed = 0;
    if (!ch->pass_open) {
        changed = pass_begin(s, c, now);
        if (!ch->pass_open)
            return changed;
    }
    if (!delivery_avail(s, c))
        return changed;

    size_t j = ch->pass_job;
    struct sched_rcpt r = {0, NULL};
    switch (s->store.pass_next(s->store.ctx, s->jobs[j].id, c, &r)) {
    case SCHED_REC_TODO:
        delivery_start(s, j, &r, now);
        break;
    case SCHED_REC_DONE:
        break;
    case SCHED_REC_END:
        s->jobs[j].hit_eof = 1;
        pass_end(s, c, now);
        break;
    case SCHED_REC_ERROR:
        warn(s, SCHED_WARN_TROUBLE_READING, now, c, s->jobs[j].id);
        pass_end(s, c, now);
        break;
    case SCHED_REC_BAD:
    default:
        warn(s, SCHED_WARN_UNKNOWN_RECORD, now, c, s->jobs[j].id);
        pass_end(s, c, now);
        break;
    }
    return 1;
}

/* finish_due - finish messages with no list left whose time has come */
static int finish_due(struct sched *s, qc_time now)
{
    struct prioq_elt e;
    int changed = 0;
    while (prioq_min(&s->done, &e) && e.due <= now) {
        prioq_delmin(&s->done);
        changed = 1;
        uint64_t chans;
        if (!msgtab_find(&s->msgs, e.id, &chans) || chans != 0)
            continue;   /* finished already, or lists were added since */
        int r = s->store.message_finish(s->store.ctx, e.id);
        if (r == SCHED_NOT_FINISHED) {
            /* qmail-send's "false alarm": the queue will tell again */
            msgtab_del(&s->msgs, e.id);
            continue;
        }
        if (r != 0) {
            warn(s, SCHED_WARN_FINISH_FAILED, now, -1, e.id);
            /* into the place the delmin freed: cannot fail */
            (void)prioq_insert(&s->done, now + SCHED_SLEEP_SYSFAIL, e.id);
            continue;
        }
        msgtab_del(&s->msgs, e.id);
        if (wanted(s, SCHED_EV_MESSAGE_DONE)) {
            struct sched_event ev;
            event_init(&ev, SCHED_EV_MESSAGE_DONE, now, -1, e.id);
            emit(s, &ev);
        }
    }
    return changed;
}

/* rescan_due - pqfail: hand the messages whose time has come back to
 * the store, which reports them anew (qmail-send does this even while
 * exiting).  An entry put back by the store is due later than now. */
static void rescan_due(struct sched *s, qc_time now)
{
    struct prioq_elt e;
    while (prioq_min(&s->fail, &e) && e.due <= now) {
        prioq_delmin(&s->fail);
        s->store.rescan(s->store.ctx, e.id, now);
    }
}

/* sched_run - everything that can be done at now */
void sched_run(struct sched *s, qc_time now)
{
    if (!s->started)
        return;
    rescan_due(s, now);
    if (s->exiting) {
        /* qmail-send stops opening passes but still finishes messages */
        finish_due(s, now);
        return;
    }
    /* one record per channel per round, as qmail-send's main loop does,
     * so channels competing for free jobs take turns */
    int changed;
    do {
        changed = 0;
        for (int c = 0; c < s->nchan; c++)
            changed |= pass_step(s, c, now);
        if (s->done.len)   /* most rounds have nothing to finish */
            changed |= finish_due(s, now);
    } while (changed);
}

/* sched_next_wakeup - when there is work without new input */
qc_time sched_next_wakeup(const struct sched *s, qc_time now)
{
    if (!s->started)
        return QC_TIME_NEVER;
    qc_time t = QC_TIME_NEVER;
    struct prioq_elt e;
    int job_free = s->job_free != NO_JOB && !s->exiting;
    for (int c = 0; c < s->nchan; c++) {
        const struct channel *ch = &s->chans[c];
        if (ch->pass_open) {
            if (!s->exiting && ch->alive && ch->used < ch->limit && ch->nfree > 0)
                return now;
        } else if (ch->queue.len && job_free && pass_useful(s, c) &&
                   prioq_min(&ch->queue, &e)) {
            qc_time at = e.due < s->nomem_until ? s->nomem_until : e.due;
            if (at < t)
                t = at;
        }
    }
    if (prioq_min(&s->done, &e) && e.due < t)
        t = e.due;
    if (prioq_min(&s->fail, &e) && e.due < t)
        t = e.due;
    return t;
}

/* ---------------------------------------------------------------- reports */

/* sched_report - apply a spawner's report */
void sched_report(struct sched *s, int chan, unsigned slot, char status_byte,
                  const char *text, size_t len, qc_time now)
{
    if (chan < 0 || chan >= s->nchan || slot >= s->chans[chan].table ||
        !s->chans[chan].dels[slot].used) {
        warn(s, SCHED_WARN_REPORT_RANGE, now, chan, 0);
        return;
    }
    struct channel *ch = &s->chans[chan];
    struct delivery *d = &ch->dels[slot];
    struct job *jb = &s->jobs[d->job];

    /* the report text as a string, with the lifetime sentence when a
     * deferral of a message too old becomes a failure */
    int dying = status_byte == 'Z' && jb->dying;
    size_t extra = dying ? sizeof LIFETIME_TEXT - 1 : 0;
    if (len > REPORT_MAX)
        len = REPORT_MAX;   /* the buffer was sized at start: no failure */
    memcpy(s->text, text, len);
    memcpy(s->text + len, LIFETIME_TEXT, extra);
    s->text[len + extra] = '\0';
    char *msg = s->text;
    if (dying)
        status_byte = 'D';

    struct sched_event ev;
    event_init(&ev, SCHED_EV_DELIVERY_RESULT, now, chan, jb->id);
    ev.slot = slot;
    ev.delid = d->delid;
    ev.rcpt = rcpt_of(d);
    ev.text = msg;
    ev.birth = jb->birth;
    switch (status_byte) {
    case 'K':
        ev.outcome = SCHED_OUT_SUCCESS;
        break;
    case 'Z':
        ev.outcome = SCHED_OUT_DEFERRAL;
        break;
    case 'D':
        ev.outcome = SCHED_OUT_FAILURE;
        break;
    default:
        ev.outcome = SCHED_OUT_MANGLED;
        break;
    }
    emit(s, &ev);

    int done = ev.outcome == SCHED_OUT_SUCCESS;
    if (ev.outcome == SCHED_OUT_FAILURE) {
        if (s->store.add_bounce(s->store.ctx, jb->id, rcpt_of(d), msg) == 0) {
            struct sched_event bev;
            event_init(&bev, SCHED_EV_BOUNCE, now, chan, jb->id);
            bev.rcpt = rcpt_of(d);
            bev.text = msg;
            emit(s, &bev);
            done = 1;
        } else {
            /* not marked done: the recipient is tried again later rather
             * than lost without a bounce */
            warn(s, SCHED_WARN_BOUNCE_FAILED, now, chan, jb->id);
        }
    }
    if (done) {
        if (s->store.mark_done(s->store.ctx, jb->id, chan, d->pos) != 0)
            warn(s, SCHED_WARN_TROUBLE_MARKING, now, chan, jb->id);
        jb->numtodo--;
    }

    size_t j = d->job;
    d->used = 0;
    ch->free_slots[ch->nfree++] = slot;
    ch->used--;
    job_close(s, j, now);
    status(s, now);
}

/* ---------------------------------------------------------------- control */

/* sched_alarm - run the queue now */
void sched_alarm(struct sched *s, qc_time now)
{
    for (int c = 0; c < s->nchan; c++)
        prioq_all_due(&s->chans[c].queue, now);
}

/* reconfigure_compat - what an unmodified CHANNELS qmail-send does with
 * new limits: tables stay; a raise beyond them would overrun the table */
static void reconfigure_compat(struct sched *s, int c, unsigned wanted,
                               qc_time now)
{
    struct channel *ch = &s->chans[c];
    if (wanted <= ch->table) {
        ch->limit = wanted;
        return;
    }
    ch->limit = ch->table;
    struct sched_event ev;
    event_init(&ev, SCHED_EV_OVERRUN, now, c, 0);
    ev.limit = ch->limit;
    ev.wanted = wanted;
    emit(s, &ev);
}

/* sched_reconfigure - SIGHUP's new concurrency values */
void sched_reconfigure(struct sched *s, const unsigned *concurrency,
                       qc_time now)
{
    int short_of_memory = 0;
    for (int c = 0; c < s->nchan; c++) {
        if (s->cfg.profile == SCHED_PROFILE_CHANNELS_COMPAT && s->started) {
            reconfigure_compat(s, c, concurrency[c], now);
            continue;
        }
        curb(s, c, concurrency[c], now);
        if (s->started &&
            grow_slots(s, &s->chans[c], s->chans[c].limit) == -1) {
            s->chans[c].limit = s->chans[c].table;
            short_of_memory = 1;
        }
    }
    /* fewer jobs than the limits add up to: passes take turns */
    if (s->cfg.profile == SCHED_PROFILE_QCHAN && s->started &&
        grow_jobs(s, sum_limits(s)) == -1)
        short_of_memory = 1;
    if (short_of_memory)
        warn(s, SCHED_WARN_NOMEM, now, -1, 0);
    status(s, now);
}

/* sched_set_lifetime - a new queuelifetime for passes opened from now */
void sched_set_lifetime(struct sched *s, qc_time lifetime)
{
    s->cfg.lifetime = lifetime;
}

/* sched_spawner_dead - chan's spawner is gone */
void sched_spawner_dead(struct sched *s, int chan, qc_time now)
{
    if (chan < 0 || chan >= s->nchan || !s->chans[chan].alive)
        return;
    s->chans[chan].alive = 0;
    s->exiting = 1;
    struct sched_event ev;
    event_init(&ev, SCHED_EV_SPAWNER_DEAD, now, chan, 0);
    emit(s, &ev);
}

/* sched_exit_asap - start nothing new */
void sched_exit_asap(struct sched *s)
{
    s->exiting = 1;
}

/* sched_can_exit - exiting and nothing in flight where it can come back */
int sched_can_exit(const struct sched *s)
{
    if (!s->exiting)
        return 0;
    for (int c = 0; c < s->nchan; c++)
        if (s->chans[c].alive && s->chans[c].used)
            return 0;
    return 1;
}

struct foreach_ctx {
    void (*fn)(void *ctx, uint64_t id, int chan, qc_time due);
    void *ctx;
    int chan;
};

/* foreach_one - one queued element to the caller's function */
static void foreach_one(void *ctx, const struct prioq_elt *e)
{
    const struct foreach_ctx *fc = ctx;
    fc->fn(fc->ctx, e->id, fc->chan, e->due);
}

/* sched_foreach_queued - every queued (message, channel) */
void sched_foreach_queued(const struct sched *s,
                          void (*fn)(void *ctx, uint64_t id, int chan,
                                     qc_time due),
                          void *ctx)
{
    struct foreach_ctx fc = {fn, ctx, 0};
    for (int c = 0; c < s->nchan; c++) {
        fc.chan = c;
        prioq_foreach(&s->chans[c].queue, foreach_one, &fc);
    }
}

/* ---------------------------------------------------------------- state */

int sched_nchan(const struct sched *s) { return s->nchan; }
unsigned sched_limit(const struct sched *s, int chan)
{
    return s->chans[chan].limit;
}
unsigned sched_inflight(const struct sched *s, int chan)
{
    return s->chans[chan].used;
}
size_t sched_queued(const struct sched *s, int chan)
{
    return s->chans[chan].queue.len;
}
size_t sched_failed(const struct sched *s) { return s->fail.len; }
size_t sched_messages(const struct sched *s) { return s->msgs.len; }
size_t sched_jobs_used(const struct sched *s) { return s->jobs_used; }
size_t sched_jobs_total(const struct sched *s) { return s->njobs; }
int sched_exiting(const struct sched *s) { return s->exiting; }
