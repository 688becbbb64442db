/*
 * sim_fds.h - descriptor and process accounting for a simulated qmail.
 *
 * Every process of an installation keeps the set of its descriptor
 * numbers, handed out lowest-free-first as the kernel does, so the
 * highest number (what select() cares about) comes out of the same
 * arithmetic as in a real run, holes and all.  The rules and constants
 * are core/limits_model.h's, so the simulator and `qchan limits` count
 * alike.
 *
 *	sim_fds_init(f, nchan, lim)	qmail-send, qmail-todo and one spawner
 *					per channel with their fixed fds
 *	sim_fds_spawn(f, chan, nfds, fds, &highest)
 *					a spawner starts a delivery: open the
 *					message, a pipe of nfds descriptors,
 *					fork; SIM_SPAWN_OK or where it failed
 *	sim_fds_reap(f, chan, nfds, fds)
 *					the child's report is in: close
 *	sim_fds_send_open(f) / sim_fds_send_close(f, fd)
 *					qmail-send opens/closes a channel file
 *	sim_fds_send_bounce(f)		qmail-send injects a bounce (a moment)
 *	sim_fds_todo_message(f, nchanfiles)
 *					qmail-todo writes one message out
 *	sim_proc_highest_now(p)		highest descriptor number in use
 */
#ifndef SIM_FDS_H
#define SIM_FDS_H

#include <stdint.h>

#include "limits_model.h"
#include "qc.h"
#include "sim_scn.h"

enum sim_spawn_result {
    SIM_SPAWN_OK = 0,
    SIM_SPAWN_OPEN,   /* message file: nofile or file-max reached */
    SIM_SPAWN_PIPE,   /* pipe: nofile or file-max reached */
    SIM_SPAWN_FORK,   /* fork: nproc of qmailr reached */
};

struct sim_proc {
    char name[24];
    int selects;             /* uses select(): FD_SETSIZE applies */
    uint64_t *bits;          /* descriptor numbers in use */
    size_t nwords;
    unsigned long long count, peak;
    unsigned long long highest_peak;   /* highest number ever in use */
    unsigned hit;            /* bit (1 << enum limits_kind) per limit hit */
    qc_time hit_at[LIMITS_CONF_SPAWN + 1];  /* first time each was hit */
};

struct sim_fds {
    int nchan;
    struct sim_limits lim;
    struct sim_proc send, todo, spawn[QC_MAX_CHANNELS];
    unsigned long long system, system_peak;   /* descriptors, all */
    unsigned long long qmailr, qmailr_peak;   /* processes of qmailr */
    unsigned long long local, local_peak;     /* local deliveries */
    unsigned system_hit, qmailr_hit;
    qc_time system_hit_at, qmailr_hit_at;
    qc_time now;             /* set by the host before each call */
    /* qmail-todo's own descriptors are the same before every message, so
     * a message with n channel files that fitted once fits again as long
     * as the system has room: todo_fits[n] remembers that it did */
    unsigned char todo_fits[QC_MAX_CHANNELS + 1];
};

int sim_fds_init(struct sim_fds *f, int nchan, const struct sim_limits *lim);
void sim_fds_free(struct sim_fds *f);

enum sim_spawn_result sim_fds_spawn(struct sim_fds *f, int chan,
                                    unsigned nfds, int *fds,
                                    unsigned long long *highest);
void sim_fds_reap(struct sim_fds *f, int chan, unsigned nfds,
                  const int *fds);

int sim_fds_send_open(struct sim_fds *f);
void sim_fds_send_close(struct sim_fds *f, int fd);
int sim_fds_send_bounce(struct sim_fds *f);
int sim_fds_todo_message(struct sim_fds *f, int nchanfiles);

/* sim_proc_fd_limit - the limit its count or number runs into first */
unsigned long long sim_proc_fd_limit(const struct sim_fds *f,
                                     const struct sim_proc *p);
long long sim_proc_highest_now(const struct sim_proc *p);

#endif
