/*
 * fit_carry.c - messages carried over from before the log: when each
 * was first tried in the log and where it stood in qmail's retry
 * schedule; see fit_sum.h.
 *
 * qmail-send retries a message born at B, after an attempt ending at t,
 * at B + (isqrt(t - B) + chanskip)^2 (core/retry.h).  A carried-over
 * message's birth is not in the log, but a deferral and the recipient's
 * next attempt are: the gap between them fixes the message's age at the
 * deferral to within one step of the schedule.  The estimate takes the
 * age whose scheduled gap is nearest the observed one (a busy channel
 * starts retries late, so observed gaps run long and ages come out
 * young rather than old).  A message whose log shows no deferral
 * followed by another attempt gives no such gap; its birth is taken as
 * its first attempt in the log (a message that had just arrived).
 *
 * When is it due?  qmail-send takes a channel's messages in the order
 * they fell due, so a backlog from before the log goes before anything
 * that arrives in it.  A carried-over message first tried before the
 * channel's first attempt of a message that arrived in the log, while
 * the channel was full (the status line before the attempt shows it at
 * its limit, or one below it: a slot had just come free), was waiting
 * for a slot: it is due at the window's start, and the replay's
 * concurrency decides when it goes.  Any other was waiting for its
 * retry time: due at its first attempt in the log, or, when the
 * channel was full then, no later than the arrival of the first message
 * the channel tried after it (that message fell due at its arrival, and
 * the channel took them in order).
 */
#include <stdlib.h>
#include <string.h>

#include "fit_sum.h"
#include "retry.h"

/* longest age considered: queuelifetime's default week */
#define MAX_AGE_STEPS 800

/* age_from_gap - the age (seconds) at a deferral whose next attempt
 * came gap seconds later, on a channel with base chanskip */
static double age_from_gap(double gap, unsigned skip)
{
    double best_age = 0, best_err = -1;
    for (unsigned n = 0; n < MAX_AGE_STEPS; n++) {
        /* within step n, the scheduled gap (n + skip)^2 - age falls as
         * the age grows from n^2 to (n + 1)^2 - 1 */
        double lo = (double)n * n, hi = (double)(n + 1) * (n + 1) - 1;
        double age = (double)(n + skip) * (n + skip) - gap;
        if (age < lo)
            age = lo;
        if (age > hi)
            age = hi;
        qc_time now = (qc_time)(age * (double)QC_SEC) + 1000 * QC_SEC;
        qc_time birth = 1000 * QC_SEC;
        double sched = (double)(retry_next(birth, now, skip) - now) /
                       (double)QC_SEC;
        double err = sched > gap ? sched - gap : gap - sched;
        if (best_err < 0 || err < best_err) {
            best_err = err;
            best_age = age;
        }
    }
    return best_age;
}

/* fit_carry_build - s->carry: every carried-over message with
 * recipients, its first attempt and estimated birth; 0 ok, -1 memory */
int fit_carry_build(struct fit_sum *s, const struct fit_log *lg)
{
    /* per message: index into carry + 1, and its due time; per
     * recipient: its last deferral's end, to pair with the next attempt;
     * per attempt: the first of its recipient */
    uint32_t *slot = calloc(lg->nmsgs + 1, sizeof *slot);
    double *due = malloc((lg->nmsgs + 1) * sizeof *due);
    int64_t *deferred_at = malloc((lg->nrcpts + 1) * sizeof *deferred_at);
    unsigned char *firstatt = calloc(lg->natts + 1, 1);
    unsigned char *tried = calloc(lg->nrcpts + 1, 1);
    int rc = 0;
    if (!slot || !due || !deferred_at || !firstatt || !tried)
        rc = -1;
    for (size_t i = 0; i < lg->natts && rc == 0; i++) {
        uint32_t ri = lg->atts[i].rcpt;
        firstatt[i] = !tried[ri];
        tried[ri] = 1;
    }
    /* backwards: the earliest arrival among the messages a channel first
     * tried later bounds when a carried-over message fell due (qmail-send
     * takes a channel's messages in the order they fell due) */
    int64_t fresh[QC_MAX_CHANNELS];
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        fresh[c] = INT64_MAX;
    for (size_t i = lg->natts; i-- > 0 && rc == 0;) {
        const struct fit_attempt *a = &lg->atts[i];
        const struct fit_rcpt *r = &lg->rcpts[a->rcpt];
        const struct fit_msg *m = &lg->msgs[r->msg];
        if (m->arrived) {
            if (firstatt[i] && m->arrival < fresh[r->chan])
                fresh[r->chan] = m->arrival;
            continue;
        }
        int64_t d = a->start;
        if (fit_channel_busy(lg, r->chan, a->start, 1) && fresh[r->chan] < d)
            d = fresh[r->chan];
        due[r->msg] = fit_secs(s, d) < s->start ? s->start : fit_secs(s, d);
    }
    /* the channels' first attempts of arrived messages: a carried-over
     * message tried before them, in a full channel, is the backlog */
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        fresh[c] = INT64_MAX;
    for (size_t i = 0; i < lg->natts && rc == 0; i++) {
        const struct fit_attempt *a = &lg->atts[i];
        const struct fit_rcpt *r = &lg->rcpts[a->rcpt];
        if (lg->msgs[r->msg].arrived && a->start < fresh[r->chan])
            fresh[r->chan] = a->start;
    }
    for (size_t i = 0; i < lg->nrcpts && rc == 0; i++)
        deferred_at[i] = -1;
    for (size_t i = 0; i < lg->natts && rc == 0; i++) {
        const struct fit_attempt *a = &lg->atts[i];
        const struct fit_rcpt *r = &lg->rcpts[a->rcpt];
        const struct fit_msg *m = &lg->msgs[r->msg];
        if (m->arrived)
            continue;
        if (!slot[r->msg]) {
            struct fit_carry *c = realloc(s->carry,
                                          (s->ncarry + 1) * sizeof *c);
            if (!c) {
                rc = -1;
                break;
            }
            s->carry = c;
            c = &c[s->ncarry];
            c->msg = r->msg;
            c->first = fit_secs(s, a->start);
            c->waited = a->start < fresh[r->chan] &&
                        fit_channel_busy(lg, r->chan, a->start, 1);
            c->due = c->waited ? s->start : due[r->msg];
            c->birth = c->due;
            c->from_gap = 0;
            s->carried_waited += c->waited;
            slot[r->msg] = (uint32_t)++s->ncarry;
        }
        struct fit_carry *c = &s->carry[slot[r->msg] - 1];
        if (!c->from_gap && deferred_at[a->rcpt] >= 0) {
            double at = fit_secs(s, deferred_at[a->rcpt]);
            double gap = fit_secs(s, a->start) - at;
            double age = age_from_gap(gap, retry_chanskip(r->chan));
            c->birth = at - age < c->due ? at - age : c->due;
            c->from_gap = 1;
            s->carried_from_gap++;
        }
        if (fit_answer(a) == 'Z')
            deferred_at[a->rcpt] = a->end;
    }
    free(slot);
    free(due);
    free(deferred_at);
    free(firstatt);
    free(tried);
    return rc;
}
