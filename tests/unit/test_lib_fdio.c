/* test_lib_fdio.c - whole writes through a full non-blocking pipe
 * (lib/fdio). */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cunit_main.h"
#include "fdio.h"

#define BIG (1 << 20)   /* far more than a pipe holds */

/* a writer on a non-blocking pipe gets everything through while a slow
 * reader drains it: EAGAIN is waited out, not an error */
static void test_write_all_nonblocking(void)
{
    int p[2];
    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        fcntl(p[1], F_SETFL, O_NONBLOCK);
        char *buf = malloc(BIG);
        if (!buf)
            _exit(2);
        for (size_t i = 0; i < BIG; i++)
            buf[i] = (char)(i * 7);
        int rc = fdio_write_all(p[1], buf, BIG) == 0 ? 0 : 1;
        free(buf);  /* valgrind follows the child: a leak is its failure */
        _exit(rc);
    }
    close(p[1]);
    size_t got = 0;
    int same = 1;
    char chunk[4096];
    for (;;) {
        ssize_t r = fdio_read_some(p[0], chunk, sizeof chunk);
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++)
            same &= chunk[i] == (char)((got + (size_t)i) * 7);
        got += (size_t)r;
        if (got % (64 * 1024) < sizeof chunk)
            usleep(1000);   /* slow reader */
    }
    close(p[0]);
    int st;
    CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CU_ASSERT_EQUAL(got, BIG);
    CU_ASSERT_TRUE(same);
}

/* a reader gone: -1, not a loop */
static void test_write_all_broken_pipe(void)
{
    int p[2];
    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    close(p[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    CU_ASSERT_EQUAL(fdio_write_all(p[1], "x", 1), -1);
    signal(SIGPIPE, old);
    close(p[1]);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_write_all_nonblocking);
    QC_ADD_TEST(suite, test_write_all_broken_pipe);
}

QC_CUNIT_MAIN("lib_fdio")
