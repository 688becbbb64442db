/*
 * scn_int.h - the scenario reader's parts and what they share (inside
 * sim/ only; the interface is sim_scn.h).
 *
 * Reading a scenario is four jobs, one file each, in the order a line
 * meets them:
 *
 *	scn_lex.c	the file into numbered lines of words, and the
 *			values inside one word (seconds, whole numbers,
 *			weights, recipient ranges, operators)
 *	scn_parse.c	the grammar: which keyword, which words stand
 *			where; the two passes over the lines
 *	scn_check.c	validation: names that must exist (pools,
 *			channels, processes, limits), values that must
 *			make sense together
 *	scn_model.c	building the model: pools' popularity, generators
 *			and their targets, actions in time order,
 *			expectations; and freeing it all
 *	scn_replay.c	a replay file's rows (a format of its own)
 *
 * sim_scn.c holds the public entry points.  Every error goes through
 * scn_fail(), so each names the file and line.
 */
#ifndef SCN_INT_H
#define SCN_INT_H

#include <stddef.h>
#include <stdio.h>

#include "sim_scn.h"

/* a message records its generator in one byte */
#define SCN_MAX_GENS 255
#define SCN_MAX_WORDS 256
#define SCN_LINE_MAX_BYTES 65536
/* the latest time a scenario may name, in seconds (about 31,700 years:
 * far past any run, well inside qc_time) */
#define SCN_MAX_SECS 1e12
/* the most messages one burst line or one poisson second may ask for */
#define SCN_MAX_BURST 100000000ULL
/* the simulator's clock ticks in microseconds and a Poisson generator
 * makes one arrival per tick at most: a higher rate would silently run
 * at this one */
#define SCN_MAX_RATE 1e6
/* domains in one pool, and in all pools together */
#define SCN_MAX_POOL 10000000
#define SCN_MAX_POOL_DOMAINS 10000000ULL

/* one non-empty line of the file, split into words */
struct scn_line {
    unsigned no;
    int n;
    char **w;
};

/* the whole file: buf owns the words' text */
struct scn_lines {
    char *buf;
    struct scn_line *v;
    size_t n;
};

/* ---------------------------------------------------------- scn_lex.c */

/* scn_fail - format "file:line: msg" into err (no line: "file: msg");
 * returns -1 */
int scn_fail(struct sim_err *err, const struct sim_scn *sc, unsigned line,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* scn_lex_open - a file to read; NULL with errno, EISDIR for a directory */
FILE *scn_lex_open(const char *path);
/* scn_lex_nul - line (from 1) and column of the first NUL in buf, or 0 */
unsigned scn_lex_nul(const char *buf, size_t len, size_t *col);
/* scn_lex_read - the file sc->path into lines; -1 with err */
int scn_lex_read(const struct sim_scn *sc, struct scn_lines *out,
                 struct sim_err *err);
/* scn_lex_text - the same from buf (len bytes, NUL after them), which
 * out takes over (freed by scn_lex_free, also on error) */
int scn_lex_text(const struct sim_scn *sc, char *buf, size_t len,
                 struct scn_lines *out, struct sim_err *err);
/* scn_lex_free - release what scn_lex_read made */
void scn_lex_free(struct scn_lines *ls);
/* scn_word_number - a number from lo to hi; -1 not a number, -2 a
 * number out of that range */
int scn_word_number(const char *s, double lo, double hi, double *v);
/* scn_word_secs - seconds (decimals allowed, 0 to SCN_MAX_SECS) into
 * qc_time; -1 not a number, -2 out of range */
int scn_word_secs(const char *s, qc_time *t);
/* scn_word_uint - a whole number from 0 to max; -1 not one, -2 above max */
int scn_word_uint(const char *s, unsigned long long max,
                  unsigned long long *v);
/* scn_word_weight - a number, optionally with '%' */
int scn_word_weight(const char *s, double *v);
/* scn_word_rcpts - "N" or "A-B", 1 <= A <= B <= 10000 */
int scn_word_rcpts(const char *s, unsigned *lo, unsigned *hi);
/* scn_word_op - a comparison operator */
int scn_word_op(const char *s, enum sim_op *op);
/* scn_words_join - w[0..n-1] with single spaces, malloc'd */
char *scn_words_join(char **w, int n);

/* -------------------------------------------------------- scn_parse.c */

/* scn_parse_first - seed, channels, profile, control-dir (anywhere) */
int scn_parse_first(struct sim_scn *sc, const struct scn_lines *ls,
                    struct sim_err *err);
/* scn_parse_rest - every other line, in order */
int scn_parse_rest(struct sim_scn *sc, const struct scn_lines *ls,
                   struct sim_err *err);

/* -------------------------------------------------------- scn_check.c */

/* scn_check_pool - a new pool of n domains: a unique name without '@',
 * short; all pools together at most SCN_MAX_POOL_DOMAINS */
int scn_check_pool(const struct sim_scn *sc, unsigned line,
                   const char *name, uint32_t n, struct sim_err *err);
/* scn_check_target - a pool defined above (its index) or a domain (-1) */
int scn_check_target(const struct sim_scn *sc, unsigned line,
                     const char *name, int *pool, struct sim_err *err);
/* scn_check_process - a process name the run reports: 1 yes, 0 no */
int scn_check_process(const struct sim_scn *sc, const char *name);
/* scn_check_limit - a limit's name and value: its field, or NULL with
 * *why -1 (no such limit) or -2 (value not from 1 to *max) */
unsigned long long *scn_check_limit(struct sim_scn *sc, const char *name,
                                    const char *value,
                                    unsigned long long *v,
                                    unsigned long long *max, int *why);
/* scn_check_profile - "qchan" or "channels-compat"; -1 otherwise */
int scn_check_profile(const char *v, enum sched_profile *p);
/* scn_check_hup - the control changes of an 'at T hup' line, tried on a
 * copy of the controls so a bad one is an error at its line */
int scn_check_hup(const struct sim_scn *sc, unsigned line,
                  char **names, char **values, size_t n,
                  struct sim_err *err);

/* -------------------------------------------------------- scn_model.c */

/* scn_model_defaults - a fresh scenario for path: seed 1, the default
 * limits, run until drained (at most 30 days), sample every 10 s */
int scn_model_defaults(struct sim_scn *sc, const char *path,
                       struct sim_err *err);
/* scn_model_pool - a pool of n domains, Zipf exponent s (0: uniform) */
int scn_model_pool(struct sim_scn *sc, const char *name, uint32_t n,
                   double s);
/* scn_model_gen - a zeroed generator of kind k appended; NULL when out
 * of memory or at SCN_MAX_GENS */
struct sim_gen *scn_model_gen(struct sim_scn *sc, enum sim_gen_kind k,
                              unsigned line);
/* scn_model_target - append a target (pool index, or -1 and a domain)
 * whose weight is w; the cumulative weights are normalized later */
int scn_model_target(struct sim_gen *g, int pool, const char *domain,
                     double w);
/* scn_model_targets_done - normalize the cumulative weights; -1 if
 * they add up to 0 */
int scn_model_targets_done(struct sim_gen *g);
/* scn_model_action - insert a in time order (file order among equals) */
int scn_model_action(struct sim_scn *sc, const struct sim_action *a);
/* scn_model_action_free - what one action owns */
void scn_model_action_free(struct sim_action *a);
/* scn_model_expect - append e (takes its strings) */
int scn_model_expect(struct sim_scn *sc, const struct sim_expect *e);
/* scn_model_free - release everything a scenario owns */
void scn_model_free(struct sim_scn *sc);

/* ------------------------------------------------------- scn_replay.c */

/* scn_replay_read - a replay generator for the 'replay' line at line
 * (carried: the 'carried' line, rows with a birth), its rows read from
 * path in time order; errors inside the file name that file and its
 * line */
int scn_replay_read(struct sim_scn *sc, unsigned line, const char *path,
                    int carried, struct sim_err *err);

#endif
