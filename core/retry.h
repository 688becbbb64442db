/*
 * retry.h - qmail-send's retry schedule.
 *
 * For a message born at birth, on a channel with base chanskip, at now:
 *	n = isqrt(now - birth) in whole seconds (0 if birth is in the future),
 *	n += chanskip, next try = birth + n*n seconds.
 * All arithmetic is 64-bit; ages of centuries do not overflow.
 */
#ifndef RETRY_H
#define RETRY_H

#include "qc.h"

#define RETRY_CHANSKIP_LOCAL 10
#define RETRY_CHANSKIP_REMOTE 20
#define RETRY_CHANSKIP_SUPPL 20

/* retry_isqrt - largest y with y*y <= x */
uint64_t retry_isqrt(uint64_t x);
/* retry_chanskip - the base of channel chan */
unsigned retry_chanskip(int chan);
/* retry_next - next try time of a message born at birth, seen at now */
qc_time retry_next(qc_time birth, qc_time now, unsigned chanskip);

#endif
