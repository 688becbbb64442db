/*
 * qd_qread.h - list a queue the way qmail-qread does.
 *
 *	qd_qread(e, out, err)	every message of queue/info, in message
 *				number order; returns the number of
 *				messages that could not be read (0 ok)
 *
 * For each message one line
 *	"28 Nov 2026 14:13:55 GMT  #457  1234  <sender> [ bouncing]"
 * (the birth, info/N's mtime; the message number; mess/N's size; the
 * sender; "bouncing" when bounce/N exists), then one line per recipient
 * of every channel list: "\t<channel>\t<address>", preceded by "  done"
 * for a recipient already delivered.  Channels are local, remote and
 * every supplK/ directory the queue has (the CHANNELS patch's
 * qmail-qread stops at remote).  Bytes outside printable ASCII are shown
 * as '_'.  A message whose files cannot be read gets qmail-qread's
 * "warning: trouble with #N: reason" on err.  The queue directory is
 * e->home/queue, its split e->split (and big-todo plays no part: only
 * info/, mess/, bounce/ and the channel lists are read).
 */
#ifndef QD_QREAD_H
#define QD_QREAD_H

#include <stdio.h>

#include "qd_env.h"

int qd_qread(const struct qd_env *e, FILE *out, FILE *err);

#endif
