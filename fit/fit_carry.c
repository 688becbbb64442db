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
    /* per message: index into carry + 1; per recipient: its last
     * deferral's end, to pair with the next attempt */
    uint32_t *slot = calloc(lg->nmsgs + 1, sizeof *slot);
    int64_t *deferred_at = malloc((lg->nrcpts + 1) * sizeof *deferred_at);
    if (!slot || !deferred_at) {
        free(slot);
        free(deferred_at);
        return -1;
    }
    for (size_t i = 0; i < lg->nrcpts; i++)
        deferred_at[i] = -1;
    int rc = 0;
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
            c[s->ncarry].msg = r->msg;
            c[s->ncarry].first = fit_secs(s, a->start);
            c[s->ncarry].birth = c[s->ncarry].first;
            c[s->ncarry].from_gap = 0;
            slot[r->msg] = (uint32_t)++s->ncarry;
        }
        struct fit_carry *c = &s->carry[slot[r->msg] - 1];
        if (!c->from_gap && deferred_at[a->rcpt] >= 0) {
            double at = fit_secs(s, deferred_at[a->rcpt]);
            double gap = fit_secs(s, a->start) - at;
            double age = age_from_gap(gap, retry_chanskip(r->chan));
            c->birth = at - age < c->first ? at - age : c->first;
            c->from_gap = 1;
            s->carried_from_gap++;
        }
        if (a->outcome == 'Z')
            deferred_at[a->rcpt] = a->end;
    }
    free(slot);
    free(deferred_at);
    return rc;
}
