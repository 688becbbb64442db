/*
 * qd_env.h - the run-time settings every qchan daemon shares.
 *
 * qmail compiles these in (auto_qmail, conf-split, conf-spawn's width,
 * conf-channels).  qchan compiles in the layout too -- make QMAIL_HOME=,
 * CONF_SPLIT=, CONF_BIGTODO= (daemons/module.mk writes them into
 * qd_conf.h) -- and lets a program that runs as its caller take them
 * from the environment, so one build serves a real installation and a
 * private queue in a test:
 *
 *	QCHAN_HOME		the qmail home (control/, queue/ under it);
 *				default QMAIL_HOME (/var/qmail)
 *	QCHAN_SPLIT		conf-split, the number of split subdirectories;
 *				default CONF_SPLIT (23)
 *	QCHAN_BIGTODO		1: todo/ and intd/ are split too (big-todo);
 *				default CONF_BIGTODO (0)
 *	QCHAN_SPAWN_WIDTH	1 (classic) or 2 (big concurrency, default):
 *				bytes of a delivery number on the spawn wire
 *	QCHAN_CHANNELS		number of channels; unset or 0: from control/
 *
 * A set-id program (qchan-queue, installed 04711 qmailq as qmail's
 * qmail-queue) works for a caller it must not trust: when the real and
 * effective ids differ, the kernel marks the process secure, or the
 * program file is set-id, qd_env_load() reads none of the variables and
 * gives the build's settings (qd_env_setid, qd_env_conf).
 *
 * qd_env_load() fills struct qd_env and names the variable and value it
 * rejects.  All programs of one installation must see the same values;
 * qchan-start exports them to every program it starts.
 */
#ifndef QD_ENV_H
#define QD_ENV_H

#include "proto.h"
#include "qc.h"

#define QD_HOME_MAX 1024
#define QD_SPLIT_MAX 1000000

struct qd_env {
    char home[QD_HOME_MAX];
    unsigned split;
    int bigtodo;
    enum proto_width width;
    int nchan;              /* 0: decided by the control directory */
};

/* qd_env_load - settings from the environment; 0 ok, -1 with err; set-id:
 * the build's settings, 1 with a note in err when the environment named
 * another home, split or big-todo (the caller may print it) */
int qd_env_load(struct qd_env *e, char *err, size_t errcap);

/* qd_env_conf - the settings fixed at build time */
void qd_env_conf(struct qd_env *e);

/* qd_env_setid - 1 when the process must not trust its environment */
int qd_env_setid(void);

/* qd_env_unlike_conf - 1 when e's home, split or big-todo is not the
 * build's, with what differs in why; a set-id qchan-queue of this build
 * would queue elsewhere */
int qd_env_unlike_conf(const struct qd_env *e, char *why, size_t cap);

/* qd_env_number - parse a decimal in [min, max]; 0 ok, -1 bad */
int qd_env_number(const char *s, unsigned long min, unsigned long max,
                  unsigned long *out);

#endif
