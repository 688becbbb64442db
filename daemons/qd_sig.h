/*
 * qd_sig.h - signals turned into poll()able input (the self-pipe trick).
 *
 *	qd_sig_init()		catch SIGTERM, SIGHUP, SIGALRM, ignore SIGPIPE;
 *				returns the read end to poll, or -1
 *	qd_sig_take(sig)	1 if sig arrived since the last take
 *	qd_sig_drain()		empty the pipe (after poll said readable)
 *
 * A handler only sets a flag and writes a byte, so a signal that arrives
 * just before poll() still wakes it: no lost wake-ups, no races with the
 * event loop's state.
 */
#ifndef QD_SIG_H
#define QD_SIG_H

int qd_sig_init(void);
int qd_sig_take(int sig);
void qd_sig_drain(void);

#endif
