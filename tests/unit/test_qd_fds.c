/*
 * test_qd_fds.c - daemons/qd_fds.c: the daemons' descriptor needs are
 * qmail's accounting (core/limits_model.h) plus their own, and the probe
 * of free descriptors agrees with the kernel under a lowered limit.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cunit_main.h"
#include "limits_model.h"
#include "qd_fds.h"

/* test_needs - qmail's counts plus qchan's own, growing with channels */
static void test_needs(void)
{
    for (int n = QC_MIN_CHANNELS; n <= QC_MAX_CHANNELS; n++) {
        CU_ASSERT_EQUAL(qd_fds_send(n),
                        limits_send_fds(n, n, 1) + QD_FDS_SEND_OWN);
        CU_ASSERT_EQUAL(qd_fds_todo(n),
                        limits_todo_fds(n, 1) + QD_FDS_TODO_OWN);
        CU_ASSERT_EQUAL(qd_fds_todo_message(n), 2u + (unsigned)n);
        if (n > QC_MIN_CHANNELS) {
            CU_ASSERT(qd_fds_send(n) > qd_fds_send(n - 1));
            CU_ASSERT(qd_fds_todo(n) > qd_fds_todo(n - 1));
        }
    }
    /* 4 channels: 9 fixed, 2 per supplemental, mutex, 4 passes, bounce 4,
     * self-pipe, the mess/ pass, info/N */
    CU_ASSERT_EQUAL(qd_fds_send(4), 9u + 4 + 1 + 4 + 4 + 4);
    /* 4 fixed, trigger, todo/N, info/N, 4 lists, self-pipe, todo/ */
    CU_ASSERT_EQUAL(qd_fds_todo(4), 4u + 1 + 2 + 4 + 3);
}

/* free_below - descriptors not open below limit */
static unsigned free_below(int limit)
{
    unsigned n = 0;
    for (int fd = 0; fd < limit; fd++)
        if (fcntl(fd, F_GETFD) < 0)
            n++;
    return n;
}

/* test_probe - exactly the free descriptors under the soft limit */
static void test_probe(void)
{
    struct rlimit old;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_NOFILE, &old), 0);
    int lowest = fcntl(0, F_DUPFD, 0);
    if (lowest < 0)
        lowest = open("/dev/null", O_RDONLY);
    CU_ASSERT_FATAL(lowest >= 0);
    close(lowest);
    int limit = lowest + 6;
    struct rlimit low = {(rlim_t)limit, old.rlim_max};
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
    unsigned nfree = free_below(limit);
    CU_ASSERT(nfree >= 6);
    CU_ASSERT_EQUAL(qd_fds_nofile(), (unsigned long)limit);
    CU_ASSERT_TRUE(qd_fds_free(nfree));
    CU_ASSERT_FALSE(qd_fds_free(nfree + 1));
    /* the probe leaves nothing open */
    CU_ASSERT_EQUAL(free_below(limit), nfree);
    int held = open("/dev/null", O_RDONLY);
    CU_ASSERT(held >= 0);
    CU_ASSERT_FALSE(qd_fds_free(nfree));
    CU_ASSERT_TRUE(qd_fds_free(nfree - 1));
    close(held);
    CU_ASSERT_EQUAL(setrlimit(RLIMIT_NOFILE, &old), 0);
    CU_ASSERT_TRUE(qd_fds_free(nfree + 1));
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_needs);
    QC_ADD_TEST(suite, test_probe);
}

QC_CUNIT_MAIN("qd_fds")
