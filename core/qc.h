/*
 * qc.h - types every core module shares.
 *
 * Time is a signed 64-bit count of microseconds: the daemons pass the wall
 * clock (microseconds since the epoch), the simulator its virtual clock
 * (microseconds since the start of the run).  Whole-second rules (the retry
 * schedule, queuelifetime) work on it exactly as qmail works on seconds.
 *
 * Channels are numbered as in the CHANNELS patch: 0 local, 1 remote,
 * 2+K supplemental channel K ("supplK").  Their number is a run-time value.
 */
#ifndef QC_H
#define QC_H

#include <stddef.h>
#include <stdint.h>

#include "qc_alloc.h"

typedef int64_t qc_time;

#define QC_SEC ((qc_time)1000000)
#define QC_TIME_NEVER INT64_MAX

#define QC_MIN_CHANNELS 2
#define QC_MAX_CHANNELS 64
#define QC_CHAN_LOCAL 0
#define QC_CHAN_REMOTE 1

/* Room for "suppl" and any channel number, with the NUL. */
#define QC_CHAN_NAME_MAX 16

/* qc_fmt_u64 - v's decimal digits at out (no NUL, at most 20); their
 * count */
size_t qc_fmt_u64(char *out, uint64_t v);

/* qc_channel_name - "local", "remote", "supplK"; returns buf */
const char *qc_channel_name(int chan, char buf[QC_CHAN_NAME_MAX]);

/* qc_channel_parse - channel index of a name, or -1 if not one of nchan */
int qc_channel_parse(const char *name, int nchan);

#endif
