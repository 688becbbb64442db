/*
 * qchan_queue.c - qchan-queue: a qmail-queue compatible injector.
 *
 *	qchan-queue	message on fd 0, envelope on fd 1:
 *			"F" sender "\0" ("T" recipient "\0")* "\0"
 *
 * The queue directory is $QCHAN_HOME/queue (see qd_env.h).  The states
 * are qmail's (INTERNALS):
 *	S1 pid/P.T.N created; its inode number is the message number N
 *	S2 linked to mess/(N%split)/N, pid file removed, message written,
 *	   fsynced (a crash leaves mess/ only: qmail-clean removes it after
 *	   36 hours)
 *	S3 intd/N written: "u" uid, "p" pid, "F" sender, "T" recipients,
 *	   fsynced
 *	S4 intd/N linked to todo/N: the message is queued; the trigger is
 *	   pulled so qmail-todo looks at once
 * On any failure before S4 the files made so far are removed.
 *
 * It is installed 04711 qmailq, so any local user runs it with the
 * queue owner's rights and nothing of the caller's is trusted:
 *	- set-id, it takes the home, split and big-todo fixed at build time
 *	  and no variable (qd_env_load); a note says which it ignored
 *	- closed descriptors 0-2 are opened on /dev/null first, so no
 *	  queue file can become the caller's stderr
 *	- the queue directory, pid/, mess/ and its split subdirectory,
 *	  intd/ and todo/ (split under big-todo) must belong to the user it
 *	  runs as (unless that is root) and, below queue/, be directories
 *	  and not symbolic links; each is opened once and files are made
 *	  relative to it, so nothing can be swapped between the check and
 *	  the use
 *	- new files are made with O_EXCL and O_NOFOLLOW; the trigger is
 *	  written only when lock/trigger is a FIFO reached without a link
 * Home and queue/ themselves may be symbolic links (an administrator's
 * choice, as in qmail: a queue moved to another disk).
 *
 * Exit codes are qmail-queue's: 0 queued; 11 address too long; 51 out of
 * memory; 52 timeout; 53 write error (disk full?); 54 unable to read the
 * message or envelope; 61 home directory; 62 queue directory; 63 pid/;
 * 64 mess/; 65 intd/; 66 todo/; 81 internal bug; 91 envelope format
 * error.  A message is printed on stderr for the administrator.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qd_env.h"
#include "qd_io.h"
#include "qd_path.h"

#define ADDR_MAX 1003           /* qmail-queue's ADDR */
#define DEATH (24 * 3600)       /* qmail-queue's DEATH */

static char pidname[64];        /* P.T.N under pid/ */
static char idname[24];         /* N under mess/S/, intd/ and todo/ */
static int piddir = -1;         /* pid/ */
static int messdir = -1;        /* mess/(N % split) */
static int intddir = -1;        /* intd/ (intd/(N % split) under big-todo) */
static int tododir = -1;        /* likewise todo/ */
static int messfd = -1;
static int intdfd = -1;
static int made_pid;
static int made_mess;
static int made_intd;

/* cleanup - undo what was made before S4 */
static void cleanup(void)
{
    if (made_intd) {
        (void)!ftruncate(intdfd, 0);
        if (unlinkat(intddir, idname, 0) < 0)
            return;
    }
    if (made_mess) {
        (void)!ftruncate(messfd, 0);
        (void)unlinkat(messdir, idname, 0);
    }
    if (made_pid)
        (void)unlinkat(piddir, pidname, 0);
}

static void die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* die - leave with qmail-queue's code, saying why on stderr */
static void die(int code, const char *fmt, ...)
{
    cleanup();
    if (code && fmt) {
        char why[QD_HOME_MAX + 256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
        fprintf(stderr, "qchan-queue: %s (exit %d)\n", why, code);
    }
    _exit(code);
}

/* on_alarm - DEATH passed: give up like qmail-queue */
static void on_alarm(int sig)
{
    (void)sig;
    cleanup();
    _exit(52);
}

/* put - write to fd or die with a write error */
static void put(int fd, const void *p, size_t n)
{
    if (fdio_write_all(fd, p, n) < 0)
        die(53, "trouble writing to the queue");
}

/* env_byte - the next envelope byte from fd 1 */
static int env_byte(void)
{
    static char buf[4096];
    static ssize_t len, pos;
    if (pos == len) {
        len = fdio_read_some(1, buf, sizeof buf);
        if (len <= 0)
            die(54, "unable to read the envelope");
        pos = 0;
    }
    return (unsigned char)buf[pos++];
}

/* env_addr - one address up to its NUL, into the intd file after tag */
static void env_addr(char tag)
{
    char addr[ADDR_MAX + 2];
    size_t n = 0;
    addr[n++] = tag;
    for (;;) {
        int ch = env_byte();
        if (n > ADDR_MAX)
            die(11, "address too long");
        addr[n++] = (char)ch;
        if (ch == 0)
            break;
    }
    put(intdfd, addr, n);
}

/* received - qmail-queue's trace line */
static void received(unsigned long pid, unsigned long uid)
{
    static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char line[160];
    int n = snprintf(line, sizeof line,
                     "Received: (qmail %lu invoked by uid %lu); %d %s %d "
                     "%02d:%02d:%02d -0000\n",
                     pid, uid, tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
    put(messfd, line, (size_t)n);
}

/* std_fds - descriptors 0-2 open: a closed one is opened on /dev/null
 * (else the first queue file would take its number: stderr written into
 * a message); a closed message or envelope is a read error */
static void std_fds(void)
{
    int closed = 0;
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0) {
            if (open("/dev/null", O_RDWR) != fd)
                _exit(81);
            closed |= 1 << fd;
        }
    if (closed & 3)
        die(54, "descriptor %d (the %s) is closed", closed & 1 ? 0 : 1,
            closed & 1 ? "message" : "envelope");
}

/* owned - st belongs to the user qchan-queue runs as; root, the
 * administrator, may write a queue of qmail's users (a test's, or one
 * made by --create as root) and makes files they can read */
static int owned(const struct stat *st)
{
    return st->st_uid == geteuid() || geteuid() == 0;
}

/* queue_enter - the queue directory, owned by the user qchan-queue runs
 * as (so a home that is not this installation's is refused) */
static void queue_enter(const struct qd_env *env)
{
    if (chdir(env->home) < 0)
        die(61, "unable to switch to the home directory %s: %s", env->home,
            strerror(errno));
    if (chdir("queue") < 0)
        die(62, "unable to switch to the queue directory %s/queue: %s",
            env->home, strerror(errno));
    struct stat st;
    if (stat(".", &st) < 0)
        die(62, "unable to check %s/queue: %s", env->home, strerror(errno));
    if (!owned(&st))
        die(62, "%s/queue belongs to uid %lu, not to uid %lu that "
            "qchan-queue runs as: refusing it", env->home,
            (unsigned long)st.st_uid, (unsigned long)geteuid());
}

/* dir_open - directory name under at, not a symbolic link, owned by the
 * user qchan-queue runs as; else die with code, showing where */
static int dir_open(int at, const char *name, const struct qd_env *env,
                    const char *shown, int code)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                    O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        int e = errno;
        if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            die(code, "%s/queue/%s is a symbolic link: refusing it",
                env->home, shown);
        die(code, "unable to open %s/queue/%s: %s", env->home, shown,
            strerror(e));
    }
    if (fstat(fd, &st) < 0)
        die(code, "unable to check %s/queue/%s: %s", env->home, shown,
            strerror(errno));
    if (!owned(&st))
        die(code, "%s/queue/%s belongs to uid %lu, not to uid %lu that "
            "qchan-queue runs as: refusing it", env->home, shown,
            (unsigned long)st.st_uid, (unsigned long)geteuid());
    return fd;
}

/* queue_dir - dir, or its split subdirectory for id, opened by dir_open */
static int queue_dir(const struct qd_env *env, const char *dir, uint64_t id,
                     int code)
{
    int fd = dir_open(AT_FDCWD, dir, env, dir, code);
    if (!qd_split_dir(env, dir))
        return fd;
    char sub[24], shown[48];
    sub[qc_fmt_u64(sub, id % env->split)] = '\0';
    snprintf(shown, sizeof shown, "%s/%s", dir, sub);
    int subfd = dir_open(fd, sub, env, shown, code);
    close(fd);
    return subfd;
}

/* pid_open - S1: a fresh file under pid/, as qmail-queue's pidopen */
static void pid_open(const struct qd_env *env, unsigned long pid)
{
    piddir = dir_open(AT_FDCWD, "pid", env, "pid", 63);
    for (unsigned seq = 1; seq < 10; seq++) {
        snprintf(pidname, sizeof pidname, "%lu.%lu.%u", pid,
                 (unsigned long)time(NULL), seq);
        messfd = openat(piddir, pidname, O_WRONLY | O_CREAT | O_EXCL |
                        O_NOFOLLOW | O_CLOEXEC, 0644);
        if (messfd >= 0) {
            made_pid = 1;
            return;
        }
    }
    die(63, "trouble creating a file in %s/queue/pid: %s", env->home,
        strerror(errno));
}

/* trigger_pull - wake qmail-todo; nobody listening is not an error, and
 * anything but a FIFO reached without a symbolic link is not written */
static void trigger_pull(void)
{
    int lock = open("lock", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                    O_CLOEXEC);
    if (lock < 0)
        return;
    int fd = openat(lock, "trigger", O_WRONLY | O_NONBLOCK | O_NOFOLLOW |
                    O_CLOEXEC);
    close(lock);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
        (void)!write(fd, "", 1);
    close(fd);
}

int main(int argc, char **argv)
{
    (void)argv;
    std_fds();
    if (argc > 1) {
        fprintf(stderr, "usage: qchan-queue < message 1< envelope\n"
                        "  (qmail-queue compatible; queue under "
                        "$QCHAN_HOME/queue, or when set-id the home it "
                        "was built for)\n");
        return 81;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(DEATH);
    umask(033);

    struct qd_env env;
    char err[QD_HOME_MAX + 256];
    int loaded = qd_env_load(&env, err, sizeof err);
    if (loaded < 0)
        die(81, "%s", err);
    if (loaded > 0)
        fprintf(stderr, "qchan-queue: note: %s\n", err);
    queue_enter(&env);

    unsigned long pid = (unsigned long)getpid();
    unsigned long uid = (unsigned long)getuid();
    pid_open(&env, pid);
    struct stat st;
    if (fstat(messfd, &st) < 0)
        die(63, "trouble with pid/: %s", strerror(errno));
    uint64_t id = (uint64_t)st.st_ino;
    idname[qc_fmt_u64(idname, id)] = '\0';
    /* every directory is checked before anything is written */
    messdir = queue_dir(&env, "mess", id, 64);
    intddir = queue_dir(&env, "intd", id, 65);
    tododir = queue_dir(&env, "todo", id, 66);

    /* S2 */
    if (linkat(piddir, pidname, messdir, idname, 0) < 0)
        die(64, "trouble linking into mess/: %s", strerror(errno));
    made_mess = 1;
    if (unlinkat(piddir, pidname, 0) < 0)
        die(63, "trouble removing the pid/ file: %s", strerror(errno));
    made_pid = 0;
    received(pid, uid);
    char buf[65536];
    for (;;) {
        ssize_t r = fdio_read_some(0, buf, sizeof buf);
        if (r < 0)
            die(54, "unable to read the message: %s", strerror(errno));
        if (r == 0)
            break;
        put(messfd, buf, (size_t)r);
    }
    if (fsync(messfd) < 0)
        die(53, "trouble syncing the message: %s", strerror(errno));

    /* S3 */
    intdfd = openat(intddir, idname, O_WRONLY | O_CREAT | O_EXCL |
                    O_NOFOLLOW | O_CLOEXEC, 0644);
    if (intdfd < 0)
        die(65, "trouble creating the intd/ file: %s", strerror(errno));
    made_intd = 1;
    int n = snprintf(buf, sizeof buf, "u%lu%cp%lu%c", uid, 0, pid, 0);
    put(intdfd, buf, (size_t)n);
    if (env_byte() != 'F')
        die(91, "envelope format error: no sender");
    env_addr('F');
    for (;;) {
        int ch = env_byte();
        if (ch == 0)
            break;
        if (ch != 'T')
            die(91, "envelope format error: expected a recipient");
        env_addr('T');
    }
    if (fsync(intdfd) < 0)
        die(53, "trouble syncing the envelope: %s", strerror(errno));

    /* S4 */
    if (linkat(intddir, idname, tododir, idname, 0) < 0)
        die(66, "trouble linking into todo/: %s", strerror(errno));
    trigger_pull();
    return 0;
}
