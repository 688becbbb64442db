/*
 * todo_step.h - what qmail-todo does with one message's recipients,
 * without I/O.
 *
 * qmail-todo reads todo/N record by record.  Each T record's address is
 * classified (classify.h); the rewritten address goes into the list of
 * its channel; when every record is read, qmail-send is told which
 * channels have a list (the D record).  A recipient the classifier cannot
 * place (out of memory, or a channel outside the configuration) stops
 * the message: qmail-todo then leaves todo/N where it is, writes no D
 * record, and the message is preprocessed again from the start on a
 * later pass.  Nothing is ever put on a channel the classifier did not
 * give.
 *
 * Both hosts drive it the same way:
 *
 *	todo_step_init(&t, nchan, alloc);
 *	for each message:
 *	    todo_step_begin(&t, cl);	(the controls in force now)
 *	    for each T record:
 *		r = todo_step_rcpt(&t, addr, len, &out);  (or, for an
 *		    address whose domain alone decides, todo_step_known)
 *		if r != TODO_STEP_OK: leave the message, say why
 *		else append out.addr to out.chan's list
 *	    todo_step_chanmask(&t) or todo_step_record(&t, id, ...)
 *	todo_step_free(&t);
 */
#ifndef TODO_STEP_H
#define TODO_STEP_H

#include "classify.h"
#include "qc.h"

enum todo_step_result {
    TODO_STEP_OK = 0,
    TODO_STEP_NOMEM,     /* the rewritten address did not fit in memory */
    TODO_STEP_CHANNEL,   /* the classifier gave a channel not configured */
};

struct todo_step {
    const struct classify *cl;
    int nchan;
    const struct qc_alloc *alloc;
    uint64_t chanmask;   /* bit c: the message has a list on channel c */
    char *buf;           /* the rewritten address, reused */
    size_t cap;
};

struct todo_step_rcpt {
    int chan;
    const char *addr;    /* NUL-terminated; valid until the next call */
    size_t len;
};

/* todo_step_init - a step for nchan channels; the address buffer comes
 * from alloc (NULL: malloc), which must outlive t */
void todo_step_init(struct todo_step *t, int nchan,
                    const struct qc_alloc *alloc);
void todo_step_free(struct todo_step *t);

/* todo_step_begin - a new message, classified by cl (qmail-todo rereads
 * its controls between messages): no list yet */
void todo_step_begin(struct todo_step *t, const struct classify *cl);

/* todo_step_rcpt - classify one recipient (len bytes, need not be
 * NUL-terminated) into *out and count its channel; on TODO_STEP_CHANNEL
 * *out still says what the classifier gave */
enum todo_step_result todo_step_rcpt(struct todo_step *t, const char *addr,
                                     size_t len, struct todo_step_rcpt *out);

/* todo_step_known - count a recipient on chan, found without classifying
 * its address (classify_domain answered for its whole domain) */
enum todo_step_result todo_step_known(struct todo_step *t, int chan);

/* todo_step_chanmask - the channels that have a list */
uint64_t todo_step_chanmask(const struct todo_step *t);

/* todo_step_record - the D record for message id into out (as
 * proto_todo_enc_delivery: its size, written when it fits cap) */
size_t todo_step_record(const struct todo_step *t, uint64_t id, char *out,
                        size_t cap);

/* todo_step_strerror - a short phrase for r */
const char *todo_step_strerror(enum todo_step_result r);

#endif
