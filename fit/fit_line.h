/*
 * fit_line.h - one line of a qmail-send log: its time and what it says.
 *
 *	fit_stamp(line, len, &t, &rest)	the time stamp in front of the text:
 *		@4000...  multilog's TAI64N label
 *		... 1700000000.123456 text   splogger's unixtime.usec, also
 *			after a syslog prefix ("Jan  2 03:04:05 host qmail: ")
 *		2024-01-02 03:04:05.123456789 text   tai64nlocal's output,
 *			read as UTC
 *		0 ok with t in microseconds since the epoch and rest the text
 *		after the stamp; -1 no stamp
 *	fit_line_parse(text, len, &ln)	what qmail-send said (qmail-log(5)
 *		with the CHANNELS channel names); 0 ok, -1 not a qmail-send
 *		line this reader knows
 *
 * Pointers in struct fit_line point into the caller's text: nothing is
 * copied, so a line costs no allocation until the reconstruction keeps
 * part of it.
 */
#ifndef FIT_LINE_H
#define FIT_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "qc.h"

enum fit_kind {
    FIT_L_NEW,       /* new msg N */
    FIT_L_INFO,      /* info msg N: bytes B from <S> qp P uid U */
    FIT_L_START,     /* starting delivery D: msg N to CHAN RCPT */
    FIT_L_RESULT,    /* delivery D: success|deferral|failure: ... */
    FIT_L_STATUS,    /* status: local l/L remote r/R [supplK k/K]... */
    FIT_L_EXITING,   /* status: exiting */
    FIT_L_END,       /* end msg N */
    FIT_L_BOUNCE,    /* bounce msg N qp P */
    FIT_L_OTHER,     /* warnings, alerts, triple bounces: known, unused */
};

struct fit_line {
    enum fit_kind kind;
    uint64_t msg;
    uint64_t delid;
    int chan;
    const char *rcpt;           /* START; not NUL-terminated */
    size_t rcptlen;
    char outcome;               /* RESULT: 'K', 'Z' or 'D' */
    int expired;                /* RESULT: a failure for queuelifetime */
    uint64_t bytes;             /* INFO */
    const char *sender;         /* INFO; not NUL-terminated */
    size_t senderlen;
    unsigned long qp;           /* INFO, BOUNCE */
    int nstat;                  /* STATUS: channels listed */
    unsigned inflight[QC_MAX_CHANNELS];
    unsigned limit[QC_MAX_CHANNELS];
};

int fit_stamp(const char *line, size_t len, int64_t *t, const char **rest);
int fit_line_parse(const char *text, size_t len, struct fit_line *ln);

#endif
