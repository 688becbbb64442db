/*
 * control.c - qmail control values: defaults, loading a directory, changes.
 *
 *	control_init(c, nchan, alloc)	qmail's defaults, no files
 *	control_load(c, dir, nchan, alloc, err)	read a control directory
 *	control_load_source(c, src, nchan, alloc, err)	the same from any source
 *	control_set(c, name, value, err)	one scenario or --set change
 *	control_copy(dst, src)		deep copy
 *	control_free(c)
 *
 * Which file means what follows qmail-send's and qmail-todo's
 * getcontrols(); how a file is read follows qmail's control.c (see
 * control_file.c).  Values that qmail takes from `me` when their own file
 * is absent (locals, envnoathost, bouncehost, doublebouncehost) are
 * remembered as such in from_me, so that a later change of `me` moves them
 * too: the result is the same as if the directory had held that `me`.
 *
 * Diagnostics: every failure fills struct control_error with the file (or
 * "--set") and a message; nothing is printed here.
 *
 * Memory comes from c->alloc.  A change is made whole or not at all:
 * what a change needs is allocated first and put in place only when all
 * of it was granted (apply_me, set_list), so a refusal leaves the set
 * as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "control_file.h"
#include "decimal.h"

#define FROM_ME_LOCALS 1u
#define FROM_ME_ENVNOATHOST 2u
#define FROM_ME_BOUNCEHOST 4u
#define FROM_ME_DOUBLEBOUNCEHOST 8u
#define FROM_ME_ALL 15u

#define MAX_SUPPL (QC_MAX_CHANNELS - 2)

static const struct {
    const char *name;
    size_t off;
    const char *def;     /* NULL: no default (me) */
    unsigned from_me;    /* the me bit, 0 if me is not its default */
} str_controls[] = {
    {"me", offsetof(struct control, me), NULL, 0},
    {"envnoathost", offsetof(struct control, envnoathost), "envnoathost",
     FROM_ME_ENVNOATHOST},
    {"bouncefrom", offsetof(struct control, bouncefrom), "MAILER-DAEMON", 0},
    {"bouncehost", offsetof(struct control, bouncehost), "bouncehost",
     FROM_ME_BOUNCEHOST},
    {"doublebouncehost", offsetof(struct control, doublebouncehost),
     "doublebouncehost", FROM_ME_DOUBLEBOUNCEHOST},
    {"doublebounceto", offsetof(struct control, doublebounceto), "postmaster",
     0},
};
#define NSTR (sizeof str_controls / sizeof str_controls[0])

/* str_field - the struct member a string control lives in */
static char **str_field(struct control *c, size_t i)
{
    return (char **)((char *)c + str_controls[i].off);
}

/* replace - *field = copy of value; -1 out of memory (field unchanged) */
static int replace(const struct qc_alloc *a, char **field, const char *value)
{
    char *s = qc_strndup(a, value, strlen(value));
    if (!s)
        return -1;
    qc_strfree(a, *field);
    *field = s;
    return 0;
}

/* list_append - one more entry at the end; -1 (list unchanged) if out of
 * memory */
static int list_append(const struct qc_alloc *a, struct control_list *l,
                       const char *s)
{
    char *d = qc_strndup(a, s, strlen(s));
    char **ni = d ? qc_resize(a, l->items, l->n * sizeof *ni,
                              (l->n + 1) * sizeof *ni)
                  : NULL;
    if (!ni) {
        qc_strfree(a, d);
        return -1;
    }
    ni[l->n++] = d;
    l->items = ni;
    return 0;
}

/* list_clear - no entries */
static void list_clear(const struct qc_alloc *a, struct control_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        qc_strfree(a, l->items[i]);
    qc_release(a, l->items, l->n * sizeof *l->items);
    l->items = NULL;
    l->n = 0;
}

/* list_copy - deep copy of src into the empty dst */
static int list_copy(const struct qc_alloc *a, struct control_list *dst,
                     const struct control_list *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (list_append(a, dst, src->items[i]) < 0)
            return -1;
    return 0;
}

/* suppl_index - K of "<prefix>K" written as qmail writes it (no leading
 * zero), -1 if name is not of that form, MAX_SUPPL+ if K is too big */
static int suppl_index(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix);
    const char *p = name + pl;
    int k = 0;

    if (strncmp(name, prefix, pl) != 0 || *p < '0' || *p > '9' ||
        (p[0] == '0' && p[1] != '\0'))
        return -1;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (k <= MAX_SUPPL)
            k = k * 10 + (*p - '0');
    }
    return k;
}

/* file_suppl_index - K of a supplsK or concurrencysupplK name, else -1 */
static int file_suppl_index(const char *name)
{
    int k = suppl_index(name, "suppls");
    return k >= 0 ? k : suppl_index(name, "concurrencysuppl");
}

/* control_free - release everything; c is left empty */
void control_free(struct control *c)
{
    if (!c)
        return;
    const struct qc_alloc *a = c->alloc;
    for (size_t i = 0; i < NSTR; i++)
        qc_strfree(a, *str_field(c, i));
    list_clear(a, &c->locals);
    list_clear(a, &c->percenthack);
    list_clear(a, &c->virtualdomains);
    for (int k = 0; k < QC_MAX_CHANNELS; k++)
        list_clear(a, &c->suppls[k]);
    memset(c, 0, sizeof *c);
}

/* control_init - qmail's defaults for a directory without files */
int control_init(struct control *c, int nchan, const struct qc_alloc *alloc)
{
    memset(c, 0, sizeof *c);
    if (nchan < QC_MIN_CHANNELS || nchan > QC_MAX_CHANNELS)
        return -1;
    c->alloc = alloc;
    c->nchan = nchan;
    c->queuelifetime = 604800;
    c->concurrency[QC_CHAN_LOCAL] = 10;
    for (int i = QC_CHAN_REMOTE; i < QC_MAX_CHANNELS; i++)
        c->concurrency[i] = 20;
    for (size_t i = 0; i < NSTR; i++)
        if (str_controls[i].def && replace(alloc, str_field(c, i),
                                           str_controls[i].def) < 0) {
            control_free(c);
            return -1;
        }
    /* with me missing the defaults above stand; a me set later
     * replaces them, as if the file had been there */
    c->from_me = FROM_ME_ALL;
    return 0;
}

/* apply_me - give the values still taken from me the value of me: all
 * of them, or (out of memory) none */
static int apply_me(struct control *c)
{
    const struct qc_alloc *a = c->alloc;
    char *copy[NSTR] = {NULL};
    struct control_list locals = {NULL, 0};
    for (size_t i = 0; i < NSTR; i++)
        if ((c->from_me & str_controls[i].from_me) &&
            !(copy[i] = qc_strndup(a, c->me, strlen(c->me))))
            goto undo;
    if ((c->from_me & FROM_ME_LOCALS) && list_append(a, &locals, c->me) < 0)
        goto undo;
    for (size_t i = 0; i < NSTR; i++)
        if (copy[i]) {
            qc_strfree(a, *str_field(c, i));
            *str_field(c, i) = copy[i];
        }
    if (c->from_me & FROM_ME_LOCALS) {
        list_clear(a, &c->locals);
        c->locals = locals;
    }
    return 0;
undo:
    for (size_t i = 0; i < NSTR; i++)
        qc_strfree(a, copy[i]);
    list_clear(a, &locals);
    return -1;
}

/* ---------------------------------------------------------------- loading */

/* dir_read - control_source reader of a directory */
static int dir_read(void *ctx, const char *name, const struct qc_alloc *alloc,
                    struct control_text *text, struct control_error *err)
{
    return control_file_read(ctx, name, alloc, text, err);
}

/* dir_names - control_source lister of a directory */
static int dir_names(void *ctx, int (*fn)(const char *name, void *arg),
                     void *arg, struct control_error *err)
{
    const char *dir = ctx;
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d) {
        control_error_set(err, dir, 0, "cannot open control directory: %s",
                          strerror(errno));
        return -1;
    }
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        int r = fn(de->d_name, arg);
        if (r) {
            closedir(d);
            return r;
        }
    }
    if (errno) {
        control_error_set(err, dir, 0, "cannot read control directory: %s",
                          strerror(errno));
        closedir(d);
        return -1;
    }
    closedir(d);
    return 0;
}

struct scan_ctx {
    const char *dir;
    int nchan, maxk;
    struct control_error *err;
};

/* scan_name - note the K of a supplsK/concurrencysupplK name; -1 (err
 * set) for a K beyond the channels */
static int scan_name(const char *name, void *arg)
{
    struct scan_ctx *sc = arg;
    int k = file_suppl_index(name);
    if (k < 0)
        return 0;
    if (k >= MAX_SUPPL || (sc->nchan && k >= sc->nchan - 2)) {
        char path[sizeof sc->err->file];
        snprintf(path, sizeof path, "%s/%s", sc->dir, name);
        if (k >= MAX_SUPPL)
            control_error_set(sc->err, path, 0, "supplemental channel %s but "
                              "at most %d channels",
                              name + strcspn(name, "0123456789"),
                              QC_MAX_CHANNELS);
        else
            control_error_set(sc->err, path, 0, "supplemental channel %d but "
                              "only %d channels", k, sc->nchan);
        return -1;
    }
    if (k > sc->maxk)
        sc->maxk = k;
    return 0;
}

/* scan_dir - highest K of a supplsK/concurrencysupplK file, -1 if none;
 * -2 on error.  With nchan given, a K beyond it is an error. */
static int scan_dir(const struct control_source *src, int nchan,
                    struct control_error *err)
{
    struct scan_ctx sc = {src->dir, nchan, -1, err};
    if (src->names(src->ctx, scan_name, &sc, err) != 0)
        return -2;
    return sc.maxk;
}

struct list_ctx {
    const struct qc_alloc *alloc;
    struct control_list *l;
    int need_colon;      /* virtualdomains: a line without ':' is skipped */
};

/* add_entry - control_file_list callback */
static int add_entry(const char *entry, unsigned lineno, void *ctx)
{
    struct list_ctx *lc = ctx;

    (void)lineno;
    if (lc->need_colon && !strchr(entry, ':'))
        return 0;
    return list_append(lc->alloc, lc->l, entry) < 0 ? -1 : 0;
}

/* nomem - the out-of-memory error */
static int nomem(struct control_error *err, const char *dir, const char *name)
{
    char path[sizeof err->file];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    control_error_set(err, path, 0, "out of memory");
    if (err)
        err->nomem = 1;
    return -1;
}

/* load_string - a first-line control; absent leaves the default */
static int load_string(struct control *c, const struct control_source *src, size_t i,
                       struct control_error *err)
{
    struct control_text t;
    int r = src->read(src->ctx, str_controls[i].name, c->alloc, &t, err);

    if (r <= 0)
        return r;
    char *line = control_file_line(c->alloc, t.buf, t.len);
    control_file_drop(c->alloc, &t);
    if (!line)
        return nomem(err, src->dir, str_controls[i].name);
    qc_strfree(c->alloc, *str_field(c, i));
    *str_field(c, i) = line;
    c->from_me &= ~str_controls[i].from_me;
    return 1;
}

/* load_number - a number control; absent or not a number keeps *v */
static int load_number(const struct control *c, const struct control_source *src,
                       const char *name, unsigned long max, unsigned long *v,
                       struct control_error *err)
{
    struct control_text t;
    int r = src->read(src->ctx, name, c->alloc, &t, err);

    if (r <= 0)
        return r;
    r = control_file_number(t.buf, t.len, max, v);
    control_file_drop(c->alloc, &t);
    return r;
}

/* load_list - a list control; 1 present, 0 absent (list untouched) */
static int load_list(const struct control *c, struct control_list *l,
                     const struct control_source *src, const char *name, int need_colon,
                     struct control_error *err)
{
    struct control_text t;
    int r = src->read(src->ctx, name, c->alloc, &t, err);

    if (r <= 0)
        return r;
    struct list_ctx lc = {c->alloc, l, need_colon};
    list_clear(c->alloc, l);
    r = control_file_list(t.buf, t.len, add_entry, &lc);
    control_file_drop(c->alloc, &t);
    return r ? nomem(err, src->dir, name) : 1;
}

/* load_numbers - queuelifetime and the concurrency of every channel */
static int load_numbers(struct control *c, const struct control_source *src,
                        struct control_error *err)
{
    unsigned long v;
    char name[32];

    v = (unsigned long)c->queuelifetime;
    if (load_number(c, src, "queuelifetime", LONG_MAX, &v, err) < 0)
        return -1;
    c->queuelifetime = (long)v;
    for (int ch = 0; ch < c->nchan; ch++) {
        if (ch == QC_CHAN_LOCAL)
            snprintf(name, sizeof name, "concurrencylocal");
        else if (ch == QC_CHAN_REMOTE)
            snprintf(name, sizeof name, "concurrencyremote");
        else
            snprintf(name, sizeof name, "concurrencysuppl%d", ch - 2);
        v = c->concurrency[ch];
        if (load_number(c, src, name, UINT_MAX, &v, err) < 0)
            return -1;
        c->concurrency[ch] = (unsigned)v;
    }
    return 0;
}

/* load_lists - locals, percenthack, virtualdomains, suppls */
static int load_lists(struct control *c, const struct control_source *src,
                      struct control_error *err)
{
    char name[32];
    int r = load_list(c, &c->locals, src, "locals", 0, err);

    if (r < 0)
        return -1;
    if (r > 0)
        c->from_me &= ~FROM_ME_LOCALS;
    if (load_list(c, &c->percenthack, src, "percenthack", 0, err) < 0 ||
        load_list(c, &c->virtualdomains, src, "virtualdomains", 1, err) < 0)
        return -1;
    for (int k = 0; k < c->nchan - 2; k++) {
        snprintf(name, sizeof name, "suppls%d", k);
        if (load_list(c, &c->suppls[k], src, name, 0, err) < 0)
            return -1;
    }
    return 0;
}

/* control_load - read the control directory dir */
int control_load(struct control *c, const char *dir, int nchan,
                 const struct qc_alloc *alloc, struct control_error *err)
{
    struct control_source src = {dir, dir_read, dir_names, (void *)dir};
    return control_load_source(c, &src, nchan, alloc, err);
}

/* control_load_source - read the control files src gives */
int control_load_source(struct control *c, const struct control_source *src,
                        int nchan, const struct qc_alloc *alloc,
                        struct control_error *err)
{
    const char *dir = src->dir;
    memset(c, 0, sizeof *c);
    if (nchan != 0 && (nchan < QC_MIN_CHANNELS || nchan > QC_MAX_CHANNELS)) {
        control_error_set(err, dir, 0, "%d channels: must be %d to %d",
                          nchan, QC_MIN_CHANNELS, QC_MAX_CHANNELS);
        return -1;
    }
    int maxk = scan_dir(src, nchan, err);
    if (maxk < -1)
        return -1;
    if (control_init(c, nchan ? nchan : maxk + 3, alloc) < 0)
        return nomem(err, dir, ".");
    /* me first: the files that are absent fall back to it */
    size_t i_me = 0;
    int r = load_string(c, src, i_me, err);
    if (r < 0)
        goto fail;
    if (r > 0 && apply_me(c) < 0) {
        nomem(err, dir, "me");
        goto fail;
    }
    for (size_t i = 1; i < NSTR; i++)
        if (load_string(c, src, i, err) < 0)
            goto fail;
    if (load_numbers(c, src, err) < 0 || load_lists(c, src, err) < 0)
        goto fail;
    return 0;
fail:
    control_free(c);
    return -1;
}

/* ---------------------------------------------------------------- changes */

/* grow_to - make channel chan exist (supplemental channels added) */
static int grow_to(struct control *c, int chan, const char *name,
                   struct control_error *err)
{
    if (chan >= QC_MAX_CHANNELS) {
        control_error_set(err, "--set", 0, "%s: supplemental channel %d but "
                          "at most %d channels", name, chan - 2,
                          QC_MAX_CHANNELS);
        return -1;
    }
    if (chan >= c->nchan)
        c->nchan = chan + 1;
    return 0;
}

/* set_number - concurrency or queuelifetime */
static int set_number(struct control *c, const char *name, const char *value,
                      int chan, struct control_error *err)
{
    uint64_t v;
    unsigned long max = chan < 0 ? LONG_MAX : UINT_MAX;

    if (decimal_parse_u64(value, max, &v) < 0) {
        control_error_set(err, "--set", 0, "%s: '%s' is not a number from 0 "
                          "to %lu", name, value, max);
        return -1;
    }
    if (chan < 0)
        c->queuelifetime = (long)v;
    else if (grow_to(c, chan, name, err) < 0)
        return -1;
    else
        c->concurrency[chan] = (unsigned)v;
    return 0;
}

/* set_nomem - a change refused for memory */
static int set_nomem(struct control_error *err, const char *name)
{
    control_error_set(err, "--set", 0, "%s: out of memory", name);
    if (err)
        err->nomem = 1;
    return -1;
}

/* set_list - append one entry to a list control */
static int set_list(struct control *c, struct control_list *l,
                    const char *name, const char *value,
                    struct control_error *err)
{
    if (!*value) {
        control_error_set(err, "--set", 0, "%s: empty entry", name);
        return -1;
    }
    if (l == &c->virtualdomains && !strchr(value, ':')) {
        control_error_set(err, "--set", 0, "virtualdomains: '%s' is not "
                          "key:prepend", value);
        return -1;
    }
    /* locals taken from me was no file; the first entry set is the file */
    int fresh = l == &c->locals && (c->from_me & FROM_ME_LOCALS);
    struct control_list one = {NULL, 0};
    if (list_append(c->alloc, fresh ? &one : l, value) < 0)
        return set_nomem(err, name);
    if (fresh) {
        list_clear(c->alloc, l);
        *l = one;
        c->from_me &= ~FROM_ME_LOCALS;
    }
    return 0;
}

/* set_string - a first-line control */
static int set_string(struct control *c, size_t i, const char *value,
                      struct control_error *err)
{
    char *old = *str_field(c, i);
    char *copy = qc_strndup(c->alloc, value, strlen(value));
    if (!copy)
        return set_nomem(err, str_controls[i].name);
    *str_field(c, i) = copy;
    if (i == 0 && apply_me(c) < 0) {
        *str_field(c, i) = old;
        qc_strfree(c->alloc, copy);
        return set_nomem(err, str_controls[i].name);
    }
    qc_strfree(c->alloc, old);
    c->from_me &= ~str_controls[i].from_me;
    return 0;
}

/* control_set - one NAME=VALUE change */
int control_set(struct control *c, const char *name, const char *value,
                struct control_error *err)
{
    int k;

    for (size_t i = 0; i < NSTR; i++)
        if (strcmp(name, str_controls[i].name) == 0)
            return set_string(c, i, value, err);
    if (strcmp(name, "queuelifetime") == 0)
        return set_number(c, name, value, -1, err);
    if (strcmp(name, "concurrencylocal") == 0)
        return set_number(c, name, value, QC_CHAN_LOCAL, err);
    if (strcmp(name, "concurrencyremote") == 0)
        return set_number(c, name, value, QC_CHAN_REMOTE, err);
    if ((k = suppl_index(name, "concurrencysuppl")) >= 0)
        return set_number(c, name, value, k + 2, err);
    if (strcmp(name, "locals") == 0)
        return set_list(c, &c->locals, name, value, err);
    if (strcmp(name, "percenthack") == 0)
        return set_list(c, &c->percenthack, name, value, err);
    if (strcmp(name, "virtualdomains") == 0)
        return set_list(c, &c->virtualdomains, name, value, err);
    if ((k = suppl_index(name, "suppls")) >= 0) {
        /* the channel is added only with its entry */
        int nchan = c->nchan;
        if (grow_to(c, k + 2, name, err) < 0)
            return -1;
        if (set_list(c, &c->suppls[k], name, value, err) < 0) {
            c->nchan = nchan;
            return -1;
        }
        return 0;
    }
    control_error_set(err, "--set", 0, "unknown control '%s'", name);
    return -1;
}

/* control_copy - deep copy of src into dst */
int control_copy(struct control *dst, const struct control *src)
{
    const struct qc_alloc *a = src->alloc;
    *dst = *src;
    for (size_t i = 0; i < NSTR; i++)
        *str_field(dst, i) = NULL;
    memset(&dst->locals, 0, sizeof dst->locals);
    memset(&dst->percenthack, 0, sizeof dst->percenthack);
    memset(&dst->virtualdomains, 0, sizeof dst->virtualdomains);
    memset(dst->suppls, 0, sizeof dst->suppls);
    for (size_t i = 0; i < NSTR; i++) {
        const char *s = *str_field((struct control *)src, i);
        if (s && replace(a, str_field(dst, i), s) < 0)
            goto fail;
    }
    if (list_copy(a, &dst->locals, &src->locals) < 0 ||
        list_copy(a, &dst->percenthack, &src->percenthack) < 0 ||
        list_copy(a, &dst->virtualdomains, &src->virtualdomains) < 0)
        goto fail;
    for (int k = 0; k < MAX_SUPPL; k++)
        if (list_copy(a, &dst->suppls[k], &src->suppls[k]) < 0)
            goto fail;
    return 0;
fail:
    control_free(dst);
    return -1;
}
