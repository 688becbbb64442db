/*
 * test_qd_mkqueue.c - queue creation: qmail's modes everywhere, qmail's
 * owners when given (the tests run as root, so numeric ids need no
 * accounts), split and big-todo layouts, supplK directories added to an
 * existing queue, and a symbolic link in the tree refused, not followed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"
#include "qd_mkqueue.h"

static char home[64];

static struct qd_env env(unsigned split, int bigtodo)
{
    struct qd_env e;
    memset(&e, 0, sizeof e);
    snprintf(home, sizeof home, "/tmp/test_qd_mkqueue_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(home) != NULL);
    snprintf(e.home, sizeof e.home, "%s/qmail", home);
    e.split = split;
    e.bigtodo = bigtodo;
    e.width = PROTO_WIDTH_BIG;
    return e;
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    CU_ASSERT(system(cmd) == 0);
}

/* has - path under the home has this type, mode and (uid >= 0) owner */
static void has(const struct qd_env *e, const char *rel, mode_t type,
                mode_t mode, long uid, long gid)
{
    char p[QD_HOME_MAX + 64];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", e->home, rel);
    int ok = lstat(p, &st) == 0 && (st.st_mode & S_IFMT) == type &&
             (st.st_mode & 07777) == mode &&
             (uid < 0 || (st.st_uid == (uid_t)uid && st.st_gid == (gid_t)gid));
    if (!ok)
        fprintf(stderr, "\n  %s: mode %o uid %ld gid %ld, want %o %ld %ld\n",
                rel, (unsigned)st.st_mode, (long)st.st_uid, (long)st.st_gid,
                (unsigned)(type | mode), uid, gid);
    CU_ASSERT(ok);
}

static void test_modes_as_qmail(void)
{
    struct qd_env e = env(5, 0);
    char err[512];
    CU_ASSERT_EQUAL_FATAL(qd_mkqueue(&e, 4, NULL, err, sizeof err), 0);
    has(&e, ".", S_IFDIR, 0755, -1, -1);
    has(&e, "control", S_IFDIR, 0755, -1, -1);
    has(&e, "queue", S_IFDIR, 0750, -1, -1);
    has(&e, "queue/mess/4", S_IFDIR, 0750, -1, -1);
    has(&e, "queue/info/0", S_IFDIR, 0700, -1, -1);
    has(&e, "queue/remote/3", S_IFDIR, 0700, -1, -1);
    has(&e, "queue/suppl1/4", S_IFDIR, 0700, -1, -1);
    has(&e, "queue/todo", S_IFDIR, 0750, -1, -1);
    has(&e, "queue/intd", S_IFDIR, 0700, -1, -1);
    has(&e, "queue/bounce", S_IFDIR, 0700, -1, -1);
    has(&e, "queue/lock/sendmutex", S_IFREG, 0600, -1, -1);
    has(&e, "queue/lock/trigger", S_IFIFO, 0622, -1, -1);
    has(&e, "queue/lock/tcpto", S_IFREG, 0644, -1, -1);
    char p[QD_HOME_MAX + 64];
    struct stat st;
    snprintf(p, sizeof p, "%s/queue/info/5", e.home);
    CU_ASSERT(stat(p, &st) < 0);
    snprintf(p, sizeof p, "%s/queue/todo/0", e.home);
    CU_ASSERT(stat(p, &st) < 0);
    snprintf(p, sizeof p, "%s/queue/suppl2", e.home);
    CU_ASSERT(stat(p, &st) < 0);
    /* a second run adds the new channel's directories, keeps the rest */
    CU_ASSERT_EQUAL(qd_mkqueue(&e, 5, NULL, err, sizeof err), 0);
    has(&e, "queue/suppl2/2", S_IFDIR, 0700, -1, -1);
    cleanup();
}

/* tcpto - the bytes of lock/tcpto into buf (at most cap); how many */
static size_t tcpto(const struct qd_env *e, unsigned char *buf, size_t cap)
{
    char p[QD_HOME_MAX + 64];
    snprintf(p, sizeof p, "%s/queue/lock/tcpto", e->home);
    FILE *f = fopen(p, "rb");
    CU_ASSERT_FATAL(f != NULL);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void test_tcpto_made_once(void)
{
    struct qd_env e = env(2, 0);
    char err[512];
    unsigned char buf[2048];
    CU_ASSERT_EQUAL_FATAL(qd_mkqueue(&e, 2, NULL, err, sizeof err), 0);
    /* as qmail's install: 1024 zero bytes, no host timed out */
    size_t n = tcpto(&e, buf, sizeof buf);
    CU_ASSERT_EQUAL(n, 1024);
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++)
        nonzero += buf[i] != 0;
    CU_ASSERT_EQUAL(nonzero, 0);
    /* qmail-remote's records survive a second --create */
    char p[QD_HOME_MAX + 64];
    snprintf(p, sizeof p, "%s/queue/lock/tcpto", e.home);
    FILE *f = fopen(p, "r+b");
    CU_ASSERT_FATAL(f != NULL);
    fputs("record", f);
    fclose(f);
    CU_ASSERT_FATAL(chmod(p, 0600) == 0);
    CU_ASSERT_EQUAL(qd_mkqueue(&e, 2, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(tcpto(&e, buf, sizeof buf), 1024);
    CU_ASSERT(memcmp(buf, "record", 6) == 0);
    has(&e, "queue/lock/tcpto", S_IFREG, 0644, -1, -1);
    cleanup();
}

static void test_bigtodo_layout(void)
{
    struct qd_env e = env(3, 1);
    char err[512];
    CU_ASSERT_EQUAL_FATAL(qd_mkqueue(&e, 2, NULL, err, sizeof err), 0);
    has(&e, "queue/todo/2", S_IFDIR, 0750, -1, -1);
    has(&e, "queue/intd/2", S_IFDIR, 0700, -1, -1);
    cleanup();
}

static void test_qmail_owners(void)
{
    if (geteuid() != 0)
        return;   /* chown to other ids needs root */
    struct qd_env e = env(2, 1);
    struct qd_owners o = {0, 7001, 7002, 7003, 7004};
    char err[512];
    CU_ASSERT_EQUAL_FATAL(qd_mkqueue(&e, 3, &o, err, sizeof err), 0);
    has(&e, ".", S_IFDIR, 0755, 0, 7003);
    has(&e, "control", S_IFDIR, 0755, 0, 7003);
    has(&e, "queue", S_IFDIR, 0750, 7001, 7003);
    has(&e, "queue/mess/1", S_IFDIR, 0750, 7001, 7003);
    has(&e, "queue/todo/1", S_IFDIR, 0750, 7001, 7003);
    has(&e, "queue/intd/0", S_IFDIR, 0700, 7001, 7003);
    has(&e, "queue/pid", S_IFDIR, 0700, 7001, 7003);
    has(&e, "queue/lock", S_IFDIR, 0750, 7001, 7003);
    has(&e, "queue/info/1", S_IFDIR, 0700, 7002, 7003);
    has(&e, "queue/bounce", S_IFDIR, 0700, 7002, 7003);
    has(&e, "queue/local/0", S_IFDIR, 0700, 7002, 7003);
    has(&e, "queue/suppl0/1", S_IFDIR, 0700, 7002, 7003);
    has(&e, "queue/lock/sendmutex", S_IFREG, 0600, 7002, 7003);
    has(&e, "queue/lock/trigger", S_IFIFO, 0622, 7002, 7003);
    has(&e, "queue/lock/tcpto", S_IFREG, 0644, 7004, 7003);
    cleanup();
}

static void test_symlink_not_followed(void)
{
    struct qd_env e = env(2, 0);
    char err[512], p[QD_HOME_MAX + 64], target[128];
    CU_ASSERT_EQUAL_FATAL(qd_mkqueue(&e, 2, NULL, err, sizeof err), 0);
    /* someone swaps queue/bounce for a link to a directory of theirs */
    snprintf(target, sizeof target, "%s/elsewhere", home);
    CU_ASSERT_FATAL(mkdir(target, 0777) == 0);
    CU_ASSERT_FATAL(chmod(target, 0777) == 0);
    snprintf(p, sizeof p, "%s/queue/bounce", e.home);
    CU_ASSERT_FATAL(rmdir(p) == 0);
    CU_ASSERT_FATAL(symlink(target, p) == 0);
    CU_ASSERT_EQUAL(qd_mkqueue(&e, 2, NULL, err, sizeof err), -1);
    CU_ASSERT(strstr(err, "queue/bounce") != NULL);
    CU_ASSERT(strstr(err, "symbolic link") != NULL);
    struct stat st;
    CU_ASSERT(stat(target, &st) == 0 && (st.st_mode & 07777) == 0777);
    cleanup();
}

static void test_owners_lookup_names_missing(void)
{
    struct qd_owners o;
    char missing[512];
    int rc = qd_owners_lookup(&o, missing, sizeof missing);
    /* whatever this machine has: 0 and nothing listed, or -1 and names */
    if (rc == 0) {
        CU_ASSERT_STRING_EQUAL(missing, "");
    } else {
        CU_ASSERT(strstr(missing, "user ") || strstr(missing, "group "));
    }
    CU_ASSERT(strstr(missing, "root") == NULL);   /* root always exists */
}

static void add_tests(CU_pSuite s)
{
    QC_ADD_TEST(s, test_modes_as_qmail);
    QC_ADD_TEST(s, test_tcpto_made_once);
    QC_ADD_TEST(s, test_bigtodo_layout);
    QC_ADD_TEST(s, test_qmail_owners);
    QC_ADD_TEST(s, test_symlink_not_followed);
    QC_ADD_TEST(s, test_owners_lookup_names_missing);
}

QC_CUNIT_MAIN("qd_mkqueue")
