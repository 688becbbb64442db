/*
 * qd_clock.c - the scheduler's clock; see qd_clock.h.
 *
 * The scale and epoch are process state set once at start-up, before the
 * first reading, like the rest of the settings.
 *
 * Only a build for tests reads them from the environment: this file is
 * compiled twice, into the daemons' library as it ships and, with
 * -DQCHAN_TEST_KNOBS, into the qmail-send of build/testbin
 * (daemons/module.mk).  A production qmail-send that took
 * QCHAN_TIME_SCALE from its environment would write retry times that a
 * qmail-send on the real clock reads wrongly.
 */
#include <stdio.h>
#include <stdlib.h>

#include "qd_clock.h"
#include "qd_io.h"

static double scale = 1.0;
static qc_time epoch;

/* qd_clock_set - the scale and epoch from their texts (NULL or "": the
 * real clock's); all or nothing: a refused setting leaves the real clock */
int qd_clock_set(const char *s, const char *e, char *err, size_t cap)
{
    char *end;
    double f = 1.0;
    qc_time at = qd_now();
    scale = 1.0;
    if (s && *s) {
        f = strtod(s, &end);
        if (*end || !(f > 0 && f <= 1e6)) {
            snprintf(err, cap, "QCHAN_TIME_SCALE=%s: expected a number "
                     "above 0 and at most 1000000", s);
            return -1;
        }
    }
    if (e && *e) {
        double v = strtod(e, &end);
        if (*end || !(v >= 0 && v < 1e11)) {
            snprintf(err, cap, "QCHAN_TIME_EPOCH=%s: expected seconds since "
                     "1970", e);
            return -1;
        }
        at = (qc_time)(v * QC_SEC);
    }
    scale = f;
    epoch = at;
    return 0;
}

/* qd_clock_init - the test build: the knobs from the environment; the
 * production build: the real clock, whatever the environment says */
int qd_clock_init(char *err, size_t cap)
{
#ifdef QCHAN_TEST_KNOBS
    return qd_clock_set(getenv("QCHAN_TIME_SCALE"),
                        getenv("QCHAN_TIME_EPOCH"), err, cap);
#else
    return qd_clock_set(NULL, NULL, err, cap);
#endif
}

/* qd_clock_now - the wall clock, run scale times faster from epoch */
qc_time qd_clock_now(void)
{
    qc_time now = qd_now();
    if (scale == 1.0)
        return now;
    return epoch + (qc_time)((double)(now - epoch) * scale);
}

/* qd_clock_of_file - a file time on the scheduler's clock */
qc_time qd_clock_of_file(time_t sec, long nsec)
{
    if (scale == 1.0)
        return (qc_time)sec * QC_SEC;   /* qmail: whole seconds */
    qc_time real = (qc_time)sec * QC_SEC + nsec / 1000;
    return epoch + (qc_time)((double)(real - epoch) * scale);
}

/* qd_clock_to_file - the file time that reads back as t */
void qd_clock_to_file(qc_time t, time_t *sec, long *usec)
{
    if (scale != 1.0)
        t = epoch + (qc_time)((double)(t - epoch) / scale);
    *sec = (time_t)(t / QC_SEC);
    *usec = scale == 1.0 ? 0 : (long)(t % QC_SEC);
}

/* qd_clock_wait_ms - a scheduler wait in real milliseconds */
int qd_clock_wait_ms(qc_time wait)
{
    double ms = (double)wait / scale / 1000.0;
    if (ms > 86400000.0)
        ms = 86400000.0;
    int r = (int)ms;
    return (double)r < ms ? r + 1 : r;
}
