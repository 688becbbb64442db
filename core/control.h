/*
 * control.h - qmail control values, read with qmail's own rules.
 *
 * control_load() reads a control directory into struct control:
 *	- trailing spaces, tabs and the newline are stripped;
 *	- in list files blank lines and lines starting with '#' are skipped;
 *	- a number file that does not start with a digit counts as absent;
 *	- a missing `locals` means the value of `me`; a missing `me` leaves
 *	  it NULL (and locals empty);
 *	- defaults: concurrencylocal 10, concurrencyremote 20,
 *	  concurrencysupplK 20, queuelifetime 604800, bouncefrom
 *	  "MAILER-DAEMON", doublebounceto "postmaster"; envnoathost,
 *	  bouncehost and doublebouncehost default to me, or when me is
 *	  missing to "envnoathost", "bouncehost", "doublebouncehost"
 *	  (qmail's control_rldef with flagme set).
 * The number of channels is 2 + supplemental channels: given by the
 * caller, or (nchan 0) 2 + one past the highest K of any supplsK or
 * concurrencysupplK file present.  Given, a supplsK or concurrencysupplK
 * file for a channel beyond it is an error naming the file.  A missing or
 * unreadable directory or file (other than "does not exist") is an error.
 *
 * control_set() applies one NAME=VALUE change the way a scenario or
 * --set does: number controls replace, list controls append one entry.
 * Setting `me` also changes the values that came from me because their
 * file was absent; setting supplsK or concurrencysupplK beyond the
 * channels there are adds channels (up to QC_MAX_CHANNELS).
 */
#ifndef CONTROL_H
#define CONTROL_H

#include "qc.h"

struct control_list {
    char **items;   /* entries in file order, stripped, NUL-terminated */
    size_t n;
};

struct control {
    const struct qc_alloc *alloc;   /* every string and list (NULL: malloc) */
    int nchan;
    char *me;
    char *envnoathost;
    char *bouncefrom;
    char *bouncehost;
    char *doublebouncehost;
    char *doublebounceto;
    struct control_list locals;
    struct control_list percenthack;
    struct control_list virtualdomains;    /* raw "key:prepend" lines */
    long queuelifetime;                     /* seconds */
    unsigned concurrency[QC_MAX_CHANNELS];  /* [0] local [1] remote [2+K] */
    struct control_list suppls[QC_MAX_CHANNELS]; /* [K] = supplsK */
    unsigned from_me;   /* internal: which values are me's (no file) */
};

struct control_error {
    char file[512];   /* the file (or "--set") the problem is in */
    unsigned line;    /* 0 when no line applies */
    char msg[256];
    int nomem;        /* the failure was memory running out: nothing is
                         wrong with the files, a later try may work */
};

/*
 * Memory: every string and list of a control set comes from the alloc
 * given to control_init or control_load (NULL: malloc), which must
 * outlive it; a copy takes its source's.  When memory runs out, each
 * call fails cleanly: control_init, control_load and control_copy leave
 * nothing behind (err->nomem says why), control_set leaves the set as
 * it was.
 */

/* Where control_load_source's files come from: control_load's is the
 * directory; a test may give files from memory. */
struct control_text;    /* control_file.h */
struct control_source {
    const char *dir;    /* named in messages, as dir/name */
    /* read - the whole of file name into a block from alloc, as
     * control_file_read: 1 read, 0 absent, -1 error (err set) */
    int (*read)(void *ctx, const char *name, const struct qc_alloc *alloc,
                struct control_text *text, struct control_error *err);
    /* names - fn(name, arg) for each file there is, in any order; 0, fn's
     * first non-zero answer, or -1 (err set) when they cannot be listed */
    int (*names)(void *ctx, int (*fn)(const char *name, void *arg),
                 void *arg, struct control_error *err);
    void *ctx;
};

/* control_init - defaults only, nchan channels (2..QC_MAX_CHANNELS) */
int control_init(struct control *c, int nchan, const struct qc_alloc *alloc);
/* control_load - read dir; nchan 0 = from the files; 0 ok, -1 error
 * (then c holds nothing and control_free(c) is harmless) */
int control_load(struct control *c, const char *dir, int nchan,
                 const struct qc_alloc *alloc, struct control_error *err);
/* control_load_source - control_load from any source */
int control_load_source(struct control *c, const struct control_source *src,
                        int nchan, const struct qc_alloc *alloc,
                        struct control_error *err);
/* control_set - one change: "concurrencyremote" "60", "suppls0" "x.org";
 * on any error c is unchanged */
int control_set(struct control *c, const char *name, const char *value,
                struct control_error *err);
/* control_copy - deep copy, from src's allocator; 0 ok, -1 out of memory
 * (dst then holds nothing) */
int control_copy(struct control *dst, const struct control *src);
void control_free(struct control *c);

#endif
