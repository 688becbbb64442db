/*
 * send_cleanup.c - qmail-send's cleanup of abandoned injections.
 *
 *	send_cleanup_step(sv, now)	a few entries of mess/ per call
 *	send_cleanup_busy(sv)		is a pass under way?
 *
 * A qmail-queue that dies between S2 and S4 leaves mess/N with no info/N
 * and no todo/N.  Every SLEEP_CLEANUP seconds (qmail's 76431) qmail-send
 * walks mess/ and asks qmail-clean to remove such files once they are
 * older than 36 hours (OSSIFIED: longer than qmail-queue may live), a few
 * entries per turn of the loop so deliveries go on meanwhile.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "qd_clock.h"
#include "qd_path.h"
#include "send.h"

#define SLEEP_CLEANUP (76431 * QC_SEC)
#define OSSIFIED (129600 * QC_SEC)
#define CLEANUP_STEP 32

/* one - mess/N (entry name in the directory being read) abandoned for
 * long enough? then remove it */
static void one(struct send *sv, uint64_t id, const char *name, qc_time now)
{
    char fn[QD_PATH_MAX];
    struct stat st;
    /* relative to the open directory: every message of the queue is
     * looked at once per pass, and a one-name lookup is the cheapest */
    if (fstatat(dirfd(sv->cleanup_dir), name, &st, 0) < 0)
        return;   /* probably qmail-queue deleted it */
    if (now <= qd_clock_of_file(st.st_atim.tv_sec, 0) + OSSIFIED)
        return;
    qd_path(fn, sizeof fn, &sv->env, "info", id);
    if (stat(fn, &st) == 0 || errno != ENOENT)
        return;
    qd_path(fn, sizeof fn, &sv->env, "todo", id);
    if (stat(fn, &st) == 0 || errno != ENOENT)
        return;
    qd_path(fn, sizeof fn, &sv->env, "foop", id);
    (void)send_clean(sv, fn);
}

/* send_cleanup_busy - a pass over mess/ is under way */
int send_cleanup_busy(const struct send *sv)
{
    return sv->cleanup_dir != NULL;
}

/* send_cleanup_step - advance the pass, or start one when it is time */
void send_cleanup_step(struct send *sv, qc_time now)
{
    if (!sv->cleanup_dir) {
        if (now < sv->cleanup_next || !sv->clean_alive)
            return;
        sv->cleanup_sub = 0;
        sv->cleanup_next = now + SLEEP_CLEANUP;
        sv->cleanup_dir = opendir("mess/0");
        if (!sv->cleanup_dir)
            return;
    }
    for (int i = 0; i < CLEANUP_STEP; i++) {
        struct dirent *de = readdir(sv->cleanup_dir);
        uint64_t id;
        if (de) {
            if (qd_parse_id(de->d_name, &id) == 0)
                one(sv, id, de->d_name, now);
            continue;
        }
        closedir(sv->cleanup_dir);
        sv->cleanup_dir = NULL;
        if (++sv->cleanup_sub >= sv->env.split)
            return;
        char dir[64];
        snprintf(dir, sizeof dir, "mess/%u", sv->cleanup_sub);
        sv->cleanup_dir = opendir(dir);
        if (!sv->cleanup_dir)
            return;
    }
}
