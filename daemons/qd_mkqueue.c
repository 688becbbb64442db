/*
 * qd_mkqueue.c - an empty queue directory tree; see qd_mkqueue.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qd_mkqueue.h"
#include "qd_path.h"

/* mkdir_mode - a directory with exactly mode, kept if it exists */
static int mkdir_mode(const char *path, mode_t mode, char *err, size_t cap)
{
    if (mkdir(path, mode) < 0 && errno != EEXIST) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    if (chmod(path, mode) < 0) {
        snprintf(err, cap, "unable to chmod %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* make_dir - queue/dir, with its split subdirectories when it has them */
static int make_dir(const struct qd_env *e, const char *dir, mode_t mode,
                    char *err, size_t cap)
{
    char path[QD_HOME_MAX + 64];
    snprintf(path, sizeof path, "%s/queue/%s", e->home, dir);
    if (mkdir_mode(path, mode, err, cap))
        return -1;
    if (!qd_split_dir(e, dir))
        return 0;
    for (unsigned i = 0; i < e->split; i++) {
        snprintf(path, sizeof path, "%s/queue/%s/%u", e->home, dir, i);
        if (mkdir_mode(path, mode, err, cap))
            return -1;
    }
    return 0;
}

/* qd_mkqueue - the whole tree */
int qd_mkqueue(const struct qd_env *e, int nchan, char *err, size_t cap)
{
    char path[QD_HOME_MAX + 64];
    if (mkdir_mode(e->home, 0755, err, cap))
        return -1;
    snprintf(path, sizeof path, "%s/control", e->home);
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/queue", e->home);
    if (mkdir_mode(path, 0750, err, cap))
        return -1;
    static const struct {
        const char *dir;
        mode_t mode;
    } fixed[] = {
        {"mess", 0750}, {"todo", 0750}, {"intd", 0700}, {"pid", 0700},
        {"info", 0700}, {"bounce", 0700}, {"lock", 0750},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (make_dir(e, fixed[i].dir, fixed[i].mode, err, cap))
            return -1;
    for (int c = 0; c < nchan; c++) {
        char name[QC_CHAN_NAME_MAX];
        if (make_dir(e, qd_chan_dir(c, name), 0700, err, cap))
            return -1;
    }
    snprintf(path, sizeof path, "%s/queue/lock/sendmutex", e->home);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd < 0) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    snprintf(path, sizeof path, "%s/queue/lock/trigger", e->home);
    if (mkfifo(path, 0622) < 0 && errno != EEXIST) {
        snprintf(err, cap, "unable to create %s: %s", path, strerror(errno));
        return -1;
    }
    (void)chmod(path, 0622);
    return 0;
}
