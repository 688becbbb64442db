/*
 * sim_store.c - the in-memory queue behind the scheduler's store
 * interface (struct sched_store), and qmail-todo's step.
 *
 *	sim_store_bind(s, st)		the callbacks, bound to s
 *	sim_new_message(s, gen, i) / sim_add_rcpt(s, dom, addr)
 *					a message enters the queue (todo/)
 *	sim_todo_message(s, m)		qmail-todo's step (core/todo_step)
 *					on message m: its lists and the D
 *					record
 *
 * A channel "file" is the message's recipient array filtered by channel;
 * a record's position is its index in the message, so mark_done finds it
 * in O(1) as qmail's seek does.  The scheduler opens at most one pass
 * per channel, so the read cursor lives in the channel, not the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlog.h"
#include "sim_int.h"

/* sim_arena_add - store a string; its offset, SIM_NONE if out of memory */
uint32_t sim_arena_add(struct sim *s, const char *str)
{
    size_t len = strlen(str) + 1;
    if (s->arenalen + len > RCPT_STORED - 1) {
        s->oom = 1;
        return SIM_NONE;
    }
    if (s->arenalen + len > s->arenacap) {
        size_t cap = s->arenacap ? 2 * s->arenacap : 65536;
        while (cap < s->arenalen + len)
            cap *= 2;
        char *a = realloc(s->arena, cap);
        if (!a) {
            s->oom = 1;
            return SIM_NONE;
        }
        s->arena = a;
        s->arenacap = cap;
    }
    memcpy(s->arena + s->arenalen, str, len);
    uint32_t off = (uint32_t)s->arenalen;
    s->arenalen += len;
    return off;
}

/* A bounded writer does what snprintf(buf, cap, ...) did here, without
 * the format parsing: that was a third of a big run's instructions (an
 * address is made twice per recipient, by qmail-todo and by the pass). */
struct bw {
    char *p;
    size_t len, cap;   /* cap > 0; p[len] is NUL and len < cap */
};

/* bw_mem - append n bytes of str, cut at the end of the buffer */
static void bw_mem(struct bw *w, const char *str, size_t n)
{
    size_t room = w->cap - 1 - w->len;
    if (n > room)
        n = room;
    memcpy(w->p + w->len, str, n);
    w->len += n;
    w->p[w->len] = '\0';
}

/* bw_dec - append v in decimal */
static void bw_dec(struct bw *w, unsigned long long v)
{
    char d[24];
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    bw_mem(w, d + i, sizeof d - i);
}

/* sim_domain_name - the name of domain index dom */
void sim_domain_name(const struct sim *s, uint32_t dom, char *buf,
                     size_t cap)
{
    if (cap == 0)
        return;
    struct bw w = {buf, 0, cap};
    buf[0] = '\0';
    if (dom < s->nexplicit) {
        bw_mem(&w, s->dom_names[dom], strlen(s->dom_names[dom]));
        return;
    }
    for (size_t p = s->sc->npools; p-- > 0;)
        if (dom >= s->pool_base[p]) {
            const char *name = s->sc->pools[p].name;
            bw_mem(&w, "d", 1);
            bw_dec(&w, (unsigned)(dom - s->pool_base[p]));
            bw_mem(&w, ".", 1);
            bw_mem(&w, name, strlen(name));
            bw_mem(&w, ".test", 5);
            return;
        }
    bw_mem(&w, "unknown.test", 12);
}

/* sim_rcpt_addr - the address of recipient rcpt of message msg:
 * u<msg>.<n>@<domain>, the domain cut at 299 bytes */
const char *sim_rcpt_addr(struct sim *s, size_t msg, size_t rcpt, char *buf,
                          size_t cap)
{
    uint32_t where = s->rcpts[rcpt].where;
    if (where & RCPT_STORED)
        return s->arena + (where & ~RCPT_STORED);
    if (cap == 0)
        return buf;
    if (where < s->nexplicit && cap >= SIM_ADDR_ROOM) {
        /* the common case, written in place: it always fits */
        char *p = buf;
        *p++ = 'u';
        p = sim_put_dec(p, msg + 1);
        *p++ = '.';
        p = sim_put_dec(p, rcpt - s->msgs[msg].first);
        *p++ = '@';
        memcpy(p, s->dom_names[where], s->dom_lens[where]);
        p[s->dom_lens[where]] = '\0';
        return buf;
    }
    struct bw w = {buf, 0, cap};
    buf[0] = '\0';
    bw_mem(&w, "u", 1);
    bw_dec(&w, msg + 1);
    bw_mem(&w, ".", 1);
    bw_dec(&w, rcpt - s->msgs[msg].first);
    bw_mem(&w, "@", 1);
    char dom[300];
    sim_domain_name(s, where, dom, sizeof dom);
    bw_mem(&w, dom, strlen(dom));
    return buf;
}

/* sim_new_message - a message with no recipients yet */
int sim_new_message(struct sim *s, size_t gen, uint64_t index)
{
    if (s->nmsgs >= SIM_NONE - 1 || index >= SIM_NONE) {
        s->oom = 1;   /* message numbers are 32-bit: a run this big ends */
        return -1;
    }
    if (s->nmsgs == s->msgcap) {
        size_t cap = s->msgcap ? 2 * s->msgcap : 4096;
        struct sim_msg *m = sim_mem_grow(s->msgs, s->msgcap * sizeof *m,
                                         cap * sizeof *m);
        if (!m) {
            s->oom = 1;
            return -1;
        }
        s->msgs = m;
        s->msgcap = cap;
    }
    struct sim_msg *m = &s->msgs[s->nmsgs++];
    memset(m, 0, sizeof *m);
    m->arrival_lo = (uint32_t)(uint64_t)s->now;
    m->arrival_hi = (uint32_t)((uint64_t)s->now >> 32);
    m->index = (uint32_t)index;
    m->first = (uint32_t)s->nrcpts;
    m->gen = (uint8_t)gen;
    return 0;
}

/* sim_msg_sender - message m's sender: its replay row's, or else its
 * generator's */
const char *sim_msg_sender(const struct sim *s, size_t m)
{
    const struct sim_msg *msg = &s->msgs[m];
    const struct sim_gen *g = &s->sc->gens[msg->gen];
    if (g->kind == SIM_GEN_REPLAY && g->rows[msg->index].sender)
        return g->rows[msg->index].sender;
    return s->arena + s->gen_sender[msg->gen];
}

/* sim_add_rcpt - a recipient of the newest message */
int sim_add_rcpt(struct sim *s, uint32_t dom, const char *addr)
{
    if (s->nrcpts >= SIM_NONE - 1) {
        s->oom = 1;   /* recipient numbers are 32-bit */
        return -1;
    }
    if (s->nrcpts == s->rcptcap) {
        size_t cap = s->rcptcap ? 2 * s->rcptcap : 4096;
        struct sim_rcpt *r = sim_mem_grow(s->rcpts, s->rcptcap * sizeof *r,
                                          cap * sizeof *r);
        if (!r) {
            s->oom = 1;
            return -1;
        }
        s->rcpts = r;
        s->rcptcap = cap;
    }
    uint32_t where = dom;
    if (addr) {
        uint32_t off = sim_arena_add(s, addr);
        if (off == SIM_NONE)
            return -1;
        where = off | RCPT_STORED;
    }
    struct sim_rcpt *r = &s->rcpts[s->nrcpts++];
    memset(r, 0, sizeof *r);
    r->where = where;
    s->msgs[s->nmsgs - 1].nrcpt++;
    return s->oom ? -1 : 0;
}

/* log_fmt - write one of qlog's host lines */
static void log_host(struct sim *s, size_t (*fn)(uint64_t, char *, size_t),
                     uint64_t id)
{
    char line[512];
    size_t n = fn(id, line, sizeof line);
    sim_log_line(s, line, n < sizeof line ? n : sizeof line - 1);
}

/* domain_channel - the channel of every generated address of domain dom
 * (their local parts are "u<msg>.<n>": no '%', no '@'), asked of the
 * classifier once per domain; -1 when the local part decides */
static int domain_channel(struct sim *s, uint32_t dom)
{
    if (dom >= s->ndomains)
        return -1;
    uint8_t v = s->dom_chan[dom];
    if (v == DOM_CHAN_UNKNOWN) {
        char name[300];   /* cut where sim_rcpt_addr cuts it */
        sim_domain_name(s, dom, name, sizeof name);
        int c = classify_domain(s->cl, name, strlen(name));
        v = c >= 0 && c < s->nchan ? (uint8_t)c : DOM_CHAN_ADDRESS;
        s->dom_chan[dom] = v;
    }
    return v == DOM_CHAN_ADDRESS ? -1 : v;
}

/* sim_todo_log_new - qmail-todo takes up message m: its "new msg" and
 * "info msg" lines, written (as qmail-todo does) before its work on the
 * message, which ends todo-delay later with the D record */
void sim_todo_log_new(struct sim *s, size_t m)
{
    const struct sim_msg *msg = &s->msgs[m];
    if (s->opts->log && !(msg->flags & MF_CARRIED)) {
        char line[1200];
        log_host(s, qlog_new_msg, m + 1);
        size_t n = qlog_info_msg(m + 1, s->sc->gens[msg->gen].bytes,
                                 sim_msg_sender(s, m), 10000 + m, 89, line,
                                 sizeof line);
        sim_log_line(s, line, n < sizeof line ? n : sizeof line - 1);
    }
}

/* sim_todo_message - qmail-todo's work on message m (core/todo_step) */
int sim_todo_message(struct sim *s, size_t m)
{
    struct sim_msg *msg = &s->msgs[m];
    char buf[1024];
    todo_step_begin(&s->todo, s->cl);
    for (uint32_t i = msg->first; i < msg->first + msg->nrcpt; i++) {
        if (!(s->rcpts[i].where & RCPT_STORED)) {
            int dc = domain_channel(s, s->rcpts[i].where);
            if (dc >= 0 && todo_step_known(&s->todo, dc) == TODO_STEP_OK) {
                s->rcpts[i].chan = (uint8_t)dc;
                continue;
            }
        }
        const char *addr = sim_rcpt_addr(s, m, i, buf, sizeof buf);
        struct todo_step_rcpt out;
        enum todo_step_result r =
            todo_step_rcpt(&s->todo, addr, strlen(addr), &out);
        if (r == TODO_STEP_NOMEM) {
            s->oom = 1;
            return -1;
        }
        if (r != TODO_STEP_OK) {
            /* qmail-todo leaves the message in todo/: it is never
             * delivered in this run, which the checks report */
            sim_violation(s, "message %zu: %s: classifier gave channel %d "
                          "for %s", m + 1, todo_step_strerror(r), out.chan,
                          addr);
            return -1;
        }
        if (strcmp(out.addr, addr) != 0) {
            uint32_t off = sim_arena_add(s, out.addr);
            if (off == SIM_NONE)
                return -1;
            s->rcpts[i].where = off | RCPT_STORED;
        }
        s->rcpts[i].chan = (uint8_t)out.chan;
    }
    uint64_t mask = todo_step_chanmask(&s->todo);
    msg->flags |= MF_TODO;
    int nfiles = 0;   /* a loop: without -mpopcnt the builtin is a call */
    for (uint64_t b = mask; b; b &= b - 1)
        nfiles++;
    (void)sim_fds_todo_message(&s->fds, nfiles);
    if (msg->flags & MF_CARRIED) {
        /* queued before the scenario began: in qmail-send's queues from
         * the start, due when the log first tried it (as qmail-send's
         * start-up scan files a message by its next retry time) */
        qc_time due = s->sc->gens[msg->gen].rows[msg->index].t;
        int r = mask == 0 ? sched_add_done(s->sched, m + 1, due) : 0;
        for (int c = 0; c < s->nchan && r >= 0; c++)
            if ((mask >> c) & 1)
                r = sched_add_channel(s->sched, m + 1, c, due);
        if (r == SCHED_NOMEM) {
            s->oom = 1;
            return -1;
        }
        if (r < 0) {
            sim_violation(s, "scheduler refused carried message %zu", m + 1);
            return -1;
        }
        return 0;
    }
    int r = sched_todo_report(s->sched, m + 1, mask, s->now);
    if (r == SCHED_NOMEM) {
        s->oom = 1;
        return -1;
    }
    if (r < 0) {
        sim_violation(s, "scheduler refused the D record of message %zu",
                      m + 1);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- store */

/* msg_of - message index of id, or SIZE_MAX */
static size_t msg_of(struct sim *s, uint64_t id)
{
    if (id == 0 || id > s->nmsgs)
        return SIZE_MAX;
    return (size_t)(id - 1);
}

/* st_pass_open - qmail-send opens local/N, remote/N or supplK/N */
static int st_pass_open(void *ctx, uint64_t id, int chan, const char **sender,
                        qc_time *birth)
{
    struct sim *s = ctx;
    size_t m = msg_of(s, id);
    if (m == SIZE_MAX || chan < 0 || chan >= s->nchan) {
        sim_violation(s, "pass opened for unknown message %llu channel %d",
                      (unsigned long long)id, chan);
        return -1;
    }
    s->fds.now = s->now;
    int fd = sim_fds_send_open(&s->fds);
    if (fd < 0)
        return -1;   /* as open() failing: "trouble opening" */
    struct sim_chan *ch = &s->chans[chan];
    ch->pass_fd = fd;
    ch->pass_msg = (uint32_t)m;
    ch->pass_next = s->msgs[m].first;
    ch->pass_last = SIM_NONE;
    *sender = sim_msg_sender(s, m);
    *birth = s->msgs[m].flags & MF_CARRIED
                 ? s->sc->gens[s->msgs[m].gen].rows[s->msgs[m].index].birth
                 : sim_msg_arrival(&s->msgs[m]);
    return 0;
}

/* st_pass_next - the next record of chan's list */
static enum sched_record st_pass_next(void *ctx, uint64_t id, int chan,
                                      struct sched_rcpt *rcpt)
{
    struct sim *s = ctx;
    struct sim_chan *ch = &s->chans[chan];
    size_t m = msg_of(s, id);
    if (m != ch->pass_msg)
        return SCHED_REC_ERROR;
    const struct sim_msg *msg = &s->msgs[m];
    for (uint32_t i = ch->pass_next; i < msg->first + msg->nrcpt; i++) {
        if (s->rcpts[i].chan != chan)
            continue;
        ch->pass_next = i + 1;
        ch->pass_last = i;
        rcpt->pos = i - msg->first;
        /* the text only for the log and a model that looks at domains;
         * the simulator itself knows the recipient by number */
        rcpt->addr = s->keep_addr ? sim_rcpt_addr(s, m, i, ch->addr,
                                                  sizeof ch->addr)
                                  : NULL;
        return (s->rcpts[i].state & RS_DONE) ? SCHED_REC_DONE
                                             : SCHED_REC_TODO;
    }
    ch->pass_next = msg->first + msg->nrcpt;
    ch->pass_last = SIM_NONE;
    return SCHED_REC_END;
}

/* st_pass_close - the channel file is closed */
static void st_pass_close(void *ctx, uint64_t id, int chan)
{
    struct sim *s = ctx;
    (void)id;
    sim_fds_send_close(&s->fds, s->chans[chan].pass_fd);
    s->chans[chan].pass_fd = -1;
}

/* st_mark_done - the record's T becomes D */
static int st_mark_done(void *ctx, uint64_t id, int chan, uint64_t pos)
{
    struct sim *s = ctx;
    size_t m = msg_of(s, id);
    if (m == SIZE_MAX || pos >= s->msgs[m].nrcpt) {
        sim_violation(s, "mark_done of a record that does not exist "
                      "(message %llu position %llu)", (unsigned long long)id,
                      (unsigned long long)pos);
        return -1;
    }
    struct sim_rcpt *r = &s->rcpts[s->msgs[m].first + pos];
    if (r->chan != chan)
        sim_violation(s, "message %llu record %llu marked done on channel %d"
                      " but it is on channel %d", (unsigned long long)id,
                      (unsigned long long)pos, chan, r->chan);
    if (r->state & RS_DONE)
        sim_violation(s, "message %llu record %llu marked done twice",
                      (unsigned long long)id, (unsigned long long)pos);
    if (!(r->state & (RS_OK | RS_FAIL)))
        sim_violation(s, "message %llu record %llu marked done without a "
                      "final outcome", (unsigned long long)id,
                      (unsigned long long)pos);
    r->state |= RS_DONE;
    return 0;
}

/* st_add_bounce - a failed recipient goes into bounce/N */
static int st_add_bounce(void *ctx, uint64_t id, const char *rcpt,
                         const char *text)
{
    struct sim *s = ctx;
    (void)rcpt;
    (void)text;
    size_t m = msg_of(s, id);
    if (m == SIZE_MAX)
        return -1;
    s->msgs[m].flags |= MF_BOUNCE;
    return 0;
}

/* all_done - every record of message m on chan (-1: all) is done */
static int all_done(const struct sim *s, size_t m, int chan)
{
    const struct sim_msg *msg = &s->msgs[m];
    for (uint32_t i = msg->first; i < msg->first + msg->nrcpt; i++)
        if ((chan < 0 || s->rcpts[i].chan == chan) &&
            !(s->rcpts[i].state & RS_DONE))
            return 0;
    return 1;
}

/* st_chan_finish - the list is all D: remove it */
static int st_chan_finish(void *ctx, uint64_t id, int chan)
{
    struct sim *s = ctx;
    size_t m = msg_of(s, id);
    if (m == SIZE_MAX || !all_done(s, m, chan))
        sim_violation(s, "channel %d list of message %llu removed with "
                      "recipients not done", chan, (unsigned long long)id);
    return 0;
}

/* st_message_finish - bounce if needed, then the message is gone */
static int st_message_finish(void *ctx, uint64_t id)
{
    struct sim *s = ctx;
    size_t m = msg_of(s, id);
    if (m == SIZE_MAX || (s->msgs[m].flags & MF_DONE)) {
        sim_violation(s, "message %llu finished twice or unknown",
                      (unsigned long long)id);
        return 0;
    }
    if (!all_done(s, m, -1))
        sim_violation(s, "message %llu finished with recipients not done",
                      (unsigned long long)id);
    if (s->msgs[m].flags & MF_BOUNCE) {
        s->fds.now = s->now;
        if (sim_fds_send_bounce(&s->fds) < 0)
            return -1;   /* qmail-send tries again later */
        if (s->opts->log) {
            char line[128];
            size_t n = qlog_bounce_msg(id, 10000 + m, line, sizeof line);
            sim_log_line(s, line, n < sizeof line ? n : sizeof line - 1);
        }
    }
    s->msgs[m].flags |= MF_DONE;
    s->finished++;
    s->last_finish = s->now;
    return 0;
}

/* sim_store_bind - the callbacks */
void sim_store_bind(struct sim *s, struct sched_store *st)
{
    st->ctx = s;
    st->pass_open = st_pass_open;
    st->pass_next = st_pass_next;
    st->pass_close = st_pass_close;
    st->mark_done = st_mark_done;
    st->add_bounce = st_add_bounce;
    st->chan_finish = st_chan_finish;
    st->message_finish = st_message_finish;
    st->rescan = NULL;   /* looking at a message cannot fail here */
}
