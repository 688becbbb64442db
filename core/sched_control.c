/*
 * sched_control.c - the scheduler's settings from control values; see
 * sched_control.h.
 *
 *	sched_control_config(cfg, ctl)
 *	sched_control_reread(s, ctl, now)
 *
 * qmail-send (CHANNELS) rereads concurrencylocal, concurrencyremote and
 * concurrencysupplK on SIGHUP.  It reads queuelifetime only at start-up;
 * qchan puts a new queuelifetime in force on SIGHUP too (for passes
 * opened from then on), after the concurrency, so that both hosts do the
 * same two steps in the same order.
 */
#include <string.h>

#include "sched_control.h"

/* lifetime - queuelifetime in the scheduler's time unit */
static qc_time lifetime(const struct control *ctl)
{
    return (qc_time)ctl->queuelifetime * QC_SEC;
}

/* sched_control_config - the start-up settings */
void sched_control_config(struct sched_config *cfg,
                          const struct control *ctl)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->nchan = ctl->nchan;
    for (int c = 0; c < ctl->nchan && c < QC_MAX_CHANNELS; c++)
        cfg->concurrency[c] = ctl->concurrency[c];
    cfg->lifetime = lifetime(ctl);
    cfg->profile = SCHED_PROFILE_QCHAN;
}

/* sched_control_reread - SIGHUP's values in force */
void sched_control_reread(struct sched *s, const struct control *ctl,
                          qc_time now)
{
    sched_reconfigure(s, ctl->concurrency, now);
    sched_set_lifetime(s, lifetime(ctl));
}
