/*
 * todo_dir.c - one pass over todo/, an entry at a time.
 *
 *	todo_scan_start(t)	open todo/ (todo/0 under big-todo)
 *	todo_scan_next(t, &id)	the next message number, 0 at the end
 *	todo_scan_stop(t)	give up the pass (out of descriptors)
 *
 * qmail-todo takes one entry per turn of its loop, so the talk with
 * qmail-send goes on while a big todo/ is walked; the caller decides how
 * many to take per turn.  Names that are not message numbers are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qd_path.h"
#include "todo.h"

/* open_dir - todo/ or its subdirectory t->subdir */
static int open_dir(struct todo *t)
{
    char path[64];
    if (t->env.bigtodo)
        snprintf(path, sizeof path, "todo/%u", t->subdir);
    else
        snprintf(path, sizeof path, "todo");
    t->dir = opendir(path);
    if (!t->dir) {
        char line[128];
        snprintf(line, sizeof line, "alert: qmail-todo: unable to opendir "
                 "%s, sleeping...", path);
        todo_hold_alert(t, line);
        return -1;
    }
    return 0;
}

/* todo_scan_start - a new pass */
int todo_scan_start(struct todo *t)
{
    if (t->dir)
        closedir(t->dir);
    t->dir = NULL;
    t->subdir = 0;
    if (open_dir(t) < 0)
        return -1;
    t->scanning = 1;
    return 0;
}

/* todo_scan_next - the next entry of the pass */
int todo_scan_next(struct todo *t, uint64_t *id)
{
    while (t->dir) {
        struct dirent *de = readdir(t->dir);
        if (de) {
            if (qd_parse_id(de->d_name, id) == 0)
                return 1;
            continue;
        }
        closedir(t->dir);
        t->dir = NULL;
        if (t->env.bigtodo && ++t->subdir < t->env.split && open_dir(t) == 0)
            continue;
    }
    t->scanning = 0;
    return 0;
}

/* todo_scan_stop - close the pass under way */
void todo_scan_stop(struct todo *t)
{
    if (t->dir)
        closedir(t->dir);
    t->dir = NULL;
    t->scanning = 0;
}
