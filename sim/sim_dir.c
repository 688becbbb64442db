/*
 * sim_dir.c - output directories for `qchan run`, `compare`, `sweep` and
 * `fit`.
 *
 *	sim_mkdirs(path)	mkdir -p: 0, or -1 with errno (ENOTDIR when
 *				path exists and is not a directory)
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "sim.h"

/* sim_mkdirs - path and its missing parents */
int sim_mkdirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(buf, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
