/*
 * qchan_start.c - qchan-start: start a whole installation, wired as the
 * CHANNELS qmail-start wires it.
 *
 *	qchan-start [options] [logger [args...]]
 *	qchan-start --create [options]
 *
 * It starts the logger (given as the remaining arguments; without one the
 * log goes to qchan-start's standard output), one spawner per channel,
 * qmail-send's qmail-clean, qmail-todo and qmail-todo's qmail-clean, then
 * becomes qmail-send (exec, as qmail-start does), so the process that was
 * started is the one to signal.  Descriptors:
 *	logger		0 from qmail-send's 0; 1 and 2 inherited
 *	spawner of c	0 requests, 1 reports; 2 inherited
 *	qmail-clean	0 requests, 1 answers; 2 inherited
 *	qmail-todo	0 from send, 1 to send, 2 to its clean, 3 from it
 *	qmail-send	0 log; 1/2 local; 3/4 remote; 5/6 clean; 7/8 todo;
 *			11+2K/12+2K supplemental channel K
 *
 * Options:
 *	--home DIR	the qmail home (QCHAN_HOME; default /var/qmail)
 *	--split N	conf-split (QCHAN_SPLIT; default 23)
 *	--bigtodo	todo/ and intd/ are split (QCHAN_BIGTODO=1)
 *	--width 1|2	spawn protocol width (QCHAN_SPAWN_WIDTH; default 2)
 *	--channels N	channel count (QCHAN_CHANNELS; default from control/)
 *	--term-wait S	seconds qmail-send waits for deliveries in flight
 *			after SIGTERM (QCHAN_TERM_WAIT; default 60)
 *	--spawn CHAN=COMMAND
 *			the spawner of CHAN: local, remote, supplK, "suppl"
 *			(every supplemental channel) or "all"; later options
 *			win; %c in COMMAND is the channel's name, %h the home.
 *			Defaults: HOME/bin/qmail-lspawn ./Mailbox for local,
 *			HOME/bin/qmail-rspawn for the others
 *	--send CMD, --todo CMD, --clean CMD
 *			the daemons (default: qmail-send, qmail-todo and
 *			qchan-clean beside qchan-start)
 *	--same-user	as root, do not switch to qmail's users
 *	--create	create the queue (qmail's layout, supplK/ included)
 *			and control/ if missing, then exit; as root with
 *			qmail's owners (qd_mkqueue.h), or a warning naming
 *			the users and groups that are missing
 * Every setting is exported to the programs it starts, so they agree;
 * QMAILQUEUE (the injector qmail-send uses for bounces) defaults to the
 * qchan-queue beside qchan-start; when that one is set-id it queues only
 * where it was built for, so another home, split or big-todo is refused
 * (111).  Commands are split at white space;
 * '...' and "..." group words (no other shell syntax).
 *
 * As root (without --same-user) the programs run as qmail's users: the
 * logger as qmaill, remote and supplemental spawners as qmailr, the
 * cleaners as qmailq, qmail-send and qmail-todo as qmails; the local
 * spawner stays root.  Exit codes: 0 (--create), 2 bad usage, 111 a
 * start-up failure (named on stderr).  Under a low ulimit -n it starts
 * whatever the wiring needs fits (a few descriptors more than qmail-send
 * gets); below what qmail-send or qmail-todo need (qd_fds.h) it says in
 * one line how many it has and how many are needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "control.h"
#include "opt.h"
#include "qd_env.h"
#include "qd_fds.h"
#include "qd_mkqueue.h"

#define MAX_ARGS 64

struct start {
    struct qd_env env;
    char self_dir[PATH_MAX];
    const char *spawn[QC_MAX_CHANNELS];
    const char *send, *todo, *clean;
    char **logger;
    int same_user;
    int create;
};

/* fail - a start-up failure */
static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "qchan-start: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(111);
}

/* usage - bad command line */
static void usage(const char *why)
{
    if (why)
        fprintf(stderr, "qchan-start: %s\n", why);
    fprintf(stderr,
            "usage: qchan-start [--home DIR] [--split N] [--bigtodo] "
            "[--width 1|2]\n"
            "         [--channels N] [--term-wait S] [--spawn CHAN=COMMAND]... "
            "[--send CMD]\n"
            "         [--todo CMD] [--clean CMD] [--same-user] [--create] "
            "[logger [args...]]\n");
    exit(2);
}

/* setenv_or_die - export a setting */
static void export(const char *name, const char *value)
{
    if (setenv(name, value, 1) < 0)
        fail("unable to set the environment", name);
}

/* self_dir - the directory qchan-start was run from */
static void find_self(struct start *st, const char *argv0)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) {
        path[n] = '\0';
    } else if (!realpath(argv0, path)) {
        snprintf(path, sizeof path, "%s", argv0);
    }
    char *slash = strrchr(path, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(path, ".");
    snprintf(st->self_dir, sizeof st->self_dir, "%s", path);
}

/* sibling - a program beside qchan-start */
static char *sibling(const struct start *st, const char *name)
{
    size_t n = strlen(st->self_dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p)
        fail("out of memory", NULL);
    snprintf(p, n, "%s/%s", st->self_dir, name);
    return p;
}

/* injector_of - the qchan-queue beside us; set-id, it ignores the
 * environment and queues where it was built for: refuse another queue
 * rather than have qmail-send never see what users inject */
static char *injector_of(const struct start *st)
{
    char *q = sibling(st, "qchan-queue");
    struct stat sb;
    char why[QD_HOME_MAX + 64];
    if (stat(q, &sb) == 0 && (sb.st_mode & (S_ISUID | S_ISGID)) &&
        qd_env_unlike_conf(&st->env, why, sizeof why)) {
        fprintf(stderr, "qchan-start: %s is set-id and queues only as it "
                "was built (%s): start with the home and split it was "
                "built for, or build for this queue (make QMAIL_HOME= "
                "CONF_SPLIT= CONF_BIGTODO=)\n", q, why);
        exit(111);
    }
    return q;
}

/* set_spawn - --spawn CHAN=COMMAND */
static void set_spawn(struct start *st, const char *arg, int *nchan_floor)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        usage("--spawn needs CHAN=COMMAND");
    char chan[32];
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof chan)
        usage("--spawn: channel name too long");
    memcpy(chan, arg, n);
    chan[n] = '\0';
    const char *cmd = eq + 1;
    if (strcmp(chan, "all") == 0) {
        for (int c = 0; c < QC_MAX_CHANNELS; c++)
            st->spawn[c] = cmd;
    } else if (strcmp(chan, "suppl") == 0) {
        for (int c = 2; c < QC_MAX_CHANNELS; c++)
            st->spawn[c] = cmd;
    } else {
        int c = qc_channel_parse(chan, QC_MAX_CHANNELS);
        if (c < 0) {
            fprintf(stderr, "qchan-start: --spawn %s: expected local, "
                    "remote, supplK, suppl or all\n", chan);
            exit(2);
        }
        st->spawn[c] = cmd;
        if (c + 1 > *nchan_floor)
            *nchan_floor = c + 1;
    }
}

/* options - the command line into st and the environment */
static void options(struct start *st, int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"home", required_argument, NULL, 'H'},
        {"split", required_argument, NULL, 'p'},
        {"width", required_argument, NULL, 'w'},
        {"channels", required_argument, NULL, 'n'},
        {"term-wait", required_argument, NULL, 'W'},
        {"spawn", required_argument, NULL, 'S'},
        {"send", required_argument, NULL, 's'},
        {"todo", required_argument, NULL, 't'},
        {"clean", required_argument, NULL, 'c'},
        {"bigtodo", no_argument, NULL, 'b'},
        {"same-user", no_argument, NULL, 'u'},
        {"create", no_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    int nchan_floor = 0;
    int c;
    /* the first argument begins the logger's command line */
    opt_start(OPT_STOP);
    while ((c = opt_next(argc, argv, "qchan-start", options)) != -1) {
        switch (c) {
        case 'h': usage(NULL); break;
        case 'H': export("QCHAN_HOME", optarg); break;
        case 'p': export("QCHAN_SPLIT", optarg); break;
        case 'w': export("QCHAN_SPAWN_WIDTH", optarg); break;
        case 'n': export("QCHAN_CHANNELS", optarg); break;
        case 'W': export("QCHAN_TERM_WAIT", optarg); break;
        case 'S': set_spawn(st, optarg, &nchan_floor); break;
        case 's': st->send = optarg; break;
        case 't': st->todo = optarg; break;
        case 'c': st->clean = optarg; break;
        case 'b': export("QCHAN_BIGTODO", "1"); break;
        case 'u': st->same_user = 1; break;
        case 'C': st->create = 1; break;
        default: exit(2);   /* opt_next said what */
        }
    }
    int i = opt_index();
    st->logger = i < argc ? argv + i : NULL;
    char err[256];
    if (qd_env_load(&st->env, err, sizeof err) < 0)
        usage(err);
}

/* channel_count - the one number every program must agree on */
static int channel_count(struct start *st)
{
    if (st->env.nchan)
        return st->env.nchan;
    char dir[QD_HOME_MAX + 16];
    snprintf(dir, sizeof dir, "%s/control", st->env.home);
    struct control c;
    struct control_error err;
    if (control_load(&c, dir, 0, NULL, &err) < 0) {
        char msg[1200];
        if (err.line)
            snprintf(msg, sizeof msg, "%s line %u: %s", err.file, err.line,
                     err.msg);
        else
            snprintf(msg, sizeof msg, "%s: %s", err.file, err.msg);
        fail("unable to read controls", msg);
    }
    int n = c.nchan;
    control_free(&c);
    return n;
}

/* split_command - COMMAND into words at white space, '...' and "..."
 * grouping (no other shell syntax), %c and %h replaced */
static char **split_command(const struct start *st, const char *cmd,
                            const char *chan)
{
    char **argv = calloc(MAX_ARGS + 1, sizeof *argv);
    size_t cap = strlen(cmd) * (QD_HOME_MAX + 16) + 1;
    if (!argv)
        fail("out of memory", NULL);
    int n = 0;
    const char *p = cmd;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (n == MAX_ARGS)
            fail("command has too many words", cmd);
        char *out = malloc(cap), *o = out;
        if (!out)
            fail("out of memory", NULL);
        char quote = 0;
        for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
            if (!quote && (*p == '\'' || *p == '"')) {
                quote = *p;
            } else if (quote && *p == quote) {
                quote = 0;
            } else if (p[0] == '%' && (p[1] == 'c' || p[1] == 'h')) {
                o += sprintf(o, "%s", p[1] == 'c' ? chan : st->env.home);
                p++;
            } else {
                *o++ = *p;
            }
        }
        if (quote)
            fail("unbalanced quote in command", cmd);
        *o = '\0';
        argv[n++] = out;
    }
    if (n == 0)
        fail("empty command", cmd);
    return argv;
}

/* become - as root, switch to qmail's user name */
static void become(const struct start *st, const char *user)
{
    if (st->same_user || getuid() != 0 || !user)
        return;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        fprintf(stderr, "qchan-start: no user %s (use --same-user to run "
                "everything as root)\n", user);
        _exit(111);
    }
    if (setgroups(1, &pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
        setuid(pw->pw_uid) < 0) {
        fprintf(stderr, "qchan-start: unable to switch to user %s\n", user);
        _exit(111);
    }
}

/* close_from_to - close descriptors lo..hi (hi may be huge) */
static void close_from_to(unsigned lo, unsigned hi)
{
#ifdef SYS_close_range
    /* one system call instead of one per possible descriptor: with a
     * limit of 20,000 the loop below cost every program started here
     * tens of milliseconds, qmail-send's start-up included */
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (long fd = lo; fd < max && fd <= (long)hi; fd++)
        close((int)fd);
}

/* wire_fail - a descriptor could not be moved: say so while stderr is
 * still there (it may be one of the targets), then give up */
static void wire_fail(const char *what)
{
    char line[160];
    int n = snprintf(line, sizeof line, "qchan-start: unable to %s while "
                     "wiring descriptors: %s\n", what, strerror(errno));
    if (n > 0)
        (void)!write(2, line, (size_t)n);
    _exit(111);
}

/* wire - make descriptor dst[i] a copy of src[i], close all others
 * except stderr when keep_stderr
 *
 * The copies are a parallel move: a target that is still some other
 * move's source must wait until that move is done, and when every
 * waiting target is such a source (a cycle) one source is first copied
 * to the lowest free descriptor.  So wiring needs at most one descriptor
 * more than the sources and targets themselves, whatever the limit:
 * copying everything above the highest target first, as this once did,
 * needed twice as many and failed silently under a low ulimit -n. */
static void wire(int n, const int *src, const int *dst, int keep_stderr)
{
    int from[2 * QC_MAX_CHANNELS + 8], to[2 * QC_MAX_CHANNELS + 8];
    int keep[2 * QC_MAX_CHANNELS + 9];
    int nkeep = 0, left = 0;
    for (int i = 0; i < n; i++) {
        keep[nkeep++] = dst[i];
        if (src[i] != dst[i]) {
            from[left] = src[i];
            to[left++] = dst[i];
        }
    }
    while (left > 0) {
        int moved = 0;
        for (int i = 0; i < left;) {
            int busy = 0;
            for (int j = 0; j < left && !busy; j++)
                busy = j != i && from[j] == to[i];
            if (busy) {
                i++;
                continue;
            }
            if (dup2(from[i], to[i]) < 0)
                wire_fail("copy a descriptor");
            left--;
            from[i] = from[left];
            to[i] = to[left];
            moved = 1;
        }
        if (moved)
            continue;
        /* a cycle: every waiting target is open as a source, so the
         * lowest free descriptor is none of them */
        int spare = fcntl(from[0], F_DUPFD, 0);
        if (spare < 0)
            wire_fail("find a spare descriptor");
        int old = from[0];
        for (int j = 0; j < left; j++)
            if (from[j] == old)
                from[j] = spare;
    }
    if (keep_stderr)
        keep[nkeep++] = 2;
    /* the kept descriptors in order, then close the gaps between them */
    for (int i = 1; i < nkeep; i++)
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned lo = 0;
    for (int i = 0; i < nkeep; i++) {
        if ((unsigned)keep[i] < lo)
            continue;   /* listed twice */
        if ((unsigned)keep[i] > lo)
            close_from_to(lo, (unsigned)keep[i] - 1);
        lo = (unsigned)keep[i] + 1;
    }
    close_from_to(lo, ~0U);
}

/* std_open - 0, 1 and 2 open (on /dev/null if they were closed), so no
 * pipe made here lands on them and is taken for stdin or stderr */
static void std_open(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 &&
            open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            _exit(111);
}

/* check_descriptors - enough of them for the wiring, qmail-send and
 * qmail-todo (the spawners' needs grow with their concurrency: `qchan
 * limits` checks those), or one line saying what is needed */
static void check_descriptors(int nchan)
{
    /* qchan-start itself at its peak: stdio, every pipe end qmail-send
     * will get (the logger's, two per channel, two for each of its
     * cleaner and qmail-todo), the four pipes of qmail-todo and its
     * cleaner being made, one spare for a cycle in wire() */
    unsigned long wiring = 3 + (1 + 2 * (unsigned long)nchan + 4) + 8 + 1;
    unsigned long send = qd_fds_send(nchan), todo = qd_fds_todo(nchan);
    unsigned long need = wiring;
    if (send > need)
        need = send;
    if (todo > need)
        need = todo;
    unsigned long have = qd_fds_nofile();
    if (have >= need)
        return;
    fprintf(stderr, "qchan-start: ulimit -n is %lu, %d channels need %lu "
            "(qmail-send %lu, qmail-todo %lu, qchan-start %lu): raise it "
            "to %lu or more\n", have, nchan, need, send, todo, wiring, need);
    exit(111);
}

/* run - fork a child with its descriptors wired, as user */
static void run(const struct start *st, char **argv, int n, const int *src,
                const int *dst, int keep_stderr, const char *user)
{
    pid_t pid = fork();
    if (pid < 0)
        fail("unable to fork", strerror(errno));
    if (pid > 0)
        return;
    signal(SIGPIPE, SIG_DFL);
    become(st, user);
    wire(n, src, dst, keep_stderr);
    execvp(argv[0], argv);
    fprintf(stderr, "qchan-start: unable to run %s: %s\n", argv[0],
            strerror(errno));
    _exit(111);
}

/* make_pipe - a pipe or die */
static void make_pipe(int p[2])
{
    if (pipe(p) < 0)
        fail("unable to create a pipe", strerror(errno));
}

int main(int argc, char **argv)
{
    static struct start st;
    std_open();
    find_self(&st, argv[0]);
    options(&st, argc, argv);
    if (st.create) {
        /* the channel count may come from a control/ still to be made */
        char dir[QD_HOME_MAX + 16];
        snprintf(dir, sizeof dir, "%s/control", st.env.home);
        (void)mkdir(st.env.home, 0755);
        (void)mkdir(dir, 0755);
    }
    int nchan = channel_count(&st);
    char num[16];
    snprintf(num, sizeof num, "%d", nchan);
    export("QCHAN_CHANNELS", num);
    export("QCHAN_HOME", st.env.home);

    if (st.create) {
        char err[QD_HOME_MAX + 512];
        struct qd_owners owners, *o = NULL;
        /* as root, qmail's owners (its install's); missing users leave
         * the queue root's, which only a --same-user qmail can run */
        if (geteuid() == 0) {
            if (qd_owners_lookup(&owners, err, sizeof err) == 0)
                o = &owners;
            else
                fprintf(stderr, "qchan-start: warning: qmail's users and "
                        "groups are missing (%s): the queue belongs to "
                        "root; create them as qmail's INSTALL.ids says and "
                        "run --create again to give it to them\n", err);
        }
        if (qd_mkqueue(&st.env, nchan, o, err, sizeof err) < 0)
            fail(err, NULL);
        return 0;
    }
    check_descriptors(nchan);
    if (!getenv("QMAILQUEUE"))
        export("QMAILQUEUE", injector_of(&st));
    if (!st.send)
        st.send = sibling(&st, "qmail-send");
    if (!st.todo)
        st.todo = sibling(&st, "qmail-todo");
    if (!st.clean)
        st.clean = sibling(&st, "qchan-clean");
    char lspawn[QD_HOME_MAX + 64], rspawn[QD_HOME_MAX + 64];
    snprintf(lspawn, sizeof lspawn, "%s/bin/qmail-lspawn ./Mailbox",
             st.env.home);
    snprintf(rspawn, sizeof rspawn, "%s/bin/qmail-rspawn", st.env.home);

    /* send's descriptor -> the pipe end it gets */
    int send_src[2 * QC_MAX_CHANNELS + 8], send_dst[2 * QC_MAX_CHANNELS + 8];
    int ns = 0;
    int logp[2];
    if (st.logger) {
        make_pipe(logp);
        int src[1] = {logp[0]}, dst[1] = {0};
        run(&st, st.logger, 1, src, dst, 1, "qmaill");
        close(logp[0]);
        send_src[ns] = logp[1];
    } else {
        send_src[ns] = 1;
    }
    send_dst[ns++] = 0;

    for (int c = 0; c < nchan; c++) {
        int to[2], from[2];
        make_pipe(to);
        make_pipe(from);
        char name[QC_CHAN_NAME_MAX];
        qc_channel_name(c, name);
        const char *cmd = st.spawn[c] ? st.spawn[c] : c == 0 ? lspawn : rspawn;
        int src[2] = {to[0], from[1]}, dst[2] = {0, 1};
        run(&st, split_command(&st, cmd, name), 2, src, dst, 1,
            c == 0 ? NULL : "qmailr");
        close(to[0]);
        close(from[1]);
        int out = c < 2 ? 1 + 2 * c : 11 + 2 * (c - 2);
        send_src[ns] = to[1];
        send_dst[ns++] = out;
        send_src[ns] = from[0];
        send_dst[ns++] = out + 1;
    }

    int cto[2], cfrom[2];
    make_pipe(cto);
    make_pipe(cfrom);
    {
        int src[2] = {cto[0], cfrom[1]}, dst[2] = {0, 1};
        run(&st, split_command(&st, st.clean, "clean"), 2, src, dst, 1,
            "qmailq");
        close(cto[0]);
        close(cfrom[1]);
        send_src[ns] = cto[1];
        send_dst[ns++] = 5;
        send_src[ns] = cfrom[0];
        send_dst[ns++] = 6;
    }

    int tin[2], tout[2], tcto[2], tcfrom[2];
    make_pipe(tin);
    make_pipe(tout);
    make_pipe(tcto);
    make_pipe(tcfrom);
    {
        int src[2] = {tcto[0], tcfrom[1]}, dst[2] = {0, 1};
        run(&st, split_command(&st, st.clean, "clean"), 2, src, dst, 1,
            "qmailq");
        int tsrc[4] = {tin[0], tout[1], tcto[1], tcfrom[0]};
        int tdst[4] = {0, 1, 2, 3};
        run(&st, split_command(&st, st.todo, "todo"), 4, tsrc, tdst, 0,
            "qmails");
        close(tin[0]);
        close(tout[1]);
        close(tcto[0]);
        close(tcto[1]);
        close(tcfrom[0]);
        close(tcfrom[1]);
        send_src[ns] = tin[1];
        send_dst[ns++] = 7;
        send_src[ns] = tout[0];
        send_dst[ns++] = 8;
    }

    char **send_argv = split_command(&st, st.send, "send");
    signal(SIGPIPE, SIG_DFL);
    become(&st, "qmails");
    wire(ns, send_src, send_dst, 0);
    execvp(send_argv[0], send_argv);
    /* stderr is gone: the log is the only place left to complain */
    dprintf(0, "alert: cannot start: unable to run %s\n", send_argv[0]);
    return 111;
}
