/*
 * fs_model.h - how fake spawners behave: latency, outcome, outages.
 *
 * One question, asked by the simulator for every delivery attempt and by
 * the real-time fakespawn program for every spawn request:
 *
 *	given the channel, the recipient's domain, a key naming the
 *	recipient, the attempt number and the time, how long does the
 *	delivery take and how does it end?
 *
 *	m = fs_model_new(nchan, seed);
 *	fs_model_line(m, words, n, basedir, err, errcap);  (scenario lines)
 *	fs_model_decide(m, chan, domain, key, attempt, now, &result);
 *	fs_model_free(m);
 *
 * Lines fs_model_line() understands (the scenario language's):
 *	spawner CHAN [latency [ok|defer|fail] MODEL]... [outcome ok W defer W
 *		fail W] [retry ok W defer W fail W] [fds N]
 *	domain NAME [latency [ok|defer|fail] MODEL]... [outcome ...] [retry ...]
 *	outage TARGET from A to B|end defer|fail [latency MODEL]
 *	outage TARGET from A to B|end timeout SECONDS
 * MODEL is a distribution of fs_dist.h; weights are normalized and may
 * carry a '%'; "retry" weights, where given, decide the attempts after a
 * recipient's first (the domain's, else the channel's when the domain
 * has no weights of its own).  The outcome is drawn first, then the duration from the
 * most specific latency set for it: the domain's for that outcome, the
 * domain's general one, the channel's for that outcome, the channel's
 * general one (so a success never takes a timeout's time when the two
 * were measured apart).  A domain's settings override its channel's;
 * TARGET is a channel name (local, remote, supplK) or a domain.  Outages
 * apply to attempts that start in [A, B) ("end": never over); their
 * answers take the outage's latency when it has one, else the defer
 * (fail) latency; the first outage listed that matches wins.  Defaults:
 * latency const 1, outcome ok 100, fds 2.
 *
 * The answer is a pure function of the arguments and the seed (random
 * numbers from fs_rand.h, stream keyed by key and attempt), so the same
 * attempt gets the same answer in any run, in any configuration.
 */
#ifndef FS_MODEL_H
#define FS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fs_dist.h"
#include "qc.h"

#define FS_FDS_DEFAULT 2
#define FS_FDS_MAX 8

struct fs_model;

struct fs_result {
    qc_time latency;     /* from the request to the report */
    char status;         /* 'K', 'Z' or 'D', as on the spawn wire */
    const char *text;    /* report text after the status byte (static) */
    int outage;          /* 1 when an outage decided the answer */
};

/* fs_model_new - nchan channels, all with the defaults; NULL if no memory */
struct fs_model *fs_model_new(int nchan, uint64_t seed);
void fs_model_free(struct fs_model *m);
void fs_model_set_seed(struct fs_model *m, uint64_t seed);

/* fs_model_line - apply one spawner/domain/outage line (w[0] the
 * keyword); 0 ok, -1 error (err says what was expected), -2 when w[0]
 * is none of the three */
int fs_model_line(struct fs_model *m, char **w, int n, const char *basedir,
                  char *err, size_t errcap);

/* fs_model_decide - latency and outcome of one attempt (attempt counts
 * from 1); domain may be NULL */
void fs_model_decide(const struct fs_model *m, int chan, const char *domain,
                     uint64_t key, unsigned attempt, qc_time now,
                     struct fs_result *r);

/* fs_model_uses_domain - does the domain change any answer (domain
 * overrides or outages); when not, callers may pass NULL */
int fs_model_uses_domain(const struct fs_model *m);
/* fs_model_fds - descriptors chan's spawner holds per delivery in flight */
unsigned fs_model_fds(const struct fs_model *m, int chan);

/* fs_model_key - a recipient key from a message number and an address,
 * for hosts that have no message index of their own */
uint64_t fs_model_key(uint64_t msg, const char *rcpt);

#endif
