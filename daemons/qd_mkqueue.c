/*
 * qd_mkqueue.c - an empty queue directory tree; see qd_mkqueue.h.
 *
 * Run as root, every mode and owner is set through a descriptor opened
 * with O_NOFOLLOW: a symbolic link someone left in the tree would
 * otherwise hand root's chmod and chown to a file of their choice.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "qd_mkqueue.h"
#include "qd_path.h"

/* who - the owner of one entry: a user of o (by offset) or the caller */
enum who { WHO_ROOT, WHO_Q, WHO_S, WHO_R };

/* settle - fd gets mode and, with o, its owner; -1 with err */
static int settle(int fd, const char *path, mode_t mode,
                  const struct qd_owners *o, enum who w, char *err,
                  size_t cap)
{
    if (o) {
        uid_t u = w == WHO_ROOT ? o->root
                  : w == WHO_Q  ? o->qmailq
                  : w == WHO_R  ? o->qmailr
                                : o->qmails;
        if (fchown(fd, u, o->qmail) < 0) {
            snprintf(err, cap, "unable to chown %s: %s", path,
                     strerror(errno));
            return -1;
        }
    }
    /* after the chown, which clears set-id bits */
    if (fchmod(fd, mode) < 0) {
        snprintf(err, cap, "unable to chmod %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* mkdir_mode - a directory with exactly mode (and owner), kept if it
 * exists; a symbolic link or a file in its place is an error */
static int mkdir_mode(const char *path, mode_t mode,
                      const struct qd_owners *o, enum who w, char *err,
                      size_t cap)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, cap, "unable to open %s: %s%s", path, strerror(errno),
                 errno == ELOOP || errno == ENOTDIR
                     ? " (a symbolic link or a file where a directory "
                       "belongs)"
                     : "");
        return -1;
    }
    int rc = settle(fd, path, mode, o, w, err, cap);
    close(fd);
    return rc;
}

/* make_dir - queue/dir, with its split subdirectories when it has them */
static int make_dir(const struct qd_env *e, const char *dir, mode_t mode,
                    const struct qd_owners *o, enum who w, char *err,
                    size_t cap)
{
    char path[QD_HOME_MAX + 64];
    snprintf(path, sizeof path, "%s/queue/%s", e->home, dir);
    if (mkdir_mode(path, mode, o, w, err, cap))
        return -1;
    if (!qd_split_dir(e, dir))
        return 0;
    for (unsigned i = 0; i < e->split; i++) {
        snprintf(path, sizeof path, "%s/queue/%s/%u", e->home, dir, i);
        if (mkdir_mode(path, mode, o, w, err, cap))
            return -1;
    }
    return 0;
}

/* fill_zero - n zero bytes into the fresh file fd (qmail's install
 * makes lock/tcpto so) */
static int fill_zero(int fd, size_t n)
{
    char zero[1024] = {0};
    while (n > 0) {
        size_t k = n < sizeof zero ? n : sizeof zero;
        if (fdio_write_all(fd, zero, k) < 0)
            return -1;
        n -= k;
    }
    return 0;
}

/* make_node - a file of lock/ (sendmutex, or tcpto with its zero bytes
 * when new) or the lock/trigger fifo; an existing one is kept */
static int make_node(const struct qd_env *e, const char *name, int fifo,
                     size_t zeros, mode_t mode, const struct qd_owners *o,
                     enum who w, char *err, size_t cap)
{
    char path[QD_HOME_MAX + 64];
    snprintf(path, sizeof path, "%s/queue/lock/%s", e->home, name);
    if (fifo && mkfifo(path, mode) < 0 && errno != EEXIST) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    int fd = -1, fresh = 0;
    if (!fifo) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  mode);
        fresh = fd >= 0;
    }
    /* O_NONBLOCK: opening a fifo to read does not wait for a writer */
    if (fd < 0)
        fd = open(path, (fifo ? O_RDONLY | O_NONBLOCK : O_WRONLY) |
                            O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    if (fresh && fill_zero(fd, zeros) < 0) {
        snprintf(err, cap, "unable to write %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    int rc = settle(fd, path, mode, o, w, err, cap);
    close(fd);
    return rc;
}

/* qd_mkqueue - the whole tree */
int qd_mkqueue(const struct qd_env *e, int nchan,
               const struct qd_owners *o, char *err, size_t cap)
{
    char path[QD_HOME_MAX + 64];
    if (mkdir_mode(e->home, 0755, o, WHO_ROOT, err, cap))
        return -1;
    snprintf(path, sizeof path, "%s/control", e->home);
    if (mkdir_mode(path, 0755, o, WHO_ROOT, err, cap))
        return -1;
    snprintf(path, sizeof path, "%s/queue", e->home);
    if (mkdir_mode(path, 0750, o, WHO_Q, err, cap))
        return -1;
    static const struct {
        const char *dir;
        mode_t mode;
        enum who who;
    } fixed[] = {
        {"mess", 0750, WHO_Q}, {"todo", 0750, WHO_Q}, {"intd", 0700, WHO_Q},
        {"pid", 0700, WHO_Q}, {"info", 0700, WHO_S}, {"bounce", 0700, WHO_S},
        {"lock", 0750, WHO_Q},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (make_dir(e, fixed[i].dir, fixed[i].mode, o, fixed[i].who, err,
                     cap))
            return -1;
    for (int c = 0; c < nchan; c++) {
        char name[QC_CHAN_NAME_MAX];
        if (make_dir(e, qd_chan_dir(c, name), 0700, o, WHO_S, err, cap))
            return -1;
    }
    if (make_node(e, "sendmutex", 0, 0, 0600, o, WHO_S, err, cap) ||
        make_node(e, "trigger", 1, 0, 0622, o, WHO_S, err, cap) ||
        make_node(e, "tcpto", 0, 1024, 0644, o, WHO_R, err, cap))
        return -1;
    return 0;
}

/* qd_owners_lookup - qmail's ids; every missing name is listed */
int qd_owners_lookup(struct qd_owners *o, char *missing, size_t cap)
{
    static const char *const users[] = {"alias", "qmaild", "qmaill",
                                        "qmailp", "qmailq", "qmailr",
                                        "qmails", "root"};
    static const char *const groups[] = {"qmail", "nofiles"};
    size_t len = 0;
    missing[0] = '\0';
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        struct passwd *pw = getpwnam(users[i]);
        if (!pw) {
            len += (size_t)snprintf(missing + len, len < cap ? cap - len : 0,
                                    "%suser %s", len ? ", " : "", users[i]);
            continue;
        }
        if (strcmp(users[i], "qmailq") == 0)
            o->qmailq = pw->pw_uid;
        else if (strcmp(users[i], "qmails") == 0)
            o->qmails = pw->pw_uid;
        else if (strcmp(users[i], "qmailr") == 0)
            o->qmailr = pw->pw_uid;
        else if (strcmp(users[i], "root") == 0)
            o->root = pw->pw_uid;
    }
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        struct group *gr = getgrnam(groups[i]);
        if (!gr) {
            len += (size_t)snprintf(missing + len, len < cap ? cap - len : 0,
                                    "%sgroup %s", len ? ", " : "", groups[i]);
            continue;
        }
        if (i == 0)
            o->qmail = gr->gr_gid;
    }
    return len ? -1 : 0;
}
