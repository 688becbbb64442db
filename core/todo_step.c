/*
 * todo_step.c - qmail-todo's step for one message's recipients; see
 * todo_step.h.
 *
 *	todo_step_init(t, nchan, alloc) / todo_step_free(t)
 *	todo_step_begin(t, cl)
 *	todo_step_rcpt(t, addr, len, out) / todo_step_known(t, chan)
 *	todo_step_chanmask(t) / todo_step_record(t, id, out, cap)
 *
 * qmail-todo's rewrite() can only answer a channel it has a list for, or
 * "out of memory"; on the latter it leaves todo/N for a later pass.  A
 * classifier built for more channels than the host runs (a control set
 * and a configuration that disagree) is treated the same way: the
 * message waits, rather than going to a channel nobody asked for.
 */
#include <string.h>

#include "proto.h"
#include "todo_step.h"

/* an address fits this without a second try nearly always */
#define TODO_STEP_FIRST_CAP 1024

/* todo_step_init - an empty step */
void todo_step_init(struct todo_step *t, int nchan,
                    const struct qc_alloc *alloc)
{
    memset(t, 0, sizeof *t);
    t->nchan = nchan;
    t->alloc = alloc;
}

/* todo_step_free - release the address buffer */
void todo_step_free(struct todo_step *t)
{
    qc_release(t->alloc, t->buf, t->cap);
    t->buf = NULL;
    t->cap = 0;
}

/* todo_step_begin - forget the previous message's channels */
void todo_step_begin(struct todo_step *t, const struct classify *cl)
{
    t->cl = cl;
    t->chanmask = 0;
}

/* grow - make the buffer hold need bytes */
static int grow(struct todo_step *t, size_t need)
{
    if (need <= t->cap)
        return 0;
    size_t cap = need < TODO_STEP_FIRST_CAP ? TODO_STEP_FIRST_CAP : need;
    char *p = qc_resize(t->alloc, t->buf, t->cap, cap);
    if (!p)
        return -1;
    t->buf = p;
    t->cap = cap;
    return 0;
}

/* todo_step_known - one recipient on chan */
enum todo_step_result todo_step_known(struct todo_step *t, int chan)
{
    if (chan < 0 || chan >= t->nchan)
        return TODO_STEP_CHANNEL;
    t->chanmask |= (uint64_t)1 << chan;
    return TODO_STEP_OK;
}

/* todo_step_rcpt - classify and count one recipient */
enum todo_step_result todo_step_rcpt(struct todo_step *t, const char *addr,
                                     size_t len, struct todo_step_rcpt *out)
{
    if (grow(t, TODO_STEP_FIRST_CAP) == -1)
        return TODO_STEP_NOMEM;
    int chan = -1;
    size_t n = classify_rcpt(t->cl, addr, len, t->buf, t->cap, &chan);
    if (n >= t->cap) {
        if (n == SIZE_MAX || grow(t, n + 1) == -1)
            return TODO_STEP_NOMEM;
        n = classify_rcpt(t->cl, addr, len, t->buf, t->cap, &chan);
    }
    out->chan = chan;
    out->addr = t->buf;
    out->len = n;
    return todo_step_known(t, chan);
}

/* todo_step_chanmask - the channels with a list */
uint64_t todo_step_chanmask(const struct todo_step *t)
{
    return t->chanmask;
}

/* todo_step_record - the D record */
size_t todo_step_record(const struct todo_step *t, uint64_t id, char *out,
                        size_t cap)
{
    return proto_todo_enc_delivery(out, cap, t->nchan, t->chanmask, id);
}

/* todo_step_strerror - why a recipient stopped the message */
const char *todo_step_strerror(enum todo_step_result r)
{
    switch (r) {
    case TODO_STEP_OK:
        return "ok";
    case TODO_STEP_NOMEM:
        return "out of memory";
    case TODO_STEP_CHANNEL:
        return "channel outside the configuration";
    }
    return "unknown";
}
