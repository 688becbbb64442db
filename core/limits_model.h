/*
 * limits_model.h - the descriptors and processes a configuration needs.
 *
 * (Not named limits.h: with -Icore that name would hide the system
 * <limits.h> from every file that includes it.)
 *
 * limits_compute() takes the control values (the concurrency of every
 * channel) and the limits of the machine (struct limits_env) and works out,
 * for each process of a running qmail with the CHANNELS patch, how many
 * descriptors and processes it needs when every channel runs at its full
 * concurrency, which limit each channel reaches first if its concurrency is
 * raised, and at which concurrency.  The small functions below it are the
 * same accounting, exported so the simulator counts descriptors with the
 * rules the report uses.  Nothing here does I/O.
 *
 * THE MODEL, and why (read from qmail-start, spawn.c, qmail-send.c,
 * qmail-todo.c and chkspawn.c of netqmail/notqmail and the CHANNELS
 * distribution):
 *
 * conf-spawn.  qmail's build runs chkspawn, which refuses a conf-spawn above
 *	(FD_SETSIZE - 5) / 2 (509 for FD_SETSIZE 1024) or above 65535, so a
 *	conf-spawn beyond either is a problem of its own.
 *
 * Effective concurrency.  Each spawner announces conf-spawn as its limit
 *	and qmail-send curbs each channel to it, separately: a channel runs
 *	min(concurrency control, conf-spawn) deliveries at once.  (After
 *	SIGHUP the CHANNELS qmail-send skips that curb; the report assumes
 *	the curb, as qchan's daemons re-apply it.)
 *
 * Spawners (qmail-lspawn for local, one qmail-rspawn for remote and one
 *	per supplemental channel).  qmail-start leaves them exactly fds 0
 *	(requests from qmail-send) and 1 (reports to it): it closes 2..6 and
 *	every other pipe before exec, so a spawner has no stderr.  Each
 *	delivery in flight holds two more (the read end of the child's output
 *	pipe, and its write end until the child is reaped, which delays EOF
 *	until the exit status is known), and while a delivery is being
 *	started the message file is open too.  Descriptors are always the
 *	lowest free ones, so peak = 2 + 2C + 1 and the highest fd number is
 *	peak - 1 = 2C + 2.  A spawner select()s on the read ends: it breaks
 *	when that number reaches FD_SETSIZE (at C = 511 for 1024; chkspawn's
 *	509 keeps a margin of two), and open()/pipe() fail beyond nofile.
 *
 * qmail-send.  fds 0..8 from qmail-start (0 logger, 1/2 qmail-lspawn,
 *	3/4 qmail-rspawn, 5/6 qmail-clean, 7/8 qmail-todo), then 11+2K and
 *	12+2K for supplemental channel K: fds 9 and 10 are left free by the
 *	CHANNELS layout.  On top it holds lock/sendmutex for its lifetime,
 *	one channel file per channel while a pass is open (all channels can
 *	have one at once), and while injecting a bounce the two pipes to
 *	qmail-queue (both ends for a moment around the fork).  The first two
 *	of these fill the gap at 9 and 10, so the highest fd is peak - 1 as
 *	soon as two are open.  qmail-send select()s too.
 *
 * qmail-todo (ext_todo).  fds 0/1 to/from qmail-send, 2/3 to/from its own
 *	qmail-clean, the lock/trigger fifo, and while it writes out one
 *	message: todo/N, info/N and one channel file per channel the message
 *	has recipients on (all open until they are synced).  It select()s.
 *
 * qmail-clean (two: qmail-send's and qmail-todo's).  fds 0 and 1 only.
 *
 * Delivery children: one process per delivery in flight.  qmail-remote
 *	(remote and supplemental channels) runs as qmailr, as do the
 *	qmail-rspawn spawners themselves: together they count against the
 *	qmailr account's process limit (nproc).  qmail-local runs as the
 *	recipient, so local deliveries are reported apart and not counted
 *	against qmailr.  Each child holds 0 (message), 1 and 2 (the pipe to
 *	its spawner) and one working descriptor (the SMTP socket, or the
 *	mailbox being written).
 *
 * System.  file-max is compared with the sum of every process's
 *	descriptors.  That over-counts a little (the kernel counts open files,
 *	and a descriptor shared through fork or dup is one file), so the
 *	report is on the safe side.  The logger and anything else running on
 *	the machine are not counted.
 *
 * nofile is per process (RLIMIT_NOFILE): a descriptor numbered at or above
 *	it cannot be opened, so each process's peak is compared with it.
 */
#ifndef LIMITS_MODEL_H
#define LIMITS_MODEL_H

#include <stddef.h>

#include "control.h"
#include "qc.h"

/* chkspawn: conf-spawn <= (FD_SETSIZE - LIMITS_CHKSPAWN_MARGIN) / 2 */
#define LIMITS_CHKSPAWN_MARGIN 5
/* chkspawn and the two-byte spawn protocol: conf-spawn <= 65535 */
#define LIMITS_SPAWN_MAX 65535ULL

/* Spawner: fds 0 and 1 from qmail-start (it closes 2). */
#define LIMITS_SPAWN_FIXED_FDS 2
/* Spawner: the child's output pipe, both ends until it is reaped. */
#define LIMITS_SPAWN_FDS_PER_DELIVERY 2
/* Spawner: the message file, open only while a child is being started. */
#define LIMITS_SPAWN_MESS_FDS 1

/* qmail-send: 0 logger, 1..8 lspawn, rspawn, clean, todo pairs. */
#define LIMITS_SEND_FIXED_FDS 9
/* qmail-send: the fds qmail-start leaves free before the suppl pairs. */
#define LIMITS_SEND_GAP_FIRST 9
#define LIMITS_SEND_GAP_FDS 2
/* qmail-send: to and from the spawner of each supplemental channel. */
#define LIMITS_SEND_FDS_PER_SUPPL 2
/* qmail-send: lock/sendmutex, held for its lifetime. */
#define LIMITS_SEND_MUTEX_FDS 1
/* qmail-send: the open channel file of a pass, one per channel. */
#define LIMITS_SEND_FDS_PER_PASS 1
/* qmail-send: injecting a bounce, two pipes to qmail-queue, both ends. */
#define LIMITS_SEND_BOUNCE_FDS 4

/* qmail-todo: 0/1 qmail-send, 2/3 its qmail-clean. */
#define LIMITS_TODO_FIXED_FDS 4
/* qmail-todo: the lock/trigger fifo (one end on Linux). */
#define LIMITS_TODO_TRIGGER_FDS 1
/* qmail-todo: todo/N and info/N of the message being written out. */
#define LIMITS_TODO_MESSAGE_FDS 2
/* qmail-todo: one channel file per channel of that message. */
#define LIMITS_TODO_FDS_PER_CHAN 1

/* qmail-clean: 0 and 1; two of them run. */
#define LIMITS_CLEAN_FDS 2
#define LIMITS_CLEAN_PROCS 2

/* Delivery child: message, pipe (stdout and stderr), socket or mailbox. */
#define LIMITS_CHILD_FDS 4

/* The limits, in the order a tie between them is reported. */
enum limits_kind {
    LIMITS_NONE = 0,
    LIMITS_FD_SETSIZE,   /* highest fd number of a select() user */
    LIMITS_NOFILE,       /* descriptors of one process */
    LIMITS_NPROC,        /* processes of the qmailr account */
    LIMITS_FILE_MAX,     /* descriptors of the whole system */
    LIMITS_CONF_SPAWN,   /* chkspawn's bounds on conf-spawn */
    LIMITS_NKINDS
};

struct limits_env {
    unsigned long long conf_spawn;  /* the spawners' delivery limit */
    unsigned long long fd_setsize;  /* FD_SETSIZE of select() */
    unsigned long long nofile;      /* RLIMIT_NOFILE of each process */
    unsigned long long nproc;       /* RLIMIT_NPROC of qmailr */
    unsigned long long file_max;    /* /proc/sys/fs/file-max */
};

/* One kind of process (count of them alike) at full concurrency. */
struct limits_proc {
    char name[24];               /* "qmail-send", "spawn-suppl0", ... */
    const char *user;            /* the account it runs as */
    int chan;                    /* the channel a spawner serves, or -1 */
    unsigned long long count;    /* processes of this kind */
    unsigned long long inflight; /* spawner: deliveries in flight */
    unsigned long long fds;      /* peak descriptors of one of them */
    unsigned long long fd_highest;   /* highest fd number of one */
    unsigned long long fd_select;    /* FD_SETSIZE if it select()s, or 0 */
    unsigned long long fds_total;    /* count * fds */
    unsigned reached;            /* bit (1 << kind) per limit it exceeds */
};

struct limits_chan {
    unsigned control;            /* concurrency control */
    unsigned long long inforce;  /* min(control, conf-spawn) */
    enum limits_kind first;      /* first limit reached when raised */
    unsigned long long reach;    /* the concurrency that reaches it, or 0 */
    /* per limit (fd-setsize .. file-max): the lowest concurrency that
       reaches it, others held at theirs; 0 if none up to UINT_MAX */
    unsigned long long reach_by[LIMITS_NKINDS];
};

struct limits_problem {
    int chan;                    /* the channel that reaches it, or -1 */
    char process[24];            /* whose need it is ("qmailr", "system") */
    enum limits_kind kind;
    unsigned long long needed;   /* descriptors, processes, or conf-spawn */
    unsigned long long highest;  /* fd-setsize: the highest fd number */
    unsigned long long limit;
    unsigned long long concurrency;  /* the channel's concurrency in force */
    unsigned long long reach;    /* the lowest concurrency that reaches it */
};

#define LIMITS_MAX_PROCS (QC_MAX_CHANNELS + 5)
#define LIMITS_MAX_PROBLEMS (4 * QC_MAX_CHANNELS + 16)

struct limits_report {
    int nchan;
    unsigned long long chkspawn_max;   /* (fd_setsize - 5) / 2 */
    size_t nprocs;
    struct limits_proc procs[LIMITS_MAX_PROCS];
    struct limits_chan chans[QC_MAX_CHANNELS];
    unsigned long long qmailr_procs;   /* spawners and children, vs nproc */
    unsigned long long local_procs;    /* local deliveries (recipients) */
    unsigned long long fds_total;      /* every process, vs file-max */
    size_t nproblems;
    struct limits_problem problems[LIMITS_MAX_PROBLEMS];
};

/* limits_env_default - conf-spawn 509, fd-setsize 1024, nofile 1024,
   nproc 2048, file-max 1000000 */
void limits_env_default(struct limits_env *env);
/* limits_kind_name - "fd-setsize", "nofile", "nproc", "file-max", ... */
const char *limits_kind_name(enum limits_kind kind);

/* limits_chkspawn_max - the largest conf-spawn chkspawn accepts */
unsigned long long limits_chkspawn_max(unsigned long long fd_setsize);
/* limits_effective - the concurrency a channel runs at */
unsigned long long limits_effective(unsigned control,
                                    unsigned long long conf_spawn);
/* limits_spawn_fds - a spawner's descriptors with inflight deliveries;
   spawning: 1 while one of them (counted in inflight) is being started */
unsigned long long limits_spawn_fds(unsigned long long inflight, int spawning);
/* limits_send_fds - qmail-send's descriptors with passes open and,
   if bouncing, a bounce being injected */
unsigned long long limits_send_fds(int nchan, int passes, int bouncing);
/* limits_send_fd_highest - qmail-send's highest fd when it holds fds */
unsigned long long limits_send_fd_highest(int nchan, unsigned long long fds);
/* limits_todo_fds - qmail-todo's descriptors while writing a message
   with recipients on chanfiles channels (0: between messages) */
unsigned long long limits_todo_fds(int chanfiles, int writing);

/* limits_compute - fill report; the number of problems, -1 bad input */
int limits_compute(const struct control *c, const struct limits_env *env,
                   struct limits_report *report);

#endif
