/*
 * sched.h - qmail-send's channel scheduler, without I/O.
 *
 * The scheduler decides which recipient is delivered when, on which
 * channel, with qmail-send's rules (CHANNELS patch): per-channel queues
 * ordered by due time, one pass at a time per channel walking one
 * message's recipient list, a job table shared by all channels, the
 * concurrency caps, the retry schedule and queuelifetime.
 *
 * It never touches files, pipes or clocks.  Both hosts (the simulator and
 * the qmail-send daemon) drive it the same way:
 *
 *	s = sched_new(&cfg, &store, &sink);
 *	sched_spawner_limit(s, chan, limit);	(each channel's handshake)
 *	sched_start(s, now);			(sizes the job table)
 *	... sched_add_channel() for each channel file found by a queue scan
 *	loop:
 *	    sched_todo_report(s, id, chanmask, now);	(a D record arrived)
 *	    sched_report(s, chan, slot, status, text, len, now);
 *	    sched_alarm(s, now); sched_reconfigure(s, conc, now);
 *	    sched_run(s, now);			(do all that is due,
 *						 rescans of pqfail too)
 *	    wake up at sched_next_wakeup(s, now) at the latest
 *	sched_exit_asap(s) ... until sched_can_exit(s)
 *	sched_foreach_queued(s, fn, ctx);	(keep retry times, as pqfinish)
 *	sched_free(s);
 *
 * The host reaches the queue through struct sched_store and hears every
 * decision through struct sched_sink as a typed event, from which it
 * writes spawn requests and qmail's log lines (see qlog.h).  Events and
 * store calls happen only inside the sched_* call that caused them.
 *
 * Several schedulers may live in one process; all state is in struct sched.
 */
#ifndef SCHED_H
#define SCHED_H

#include "qc.h"

/* message_finish's answer when the message is not finished after all */
#define SCHED_NOT_FINISHED 1

/* qmail-send's SLEEP_SYSFAIL: wait after a queue operation failed. */
#define SCHED_SLEEP_SYSFAIL (123 * QC_SEC)

/* qmail's nomem(): after an allocation failed, wait this long before
 * opening a pass again */
#define SCHED_SLEEP_NOMEM (10 * QC_SEC)

/* sched_add_*'s answer when memory ran out (nothing was changed: the
 * host keeps the message and offers it again later); -1 is bad input */
#define SCHED_NOMEM (-2)

enum sched_profile {
    SCHED_PROFILE_QCHAN = 0,   /* curb raises to the spawner, grow tables */
    SCHED_PROFILE_CHANNELS_COMPAT, /* tables fixed at start-up, as the patch */
};

struct sched_config {
    int nchan;                              /* 2..QC_MAX_CHANNELS */
    unsigned concurrency[QC_MAX_CHANNELS];  /* control/concurrency* */
    qc_time lifetime;                       /* control/queuelifetime */
    enum sched_profile profile;
    /* where all of the scheduler's memory comes from (NULL: malloc);
     * must outlive the scheduler */
    const struct qc_alloc *alloc;
    /* events the host does not want, SCHED_QUIET(type) each: only the
     * ones that merely report (SCHED_QUIETABLE) can be left out; a
     * simulation without a log would otherwise be sent millions */
    uint32_t quiet_events;
};

#define SCHED_QUIET(type) ((uint32_t)1 << (type))
#define SCHED_QUIETABLE                                                 \
    (SCHED_QUIET(SCHED_EV_STATUS) | SCHED_QUIET(SCHED_EV_CHANNEL_DONE) | \
     SCHED_QUIET(SCHED_EV_MESSAGE_DONE))

/* ------------------------------------------------------------ the store */

enum sched_record {
    SCHED_REC_TODO,   /* T record: a recipient still to deliver */
    SCHED_REC_DONE,   /* D record: already delivered, skip */
    SCHED_REC_END,    /* end of the channel list */
    SCHED_REC_ERROR,  /* could not read: "trouble reading" */
    SCHED_REC_BAD,    /* unknown record type */
};

struct sched_rcpt {
    uint64_t pos;     /* record offset in the channel file, for mark_done */
    const char *addr; /* NUL-terminated; valid until the next pass_next.
                         NULL when no one needs the text (a simulation
                         that keeps no log): the events then carry rcpt
                         NULL and add_bounce gets NULL */
};

/*
 * The queue as the scheduler sees it.  Every function returns 0 on success
 * and -1 on a (temporary) failure, after which the scheduler retries the
 * step SCHED_SLEEP_SYSFAIL later, as qmail-send does.
 */
struct sched_store {
    void *ctx;
    /* pass_open - start reading message id's list for chan; give its
     * sender (valid until pass_close) and birth (info file time) */
    int (*pass_open)(void *ctx, uint64_t id, int chan,
                     const char **sender, qc_time *birth);
    /* pass_next - the next record of the open list */
    enum sched_record (*pass_next)(void *ctx, uint64_t id, int chan,
                                   struct sched_rcpt *rcpt);
    void (*pass_close)(void *ctx, uint64_t id, int chan);
    /* mark_done - overwrite the record at pos with D (failure is logged
     * by the scheduler as "message will be delivered twice") */
    int (*mark_done)(void *ctx, uint64_t id, int chan, uint64_t pos);
    /* add_bounce - append one failed recipient with its report text */
    int (*add_bounce)(void *ctx, uint64_t id, const char *rcpt,
                      const char *text);
    /* chan_finish - every record of the list is done: remove it */
    int (*chan_finish)(void *ctx, uint64_t id, int chan);
    /* message_finish - no list left: inject the bounce if any, then
     * remove info and the message.  Besides 0 and -1 it may return
     * SCHED_NOT_FINISHED: the queue still holds work for the message (a
     * todo/N being preprocessed again): forget it quietly; qmail-todo
     * will report it anew. */
    int (*message_finish)(void *ctx, uint64_t id);
    /* rescan - qmail-send's pqadd again for a message whose files could
     * not be looked at (sched_add_failed), now that its time has come:
     * look again and report what is there (sched_add_channel,
     * sched_add_done, or sched_add_failed once more).  NULL for a store
     * whose looks cannot fail. */
    void (*rescan)(void *ctx, uint64_t id, qc_time now);
};

/* ------------------------------------------------------------ events */

enum sched_event_type {
    SCHED_EV_DELIVERY_START,  /* write a spawn request; "starting delivery" */
    SCHED_EV_DELIVERY_RESULT, /* a report applied: "delivery D: ..." */
    SCHED_EV_STATUS,          /* in-flight changed: "status: ..." */
    SCHED_EV_BOUNCE,          /* a failed recipient was appended to bounce/ */
    SCHED_EV_CHANNEL_DONE,    /* a message's list for one channel finished */
    SCHED_EV_MESSAGE_DONE,    /* message finished: "end msg N" */
    SCHED_EV_CURB,            /* a limit lowered to the spawner's */
    SCHED_EV_OVERRUN,         /* channels-compat: CHANNELS would overrun */
    SCHED_EV_SPAWNER_DEAD,    /* "alert: oh no! lost spawn connection!" */
    SCHED_EV_WARNING,         /* a queue operation failed, see warning */
};

enum sched_outcome {
    SCHED_OUT_SUCCESS = 'K',
    SCHED_OUT_DEFERRAL = 'Z',
    SCHED_OUT_FAILURE = 'D',
    SCHED_OUT_MANGLED = '?',  /* unknown status byte: deferred */
};

enum sched_warning {
    SCHED_WARN_TROUBLE_OPENING,  /* pass_open failed */
    SCHED_WARN_TROUBLE_READING,  /* pass_next returned ERROR */
    SCHED_WARN_UNKNOWN_RECORD,   /* pass_next returned BAD */
    SCHED_WARN_TROUBLE_MARKING,  /* mark_done failed: delivered twice */
    SCHED_WARN_UNABLE_TO_UNLINK, /* chan_finish failed */
    SCHED_WARN_FINISH_FAILED,    /* message_finish failed */
    SCHED_WARN_REPORT_RANGE,     /* report for a slot not in use */
    SCHED_WARN_BOUNCE_FAILED,    /* add_bounce failed; kept pending */
    SCHED_WARN_NOMEM,            /* out of memory ("alert: out of memory,
                                    sleeping..."): no pass opens for
                                    SCHED_SLEEP_NOMEM; nothing is dropped */
};

struct sched_event {
    enum sched_event_type type;
    qc_time now;
    int chan;              /* -1 where no channel applies */
    uint64_t msg;          /* message id, 0 where none applies */
    unsigned slot;         /* delivery number on the spawn wire */
    uint64_t delid;        /* delivery number in the log ("delivery 17") */
    const char *sender;    /* DELIVERY_START */
    const char *rcpt;      /* DELIVERY_START, _RESULT, BOUNCE; NULL when
                              the store gave no text (sched_rcpt) */
    enum sched_outcome outcome; /* DELIVERY_RESULT */
    const char *text;      /* report text (RESULT, BOUNCE), NUL-terminated */
    qc_time birth;         /* DELIVERY_START, _RESULT: the message's birth */
    unsigned limit;        /* CURB, OVERRUN: the value put in force */
    unsigned wanted;       /* CURB, OVERRUN: the value asked for */
    enum sched_warning warning; /* WARNING */
};

struct sched_sink {
    void *ctx;
    void (*event)(void *ctx, const struct sched_event *ev);
    /* spawner_ready - may a request be written to chan's spawner now?
     * (qmail's comm_canwrite); NULL means always */
    int (*spawner_ready)(void *ctx, int chan);
};

/* ------------------------------------------------------------ calls */

struct sched;

/* sched_new - a scheduler for cfg; NULL if out of memory or cfg invalid */
struct sched *sched_new(const struct sched_config *cfg,
                        const struct sched_store *store,
                        const struct sched_sink *sink);
void sched_free(struct sched *s);

/* sched_spawner_limit - the handshake: chan's spawner takes at most limit
 * deliveries at once; the concurrency is lowered to it (CURB event) */
void sched_spawner_limit(struct sched *s, int chan, unsigned limit,
                         qc_time now);
/* sched_start - size the job table (sum of the limits); emits STATUS */
int sched_start(struct sched *s, qc_time now);

/*
 * Memory.  The four calls below are the only ones that take more memory
 * for a message; they answer SCHED_NOMEM and change nothing when it runs
 * out.  Everything the scheduler does with a message after it was taken
 * in has its room reserved then: a message going back on its queue (a
 * deferral, a failed open, the end of a pass) or on to be finished
 * cannot fail.  What else allocates (a recipient longer than
 * any before, a raise of concurrency) degrades and says so with
 * SCHED_WARN_NOMEM: the pass ends early and is tried again later, or the
 * limit stays where the tables are.  A report never allocates; its text
 * is cut at qmail's REPORTMAX.
 */

/* sched_add_channel - message id has a list for chan, due at due (queue
 * scan: the channel file's mtime) */
int sched_add_channel(struct sched *s, uint64_t id, int chan, qc_time due);
/* sched_add_done - message id has no list left: finish it at due */
int sched_add_done(struct sched *s, uint64_t id, qc_time due);
/* sched_add_failed - qmail-send's pqfail: looking at message id's files
 * failed at now; the store's rescan is called for it
 * SCHED_SLEEP_SYSFAIL later */
int sched_add_failed(struct sched *s, uint64_t id, qc_time now);
/* sched_todo_report - qmail-todo's D record: lists on the channels whose
 * bit is set in chanmask (bit c = channel c), all due now.  Offering the
 * same record again after SCHED_NOMEM is harmless: channels already
 * taken in are not queued twice. */
int sched_todo_report(struct sched *s, uint64_t id, uint64_t chanmask,
                      qc_time now);

/* sched_report - a spawner's report for delivery number slot on chan;
 * status is the status byte, text the rest without the NUL */
void sched_report(struct sched *s, int chan, unsigned slot, char status,
                  const char *text, size_t len, qc_time now);

/* sched_run - open passes and start deliveries while the caps allow,
 * finish messages that are due */
void sched_run(struct sched *s, qc_time now);
/* sched_next_wakeup - when sched_run next has work without new input
 * (QC_TIME_NEVER if none); now or earlier means "at once" */
qc_time sched_next_wakeup(const struct sched *s, qc_time now);

/* sched_alarm - SIGALRM: everything queued is due now */
void sched_alarm(struct sched *s, qc_time now);
/* sched_reconfigure - SIGHUP: new concurrency values (nchan entries) */
void sched_reconfigure(struct sched *s, const unsigned *concurrency,
                       qc_time now);
/* sched_set_lifetime - SIGHUP may change queuelifetime too */
void sched_set_lifetime(struct sched *s, qc_time lifetime);
/* sched_spawner_dead - chan's spawner closed its pipe: stop that channel
 * and stop starting anything, as qmail-send does */
void sched_spawner_dead(struct sched *s, int chan, qc_time now);
/* sched_exit_asap - SIGTERM: start nothing new */
void sched_exit_asap(struct sched *s);
/* sched_can_exit - exiting and no delivery in flight on a live channel */
int sched_can_exit(const struct sched *s);

/* sched_foreach_queued - every (message, channel) waiting in a queue with
 * its due time (to keep retry times), channel by channel in an order that
 * depends only on the calls made */
void sched_foreach_queued(const struct sched *s,
                          void (*fn)(void *ctx, uint64_t id, int chan,
                                     qc_time due),
                          void *ctx);

/* ------------------------------------------------------------ state */

int sched_nchan(const struct sched *s);
unsigned sched_limit(const struct sched *s, int chan);
unsigned sched_inflight(const struct sched *s, int chan);
size_t sched_queued(const struct sched *s, int chan);
/* sched_failed - messages waiting for a rescan (pqfail) */
size_t sched_failed(const struct sched *s);
size_t sched_messages(const struct sched *s);
size_t sched_jobs_used(const struct sched *s);
size_t sched_jobs_total(const struct sched *s);
int sched_exiting(const struct sched *s);

#endif
