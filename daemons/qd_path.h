/*
 * qd_path.h - names of queue files, relative to the queue directory.
 *
 *	qd_path(buf, cap, e, "info", id)	"info/<id % split>/<id>"
 *	qd_chan_path(buf, cap, e, chan, id)	"local/..", "remote/..",
 *						"supplK/.."
 *	qd_chan_dir(chan, buf)			"local", "remote", "supplK"
 *	qd_split_dir(e, dir)			is dir split?
 *	qd_split_name(buf, cap, e, id)		"<id % split>/<id>"
 *
 * mess/, info/ and the channel directories are split; todo/ and intd/
 * only under big-todo; bounce/, pid/, lock/ and qmail-clean's foop/ never.  A result that does
 * not fit cap returns -1 (callers' buffers are sized so it cannot).
 */
#ifndef QD_PATH_H
#define QD_PATH_H

#include "qd_env.h"

#define QD_PATH_MAX 128

int qd_split_dir(const struct qd_env *e, const char *dir);
int qd_path(char *buf, size_t cap, const struct qd_env *e, const char *dir,
            uint64_t id);
int qd_chan_path(char *buf, size_t cap, const struct qd_env *e, int chan,
                 uint64_t id);
const char *qd_chan_dir(int chan, char buf[QC_CHAN_NAME_MAX]);
int qd_split_name(char *buf, size_t cap, const struct qd_env *e,
                  uint64_t id);
/* qd_parse_id - a message number from a directory entry; -1 if not one */
int qd_parse_id(const char *name, uint64_t *id);

#endif
