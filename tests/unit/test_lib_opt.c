/* test_lib_opt.c - getopt_long through lib/opt: arguments in their
 * place or a stop at the first, "--", values both ways, errors. */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "opt.h"

static const struct option opts[] = {
    {"out", required_argument, NULL, 'o'},
    {"flag", no_argument, NULL, 'f'},
    {NULL, 0, NULL, 0}};

/* run - opt_next over a NULL-terminated list; the returns and values
 * as one string "o=DIR f A=x ..." */
static const char *run(enum opt_mode mode, char **argv, int *index)
{
    static char buf[256];
    int argc = 0;
    while (argv[argc])
        argc++;
    buf[0] = '\0';
    int c;
    opt_start(mode);
    FILE *devnull = freopen("/dev/null", "w", stderr);
    (void)devnull;
    while ((c = opt_next(argc, argv, "test", opts)) != -1) {
        char one[64];
        if (c == 'o')
            snprintf(one, sizeof one, "o=%s ", optarg);
        else if (c == 'f')
            snprintf(one, sizeof one, "f ");
        else if (c == OPT_ARG)
            snprintf(one, sizeof one, "A=%s ", optarg);
        else
            snprintf(one, sizeof one, "BAD ");
        strcat(buf, one);
        if (c == OPT_BAD)
            break;
    }
    if (index)
        *index = opt_index();
    return buf;
}

static void test_in_order(void)
{
    char *a[] = {"t", "x", "--out", "d", "y", "--flag", "--out=e", "--", "--flag", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, a, NULL),
                           "A=x o=d A=y f o=e A=--flag ");
    /* a unique prefix is the option */
    char *b[] = {"t", "--ou", "d", "--fl", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, b, NULL), "o=d f ");
}

static void test_stop(void)
{
    int idx = 0;
    char *a[] = {"t", "--flag", "logger", "--out", "x", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_STOP, a, &idx), "f ");
    CU_ASSERT_EQUAL(idx, 2);
    char *b[] = {"t", "--out", "d", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_STOP, b, &idx), "o=d ");
    CU_ASSERT_EQUAL(idx, 3);
}

static void test_bad(void)
{
    char *a[] = {"t", "--nope", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, a, NULL), "BAD ");
    char *b[] = {"t", "x", "--out", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, b, NULL), "A=x BAD ");
    char *c[] = {"t", "--flag=1", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, c, NULL), "BAD ");
    /* a second command line starts afresh */
    char *d[] = {"t", "--flag", NULL};
    CU_ASSERT_STRING_EQUAL(run(OPT_IN_ORDER, d, NULL), "f ");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_in_order);
    QC_ADD_TEST(suite, test_stop);
    QC_ADD_TEST(suite, test_bad);
}

QC_CUNIT_MAIN("lib_opt")
