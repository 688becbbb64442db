/*
 * retry.c - qmail-send's retry schedule.
 *
 *	uint64_t retry_isqrt(uint64_t x)
 *		the largest y with y*y <= x, exact for every x.
 *	unsigned retry_chanskip(int chan)
 *		the schedule's base for channel chan: local 10, remote and
 *		every supplemental channel 20.
 *	qc_time retry_next(qc_time birth, qc_time now, unsigned chanskip)
 *		the next try of a message born at birth, after a deferral
 *		seen at now: birth + (isqrt(age in seconds) + chanskip)^2 s.
 *
 * The schedule is qmail's: tries cluster early and thin out with the
 * square root of the age, so a message that keeps failing costs little.
 * Times are microseconds; the age is cut to whole seconds first, as qmail
 * works on seconds, and the result keeps birth's fraction of a second.
 *
 * No floating point: a double has 53 bits of mantissa, and a rounded
 * square root of a large age can land one off, which would move a retry
 * by a whole step.  A result past the end of qc_time is QC_TIME_NEVER
 * (from a birth near 0 that takes an age of about 290000 years).
 */
#include "retry.h"

/* retry_isqrt - largest y with y*y <= x */
uint64_t retry_isqrt(uint64_t x)
{
    /*
     * Digit-by-digit (base 4) root: each step decides one bit of the
     * result without multiplying, so nothing can overflow.  root stays
     * below 2^32 and bit at most 2^62, so root + bit fits.
     */
    uint64_t root = 0;
    uint64_t bit = (uint64_t)1 << 62;

    while (bit > x)
        bit >>= 2;
    while (bit != 0) {
        if (x >= root + bit) {
            x -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

/* retry_chanskip - the base of channel chan */
unsigned retry_chanskip(int chan)
{
    /* Supplemental channels deliver remotely, so they retry like remote. */
    if (chan == QC_CHAN_LOCAL)
        return RETRY_CHANSKIP_LOCAL;
    if (chan == QC_CHAN_REMOTE)
        return RETRY_CHANSKIP_REMOTE;
    return RETRY_CHANSKIP_SUPPL;
}

/* retry_next - next try time of a message born at birth, seen at now */
qc_time retry_next(qc_time birth, qc_time now, unsigned chanskip)
{
    uint64_t age = 0;

    /*
     * A birth in the future (clock stepped back, or a message file with
     * a strange mtime) counts as age 0, as in qmail.  The difference is
     * taken in unsigned arithmetic: now > birth, so it is exact even when
     * now - birth does not fit in int64.
     */
    if (now > birth)
        age = ((uint64_t)now - (uint64_t)birth) / (uint64_t)QC_SEC;

    uint64_t n = retry_isqrt(age) + chanskip;

    /*
     * Check every step for overflow instead of trusting realistic ages:
     * a hostile or corrupt birth must give "never", not a wrapped time in
     * the past that would make the message due on every pass.  n <= 2^32-1
     * keeps n*n inside uint64.  A negative birth leaves room for an offset
     * beyond INT64_MAX, so the sum is formed in two steps that cannot wrap.
     */
    if (n > UINT32_MAX)
        return QC_TIME_NEVER;
    uint64_t secs = n * n;
    if (secs > UINT64_MAX / (uint64_t)QC_SEC)
        return QC_TIME_NEVER;
    uint64_t offset = secs * (uint64_t)QC_SEC;
    if (offset > (uint64_t)INT64_MAX - (uint64_t)birth)
        return QC_TIME_NEVER;
    if (offset <= (uint64_t)INT64_MAX)
        return birth + (qc_time)offset;
    return (birth + INT64_MAX) + (qc_time)(offset - (uint64_t)INT64_MAX);
}
