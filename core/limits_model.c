/*
 * limits_model.c - the descriptors and processes a configuration needs.
 *
 *	limits_env_default(env)		the defaults of `qchan limits`
 *	limits_kind_name(kind)		"fd-setsize", "nofile", ...
 *	limits_chkspawn_max(fd_setsize)	chkspawn's bound on conf-spawn
 *	limits_effective(control, conf_spawn)	a channel's concurrency
 *	limits_spawn_fds(inflight, spawning)	a spawner's descriptors
 *	limits_send_fds(nchan, passes, bouncing)	qmail-send's
 *	limits_send_fd_highest(nchan, fds)	its highest fd number
 *	limits_todo_fds(chanfiles, writing)	qmail-todo's
 *	limits_compute(c, env, report)	the whole picture
 *
 * The model and the reasons for each count are in limits_model.h.  A
 * channel's reach for a limit is found by bisection over its concurrency
 * with every other channel at its own: each need grows with the
 * concurrency, so the smallest concurrency that exceeds a limit is well
 * defined, and computing it from the same accounting functions the table
 * uses keeps the two from disagreeing.
 */
#include <stdio.h>
#include <string.h>

#include "limits_model.h"

/* The highest concurrency searched: the largest concurrency control. */
#define REACH_MAX 4294967295ULL

/* limits_env_default - the defaults of `qchan limits` */
void limits_env_default(struct limits_env *env)
{
    env->conf_spawn = 509;
    env->fd_setsize = 1024;
    env->nofile = 1024;
    env->nproc = 2048;
    env->file_max = 1000000;
}

/* limits_kind_name - the name a limit has on the command line */
const char *limits_kind_name(enum limits_kind kind)
{
    switch (kind) {
    case LIMITS_FD_SETSIZE:
        return "fd-setsize";
    case LIMITS_NOFILE:
        return "nofile";
    case LIMITS_NPROC:
        return "nproc";
    case LIMITS_FILE_MAX:
        return "file-max";
    case LIMITS_CONF_SPAWN:
        return "conf-spawn";
    default:
        return "none";
    }
}

/* limits_chkspawn_max - the largest conf-spawn chkspawn accepts */
unsigned long long limits_chkspawn_max(unsigned long long fd_setsize)
{
    if (fd_setsize < LIMITS_CHKSPAWN_MARGIN)
        return 0;
    return (fd_setsize - LIMITS_CHKSPAWN_MARGIN) / 2;
}

/* limits_effective - the concurrency a channel runs at */
unsigned long long limits_effective(unsigned control,
                                    unsigned long long conf_spawn)
{
    return control < conf_spawn ? control : conf_spawn;
}

/* limits_spawn_fds - a spawner's descriptors with inflight deliveries
   (counting one being started, if spawning) */
unsigned long long limits_spawn_fds(unsigned long long inflight, int spawning)
{
    return LIMITS_SPAWN_FIXED_FDS + LIMITS_SPAWN_FDS_PER_DELIVERY * inflight +
           (spawning ? LIMITS_SPAWN_MESS_FDS : 0);
}

/* limits_send_fds - qmail-send's descriptors */
unsigned long long limits_send_fds(int nchan, int passes, int bouncing)
{
    unsigned long long nsuppl = nchan > 2 ? (unsigned long long)nchan - 2 : 0;

    return LIMITS_SEND_FIXED_FDS + LIMITS_SEND_FDS_PER_SUPPL * nsuppl +
           LIMITS_SEND_MUTEX_FDS +
           LIMITS_SEND_FDS_PER_PASS * (unsigned long long)(passes > 0 ? passes : 0) +
           (bouncing ? LIMITS_SEND_BOUNCE_FDS : 0);
}

/* limits_send_fd_highest - qmail-send's highest fd number holding fds */
unsigned long long limits_send_fd_highest(int nchan, unsigned long long fds)
{
    unsigned long long nsuppl = nchan > 2 ? (unsigned long long)nchan - 2 : 0;

    /*
     * Without supplemental channels the wired fds are 0..8 and everything
     * else follows.  With them, 9 and 10 are a hole below the suppl pairs
     * that the first two opened files fill; only the third goes above.
     */
    if (nsuppl == 0)
        return fds ? fds - 1 : 0;
    unsigned long long wired = LIMITS_SEND_FIXED_FDS +
                               LIMITS_SEND_FDS_PER_SUPPL * nsuppl;
    unsigned long long top = wired + LIMITS_SEND_GAP_FDS - 1;
    if (fds <= wired + LIMITS_SEND_GAP_FDS)
        return top;
    return fds - 1;
}

/* limits_todo_fds - qmail-todo's descriptors */
unsigned long long limits_todo_fds(int chanfiles, int writing)
{
    unsigned long long n = LIMITS_TODO_FIXED_FDS + LIMITS_TODO_TRIGGER_FDS;

    if (writing)
        n += LIMITS_TODO_MESSAGE_FDS +
             LIMITS_TODO_FDS_PER_CHAN *
                 (unsigned long long)(chanfiles > 0 ? chanfiles : 0);
    return n;
}

/* set_proc - one row of the report */
static struct limits_proc *set_proc(struct limits_report *r, const char *name,
                                    const char *user, int chan,
                                    unsigned long long count,
                                    unsigned long long fds,
                                    unsigned long long highest,
                                    unsigned long long fd_select)
{
    struct limits_proc *p = &r->procs[r->nprocs++];

    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->user = user;
    p->chan = chan;
    p->count = count;
    p->fds = fds;
    p->fd_highest = highest;
    p->fd_select = fd_select;
    p->fds_total = count * fds;
    return p;
}

/* spawn_row - the row of channel chan's spawner */
static const struct limits_proc *spawn_row(const struct limits_report *r,
                                           int chan)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].chan == chan)
            return &r->procs[i];
    return NULL;
}

/* need_at - what chan needs of limit kind at concurrency conc,
   every other channel at its own; sets *highest for fd-setsize */
static unsigned long long need_at(const struct limits_report *r, int chan,
                                  enum limits_kind kind,
                                  unsigned long long conc,
                                  unsigned long long *highest)
{
    unsigned long long fds = limits_spawn_fds(conc, conc > 0);
    const struct limits_proc *sp = spawn_row(r, chan);
    unsigned long long own = r->chans[chan].inforce;

    *highest = fds ? fds - 1 : 0;
    switch (kind) {
    case LIMITS_FD_SETSIZE:
        /* exceeded when the highest fd >= FD_SETSIZE, i.e. fds > it */
        return *highest + 1;
    case LIMITS_NOFILE:
        return fds;
    case LIMITS_NPROC:
        return r->qmailr_procs - own + conc;
    case LIMITS_FILE_MAX:
        return r->fds_total - sp->fds_total - own * LIMITS_CHILD_FDS + fds +
               conc * LIMITS_CHILD_FDS;
    default:
        return 0;
    }
}

/* limit_of - the value of limit kind in env */
static unsigned long long limit_of(const struct limits_env *env,
                                   enum limits_kind kind)
{
    switch (kind) {
    case LIMITS_FD_SETSIZE:
        return env->fd_setsize;
    case LIMITS_NOFILE:
        return env->nofile;
    case LIMITS_NPROC:
        return env->nproc;
    case LIMITS_FILE_MAX:
        return env->file_max;
    default:
        return 0;
    }
}

/* applies - does limit kind bind channel chan at all */
static int applies(int chan, enum limits_kind kind)
{
    /* Local deliveries run as their recipients, not as qmailr. */
    return !(kind == LIMITS_NPROC && chan == QC_CHAN_LOCAL);
}

/* reach_of - the lowest concurrency of chan that exceeds kind, or 0 */
static unsigned long long reach_of(const struct limits_report *r,
                                   const struct limits_env *env, int chan,
                                   enum limits_kind kind)
{
    unsigned long long limit = limit_of(env, kind);
    unsigned long long hi = REACH_MAX, lo = 1, dummy;

    if (!applies(chan, kind) || need_at(r, chan, kind, hi, &dummy) <= limit)
        return 0;
    while (lo < hi) {
        unsigned long long mid = lo + (hi - lo) / 2;
        if (need_at(r, chan, kind, mid, &dummy) > limit)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* add_problem - append one problem; the array is sized for the worst case */
static struct limits_problem *add_problem(struct limits_report *r, int chan,
                                          const char *process,
                                          enum limits_kind kind,
                                          unsigned long long needed,
                                          unsigned long long limit)
{
    if (r->nproblems >= LIMITS_MAX_PROBLEMS)
        return NULL;
    struct limits_problem *p = &r->problems[r->nproblems++];
    memset(p, 0, sizeof *p);
    p->chan = chan;
    snprintf(p->process, sizeof p->process, "%s", process);
    p->kind = kind;
    p->needed = needed;
    p->limit = limit;
    if (chan >= 0) {
        p->concurrency = r->chans[chan].inforce;
        p->reach = r->chans[chan].reach_by[kind];
    }
    return p;
}

/* build_procs - every process at full concurrency */
static void build_procs(const struct control *c, const struct limits_env *env,
                        struct limits_report *r)
{
    int nchan = c->nchan;
    unsigned long long fdset = env->fd_setsize;
    unsigned long long fds;
    unsigned long long qmailr_children = 0;

    /* Every pass open and a bounce going out at once: the worst moment. */
    fds = limits_send_fds(nchan, nchan, 1);
    set_proc(r, "qmail-send", "qmails", -1, 1, fds,
             limits_send_fd_highest(nchan, fds), fdset);
    fds = limits_todo_fds(nchan, 1);
    set_proc(r, "qmail-todo", "qmails", -1, 1, fds, fds - 1, fdset);
    set_proc(r, "qmail-clean", "qmailq", -1, LIMITS_CLEAN_PROCS,
             LIMITS_CLEAN_FDS, LIMITS_CLEAN_FDS - 1, 0);

    for (int ch = 0; ch < nchan; ch++) {
        char name[24], chname[QC_CHAN_NAME_MAX];
        unsigned long long conc = r->chans[ch].inforce;

        snprintf(name, sizeof name, "spawn-%s", qc_channel_name(ch, chname));
        fds = limits_spawn_fds(conc, conc > 0);
        set_proc(r, name, ch == QC_CHAN_LOCAL ? "root" : "qmailr", ch, 1, fds,
                 fds - 1, fdset)->inflight = conc;
        if (ch != QC_CHAN_LOCAL)
            qmailr_children += conc;
    }
    set_proc(r, "children-local", "recipients", -1,
             r->chans[QC_CHAN_LOCAL].inforce, LIMITS_CHILD_FDS,
             LIMITS_CHILD_FDS - 1, 0);
    set_proc(r, "children-qmailr", "qmailr", -1, qmailr_children,
             LIMITS_CHILD_FDS, LIMITS_CHILD_FDS - 1, 0);

    r->local_procs = r->chans[QC_CHAN_LOCAL].inforce;
    /* the qmail-rspawn of remote and of every supplemental channel */
    r->qmailr_procs = (unsigned long long)(nchan - 1) + qmailr_children;
    for (size_t i = 0; i < r->nprocs; i++) {
        struct limits_proc *p = &r->procs[i];
        if (p->fd_select && p->fd_highest >= p->fd_select)
            p->reached |= 1u << LIMITS_FD_SETSIZE;
        if (p->fds > env->nofile)
            p->reached |= 1u << LIMITS_NOFILE;
        r->fds_total += p->fds_total;
    }
}

/* find_reaches - per channel, the concurrency at which each limit bites */
static void find_reaches(const struct limits_env *env,
                         struct limits_report *r)
{
    for (int ch = 0; ch < r->nchan; ch++) {
        struct limits_chan *lc = &r->chans[ch];
        for (int k = LIMITS_FD_SETSIZE; k <= LIMITS_FILE_MAX; k++) {
            unsigned long long at = reach_of(r, env, ch, (enum limits_kind)k);
            lc->reach_by[k] = at;
            /* strictly smaller: a tie goes to the limit listed first */
            if (at && (lc->reach == 0 || at < lc->reach)) {
                lc->reach = at;
                lc->first = (enum limits_kind)k;
            }
        }
    }
}

/* shared_problem - one line per channel that pushes a shared limit over */
static void shared_problem(struct limits_report *r, enum limits_kind kind,
                           const char *who, unsigned long long needed,
                           unsigned long long limit)
{
    int any = 0;

    if (needed <= limit)
        return;
    for (int ch = 0; ch < r->nchan; ch++)
        if (applies(ch, kind) && r->chans[ch].inforce > 0) {
            add_problem(r, ch, who, kind, needed, limit);
            any = 1;
        }
    /* Exceeded with every channel idle: the fixed processes alone. */
    if (!any)
        add_problem(r, -1, who, kind, needed, limit);
}

/* find_problems - every limit reached at full concurrency */
static void find_problems(const struct limits_env *env,
                          struct limits_report *r)
{
    if (env->conf_spawn > r->chkspawn_max)
        add_problem(r, -1, "chkspawn", LIMITS_CONF_SPAWN, env->conf_spawn,
                    r->chkspawn_max);
    if (env->conf_spawn > LIMITS_SPAWN_MAX)
        add_problem(r, -1, "spawn protocol", LIMITS_CONF_SPAWN,
                    env->conf_spawn, LIMITS_SPAWN_MAX);
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct limits_proc *p = &r->procs[i];
        struct limits_problem *pb;
        if (p->reached & (1u << LIMITS_FD_SETSIZE)) {
            pb = add_problem(r, p->chan, p->name, LIMITS_FD_SETSIZE, p->fds,
                             p->fd_select);
            if (pb)
                pb->highest = p->fd_highest;
        }
        if (p->reached & (1u << LIMITS_NOFILE)) {
            pb = add_problem(r, p->chan, p->name, LIMITS_NOFILE, p->fds,
                             env->nofile);
            if (pb)
                pb->highest = p->fd_highest;
        }
    }
    shared_problem(r, LIMITS_NPROC, "qmailr", r->qmailr_procs, env->nproc);
    shared_problem(r, LIMITS_FILE_MAX, "system", r->fds_total, env->file_max);
}

/* limits_compute - fill report; the number of problems, -1 bad input */
int limits_compute(const struct control *c, const struct limits_env *env,
                   struct limits_report *r)
{
    if (c->nchan < QC_MIN_CHANNELS || c->nchan > QC_MAX_CHANNELS ||
        env->conf_spawn == 0 || env->fd_setsize == 0 || env->nofile == 0 ||
        env->nproc == 0 || env->file_max == 0)
        return -1;
    memset(r, 0, sizeof *r);
    r->nchan = c->nchan;
    r->chkspawn_max = limits_chkspawn_max(env->fd_setsize);
    for (int ch = 0; ch < c->nchan; ch++) {
        r->chans[ch].control = c->concurrency[ch];
        r->chans[ch].inforce = limits_effective(c->concurrency[ch],
                                                env->conf_spawn);
    }
    build_procs(c, env, r);
    find_reaches(env, r);
    find_problems(env, r);
    return (int)r->nproblems;
}
