/*
 * sim_int.h - the simulator's state, shared by its files (not an
 * interface: sim.h is).
 *
 * Memory is what bounds a big run, so a recipient is a 12-byte record in
 * one array for the whole run, a message a small record in another, and
 * addresses are made on demand from the message number and the domain
 * unless they had to be stored (replayed addresses, rewritten ones) in
 * one growing text arena.
 */
#ifndef SIM_INT_H
#define SIM_INT_H

#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "fs_model.h"
#include "sched.h"
#include "sim.h"
#include "sim_fds.h"
#include "sim_heap.h"
#include "todo_step.h"

#define SIM_NONE UINT32_MAX

/* room for any generated address: "u", two numbers, ".", "@", a domain
 * cut at 299 bytes and the NUL */
#define SIM_ADDR_ROOM (1 + 20 + 1 + 20 + 1 + 299 + 1)

/* dom_chan values besides a channel number */
#define DOM_CHAN_UNKNOWN 0xff  /* not asked yet (and after a HUP) */
#define DOM_CHAN_ADDRESS 0xfe  /* the local part decides: classify each */

/* recipient state bits */
#define RS_OK 1        /* final: delivered */
#define RS_FAIL 2      /* final: failed (bounced) */
#define RS_DONE 4      /* its record is marked done */
#define RS_INFLIGHT 8  /* a delivery is running */

/* a recipient's where: RCPT_STORED and the arena offset of its address
 * (replayed, or rewritten by qmail-todo), or else the index of its
 * domain (sim_domain_name), the address made on demand; both stay below
 * RCPT_STORED (the arena is held under 2 GB) */
#define RCPT_STORED 0x80000000u

struct sim_rcpt {
    uint32_t where;
    uint16_t attempts;
    uint8_t chan;
    uint8_t state;
};

/* message flags */
#define MF_TODO 1      /* classified and reported to the scheduler */
#define MF_BOUNCE 2    /* has a failed recipient */
#define MF_DONE 4      /* finished */
#define MF_CARRIED 8   /* queued before the scenario began: no new msg
                          line, its birth from its replay row, no
                          arrival-to-outcome latency (its arrival is
                          unknown) */

/* 20 bytes: the arrival in two halves keeps the record 4-byte aligned
 * (sim_msg_arrival); the sender is its generator's, or its replay row's
 * (sim_msg_sender), not a field */
struct sim_msg {
    uint32_t arrival_lo, arrival_hi;
    uint32_t index;    /* within its generator: with gen, the key of its
                          random numbers (sim_msg_key); a replay row */
    uint32_t first;    /* first recipient */
    uint16_t nrcpt;
    uint8_t flags;
    uint8_t gen;
};

struct sim_slot {
    uint32_t msg;      /* message index */
    uint32_t rcpt;     /* recipient index */
    uint32_t gen;      /* completion events carry it: stale ones differ */
    uint8_t active;
    uint8_t spawned;   /* holds descriptors and a process */
    uint8_t nfds;
    char status;
    const char *text;
    int fds[FS_FDS_MAX];
};

struct sim_chan {
    struct sim_slot *slots;
    unsigned nslots;
    unsigned inflight;
    int alive;         /* its spawner runs */
    int pass_fd;       /* qmail-send's descriptor of the open pass */
    uint32_t pass_msg, pass_next, pass_last;  /* the pass cursor */
    char addr[1024];   /* pass_next's address buffer */
    const char *text_last;   /* the last report text and its length: the */
    size_t text_len;         /* texts are constants (fs_model's and the
                                spawner's own), so a pointer says which */
    int64_t *lat;      /* final-outcome latencies, microseconds */
    size_t nlat, latcap;
    unsigned long long iv_ok, iv_defer, iv_fail;  /* since the last sample */
};

enum sim_ev_type {
    EV_ARRIVE = 1,  /* a: generator, b: index */
    EV_TODO,        /* qmail-todo finishes the next message */
    EV_DONE,        /* a: channel, b: slot | generation << 32 */
    EV_WAKE,        /* the scheduler's wakeup */
    EV_SAMPLE,
    EV_ACTION,      /* a: action index */
    EV_KILL,        /* a: channel; b: 1 when select() broke */
};

struct sim {
    const struct sim_scn *sc;
    const struct sim_opts *opts;
    struct sim_result *r;
    struct control control;        /* as in force (HUP changes it) */
    struct classify *cl;
    struct todo_step todo;         /* qmail-todo's step, its buffer reused */
    struct sched *sched;
    struct sim_fds fds;
    struct sim_heap heap;
    qc_time now;
    qc_time wake_at;
    qc_time last_sample;
    int nchan;
    struct sim_chan chans[QC_MAX_CHANNELS];
    struct sim_msg *msgs;
    size_t nmsgs, msgcap;
    struct sim_rcpt *rcpts;
    size_t nrcpts, rcptcap;
    char *arena;
    size_t arenalen, arenacap;
    uint64_t stream_arrival, stream_nrcpt;  /* fs_rand_stream of the seed */
    uint64_t stream_target, stream_domain;
    uint32_t *gen_sender;          /* arena offset per generator */
    uint32_t *pool_base;           /* first domain index of each pool */
    uint32_t *gen_dom_base;        /* first domain index of a generator's
                                      targets */
    uint32_t ndomains;             /* explicit + pool domains */
    uint8_t *dom_chan;             /* per domain: DOM_CHAN_* or the channel
                                      classify_domain gave */
    char **dom_names;              /* explicit target domains */
    uint16_t *dom_lens;            /* their lengths, cut at 299 */
    uint32_t nexplicit;
    size_t todo_next;              /* next message for qmail-todo */
    int todo_busy;                 /* an EV_TODO is pending */
    size_t gens_active;            /* generators with arrivals to come */
    unsigned long long finished;
    qc_time last_finish;           /* when the last message finished */
    int oom;
    int stop;
    int keep_addr;                 /* pass_next gives addresses' text */
    unsigned spawn_hit_seen[QC_MAX_CHANNELS];
    unsigned send_hit_seen, todo_hit_seen;
};

/* sim_msg_arrival - when the message arrived */
static inline qc_time sim_msg_arrival(const struct sim_msg *m)
{
    return (qc_time)((uint64_t)m->arrival_hi << 32 | m->arrival_lo);
}

/* sim_msg_key - the random-stream key of a message: generator and index */
static inline uint64_t sim_msg_key(const struct sim_msg *m)
{
    return ((uint64_t)m->gen + 1) << 40 | m->index;
}

/* sim_store.c */
void sim_store_bind(struct sim *s, struct sched_store *st);
uint32_t sim_arena_add(struct sim *s, const char *str);
const char *sim_msg_sender(const struct sim *s, size_t m);
const char *sim_rcpt_addr(struct sim *s, size_t msg, size_t rcpt, char *buf,
                          size_t cap);
void sim_domain_name(const struct sim *s, uint32_t dom, char *buf,
                     size_t cap);
int sim_new_message(struct sim *s, size_t gen, uint64_t index);
int sim_add_rcpt(struct sim *s, uint32_t dom, const char *addr);
int sim_todo_message(struct sim *s, size_t m);
void sim_todo_log_new(struct sim *s, size_t m);

/* sim_fmt.c */
struct sim_row {
    char b[512];
    size_t n;
    unsigned fields;
};
char *sim_put_dec(char *p, unsigned long long v);
void sim_row_str(struct sim_row *r, const char *str);
void sim_row_u(struct sim_row *r, unsigned long long v);
void sim_row_i(struct sim_row *r, long long v);
void sim_row_end(struct sim_row *r, FILE *f);

/* sim_mem.c */
void *sim_mem_grow(void *p, size_t old, size_t new);
void sim_mem_free(void *p, size_t size);
extern const struct qc_alloc sim_mem_core;  /* the same, for the core */

/* sim_engine.c */
void sim_violation(struct sim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sim_finding_add(struct sim *s, const struct sim_finding *f);
void sim_log_line(struct sim *s, const char *line, size_t len);

/* sim_traffic.c */
int sim_traffic_start(struct sim *s);
int sim_traffic_arrive(struct sim *s, uint32_t gen, uint64_t index);

/* sim_result.c */
void sim_result_build(struct sim *s);

#endif
