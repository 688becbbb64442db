/*
 * sched_control.h - the scheduler's settings from qmail's control values,
 * at start-up and on SIGHUP, in one place for both hosts.
 *
 *	sched_control_config(&cfg, ctl)	concurrency* and queuelifetime
 *					into a sched_config (the host then
 *					sets profile, alloc, quiet_events)
 *	sched_control_reread(s, ctl, now)
 *					SIGHUP: the new values in force
 *
 * On SIGHUP qmail-send first tells qmail-todo ("H": it rereads locals,
 * virtualdomains and the suppls lists), then rereads the concurrency
 * controls; a host does the first, then calls sched_control_reread.
 */
#ifndef SCHED_CONTROL_H
#define SCHED_CONTROL_H

#include "control.h"
#include "sched.h"

/* sched_control_config - cfg from ctl: nchan, concurrency, lifetime;
 * everything else zero (profile qchan, malloc, every event) */
void sched_control_config(struct sched_config *cfg,
                          const struct control *ctl);

/* sched_control_reread - SIGHUP: ctl's concurrency values, then its
 * queuelifetime, put in force */
void sched_control_reread(struct sched *s, const struct control *ctl,
                          qc_time now);

#endif
