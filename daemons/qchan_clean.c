/*
 * qchan_clean.c - qchan-clean: a qmail-clean compatible cleaner.
 *
 *	qchan-clean	requests on fd 0, answers on fd 1
 *
 * Requests are paths ending in NUL (the clean protocol, core/proto.h):
 *	foop/N	remove intd/N and mess/N (the message is finished)
 *	todo/N	remove intd/N and todo/N (qmail-todo has preprocessed it)
 * The answer is '+' when the files are gone (absent counts as gone), '!'
 * when an unlink failed, 'x' for a request that is neither.  Every half
 * hour of activity it also removes pid/ files older than 36 hours, left by
 * qmail-queue processes that crashed.  It exits 0 when fd 0 closes.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "qd_env.h"
#include "qd_io.h"
#include "qd_path.h"

#define OSSIFIED (36 * 3600)
#define CLEANUP_EVERY (30 * 60)

/* gone - unlink, absent is fine */
static int gone(const char *path)
{
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* pid_cleanup - remove pid/ files qmail-queue left behind */
static void pid_cleanup(void)
{
    DIR *d = opendir("pid");
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[300];
        snprintf(path, sizeof path, "pid/%s", de->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && now > st.st_atime + OSSIFIED)
            (void)unlink(path);
    }
    closedir(d);
}

/* answer - what to do for one request */
static char answer(const struct qd_env *env, const char *req)
{
    int foop = strncmp(req, "foop/", 5) == 0;
    int todo = strncmp(req, "todo/", 5) == 0;
    uint64_t id;
    /* the number follows the last '/': "todo/5/28" under big-todo */
    if ((!foop && !todo) || qd_parse_id(strrchr(req, '/') + 1, &id) < 0)
        return 'x';
    char a[QD_PATH_MAX], b[QD_PATH_MAX];
    if (qd_path(a, sizeof a, env, "intd", id) ||
        qd_path(b, sizeof b, env, foop ? "mess" : "todo", id))
        return 'x';
    return gone(a) == 0 && gone(b) == 0 ? '+' : '!';
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: qchan-clean (requests on fd 0, answers on "
                        "fd 1; queue under $QCHAN_HOME/queue)\n");
        return 100;
    }
    signal(SIGPIPE, SIG_IGN);
    struct qd_env env;
    char err[256];
    if (qd_env_load(&env, err, sizeof err) < 0) {
        fprintf(stderr, "qchan-clean: %s\n", err);
        return 111;
    }
    if (chdir(env.home) < 0 || chdir("queue") < 0) {
        fprintf(stderr, "qchan-clean: unable to switch to %s/queue: %s\n",
                env.home, strerror(errno));
        return 111;
    }
    struct proto_clean_dec dec;
    proto_clean_dec_init(&dec);
    time_t next_cleanup = 0;
    char buf[4096];
    for (;;) {
        ssize_t r = fdio_read_some(0, buf, sizeof buf);
        if (r <= 0)
            return 0;
        size_t off = 0;
        while (off < (size_t)r) {
            size_t used = 0;
            const char *path = NULL;
            enum proto_error perr;
            int res = proto_clean_dec_feed(&dec, buf + off, (size_t)r - off,
                                           &used, &path, &perr);
            off += used;
            if (res == PROTO_MORE)
                break;
            if (time(NULL) >= next_cleanup) {
                pid_cleanup();
                next_cleanup = time(NULL) + CLEANUP_EVERY;
            }
            char ch = res == PROTO_OK ? answer(&env, path) : 'x';
            if (fdio_write_all(1, &ch, 1) < 0)
                return 0;
        }
    }
}
