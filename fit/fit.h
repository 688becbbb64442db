/*
 * fit.h - rebuild a day of mail from qmail-send's log.
 *
 *	fit_log_init(lg)		an empty reconstruction
 *	fit_read(lg, paths, n, err, cap)
 *				read log files and multilog directories
 *				(rotated @*.s/@*.u files, then current), each
 *				set of files in time order; 0 ok, -1 a path
 *				cannot be read (err names it), -2 out of memory
 *	fit_log_line(lg, t, text, len, file, lineno)
 *				feed one line (what fit_read does for each);
 *				0 ok, -1 out of memory
 *	fit_log_finish(lg)	the log has ended: work still in flight stays
 *				so, and the summary counts are made
 *	fit_log_free(lg)
 *
 * What the log tells, and how the reconstruction reads it:
 *   - "new msg N" is a message's arrival (qmail-todo's time); "info msg"
 *     adds size, sender and qp.  A "bounce msg N qp P" names the qp of
 *     the bounce qmail-send injects, so the message whose info carries
 *     that qp is marked a bounce.
 *   - "starting delivery D: msg N to CHAN RCPT" is an attempt of a
 *     recipient (the message's recipients are known only this way);
 *     "delivery D: ..." ends it.
 *   - "status:" lines give the limits and in-flight counts in force.
 *   - message and delivery numbers are reused (inodes; a restarted
 *     qmail-send counts deliveries from 1), so only the live incarnation
 *     of a number is looked up: "new msg N" starts a new one, "end msg"
 *     and "status: exiting" close them, and a delivery number that
 *     starts again while in flight means its first holder was lost.
 *   - a log that starts mid-stream has deliveries of messages it never
 *     saw arrive ("carried over") and results of deliveries it never saw
 *     start (counted, not used); a log that ends with work in flight
 *     leaves attempts and messages open.
 * Lines that are not qmail-send lines are counted with a few examples;
 * they never stop the reading.
 */
#ifndef FIT_H
#define FIT_H

#include <stddef.h>
#include <stdint.h>

#include "u64map.h"
#include "qc.h"

#define FIT_EXAMPLES 5
/* a line more than this from the line before it is far from its
 * neighbours when the line after it comes back (microseconds) */
#define FIT_FAR (3600LL * 1000000)

/* outcomes of an attempt besides the spawner's 'K', 'Z', 'D' */
#define FIT_OPEN 0      /* still in flight when the log ends */
#define FIT_LOST 'L'    /* its qmail-send went away before the result */

struct fit_msg {
    uint64_t num;
    int64_t arrival;        /* microseconds since the epoch */
    int64_t end;
    uint64_t bytes;
    char *sender;           /* NULL without an info line */
    unsigned long qp;
    uint32_t *rcpts;
    uint32_t nrcpt;
    size_t rcptcap;
    unsigned char arrived;  /* its new msg (or info) line was seen */
    unsigned char ended;    /* its end msg line was seen */
    unsigned char bounce;   /* a bounce qmail-send injected */
};

struct fit_rcpt {
    uint32_t msg;
    uint32_t dom;
    int chan;
    char *addr;
    char final;             /* 0, 'K' delivered, 'D' failed */
    unsigned char busy;     /* an attempt of it is in flight */
    unsigned attempts;
    int64_t first_done;     /* end of its first attempt, or -1 */
    int64_t final_at;       /* end of the attempt that gave final, or -1 */
};

struct fit_attempt {
    uint32_t rcpt;
    int64_t start, end;
    char outcome;           /* 'K', 'Z', 'D', FIT_OPEN, FIT_LOST */
    unsigned char expired;  /* a deferral qmail-send turned into a failure:
                               the message outlived queuelifetime */
};

struct fit_status {
    int64_t t;
    uint32_t off;           /* into fit_log.stat_vals: pairs per channel */
    int n;
};

struct fit_domain {
    char *name;
};

struct fit_example {
    char *file;
    unsigned long line;
    char *text;
};

struct fit_log {
    struct fit_msg *msgs;
    size_t nmsgs, msgcap;
    struct fit_rcpt *rcpts;
    size_t nrcpts, rcptcap;
    struct fit_attempt *atts;
    size_t natts, attcap;
    struct fit_status *stats;
    size_t nstats, statcap;
    unsigned *stat_vals;    /* inflight, limit, inflight, limit, ... */
    size_t nvals, valcap;
    struct fit_domain *doms;
    size_t ndoms, domcap;
    struct strmap *dom_index;
    struct strmap *rcpt_index;   /* "msg chan addr" -> recipient */
    struct u64map live;         /* message number -> msgs index */
    struct u64map inflight;     /* delivery number -> atts index */
    struct u64map bounce_qp;    /* qp of injected bounces */
    int nchan;                   /* channels seen (at least 2) */
    int64_t first, last;         /* times of the first and last line */
    int have_time;
    /* what was read */
    unsigned long long lines, parsed, unparsed, other;
    unsigned long long orphan_results;  /* results of unseen starts */
    unsigned long long orphan_ends;     /* end msg of unseen messages */
    unsigned long long lost;            /* attempts cut by a restart */
    unsigned long long restarts;        /* status: exiting lines */
    unsigned long long backwards;       /* lines earlier than the last */
    unsigned long long far;             /* lines far from their neighbours */
    unsigned long long expired;         /* failures for queuelifetime */
    unsigned long long reused_msgs;     /* new msg of a live number */
    struct fit_example examples[FIT_EXAMPLES];
    size_t nexamples;
    /* the first lines out of order and far from their neighbours */
    struct fit_example back_ex[FIT_EXAMPLES], far_ex[FIT_EXAMPLES];
    size_t nback_ex, nfar_ex;
    /* a forward jump of more than FIT_FAR, not yet confirmed by the line
     * after it (a clock that moved) or refuted (one wild stamp) */
    int jump;
    int64_t jump_t;
    struct fit_example jump_ex;
    char **files;                       /* files read, in order */
    size_t nfiles;
};

void fit_log_init(struct fit_log *lg);
int fit_read(struct fit_log *lg, char **paths, int n, char *err, size_t cap);
int fit_log_line(struct fit_log *lg, int64_t t, const char *text, size_t len,
                 const char *file, unsigned long lineno);
int fit_log_unparsed(struct fit_log *lg, const char *text, size_t len,
                     const char *file, unsigned long lineno);
void fit_log_finish(struct fit_log *lg);
void fit_log_free(struct fit_log *lg);

/* fit_rcpt_domain - the domain of an address: after the last '@',
 * lower-cased into buf; "" without one */
const char *fit_rcpt_domain(const char *addr, size_t len, char *buf,
                            size_t cap);

#endif
