/*
 * fit_read.c - read log files and multilog directories; see fit.h.
 *
 * multilog keeps a directory: "current" and rotated files named by the
 * TAI64N time of their rotation ("@4000....s", ".u" when cut short),
 * so name order is time order and "current" comes last.  Files named on
 * the command line are put in the order of their first time stamp, so
 * `qchan fit log/main/@* log/main/current` and `qchan fit current @x.s`
 * both read the day forwards; multilog's "lock" and "state" files are
 * skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fit.h"
#include "fit_line.h"
#include "progress.h"

struct infile {
    char *path;
    int64_t first;      /* first time stamp, or INT64_MAX */
    size_t order;       /* position as given, to keep ties stable */
};

/* base - the file name after the last '/' */
static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* cmp_name - strcmp for qsort of char * */
static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cmp_file - by first stamp, then as given */
static int cmp_file(const void *a, const void *b)
{
    const struct infile *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* add_file - append path (copied) */
static int add_file(struct infile **v, size_t *n, size_t *cap,
                    const char *path)
{
    if (*n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        struct infile *nv = realloc(*v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = ncap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    (*v)[*n].path = copy;
    (*v)[*n].first = INT64_MAX;
    (*v)[*n].order = *n;
    (*n)++;
    return 0;
}

/* add_dir - a multilog directory's files: rotated by name, then current */
static int add_dir(struct infile **v, size_t *n, size_t *cap,
                   const char *dir, char *err, size_t errcap)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errcap, "cannot read directory %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t nn = 0, ncap = 0;
    int have_current = 0, rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "current") == 0) {
            have_current = 1;
            continue;
        }
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '@' || len < 3 ||
            (strcmp(e->d_name + len - 2, ".s") != 0 &&
             strcmp(e->d_name + len - 2, ".u") != 0))
            continue;
        if (nn == ncap) {
            ncap = ncap ? 2 * ncap : 16;
            char **nv = realloc(names, ncap * sizeof *nv);
            if (!nv) {
                rc = -2;
                break;
            }
            names = nv;
        }
        if (!(names[nn] = strdup(e->d_name))) {
            rc = -2;
            break;
        }
        nn++;
    }
    closedir(d);
    if (rc == 0 && nn == 0 && !have_current) {
        snprintf(err, errcap, "%s: no multilog files (current, @*.s) in "
                 "this directory", dir);
        rc = -1;
    }
    if (rc == 0)
        qsort(names, nn, sizeof *names, cmp_name);
    char path[4096];
    for (size_t i = 0; i < nn; i++) {
        if (rc == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (add_file(v, n, cap, path) < 0)
                rc = -2;
        }
        free(names[i]);
    }
    free(names);
    if (rc == 0 && have_current) {
        snprintf(path, sizeof path, "%s/current", dir);
        if (add_file(v, n, cap, path) < 0)
            rc = -2;
    }
    return rc;
}

/* first_stamp - the first time stamp of a file, INT64_MAX without one;
 * -1 when it cannot be read */
static int first_stamp(struct infile *f, char *err, size_t errcap)
{
    FILE *fp = fopen(f->path, "r");
    if (!fp) {
        snprintf(err, errcap, "cannot open %s: %s", f->path, strerror(errno));
        return -1;
    }
    unsigned char magic[2];
    if (fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        fclose(fp);
        snprintf(err, errcap, "%s: compressed (gzip); decompress it first, "
                 "e.g. gzip -dc %s > %s.log", f->path, f->path, base(f->path));
        return -1;
    }
    rewind(fp);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int tries = 0;
    while (tries++ < 1000 && (len = getline(&line, &lcap, fp)) > 0) {
        int64_t t;
        const char *rest;
        if (fit_stamp(line, (size_t)len, &t, &rest) == 0) {
            f->first = t;
            break;
        }
    }
    free(line);
    fclose(fp);
    return 0;
}

/* read_file - every line of one file into the reconstruction */
static int read_file(struct fit_log *lg, const char *path,
                     struct progress *prog, char *err, size_t errcap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned long no = 0;
    int rc = 0;
    while ((len = getline(&line, &lcap, fp)) > 0) {
        if ((++no & 0xffff) == 0 && progress_due(prog))
            progress_show(prog, "qchan fit: %s: %lu lines", path, no);
        int64_t t;
        const char *rest;
        size_t l = (size_t)len;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            l--;
        if (l == 0)
            continue;
        if (fit_stamp(line, l, &t, &rest) < 0) {
            lg->lines++;
            if (fit_log_unparsed(lg, line, l, path, no) < 0) {
                rc = -2;
                break;
            }
            continue;
        }
        if (fit_log_line(lg, t, rest, l - (size_t)(rest - line), path,
                         no) < 0) {
            rc = -2;
            break;
        }
    }
    if (rc == 0 && ferror(fp)) {
        snprintf(err, errcap, "read error in %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(fp);
    if (rc == -2)
        snprintf(err, errcap, "out of memory reading %s", path);
    return rc;
}

/* fit_read - the files and directories named, in time order */
int fit_read(struct fit_log *lg, char **paths, int n, char *err, size_t cap)
{
    struct infile *files = NULL;
    size_t nf = 0, fcap = 0;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        struct stat st;
        if (stat(paths[i], &st) < 0) {
            snprintf(err, cap, "cannot open %s: %s", paths[i],
                     strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = add_dir(&files, &nf, &fcap, paths[i], err, cap);
        } else if (strcmp(base(paths[i]), "lock") != 0 &&
                   strcmp(base(paths[i]), "state") != 0) {
            if (add_file(&files, &nf, &fcap, paths[i]) < 0)
                rc = -2;
        }
    }
    if (rc == 0 && nf == 0) {
        snprintf(err, cap, "no log files to read");
        rc = -1;
    }
    for (size_t i = 0; i < nf && rc == 0; i++)
        rc = first_stamp(&files[i], err, cap);
    if (rc == 0 && nf > 1)
        qsort(files, nf, sizeof *files, cmp_file);
    if (rc == 0) {
        lg->files = calloc(nf, sizeof *lg->files);
        if (!lg->files)
            rc = -2;
    }
    struct progress prog;
    progress_begin(&prog);
    for (size_t i = 0; i < nf && rc == 0; i++) {
        rc = read_file(lg, files[i].path, &prog, err, cap);
        lg->files[lg->nfiles++] = files[i].path;
        files[i].path = NULL;
    }
    progress_end(&prog);
    for (size_t i = 0; i < nf; i++)
        free(files[i].path);
    free(files);
    if (rc == -2)
        snprintf(err, cap, "out of memory");
    if (rc == 0)
        fit_log_finish(lg);
    return rc;
}
