/*
 * sim_fds.c - descriptor and process accounting; see sim_fds.h.
 *
 * A failed open or pipe is what the kernel does at RLIMIT_NOFILE
 * (EMFILE: no free number below nofile) or at file-max (ENFILE); a
 * failed fork is RLIMIT_NPROC of the qmailr account, which the remote
 * spawners and their children share.  What a process does about it is
 * the host's business: here only the counting and the first time each
 * limit was hit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_fds.h"

/* hit - note that p hit limit kind at now */
static void hit(struct sim_fds *f, struct sim_proc *p, enum limits_kind k)
{
    if (!(p->hit & (1u << k))) {
        p->hit |= 1u << k;
        p->hit_at[k] = f->now;
    }
}

/* system_hit - the whole system reached file-max */
static void system_hit(struct sim_fds *f)
{
    if (!f->system_hit) {
        f->system_hit = 1;
        f->system_hit_at = f->now;
    }
}

/* proc_init - a process with no descriptors */
static int proc_init(struct sim_proc *p, const char *name, int selects,
                     unsigned long long nofile)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->selects = selects;
    p->nwords = (size_t)((nofile + 63) / 64);
    p->bits = calloc(p->nwords ? p->nwords : 1, sizeof *p->bits);
    return p->bits ? 0 : -1;
}

/* take - mark fd in use */
static void take(struct sim_fds *f, struct sim_proc *p, unsigned long long fd)
{
    p->bits[fd / 64] |= 1ULL << (fd % 64);
    p->count++;
    if (p->count > p->peak)
        p->peak = p->count;
    if (fd > p->highest_peak || p->count == 1)
        p->highest_peak = fd > p->highest_peak ? fd : p->highest_peak;
    if (p->selects && fd >= f->lim.fd_setsize)
        hit(f, p, LIMITS_FD_SETSIZE);
    f->system++;
    if (f->system > f->system_peak)
        f->system_peak = f->system;
}

/* proc_open - the lowest free descriptor, or -1 (EMFILE/ENFILE) */
static long long proc_open(struct sim_fds *f, struct sim_proc *p)
{
    if (f->system >= f->lim.file_max) {
        system_hit(f);
        hit(f, p, LIMITS_FILE_MAX);
        return -1;
    }
    for (size_t w = 0; w < p->nwords; w++) {
        if (p->bits[w] == ~0ULL)
            continue;
        unsigned long long fd = w * 64 + (unsigned)__builtin_ctzll(~p->bits[w]);
        if (fd >= f->lim.nofile)
            break;
        take(f, p, fd);
        return (long long)fd;
    }
    hit(f, p, LIMITS_NOFILE);
    return -1;
}

/* proc_close - release fd */
static void proc_close(struct sim_fds *f, struct sim_proc *p, long long fd)
{
    if (fd < 0 || (size_t)fd / 64 >= p->nwords)
        return;
    uint64_t bit = 1ULL << (fd % 64);
    if (!(p->bits[fd / 64] & bit))
        return;
    p->bits[fd / 64] &= ~bit;
    p->count--;
    f->system--;
}

/* sim_fds_init - the processes qmail-start leaves running */
int sim_fds_init(struct sim_fds *f, int nchan, const struct sim_limits *lim)
{
    memset(f, 0, sizeof *f);
    f->nchan = nchan;
    f->lim = *lim;
    /* qmail-start's descriptors exist before any limit applies: the
     * tables must hold them even with an absurdly low nofile */
    unsigned long long room = lim->nofile;
    unsigned long long need = LIMITS_SEND_GAP_FIRST + LIMITS_SEND_GAP_FDS +
                              LIMITS_SEND_FDS_PER_SUPPL * (unsigned)nchan + 8;
    if (room < need)
        room = need;
    if (proc_init(&f->send, "qmail-send", 1, room) < 0 ||
        proc_init(&f->todo, "qmail-todo", 1, room) < 0)
        return -1;
    for (int c = 0; c < nchan; c++) {
        char name[24], cn[QC_CHAN_NAME_MAX];
        snprintf(name, sizeof name, "spawn-%s", qc_channel_name(c, cn));
        if (proc_init(&f->spawn[c], name, 1, room) < 0)
            return -1;
        for (unsigned i = 0; i < LIMITS_SPAWN_FIXED_FDS; i++)
            take(f, &f->spawn[c], i);
    }
    for (unsigned i = 0; i < LIMITS_SEND_FIXED_FDS; i++)
        take(f, &f->send, i);
    for (int k = 0; k + 2 < nchan; k++) {
        unsigned long long base = LIMITS_SEND_GAP_FIRST + LIMITS_SEND_GAP_FDS +
                                  LIMITS_SEND_FDS_PER_SUPPL * (unsigned)k;
        take(f, &f->send, base);
        take(f, &f->send, base + 1);
    }
    for (unsigned i = 0; i < LIMITS_SEND_MUTEX_FDS; i++)
        (void)proc_open(f, &f->send);
    for (unsigned i = 0; i < LIMITS_TODO_FIXED_FDS + LIMITS_TODO_TRIGGER_FDS;
         i++)
        take(f, &f->todo, i);
    /* the two qmail-cleans: not simulated one by one */
    f->system += LIMITS_CLEAN_FDS * LIMITS_CLEAN_PROCS;
    f->system_peak = f->system;
    /* qmail-rspawn runs as qmailr: one for remote, one per suppl */
    f->qmailr = f->qmailr_peak = (unsigned long long)(nchan - 1);
    return 0;
}

/* sim_fds_free - release the bitmaps */
void sim_fds_free(struct sim_fds *f)
{
    free(f->send.bits);
    free(f->todo.bits);
    for (int c = 0; c < f->nchan; c++)
        free(f->spawn[c].bits);
    memset(f, 0, sizeof *f);
}

/* spawn_fits - the opens of sim_fds_spawn when none of them can fail
 * and the 1 + nfds lowest free numbers share a word of the table: taken
 * at once, the message's closed again, the counts and peaks as the opens
 * and the close one by one leave them.  1 done, 0 when it is not that
 * simple (the caller goes step by step) */
static int spawn_fits(struct sim_fds *f, struct sim_proc *p, unsigned nfds,
                      int *fds, unsigned long long *highest)
{
    if (f->system + nfds >= f->lim.file_max)
        return 0;
    size_t w = 0;
    while (w < p->nwords && p->bits[w] == ~0ULL)
        w++;
    if (w == p->nwords)
        return 0;
    uint64_t free = ~p->bits[w];
    uint64_t mess = free & -free, take = mess;
    unsigned long long base = (unsigned long long)w * 64;
    free ^= mess;
    for (unsigned i = 0; i < nfds; i++) {
        if (!free)
            return 0;   /* the next word: step by step */
        uint64_t low = free & -free;
        fds[i] = (int)(base + (unsigned)__builtin_ctzll(low));
        take |= low;
        free ^= low;
    }
    unsigned long long top = base + 63 - (unsigned)__builtin_clzll(take);
    if (top >= f->lim.nofile)
        return 0;
    p->bits[w] |= take ^ mess;
    if (p->count + 1 + nfds > p->peak)
        p->peak = p->count + 1 + nfds;
    p->count += nfds;
    if (top > p->highest_peak)
        p->highest_peak = top;
    if (p->selects && top >= f->lim.fd_setsize)
        hit(f, p, LIMITS_FD_SETSIZE);
    if (f->system + 1 + nfds > f->system_peak)
        f->system_peak = f->system + 1 + nfds;
    f->system += nfds;
    *highest = top;
    return 1;
}

/* sim_fds_spawn - open the message, make the pipe, fork */
enum sim_spawn_result sim_fds_spawn(struct sim_fds *f, int chan,
                                    unsigned nfds, int *fds,
                                    unsigned long long *highest)
{
    struct sim_proc *p = &f->spawn[chan];
    long long mess = -1;   /* open until the fork */
    if (!spawn_fits(f, p, nfds, fds, highest)) {
        /* step by step, to see which open fails */
        if ((mess = proc_open(f, p)) < 0)
            return SIM_SPAWN_OPEN;
        *highest = (unsigned long long)mess;
        for (unsigned i = 0; i < nfds; i++) {
            long long fd = proc_open(f, p);
            if (fd < 0) {
                for (unsigned k = 0; k < i; k++)
                    proc_close(f, p, fds[k]);
                proc_close(f, p, mess);
                return SIM_SPAWN_PIPE;
            }
            fds[i] = (int)fd;
            if ((unsigned long long)fd > *highest)
                *highest = (unsigned long long)fd;
        }
    }
    if (chan != QC_CHAN_LOCAL) {
        if (f->qmailr >= f->lim.nproc) {
            if (!f->qmailr_hit) {
                f->qmailr_hit = 1;
                f->qmailr_hit_at = f->now;
            }
            hit(f, p, LIMITS_NPROC);
            for (unsigned k = 0; k < nfds; k++)
                proc_close(f, p, fds[k]);
            if (mess >= 0)
                proc_close(f, p, mess);
            return SIM_SPAWN_FORK;
        }
        f->qmailr++;
        if (f->qmailr > f->qmailr_peak)
            f->qmailr_peak = f->qmailr;
    } else {
        f->local++;
        if (f->local > f->local_peak)
            f->local_peak = f->local;
    }
    if (mess >= 0)
        proc_close(f, p, mess);
    /* the child holds its own descriptors until it exits */
    f->system += LIMITS_CHILD_FDS;
    if (f->system > f->system_peak)
        f->system_peak = f->system;
    return SIM_SPAWN_OK;
}

/* sim_fds_reap - the delivery is over */
void sim_fds_reap(struct sim_fds *f, int chan, unsigned nfds, const int *fds)
{
    struct sim_proc *p = &f->spawn[chan];
    for (unsigned i = 0; i < nfds; i++)
        proc_close(f, p, fds[i]);
    f->system -= LIMITS_CHILD_FDS;
    if (chan != QC_CHAN_LOCAL)
        f->qmailr--;
    else
        f->local--;
}

/* sim_fds_send_open - qmail-send opens a channel file */
int sim_fds_send_open(struct sim_fds *f)
{
    return (int)proc_open(f, &f->send);
}

/* sim_fds_send_close - and closes it */
void sim_fds_send_close(struct sim_fds *f, int fd)
{
    proc_close(f, &f->send, fd);
}

/* sim_fds_send_bounce - the pipes to qmail-queue, for a moment */
int sim_fds_send_bounce(struct sim_fds *f)
{
    long long fd[LIMITS_SEND_BOUNCE_FDS];
    int ok = 0;
    unsigned i;
    for (i = 0; i < LIMITS_SEND_BOUNCE_FDS; i++)
        if ((fd[i] = proc_open(f, &f->send)) < 0) {
            ok = -1;
            break;
        }
    while (i-- > 0)
        proc_close(f, &f->send, fd[i]);
    return ok;
}

/* sim_fds_todo_message - todo/N, info/N and the channel files */
int sim_fds_todo_message(struct sim_fds *f, int nchanfiles)
{
    long long fd[LIMITS_TODO_MESSAGE_FDS + QC_MAX_CHANNELS];
    unsigned n = LIMITS_TODO_MESSAGE_FDS + (unsigned)nchanfiles;
    int ok = 0;
    unsigned i;
    int memo = nchanfiles >= 0 && nchanfiles <= QC_MAX_CHANNELS;
    if (memo && f->todo_fits[nchanfiles] &&
        f->system + n <= f->lim.file_max) {
        /* what the opens below would change: the peaks of qmail-todo
         * and the rest were set when it fitted the first time */
        if (f->system + n > f->system_peak)
            f->system_peak = f->system + n;
        return 0;
    }
    for (i = 0; i < n; i++)
        if ((fd[i] = proc_open(f, &f->todo)) < 0) {
            ok = -1;
            break;
        }
    while (i-- > 0)
        proc_close(f, &f->todo, fd[i]);
    if (memo && ok == 0)
        f->todo_fits[nchanfiles] = 1;
    return ok;
}

/* sim_proc_fd_limit - the descriptor limit that bites first */
unsigned long long sim_proc_fd_limit(const struct sim_fds *f,
                                     const struct sim_proc *p)
{
    if (p->selects && f->lim.fd_setsize < f->lim.nofile)
        return f->lim.fd_setsize;
    return f->lim.nofile;
}

/* sim_proc_highest_now - highest descriptor in use, -1 if none */
long long sim_proc_highest_now(const struct sim_proc *p)
{
    for (size_t w = p->nwords; w-- > 0;)
        if (p->bits[w])
            return (long long)(w * 64 + 63 - (unsigned)__builtin_clzll(p->bits[w]));
    return -1;
}
