/*
 * qd_qread.c - qmail-qread's listing of a queue; see qd_qread.h.
 *
 * Messages are listed in message number order rather than qmail-qread's
 * directory order, so two listings of one queue compare equal.  A message
 * that disappears while it is read (qmail-send finished it) is skipped
 * quietly, as it would have been a moment later.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qd_path.h"
#include "qd_qread.h"

struct idlist {
    uint64_t *v;
    size_t n, cap;
};

/* put_safe - bytes, non-printable ones as '_' (qmail-qread's out()) */
static void put_safe(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(s[i] >= 32 && s[i] <= 126 ? s[i] : '_', out);
}

/* read_file - the whole file under dir (the queue), malloc'ed */
static char *read_file(const char *path, size_t *len, struct stat *st)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (fstat(fd, st) < 0)
        goto fail;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t nc = cap ? cap * 2 : 8192;
            char *p = realloc(buf, nc);
            if (!p)
                goto fail;
            buf = p;
            cap = nc;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf && !(buf = malloc(1)))
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    {
        int saved = errno;
        free(buf);
        close(fd);
        errno = saved;
    }
    return NULL;
}

/* cmp_id - qsort order */
static int cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* collect - every message number under base (its split subdirectories
 * when split, else base itself) */
static int collect(const struct qd_env *e, const char *base, int split,
                   struct idlist *ids, FILE *err)
{
    unsigned nsub = split ? e->split : 1;
    for (unsigned i = 0; i < nsub; i++) {
        char dir[64];
        if (split)
            snprintf(dir, sizeof dir, "%s/%u", base, i);
        else
            snprintf(dir, sizeof dir, "%s", base);
        DIR *d = opendir(dir);
        if (!d) {
            fprintf(err, "fatal: unable to opendir %s: %s\n", dir,
                    strerror(errno));
            return -1;
        }
        struct dirent *de;
        uint64_t id;
        while ((de = readdir(d)) != NULL) {
            if (qd_parse_id(de->d_name, &id) < 0)
                continue;
            if (ids->n == ids->cap) {
                size_t cap = ids->cap ? ids->cap * 2 : 256;
                uint64_t *v = realloc(ids->v, cap * sizeof *v);
                if (!v) {
                    closedir(d);
                    fprintf(err, "fatal: out of memory\n");
                    return -1;
                }
                ids->v = v;
                ids->cap = cap;
            }
            ids->v[ids->n++] = id;
        }
        closedir(d);
    }
    if (ids->n)
        qsort(ids->v, ids->n, sizeof *ids->v, cmp_id);
    return 0;
}

/* stats_line - qmail-qread's first line for a message; tail ends it */
static void stats_line(FILE *out, uint64_t id, time_t birth, off_t size,
                       const char *sender, const char *tail)
{
    static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&birth, &tm);
    char line[200];
    int n = snprintf(line, sizeof line,
                     "%d %s %d %02d:%02d:%02d GMT  #%llu  %llu  <",
                     tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
                     tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (unsigned long long)id, (unsigned long long)size);
    put_safe(out, line, (size_t)n);
    put_safe(out, sender, strlen(sender));
    fputs(tail, out);
}

/* recipients - one channel list; 0 ok or absent, -1 unreadable */
static int recipients(const struct qd_env *e, FILE *out, int chan,
                      uint64_t id)
{
    char fn[QD_PATH_MAX], name[QC_CHAN_NAME_MAX];
    qd_chan_path(fn, sizeof fn, e, chan, id);
    size_t len;
    struct stat st;
    char *buf = read_file(fn, &len, &st);
    if (!buf)
        return errno == ENOENT ? 0 : -1;
    qd_chan_dir(chan, name);
    size_t pos = 0;
    while (pos < len) {
        char *nul = memchr(buf + pos, '\0', len - pos);
        if (!nul)
            break;   /* a cut last record is no record */
        size_t rl = (size_t)(nul - (buf + pos));
        if (rl > 0 && (buf[pos] == 'T' || buf[pos] == 'D')) {
            fprintf(out, "%s\t%s\t", buf[pos] == 'D' ? "  done" : "", name);
            put_safe(out, buf + pos + 1, rl - 1);
            fputc('\n', out);
        }
        pos += rl + 1;
    }
    free(buf);
    return 0;
}

/* nchannels - local, remote and the supplK directories present */
static int nchannels(void)
{
    int n = 2;
    struct stat st;
    char dir[QC_CHAN_NAME_MAX];
    while (n < QC_MAX_CHANNELS && stat(qd_chan_dir(n, dir), &st) == 0)
        n++;
    return n;
}

/* one - a message's lines; 0 ok, -1 trouble (said on err) */
static int one(const struct qd_env *e, FILE *out, FILE *err, int nchan,
               uint64_t id)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    qd_path(fn, sizeof fn, e, "mess", id);
    if (stat(fn, &st) < 0)
        goto trouble;
    off_t size = st.st_size;
    qd_path(fn, sizeof fn, e, "bounce", id);
    int bouncing = stat(fn, &st) == 0;
    qd_path(fn, sizeof fn, e, "info", id);
    size_t len;
    char *info = read_file(fn, &len, &st);
    if (!info)
        goto trouble;
    const char *sender = info[0] == 'F' ? info + 1 : "";
    stats_line(out, id, st.st_mtime, size, sender,
               bouncing ? ">  bouncing\n" : "> \n");
    free(info);
    for (int c = 0; c < nchan; c++)
        if (recipients(e, out, c, id) < 0)
            goto trouble;
    return 0;
trouble:;
    int saved = errno;
    qd_path(fn, sizeof fn, e, "info", id);
    if (saved == ENOENT && stat(fn, &st) < 0 && errno == ENOENT)
        return 0;   /* qmail-send finished it meanwhile */
    fprintf(err, "warning: trouble with #%llu: %s\n",
            (unsigned long long)id, strerror(saved));
    return -1;
}

/* one_todo - a message qmail-todo has not preprocessed: its envelope
 * (qmail-queue's u, p, F and T records); 0 ok or gone, -1 trouble */
static int one_todo(const struct qd_env *e, FILE *out, FILE *err,
                    uint64_t id)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    size_t len;
    qd_path(fn, sizeof fn, e, "mess", id);
    off_t size = stat(fn, &st) == 0 ? st.st_size : 0;
    qd_path(fn, sizeof fn, e, "todo", id);
    char *env = read_file(fn, &len, &st);
    if (!env) {
        if (errno == ENOENT)
            return 0;   /* preprocessed meanwhile: listed next time */
        fprintf(err, "warning: trouble with #%llu: %s\n",
                (unsigned long long)id, strerror(errno));
        return -1;
    }
    const char *sender = "";
    for (size_t pos = 0; pos < len;) {
        const char *nul = memchr(env + pos, '\0', len - pos);
        if (!nul)
            break;
        if (env[pos] == 'F') {
            sender = env + pos + 1;
            break;
        }
        pos = (size_t)(nul - env) + 1;
    }
    stats_line(out, id, st.st_mtime, size, sender,
               ">  not yet preprocessed\n");
    for (size_t pos = 0; pos < len;) {
        const char *nul = memchr(env + pos, '\0', len - pos);
        if (!nul)
            break;   /* a cut last record is no record */
        size_t rl = (size_t)(nul - (env + pos));
        if (rl > 0 && env[pos] == 'T') {
            fputs("\ttodo\t", out);
            put_safe(out, env + pos + 1, rl - 1);
            fputc('\n', out);
        }
        pos += rl + 1;
    }
    free(env);
    return 0;
}

/* split_count - how many split subdirectories dir has (0 .. n-1 all
 * present); -1 with errno if dir cannot be read */
static int split_count(const char *dir, unsigned *n, unsigned *highest)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *de;
    unsigned count = 0, top = 0;
    while ((de = readdir(d)) != NULL) {
        unsigned long v;
        if (qd_env_number(de->d_name, 0, QD_SPLIT_MAX - 1, &v) < 0)
            continue;
        count++;
        if (v + 1 > top)
            top = (unsigned)v + 1;
    }
    closedir(d);
    *n = count;
    *highest = top;
    return 0;
}

/* qd_qread_check - the split of info/, big-todo from todo/ */
int qd_qread_check(struct qd_env *e, char *err, size_t cap)
{
    char dir[QD_HOME_MAX + 32];
    struct stat st;
    unsigned n, top;
    snprintf(dir, sizeof dir, "%s/queue/info", e->home);
    if (split_count(dir, &n, &top) < 0)
        return 0;   /* qd_qread says why it cannot read the queue */
    if (n && (n != top || top != e->split)) {
        snprintf(err, cap, "%s has %u split subdirectories (highest %u), "
                 "not %u: give --split %u (qmail's conf-split)", dir, n,
                 top ? top - 1 : 0, e->split, top);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s/queue/todo/0", e->home);
    int split = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (e->bigtodo && !split) {
        snprintf(err, cap, "%s/queue/todo is not split (no todo/0): not a "
                 "big-todo queue; leave out --bigtodo", e->home);
        return -1;
    }
    e->bigtodo = split;
    return 0;
}

/* qd_qread - the listing */
int qd_qread(const struct qd_env *e, FILE *out, FILE *err)
{
    char dir[QD_HOME_MAX + 16];
    snprintf(dir, sizeof dir, "%s/queue", e->home);
    if (chdir(dir) < 0) {
        fprintf(err, "fatal: unable to chdir to %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    struct idlist ids = {0};
    if (collect(e, "info", 1, &ids, err) < 0) {
        free(ids.v);
        return -1;
    }
    int nchan = nchannels();
    int bad = 0;
    for (size_t i = 0; i < ids.n; i++)
        bad += one(e, out, err, nchan, ids.v[i]) < 0;
    ids.n = 0;
    if (collect(e, "todo", e->bigtodo, &ids, err) < 0) {
        free(ids.v);
        return -1;
    }
    for (size_t i = 0; i < ids.n; i++)
        bad += one_todo(e, out, err, ids.v[i]) < 0;
    free(ids.v);
    return bad;
}
