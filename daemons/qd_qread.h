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
 * e->home/queue, its split e->split.
 *
 * Then the messages qmail-todo has not preprocessed yet (todo/N, which
 * qmail-qread leaves out and qmail-qstat counts): the same first line
 * ending in "  not yet preprocessed", the birth todo/N's mtime, and one
 * "\ttodo\t<address>" line per recipient of its envelope.  todo/ is
 * read split (big-todo) when e->bigtodo is set or todo/0 is a directory.
 *
 *	qd_qread_check(e, err, cap)	the queue's layout against e: the
 *					split info/ has, big-todo against
 *					todo/; -1 with err saying what the
 *					queue has and which option fits
 */
#ifndef QD_QREAD_H
#define QD_QREAD_H

#include <stdio.h>

#include "qd_env.h"

int qd_qread(const struct qd_env *e, FILE *out, FILE *err);
int qd_qread_check(struct qd_env *e, char *err, size_t cap);

#endif
