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
 * Exit codes are qmail-queue's: 0 queued; 11 address too long; 51 out of
 * memory; 52 timeout; 53 write error (disk full?); 54 unable to read the
 * message or envelope; 61 home directory; 62 queue directory; 63 pid/;
 * 64 mess/; 65 intd/; 66 todo/; 81 internal bug; 91 envelope format
 * error.  A message is printed on stderr for the administrator.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

static char pidfn[128];
static char messfn[QD_PATH_MAX];
static char intdfn[QD_PATH_MAX];
static int messfd = -1;
static int intdfd = -1;
static int made_mess;
static int made_intd;

/* cleanup - undo what was made before S4 */
static void cleanup(void)
{
    if (made_intd) {
        (void)!ftruncate(intdfd, 0);
        if (unlink(intdfn) < 0)
            return;
    }
    if (made_mess) {
        (void)!ftruncate(messfd, 0);
        (void)unlink(messfn);
    }
}

/* die - leave with qmail-queue's code, saying why on stderr */
static void die(int code, const char *why)
{
    cleanup();
    if (code && why)
        fprintf(stderr, "qchan-queue: %s (exit %d)\n", why, code);
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

/* pid_open - S1: a fresh file under pid/, as qmail-queue's pidopen */
static void pid_open(unsigned long pid)
{
    for (unsigned seq = 1; seq < 10; seq++) {
        snprintf(pidfn, sizeof pidfn, "pid/%lu.%lu.%u", pid,
                 (unsigned long)time(NULL), seq);
        messfd = open(pidfn, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (messfd >= 0)
            return;
    }
    die(63, "trouble creating a file in pid/");
}

/* trigger_pull - wake qmail-todo; nobody listening is not an error */
static void trigger_pull(void)
{
    int fd = open("lock/trigger", O_WRONLY | O_NONBLOCK);
    if (fd >= 0) {
        (void)!write(fd, "", 1);
        close(fd);
    }
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: qchan-queue < message 1< envelope\n"
                        "  (qmail-queue compatible; queue under "
                        "$QCHAN_HOME/queue)\n");
        return 81;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(DEATH);
    umask(033);

    struct qd_env env;
    char err[256];
    if (qd_env_load(&env, err, sizeof err) < 0)
        die(81, err);
    if (chdir(env.home) < 0)
        die(61, "unable to switch to the home directory");
    if (chdir("queue") < 0)
        die(62, "unable to switch to the queue directory");

    unsigned long pid = (unsigned long)getpid();
    unsigned long uid = (unsigned long)getuid();
    pid_open(pid);
    struct stat st;
    if (fstat(messfd, &st) < 0)
        die(63, "trouble with pid/");
    uint64_t id = (uint64_t)st.st_ino;
    char todofn[QD_PATH_MAX];
    if (qd_path(messfn, sizeof messfn, &env, "mess", id) ||
        qd_path(intdfn, sizeof intdfn, &env, "intd", id) ||
        qd_path(todofn, sizeof todofn, &env, "todo", id))
        die(81, "queue file name too long");

    /* S2 */
    if (link(pidfn, messfn) < 0)
        die(64, "trouble linking into mess/");
    if (unlink(pidfn) < 0)
        die(63, "trouble removing the pid/ file");
    made_mess = 1;
    received(pid, uid);
    char buf[65536];
    for (;;) {
        ssize_t r = fdio_read_some(0, buf, sizeof buf);
        if (r < 0)
            die(54, "unable to read the message");
        if (r == 0)
            break;
        put(messfd, buf, (size_t)r);
    }
    if (fsync(messfd) < 0)
        die(53, "trouble syncing the message");

    /* S3 */
    intdfd = open(intdfn, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (intdfd < 0)
        die(65, "trouble creating intd/ file");
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
        die(53, "trouble syncing the envelope");

    /* S4 */
    if (link(intdfn, todofn) < 0)
        die(66, "trouble linking into todo/");
    trigger_pull();
    return 0;
}
