/* test_lib_path.c - mkdir -p and programs on $PATH (lib/path). */
#include <errno.h>
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

static void add_tests(CU_pSuite suite)
{
    if (!mkdtemp(base))
        abort();
    QC_ADD_TEST(suite, test_mkdirs);
    QC_ADD_TEST(suite, test_file_in_the_way);
    QC_ADD_TEST(suite, test_too_long);
    QC_ADD_TEST(suite, test_has_program);
}

QC_CUNIT_MAIN("lib_path")
