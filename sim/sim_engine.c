/*
 * sim_engine.c - the run: virtual clock, event loop, fake spawners.
 *
 *	sim_run(sc, opts, result, err)	run sc to its end
 *
 * The loop is qmail-send's, with time made up: take the earliest event
 * (an arrival, qmail-todo finishing a message, a spawner's report, a
 * scripted HUP/ALRM/kill, the scheduler's own wakeup, a sample), feed
 * it to the core, then let the scheduler do all that is due
 * (sched_run) and note when it next wants to run (sched_next_wakeup).
 * Only one wakeup is kept pending; a stale one is skipped when it comes
 * out of the heap.
 *
 * The fake spawner of a channel answers a request as the real one does:
 * it opens the message and makes a pipe (descriptors from its own table,
 * sim_fds.c) and forks (a process of qmailr for the remote channels).
 * When one of these fails it reports Z at once with qmail's words; when
 * its newest descriptor reaches FD_SETSIZE its select() is broken and it
 * dies (glibc aborts on such an FD_SET), which qmail-send sees as a lost
 * spawn connection.  Otherwise the model (fs_model.h) says when the
 * report comes and what it says.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_rand.h"
#include "progress.h"
#include "qlog.h"
#include "sched_control.h"
#include "sim_int.h"
#include "tai64n.h"

/* 2026-01-01 00:00:00 UTC: simulated time 0 in the log's TAI64N labels */

#define MAX_VIOLATIONS 50

/* sim_violation - a broken invariant: a bug in qchan */
void sim_violation(struct sim *s, const char *fmt, ...)
{
    struct sim_result *r = s->r;
    if (r->nviolations >= MAX_VIOLATIONS) {
        r->nviolations++;
        return;
    }
    char text[512], line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "at %.6f s: %s", (double)s->now / QC_SEC,
             text);
    char **v = realloc(r->violations, (r->nviolations + 1) * sizeof *v);
    if (!v) {
        s->oom = 1;
        return;
    }
    r->violations = v;
    v[r->nviolations] = strdup(line);
    if (!v[r->nviolations])
        s->oom = 1;
    else
        r->nviolations++;
}

/* sim_finding_add - something an administrator must hear about: a copy
 * of f, stamped with the current time */
void sim_finding_add(struct sim *s, const struct sim_finding *f)
{
    struct sim_result *r = s->r;
    struct sim_finding *v = realloc(r->findings,
                                    (r->nfindings + 1) * sizeof *v);
    if (!v) {
        s->oom = 1;
        return;
    }
    r->findings = v;
    v[r->nfindings] = *f;
    v[r->nfindings].t = s->now;
    if (f->detail && !(v[r->nfindings].detail = strdup(f->detail))) {
        s->oom = 1;
        return;
    }
    r->nfindings++;
}

/* finding_of - a finding of kind k about channel c (-1 none) */
static struct sim_finding finding_of(enum sim_finding_kind k, int c)
{
    struct sim_finding f;
    memset(&f, 0, sizeof f);
    f.kind = k;
    f.chan = c;
    return f;
}

/* sim_log_line - one qmail.log line with its TAI64N label */
void sim_log_line(struct sim *s, const char *line, size_t len)
{
    if (!s->opts->log || len == 0)
        return;
    char label[26];
    tai64n_fmt(SIM_EPOCH + s->now, label);
    fputs(label, s->opts->log);
    fputc(' ', s->opts->log);
    fwrite(line, 1, len, s->opts->log);
    if (line[len - 1] != '\n')
        fputc('\n', s->opts->log);
}

/* chan_name - a channel's name (static buffer per call site is enough) */
static const char *chan_name(int c, char buf[QC_CHAN_NAME_MAX])
{
    return qc_channel_name(c, buf);
}

/* limit_findings - report limits a process hit for the first time;
 * chan is the spawner's channel (-1 for qmail-send) */
static void limit_findings(struct sim *s, struct sim_proc *p, int chan,
                           unsigned *seen, enum sim_finding_effect effect)
{
    static const struct {
        enum limits_kind kind;
        const char *word;
    } order[] = {{LIMITS_NOFILE, "nofile"}, {LIMITS_FILE_MAX, "file-max"},
                 {LIMITS_NPROC, "nproc"}, {LIMITS_FD_SETSIZE, "fd-setsize"}};
    unsigned fresh = p->hit & ~*seen;
    if (!fresh)
        return;
    *seen |= fresh;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(fresh & (1u << order[i].kind)))
            continue;
        struct sim_finding f = finding_of(SIM_FIND_LIMIT, chan);
        snprintf(f.process, sizeof f.process, "%s", p->name);
        f.limit = order[i].word;
        switch (order[i].kind) {
        case LIMITS_NOFILE:
            f.limit_value = s->fds.lim.nofile;
            f.effect = effect;
            break;
        case LIMITS_FILE_MAX:
            f.limit_value = s->fds.lim.file_max;
            f.effect = effect;
            break;
        case LIMITS_NPROC:
            f.limit_value = s->fds.lim.nproc;
            break;
        default:
            f.limit_value = s->fds.lim.fd_setsize;
            f.value = p->highest_peak;
        }
        sim_finding_add(s, &f);
    }
}

/* ------------------------------------------------------------ spawner */

/* slot_get - chan's slot table entry, grown as needed */
static struct sim_slot *slot_get(struct sim *s, int c, unsigned slot)
{
    struct sim_chan *ch = &s->chans[c];
    if (slot >= ch->nslots) {
        unsigned n = ch->nslots ? ch->nslots : 16;
        while (n <= slot)
            n *= 2;
        struct sim_slot *t = realloc(ch->slots, n * sizeof *t);
        if (!t) {
            s->oom = 1;
            return NULL;
        }
        memset(t + ch->nslots, 0, (n - ch->nslots) * sizeof *t);
        ch->slots = t;
        ch->nslots = n;
    }
    return &ch->slots[slot];
}

/* spawner_error - the spawner answers Z itself, at once */
static void spawner_error(struct sim *s, int c, unsigned slot,
                          struct sim_slot *sl, const char *text)
{
    sl->status = 'Z';
    sl->text = text;
    sl->spawned = 0;
    s->r->chans[c].spawn_errors++;
    (void)sim_heap_push(&s->heap, s->now, EV_DONE, (uint32_t)c,
                        slot | ((uint64_t)sl->gen << 32));
}

/* delivery_start - a spawn request reached chan's fake spawner */
static void delivery_start(struct sim *s, const struct sched_event *ev)
{
    int c = ev->chan;
    struct sim_chan *ch = &s->chans[c];
    char cn[QC_CHAN_NAME_MAX];
    size_t m = ev->msg - 1;
    uint32_t ri = ch->pass_last;
    if (ev->msg == 0 || ev->msg > s->nmsgs || ri == SIM_NONE ||
        ch->pass_msg != m) {
        sim_violation(s, "delivery %llu on %s for a record the pass did not "
                      "just read", (unsigned long long)ev->delid,
                      chan_name(c, cn));
        return;
    }
    struct sim_rcpt *r = &s->rcpts[ri];
    struct sim_chan_result *cr = &s->r->chans[c];
    unsigned limit = sched_limit(s->sched, c);
    ch->inflight++;
    cr->attempts++;
    if (ch->inflight > cr->max_inflight)
        cr->max_inflight = ch->inflight;
    if (ch->inflight > limit)
        sim_violation(s, "%s: delivery started with %u in flight, limit %u",
                      chan_name(c, cn), ch->inflight, limit);
    char ab[1024];   /* the address for a finding: events may lack it */
    if (r->state & (RS_OK | RS_FAIL | RS_DONE))
        sim_violation(s, "%s: delivery of message %llu recipient %s, which "
                      "already has its final outcome", chan_name(c, cn),
                      (unsigned long long)ev->msg,
                      sim_rcpt_addr(s, m, ri, ab, sizeof ab));
    if (r->state & RS_INFLIGHT)
        sim_violation(s, "%s: second delivery of message %llu recipient %s "
                      "while one runs", chan_name(c, cn),
                      (unsigned long long)ev->msg,
                      sim_rcpt_addr(s, m, ri, ab, sizeof ab));
    r->state |= RS_INFLIGHT;
    if (r->attempts < UINT16_MAX)
        r->attempts++;

    struct sim_slot *sl = slot_get(s, c, ev->slot);
    if (!sl)
        return;
    if (sl->active)
        sim_violation(s, "%s: delivery number %u handed out while in use",
                      chan_name(c, cn), ev->slot);
    sl->active = 1;
    sl->gen++;
    sl->msg = (uint32_t)m;
    sl->rcpt = ri;
    sl->nfds = 0;
    if (!ch->alive)
        return;   /* nobody reads the request */

    if (ev->slot >= s->sc->lim.conf_spawn) {
        /* the qchan profile promises to stay inside the handshake */
        if (s->sc->profile == SCHED_PROFILE_QCHAN)
            sim_violation(s, "%s: delivery number %u beyond the spawner's "
                          "limit %llu", chan_name(c, cn), ev->slot,
                          s->sc->lim.conf_spawn);
        spawner_error(s, c, ev->slot, sl,
                      "Internal error: delnum too big. (#4.3.5)\n");
        return;
    }
    unsigned nfds = fs_model_fds(s->sc->model, c);
    unsigned long long highest = 0;
    s->fds.now = s->now;
    enum sim_spawn_result sr = sim_fds_spawn(&s->fds, c, nfds, sl->fds,
                                             &highest);
    if (sr != SIM_SPAWN_OK) {
        limit_findings(s, &s->fds.spawn[c], c, &s->spawn_hit_seen[c],
                       sr == SIM_SPAWN_OPEN ? SIM_EFFECT_OPEN_MESSAGE
                                            : SIM_EFFECT_CREATE_PIPE);
        spawner_error(s, c, ev->slot, sl,
                      sr == SIM_SPAWN_OPEN
                          ? "qmail-spawn unable to open message. (#4.3.0)\n"
                      : sr == SIM_SPAWN_PIPE
                          ? "qmail-spawn unable to create pipe. (#4.3.0)\n"
                          : "qmail-spawn unable to fork. (#4.3.0)\n");
        return;
    }
    sl->spawned = 1;
    sl->nfds = (uint8_t)nfds;
    if (highest >= s->sc->lim.fd_setsize) {
        limit_findings(s, &s->fds.spawn[c], c, &s->spawn_hit_seen[c],
                       SIM_EFFECT_NONE);
        ch->alive = 0;   /* reports from it never come */
        (void)sim_heap_push(&s->heap, s->now, EV_KILL, (uint32_t)c, 1);
        return;
    }
    /* the domain as the model sees it: cut at 299 bytes */
    char dom[300];
    const char *d = NULL;
    if (fs_model_uses_domain(s->sc->model)) {
        const char *addr = ev->rcpt ? ev->rcpt : "";
        const char *at = strrchr(addr, '@');
        d = at ? at + 1 : "";
        if (strlen(d) >= sizeof dom) {
            memcpy(dom, d, sizeof dom - 1);
            dom[sizeof dom - 1] = '\0';
            d = dom;
        }
    }
    uint64_t key = fs_rand_mix(sim_msg_key(&s->msgs[m])) ^ (ri - s->msgs[m].first);
    struct fs_result fr;
    fs_model_decide(s->sc->model, c, d, key, r->attempts, s->now, &fr);
    sl->status = fr.status;
    sl->text = fr.text;
    (void)sim_heap_push(&s->heap, s->now + fr.latency, EV_DONE, (uint32_t)c,
                        ev->slot | ((uint64_t)sl->gen << 32));
}

/* delivery_result - the scheduler applied a report */
static void delivery_result(struct sim *s, const struct sched_event *ev)
{
    int c = ev->chan;
    char cn[QC_CHAN_NAME_MAX];
    struct sim_chan *ch = &s->chans[c];
    if (ev->slot >= ch->nslots || !ch->slots[ev->slot].active) {
        sim_violation(s, "%s: result for delivery number %u not in flight",
                      chan_name(c, cn), ev->slot);
        return;
    }
    struct sim_slot *sl = &ch->slots[ev->slot];
    struct sim_rcpt *r = &s->rcpts[sl->rcpt];
    struct sim_chan_result *cr = &s->r->chans[c];
    char ab[1024];   /* the address for a finding: events may lack it */
    r->state &= (uint8_t)~RS_INFLIGHT;
    sl->active = 0;
    ch->inflight--;
    int final = 0;
    if (ev->outcome == SCHED_OUT_SUCCESS) {
        if (r->state & (RS_OK | RS_FAIL))
            sim_violation(s, "%s: message %llu recipient %s delivered twice",
                          chan_name(c, cn), (unsigned long long)ev->msg,
                          sim_rcpt_addr(s, sl->msg, sl->rcpt, ab, sizeof ab));
        r->state |= RS_OK;
        cr->delivered++;
        ch->iv_ok++;
        final = 1;
    } else if (ev->outcome == SCHED_OUT_FAILURE) {
        if (r->state & (RS_OK | RS_FAIL))
            sim_violation(s, "%s: message %llu recipient %s has a second "
                          "final outcome", chan_name(c, cn),
                          (unsigned long long)ev->msg,
                          sim_rcpt_addr(s, sl->msg, sl->rcpt, ab, sizeof ab));
        r->state |= RS_FAIL;
        cr->failed++;
        ch->iv_fail++;
        final = 1;
    } else {
        cr->deferred++;
        ch->iv_defer++;
    }
    if (final && !(s->msgs[sl->msg].flags & MF_CARRIED)) {
        if (ch->nlat == ch->latcap) {
            size_t cap = ch->latcap ? 2 * ch->latcap : 1024;
            int64_t *l = sim_mem_grow(ch->lat, ch->latcap * sizeof *l,
                                      cap * sizeof *l);
            if (!l) {
                s->oom = 1;
                return;
            }
            ch->lat = l;
            ch->latcap = cap;
        }
        ch->lat[ch->nlat++] = s->now - sim_msg_arrival(&s->msgs[sl->msg]);
    }
    if (final)
        cr->last_final = s->now;
}

/* sink_event - every decision of the scheduler */
static void sink_event(void *ctx, const struct sched_event *ev)
{
    struct sim *s = ctx;
    switch (ev->type) {
    case SCHED_EV_DELIVERY_START:
        delivery_start(s, ev);
        break;
    case SCHED_EV_DELIVERY_RESULT:
        delivery_result(s, ev);
        break;
    case SCHED_EV_CURB:
    case SCHED_EV_OVERRUN: {
        int curb = ev->type == SCHED_EV_CURB;
        struct sim_finding f = finding_of(curb ? SIM_FIND_CURBED
                                               : SIM_FIND_OVERRUN, ev->chan);
        f.limit = curb ? "conf-spawn" : "delivery-table";
        f.limit_value = ev->limit;
        f.value = ev->wanted;
        sim_finding_add(s, &f);
        break;
    }
    case SCHED_EV_SPAWNER_DEAD: {
        struct sim_finding f = finding_of(SIM_FIND_SPAWNER_LOST, ev->chan);
        sim_finding_add(s, &f);
        break;
    }
    case SCHED_EV_WARNING:
        if (ev->warning == SCHED_WARN_TROUBLE_OPENING) {
            limit_findings(s, &s->fds.send, -1, &s->send_hit_seen,
                           SIM_EFFECT_TROUBLE_OPENING);
            break;
        }
        if (ev->warning == SCHED_WARN_NOMEM) {
            s->oom = 1;   /* the run ends as when the simulator runs out */
            break;
        }
        if (ev->warning == SCHED_WARN_FINISH_FAILED) {
            limit_findings(s, &s->fds.send, -1, &s->send_hit_seen,
                           SIM_EFFECT_NO_BOUNCES);
            break;
        }
        sim_violation(s, "scheduler warning %d on channel %d message %llu "
                      "with a store that cannot fail", (int)ev->warning,
                      ev->chan, (unsigned long long)ev->msg);
        break;
    default:
        break;
    }
    if (s->opts->log) {
        char line[2048];
        size_t n = qlog_event(ev, s->sched, line, sizeof line);
        if (n)
            sim_log_line(s, line, n < sizeof line ? n : sizeof line - 1);
    }
}

/* ------------------------------------------------------------ actions */

/* do_action - a scripted HUP, ALRM or kill */
static int do_action(struct sim *s, const struct sim_action *a)
{
    char cn[QC_CHAN_NAME_MAX];
    if (a->kind == SIM_ACT_ALARM) {
        sched_alarm(s->sched, s->now);
        return 0;
    }
    if (a->kind == SIM_ACT_KILL) {
        if (s->chans[a->chan].alive) {
            s->chans[a->chan].alive = 0;
            sched_spawner_dead(s->sched, a->chan, s->now);
        }
        return 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        struct control_error ce;
        if (control_set(&s->control, a->names[i], a->values[i], &ce) < 0) {
            struct sim_finding f = finding_of(SIM_FIND_HUP_ERROR, -1);
            f.line = a->line;
            f.detail = ce.msg;
            sim_finding_add(s, &f);
            return 0;
        }
    }
    /* qmail-todo rereads locals, virtualdomains and the suppls lists */
    struct classify *cl = classify_new(&s->control, NULL);
    if (!cl)
        return -1;
    classify_free(s->cl);
    s->cl = cl;
    memset(s->dom_chan, DOM_CHAN_UNKNOWN, s->ndomains);
    sched_control_reread(s->sched, &s->control, s->now);
    for (int c = 0; c < s->nchan; c++) {
        unsigned l = sched_limit(s->sched, c);
        if (l > s->r->chans[c].max_limit)
            s->r->chans[c].max_limit = l;
    }
    (void)cn;
    return 0;
}

/* ------------------------------------------------------------ samples */

/* sample - one row per channel and per process */
static void sample(struct sim *s)
{
    qc_time dt = s->now - s->last_sample;
    s->last_sample = s->now;
    /* the times as "%.3f" gives them, formatted once for every row */
    char t[48], dts[48];
    snprintf(t, sizeof t, "%.3f", (double)s->now / QC_SEC);
    snprintf(dts, sizeof dts, "%.3f", (double)dt / QC_SEC);
    char cn[QC_CHAN_NAME_MAX];
    struct sim_row r = {{0}, 0, 0};
    for (int c = 0; c < s->nchan; c++) {
        struct sim_chan *ch = &s->chans[c];
        if (s->opts->series) {
            sim_row_str(&r, t);
            sim_row_str(&r, chan_name(c, cn));
            sim_row_u(&r, ch->iv_ok);
            sim_row_u(&r, ch->iv_defer);
            sim_row_u(&r, ch->iv_fail);
            sim_row_u(&r, ch->inflight);
            sim_row_u(&r, sched_limit(s->sched, c));
            sim_row_u(&r, sched_queued(s->sched, c));
            sim_row_u(&r, s->fds.spawn[c].count);
            sim_row_i(&r, sim_proc_highest_now(&s->fds.spawn[c]));
            sim_row_str(&r, dts);
            sim_row_end(&r, s->opts->series);
        }
        ch->iv_ok = ch->iv_defer = ch->iv_fail = 0;
    }
    if (s->opts->fds) {
        FILE *f = s->opts->fds;
        const struct sim_proc *p[2 + QC_MAX_CHANNELS];
        int n = 0;
        p[n++] = &s->fds.send;
        p[n++] = &s->fds.todo;
        for (int c = 0; c < s->nchan; c++)
            p[n++] = &s->fds.spawn[c];
        for (int i = 0; i < n; i++) {
            sim_row_str(&r, t);
            sim_row_str(&r, p[i]->name);
            sim_row_u(&r, p[i]->count);
            sim_row_i(&r, sim_proc_highest_now(p[i]));
            sim_row_u(&r, sim_proc_fd_limit(&s->fds, p[i]));
            sim_row_end(&r, f);
        }
        const char *names[2] = {"qmailr", "system"};
        unsigned long long now[2] = {s->fds.qmailr, s->fds.system};
        unsigned long long lim[2] = {s->fds.lim.nproc, s->fds.lim.file_max};
        for (int i = 0; i < 2; i++) {
            sim_row_str(&r, t);
            sim_row_str(&r, names[i]);
            sim_row_u(&r, now[i]);
            sim_row_i(&r, -1);
            sim_row_u(&r, lim[i]);
            sim_row_end(&r, f);
        }
    }
}

/* ------------------------------------------------------------ the loop */

/* drained - nothing left to come and nothing left in the queue */
static int drained(const struct sim *s)
{
    return s->gens_active == 0 && s->finished == s->nmsgs &&
           s->todo_next == s->nmsgs;
}

/* handle - one event */
static int handle(struct sim *s, const struct sim_ev *ev)
{
    switch (ev->type) {
    case EV_ARRIVE:
        return sim_traffic_arrive(s, ev->a, ev->b);
    case EV_TODO:
        s->todo_busy = 0;
        /* with no delay qmail-todo keeps up with anything: all at once */
        do {
            if (s->todo_next >= s->nmsgs)
                break;
            /* with a delay, its lines were written when qmail-todo took
             * it up (sim_traffic.c, below) */
            if (s->sc->todo_delay == 0)
                sim_todo_log_new(s, s->todo_next);
            if (sim_todo_message(s, s->todo_next++) < 0 && s->oom)
                return -1;
        } while (s->sc->todo_delay == 0);
        if (s->todo_next < s->nmsgs) {
            s->todo_busy = 1;
            sim_todo_log_new(s, s->todo_next);
            return sim_heap_push(&s->heap, s->now + s->sc->todo_delay,
                                 EV_TODO, 0, 0);
        }
        return 0;
    case EV_DONE: {
        int c = (int)ev->a;
        unsigned slot = (unsigned)(ev->b & 0xffffffffu);
        uint32_t gen = (uint32_t)(ev->b >> 32);
        struct sim_chan *ch = &s->chans[c];
        if (!ch->alive || slot >= ch->nslots)
            return 0;
        struct sim_slot *sl = &ch->slots[slot];
        if (!sl->active || sl->gen != gen)
            return 0;
        if (sl->spawned) {
            sim_fds_reap(&s->fds, c, sl->nfds, sl->fds);
            sl->spawned = 0;
        }
        const char *text = sl->text ? sl->text : "";
        if (text != ch->text_last) {
            ch->text_last = text;
            ch->text_len = strlen(text);
        }
        sched_report(s->sched, c, slot, sl->status, text, ch->text_len,
                     s->now);
        return 0;
    }
    case EV_WAKE:
        if (ev->t == s->wake_at)
            s->wake_at = QC_TIME_NEVER;
        return 0;
    case EV_SAMPLE:
        sample(s);
        return sim_heap_push(&s->heap, s->now + s->sc->sample, EV_SAMPLE, 0,
                             0);
    case EV_ACTION:
        return do_action(s, &s->sc->actions[ev->a]);
    case EV_KILL:
        s->chans[ev->a].alive = 0;
        sched_spawner_dead(s->sched, (int)ev->a, s->now);
        return 0;
    }
    return 0;
}

/* after - let the scheduler work, and note its next wakeup */
static int after(struct sim *s)
{
    sched_run(s->sched, s->now);
    qc_time w = sched_next_wakeup(s->sched, s->now);
    if (w != QC_TIME_NEVER && w <= s->now)
        w = s->now + 1;   /* it still has work now: a turn later */
    if (w != QC_TIME_NEVER && w < s->wake_at) {
        s->wake_at = w;
        if (sim_heap_push(&s->heap, w, EV_WAKE, 0, 0) < 0)
            return -1;
    }
    for (int c = 0; c < s->nchan; c++) {
        size_t q = sched_queued(s->sched, c);
        if (q > s->r->chans[c].max_queue)
            s->r->chans[c].max_queue = q;
    }
    return 0;
}

/* setup - everything before the first event */
static int setup(struct sim *s)
{
    const struct sim_scn *sc = s->sc;
    s->nchan = sc->nchan;
    s->wake_at = QC_TIME_NEVER;
    if (control_copy(&s->control, &sc->control) < 0)
        return -1;
    if (!(s->cl = classify_new(&s->control, NULL)))
        return -1;
    todo_step_init(&s->todo, s->nchan, NULL);
    if (sim_fds_init(&s->fds, s->nchan, &sc->lim) < 0)
        return -1;
    sim_heap_init(&s->heap);
    struct sched_config cfg;
    sched_control_config(&cfg, &s->control);
    cfg.profile = sc->profile;
    cfg.alloc = &sim_mem_core;
    if (!s->opts->log)   /* only the log shows these */
        cfg.quiet_events = SCHED_QUIETABLE;
    s->keep_addr = s->opts->log || fs_model_uses_domain(sc->model);
    struct sched_store st;
    struct sched_sink sink = {s, sink_event, NULL};
    sim_store_bind(s, &st);
    if (!(s->sched = sched_new(&cfg, &st, &sink)))
        return -1;
    for (int c = 0; c < s->nchan; c++) {
        s->chans[c].alive = 1;
        s->chans[c].pass_fd = -1;
        s->chans[c].pass_last = SIM_NONE;
        qc_channel_name(c, s->r->chans[c].name);
        sched_spawner_limit(s->sched, c, (unsigned)sc->lim.conf_spawn, 0);
    }
    if (sched_start(s->sched, 0) < 0)
        return -1;
    for (int c = 0; c < s->nchan; c++)
        s->r->chans[c].max_limit = sched_limit(s->sched, c);
    limit_findings(s, &s->fds.send, -1, &s->send_hit_seen, SIM_EFFECT_NONE);
    if (sim_traffic_start(s) < 0)
        return -1;
    for (size_t i = 0; i < sc->nactions; i++)
        if (sim_heap_push(&s->heap, sc->actions[i].at, EV_ACTION,
                          (uint32_t)i, 0) < 0)
            return -1;
    if (sim_heap_push(&s->heap, 0, EV_SAMPLE, 0, 0) < 0)
        return -1;
    return 0;
}

/* teardown - release the run's state (the result stays) */
static void teardown(struct sim *s)
{
    sched_free(s->sched);
    todo_step_free(&s->todo);
    classify_free(s->cl);
    control_free(&s->control);
    sim_fds_free(&s->fds);
    sim_heap_free(&s->heap);
    for (int c = 0; c < s->nchan; c++) {
        free(s->chans[c].slots);
        sim_mem_free(s->chans[c].lat,
                     s->chans[c].latcap * sizeof *s->chans[c].lat);
    }
    sim_mem_free(s->msgs, s->msgcap * sizeof *s->msgs);
    sim_mem_free(s->rcpts, s->rcptcap * sizeof *s->rcpts);
    free(s->arena);
    free(s->gen_sender);
    free(s->gen_dom_base);
    free(s->pool_base);
    free(s->dom_names);
    free(s->dom_chan);
    free(s->dom_lens);
}

/* sim_run - the whole run */
int sim_run(const struct sim_scn *sc, const struct sim_opts *opts,
            struct sim_result *r, struct sim_err *err)
{
    static const struct sim_opts none = {NULL, NULL, NULL, 0};
    struct sim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    memset(r, 0, sizeof *r);
    s->sc = sc;
    s->opts = opts ? opts : &none;
    s->r = r;
    r->nchan = sc->nchan;
    if (s->opts->series)
        fputs("time,channel,delivered,deferred,failed,inflight,limit,queued,"
              "spawner_fds,spawner_fd_highest,interval\n", s->opts->series);
    if (s->opts->fds)
        fputs("time,process,fds,fd_highest,limit\n", s->opts->fds);
    int rc = setup(s);
    struct sim_ev ev;
    struct progress prog;
    progress_begin(&prog);
    prog.on &= s->opts->progress;
    while (rc == 0 && !s->oom) {
        if ((r->events & 0xffff) == 0 && prog.on && progress_due(&prog))
            progress_show(&prog, "qchan run: %.0f s simulated, %llu "
                              "events, %llu of %zu messages finished",
                              (double)s->now / (double)QC_SEC, r->events, s->finished,
                              s->nmsgs);
        const struct sim_ev *top = sim_heap_peek(&s->heap);
        if (!top)
            break;
        if (top->t > sc->run_max) {
            s->now = sc->run_max;
            break;
        }
        if (top->type == EV_SAMPLE && s->heap.n == 1 && sc->until_drained &&
            s->gens_active == 0 && s->finished == s->nmsgs) {
            break;   /* unreachable in practice: drained() stops first */
        }
        sim_heap_pop(&s->heap, &ev);
        s->now = ev.t;
        r->events++;
        if (handle(s, &ev) < 0 || after(s) < 0) {
            rc = -1;
            break;
        }
        if (sc->until_drained && drained(s))
            break;
        if (sched_exiting(s->sched) && sched_can_exit(s->sched))
            break;
    }
    progress_end(&prog);
    if (rc == 0 && !s->oom) {
        if (s->last_sample != s->now || r->events == 0)
            sample(s);
        r->end_time = s->now;
        sim_result_build(s);
    }
    if (s->oom || rc < 0) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        rc = -1;
    }
    teardown(s);
    free(s);
    return rc;
}
