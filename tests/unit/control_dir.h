/*
 * control_dir.h - a fresh control directory for a test: made with
 * mkdtemp, files written into it, removed with what it holds (one level
 * of subdirectories) afterwards.
 */
#ifndef CONTROL_DIR_H
#define CONTROL_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"

static char dir[64];

/* mkdir_tmp - a fresh empty control directory in dir */
static void mkdir_tmp(void)
{
    snprintf(dir, sizeof dir, "/tmp/qc-test-control-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

/* put - write a control file */
static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* rm_tmp - remove dir and what is in it (one level of subdirectories) */
static void rm_tmp(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[512];

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        chmod(path, 0700);
        if (unlink(path) < 0)
            rmdir(path);
    }
    closedir(d);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

#endif
