/*
 * path.c - directories and programs by path; see path.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"

/* path_fclose - close f; -1 with errno when any write to it failed.
 * stdio keeps only an error flag, not the errno of a failed buffer
 * write; flushing again repeats that write and its errno (a full disk
 * stays full), and EIO stands in when the retry happens to succeed. */
int path_fclose(FILE *f)
{
    int bad = ferror(f), e = 0;
    if (fflush(f) != 0)
        e = errno;
    else if (bad)
        e = EIO;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (!e)
        return 0;
    errno = e;
    return -1;
}

/* path_create - dir/name for writing, or NULL (said) */
FILE *path_create(const char *dir, const char *name, const char *who)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "%s: cannot write %s: %s\n", who, path,
                strerror(errno));
    else
        setvbuf(f, NULL, _IOFBF, 1 << 16);
    return f;
}

/* path_finish - close dir/name; -1 (said) on a write error */
int path_finish(FILE *f, const char *dir, const char *name, const char *who)
{
    if (!f || path_fclose(f) == 0)
        return 0;
    fprintf(stderr, "%s: cannot write %.4000s/%s: %s\n", who, dir, name,
            strerror(errno));
    return -1;
}

/* path_mkdirs - path and its missing parents */
int path_mkdirs(const char *path)
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

/* path_has_program - an executable name in a directory of $PATH */
int path_has_program(const char *name)
{
    const char *path = getenv("PATH");
    char buf[4096];
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, name);
        if (access(buf, X_OK) == 0)
            return 1;
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}
