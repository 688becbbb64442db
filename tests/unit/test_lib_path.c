/* test_lib_path.c - mkdir -p, programs on $PATH, result files
 * (lib/path). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"
#include "path.h"

static char base[] = "/tmp/test_lib_path.XXXXXX";

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdirs(void)
{
    char p[256];
    snprintf(p, sizeof p, "%s/a/b/c", base);
    CU_ASSERT_EQUAL(path_mkdirs(p), 0);
    CU_ASSERT_TRUE(is_dir(p));
    /* again: it exists, fine */
    CU_ASSERT_EQUAL(path_mkdirs(p), 0);
    /* a trailing slash is the same directory */
    snprintf(p, sizeof p, "%s/a/b/d/", base);
    CU_ASSERT_EQUAL(path_mkdirs(p), 0);
    snprintf(p, sizeof p, "%s/a/b/d", base);
    CU_ASSERT_TRUE(is_dir(p));
}

static void test_file_in_the_way(void)
{
    char f[256], p[300];
    snprintf(f, sizeof f, "%s/file", base);
    FILE *fp = fopen(f, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fclose(fp);
    errno = 0;
    CU_ASSERT_EQUAL(path_mkdirs(f), -1);
    CU_ASSERT_EQUAL(errno, ENOTDIR);
    snprintf(p, sizeof p, "%s/sub", f);
    CU_ASSERT_EQUAL(path_mkdirs(p), -1);
    CU_ASSERT_EQUAL(errno, ENOTDIR);
}

static void test_too_long(void)
{
    char *p = malloc(5000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memset(p, 'x', 4999);
    p[0] = '/';
    p[4999] = '\0';
    errno = 0;
    CU_ASSERT_EQUAL(path_mkdirs(p), -1);
    CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
    free(p);
}

static void test_has_program(void)
{
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    char dir[256], prog[300];
    snprintf(dir, sizeof dir, "%s/bin", base);
    CU_ASSERT_EQUAL_FATAL(path_mkdirs(dir), 0);
    snprintf(prog, sizeof prog, "%s/tool", dir);
    FILE *fp = fopen(prog, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fclose(fp);

    char path[600];
    snprintf(path, sizeof path, "/nonexistent:%s", dir);
    setenv("PATH", path, 1);
    CU_ASSERT_FALSE(path_has_program("tool"));   /* not executable */
    chmod(prog, 0755);
    CU_ASSERT_TRUE(path_has_program("tool"));
    CU_ASSERT_FALSE(path_has_program("no-such-tool"));
    setenv("PATH", "/nonexistent", 1);
    CU_ASSERT_FALSE(path_has_program("tool"));
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
}

/* said - what fn wrote to standard error (static buffer) */
static const char *said(void (*fn)(void *), void *arg)
{
    static char buf[512];
    char name[300];
    snprintf(name, sizeof name, "%s/stderr", base);
    fflush(stderr);
    int saved = dup(2), fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || fd < 0)
        abort();
    dup2(fd, 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    FILE *f = fopen(name, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static FILE *created;
static int finished;

static void create_missing(void *dir)
{
    created = path_create(dir, "out.json", "qchan test");
}

static void finish_full(void *f)
{
    finished = path_finish(f, "/dev", "full", "qchan test");
}

/* result files: created with a message naming the path and the reason
 * when they cannot be, closed with one when a write failed */
static void test_create_and_finish(void)
{
    FILE *f = path_create(base, "out.txt", "qchan test");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("data\n", f);
    CU_ASSERT_EQUAL(path_finish(f, base, "out.txt", "qchan test"), 0);
    CU_ASSERT_EQUAL(path_finish(NULL, base, "x", "qchan test"), 0);
    char p[300], got[16] = "";
    snprintf(p, sizeof p, "%s/out.txt", base);
    f = fopen(p, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NOT_NULL(fgets(got, sizeof got, f));
    fclose(f);
    CU_ASSERT_STRING_EQUAL(got, "data\n");

    char missing[300], want[400];
    snprintf(missing, sizeof missing, "%s/no/such", base);
    const char *msg = said(create_missing, missing);
    CU_ASSERT_PTR_NULL(created);
    snprintf(want, sizeof want, "qchan test: cannot write %s/out.json: %s\n",
             missing, strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(msg, want);

    f = path_create("/dev", "full", "qchan test");
    if (!f)
        return;   /* no /dev/full here */
    fputs("more than nothing\n", f);
    msg = said(finish_full, f);
    CU_ASSERT_EQUAL(finished, -1);
    snprintf(want, sizeof want, "qchan test: cannot write /dev/full: %s\n",
             strerror(ENOSPC));
    CU_ASSERT_STRING_EQUAL(msg, want);
}

static void add_tests(CU_pSuite suite)
{
    if (!mkdtemp(base))
        abort();
    QC_ADD_TEST(suite, test_mkdirs);
    QC_ADD_TEST(suite, test_file_in_the_way);
    QC_ADD_TEST(suite, test_too_long);
    QC_ADD_TEST(suite, test_has_program);
    QC_ADD_TEST(suite, test_create_and_finish);
}

QC_CUNIT_MAIN("lib_path")
