/*
 * proto.h - the byte protocols between qmail's daemons: encoders and
 * incremental decoders.
 *
 *	todo -> send	"D" + '0'/'1' per channel + decimal id, "\0"
 *			"L" + log text, "\0"
 *			"X\0": qmail-todo's answer to 'X' (ext_todo)
 *	send -> todo	single bytes 'S', 'H', 'X'
 *	spawn		handshake: the spawner's limit, 1 byte (classic) or
 *			2 bytes little-endian (big concurrency);
 *			request: slot (same width), path "\0" sender "\0"
 *			recipient "\0";
 *			report: slot, status byte, text, "\0"
 *	clean		request: path "\0"; answer: '+' or '!'
 *
 * Every decoder accepts its input cut at any byte boundary: feed() takes
 * what is available, consumes at most one record (to and including its
 * terminator) and says how many bytes it used.  It never reads past len
 * and never keeps more than PROTO_RECORD_MAX bytes of a record.  Text in
 * a decoded record points into the decoder and stays valid until the next
 * feed() on it.
 *
 * feed() returns PROTO_MORE (all input used, no complete record),
 * PROTO_OK (one record in *rec) or PROTO_ERR (one complete record that is
 * malformed; *err says why; its bytes are consumed, and the decoder is
 * ready for the next record).  err may be NULL.  "Record" means the bytes
 * before its final NUL: at most PROTO_RECORD_MAX of them are kept.
 *
 * Encoders return the exact number of bytes the record takes and write it
 * only when that fits cap (call with cap 0 to size a buffer).  They return
 * 0 for a record that cannot be encoded (bad width, number too large for
 * the width, text holding a NUL or over the record limit, empty path...).
 */
#ifndef PROTO_H
#define PROTO_H

#include "qc.h"

/* qmail's REPORTMAX and the todo record limit.  The fuzz build lowers
 * it (make's FUZZ_CFLAGS) so that an over-long record takes hundreds of
 * bytes, not ten thousand: the same code, its limit reached far more
 * often for the same work. */
#ifndef PROTO_RECORD_MAX
#define PROTO_RECORD_MAX 10000
#endif

enum proto_result { PROTO_ERR = -1, PROTO_MORE = 0, PROTO_OK = 1 };

enum proto_width { PROTO_WIDTH_CLASSIC = 1, PROTO_WIDTH_BIG = 2 };

/* proto_width_max - largest number the width carries: 255 or 65535 */
unsigned proto_width_max(enum proto_width w);

enum proto_error {
    PROTO_E_NONE = 0,
    PROTO_E_TYPE,       /* record type not D/L, command not S/H/X */
    PROTO_E_CHANNELS,   /* D record with the wrong number of 0/1 flags */
    PROTO_E_DIGITS,     /* message id missing or not decimal, or overflow */
    PROTO_E_TOOLONG,    /* record over PROTO_RECORD_MAX bytes (cut) */
    PROTO_E_STATUS,     /* report status byte not K, Z or D */
    PROTO_E_RANGE,      /* delivery number >= the table size */
    PROTO_E_EMPTY,      /* record with no content */
    PROTO_E_FIELDS,     /* request without its three fields */
    PROTO_E_ANSWER,     /* clean answer not '+' or '!' */
    PROTO_E_NARROW,     /* spawner limit begun, never finished */
    PROTO_E_WIDE,       /* spawner bytes after its limit, before a request */
};

/* proto_strerror - a short English phrase for err */
const char *proto_strerror(enum proto_error err);

/* What the decoders share (proto_record.c): proto_set_err stores e when
 * err is not NULL; proto_nul_take gathers one NUL-ended record into buf
 * (PROTO_RECORD_MAX + 1 bytes), keeping the head of an over-long one, and
 * answers 1 when its NUL was taken (buf is then NUL-terminated). */
void proto_set_err(enum proto_error *err, enum proto_error e);
int proto_nul_take(char *buf, size_t *blen, int *overflow, const char *in,
                   size_t len, size_t *used);

/* ---------------------------------------------------------- todo -> send */

/* D: the nchan bytes after 'D' are the flags ('0'/'1', else
 * PROTO_E_CHANNELS, also when the record ends first), the rest the id (one
 * or more digits within uint64_t, else PROTO_E_DIGITS).  All flags '0' is
 * valid.  nchan is 1..QC_MAX_CHANNELS.  On PROTO_E_TOOLONG for an L record
 * *rec holds the cut text. */

struct proto_todo_rec {
    char type;          /* 'D', 'L', or 'X' (qmail-todo has stopped) */
    uint64_t chanmask;  /* D: bit c set = recipients on channel c */
    uint64_t id;        /* D: message id */
    const char *text;   /* L: the log text (NUL-terminated) */
    size_t len;         /* L: its length */
};

struct proto_todo_dec {
    int nchan;
    size_t len;
    int overflow;
    char buf[PROTO_RECORD_MAX + 1];
};

void proto_todo_dec_init(struct proto_todo_dec *d, int nchan);
int proto_todo_dec_feed(struct proto_todo_dec *d, const char *in, size_t len,
                        size_t *used, struct proto_todo_rec *rec,
                        enum proto_error *err);
/* 0 when chanmask has bits at or above nchan */
size_t proto_todo_enc_delivery(char *out, size_t cap, int nchan,
                               uint64_t chanmask, uint64_t id);
size_t proto_todo_enc_log(char *out, size_t cap, const char *text,
                          size_t len);

/* ---------------------------------------------------------- send -> todo */

/* proto_cmd_decode - 'S', 'H' or 'X', or 0 with *err = PROTO_E_TYPE */
char proto_cmd_decode(char byte, enum proto_error *err);

/* ---------------------------------------------------------- spawn */

struct proto_limit_dec {
    enum proto_width width;
    unsigned have;
    unsigned value;
};

void proto_limit_dec_init(struct proto_limit_dec *d, enum proto_width w);
/* PROTO_OK with *limit once width bytes arrived */
int proto_limit_dec_feed(struct proto_limit_dec *d, const char *in,
                         size_t len, size_t *used, unsigned *limit);
size_t proto_limit_enc(char *out, size_t cap, enum proto_width w,
                       unsigned limit);
/* proto_limit_width_check - what a spawner's first bytes say about the
 * width w they are read with: have bytes of its limit came and then
 * nothing for a while (quiet), early bytes came after a complete limit
 * before any request.  PROTO_E_NONE: nothing wrong so far;
 * PROTO_E_NARROW: a limit begun and left unfinished (a classic 1-byte
 * spawner read as 2); PROTO_E_WIDE: bytes before any request (a 2-byte
 * spawner read as 1; read as 2, no spawner at all) */
enum proto_error proto_limit_width_check(enum proto_width w, unsigned have,
                                         int quiet, size_t early);

struct proto_request {
    unsigned slot;
    const char *path;    /* message file relative to queue/mess: "12/457" */
    const char *sender;
    const char *rcpt;
};

struct proto_request_dec {
    enum proto_width width;
    unsigned nslots;     /* delivery numbers must be < nslots */
    size_t len;
    int overflow;
    unsigned nuls;
    char buf[PROTO_RECORD_MAX + 1];
};

/* The path is what qmail-send's fnmake_split() makes: "<id % split>/<id>".
 * On every PROTO_ERR *req is filled as far as the bytes go (fields past a
 * cut are ""), so a spawner can answer for that slot: PROTO_E_TOOLONG,
 * PROTO_E_RANGE (slot >= nslots), PROTO_E_FIELDS (empty path or empty
 * recipient; an empty sender is a bounce and valid), in that order. */
void proto_request_dec_init(struct proto_request_dec *d, enum proto_width w,
                            unsigned nslots);
int proto_request_dec_feed(struct proto_request_dec *d, const char *in,
                           size_t len, size_t *used,
                           struct proto_request *req, enum proto_error *err);
size_t proto_request_enc(char *out, size_t cap, enum proto_width w,
                         unsigned slot, const char *path, const char *sender,
                         const char *rcpt);

struct proto_report {
    unsigned slot;
    char status;        /* 'K', 'Z', 'D' (or the bad byte, PROTO_E_STATUS) */
    const char *text;   /* after the status byte, NUL-terminated */
    size_t len;
};

struct proto_report_dec {
    enum proto_width width;
    unsigned nslots;
    size_t len;
    int overflow;
    char buf[PROTO_RECORD_MAX + 1];
};

/* A NUL ends a report only after the slot bytes (they may be 0).  On every
 * PROTO_ERR *rep is filled; errors in this order: PROTO_E_RANGE (slot >=
 * nslots), PROTO_E_STATUS (status byte not K/Z/D, or 0 when the report
 * had none: qmail-send defers it), PROTO_E_TOOLONG (status valid, text
 * cut: qmail-send acts on it as usual). */
void proto_report_dec_init(struct proto_report_dec *d, enum proto_width w,
                           unsigned nslots);
/* proto_report_dec_resize - the table grew or shrank (SIGHUP) */
void proto_report_dec_resize(struct proto_report_dec *d, unsigned nslots);
int proto_report_dec_feed(struct proto_report_dec *d, const char *in,
                          size_t len, size_t *used, struct proto_report *rep,
                          enum proto_error *err);
/* status must not be 0; other bad bytes are written (to test mangling) */
size_t proto_report_enc(char *out, size_t cap, enum proto_width w,
                        unsigned slot, char status, const char *text,
                        size_t len);
/* proto_report_text_max - the longest text a report of width w carries */
size_t proto_report_text_max(enum proto_width w);

/* ---------------------------------------------------------- clean */

struct proto_clean_dec {
    size_t len;
    int overflow;
    char buf[PROTO_RECORD_MAX + 1];
};

void proto_clean_dec_init(struct proto_clean_dec *d);
/* PROTO_OK with *path = the request's path; PROTO_E_EMPTY for a lone NUL,
 * PROTO_E_TOOLONG with *path cut (never act on it) */
int proto_clean_dec_feed(struct proto_clean_dec *d, const char *in,
                         size_t len, size_t *used, const char **path,
                         enum proto_error *err);
size_t proto_clean_enc_request(char *out, size_t cap, const char *path);
/* proto_clean_answer - 1 for '+', 0 for '!', -1 (PROTO_E_ANSWER) else */
int proto_clean_answer(char byte, enum proto_error *err);

#endif
