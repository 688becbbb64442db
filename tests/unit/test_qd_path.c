/*
 * test_qd_path.c - queue names written without snprintf (daemons/qd_path.c)
 * against the snprintf formats they replace: every directory kind, split
 * and big-todo, ids from 0 to UINT64_MAX, and buffers one byte too small.
 */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "qd_path.h"

/* env - settings with split and bigtodo */
static struct qd_env env(unsigned split, int bigtodo)
{
    struct qd_env e;
    memset(&e, 0, sizeof e);
    e.split = split;
    e.bigtodo = bigtodo;
    return e;
}

/* next_id - a generator that covers every digit count */
static uint64_t next_id(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state >> (*state % 64);
}

/* expect_path - qd_path against the snprintf it replaced */
static void expect_path(const struct qd_env *e, const char *dir,
                        uint64_t id)
{
    char want[QD_PATH_MAX], got[QD_PATH_MAX];
    if (qd_split_dir(e, dir))
        snprintf(want, sizeof want, "%s/%llu/%llu", dir,
                 (unsigned long long)(id % e->split),
                 (unsigned long long)id);
    else
        snprintf(want, sizeof want, "%s/%llu", dir, (unsigned long long)id);
    CU_ASSERT_EQUAL_FATAL(qd_path(got, sizeof got, e, dir, id), 0);
    CU_ASSERT_STRING_EQUAL(got, want);
    /* exactly enough room works, one byte less is refused */
    size_t n = strlen(want);
    memset(got, 'x', sizeof got);
    CU_ASSERT_EQUAL(qd_path(got, n + 1, e, dir, id), 0);
    CU_ASSERT_STRING_EQUAL(got, want);
    memset(got, 'x', sizeof got);
    CU_ASSERT_EQUAL(qd_path(got, n, e, dir, id), -1);
    CU_ASSERT_EQUAL(got[n - 1], 'x');   /* nothing written past cap */
}

static void test_against_snprintf(void)
{
    static const char *dirs[] = {"mess", "info", "todo", "intd", "bounce",
                                 "foop", "local", "remote", "suppl0"};
    static const unsigned splits[] = {1, 7, 23, 1000000};
    uint64_t st = 88172645463325252ULL;
    for (size_t s = 0; s < sizeof splits / sizeof *splits; s++)
        for (int big = 0; big < 2; big++) {
            struct qd_env e = env(splits[s], big);
            for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
                expect_path(&e, dirs[d], 0);
                expect_path(&e, dirs[d], 9);
                expect_path(&e, dirs[d], 10);
                expect_path(&e, dirs[d], UINT64_MAX);
                for (int i = 0; i < 200; i++)
                    expect_path(&e, dirs[d], next_id(&st));
            }
        }
}

static void test_chan_path(void)
{
    struct qd_env e = env(23, 0);
    char got[QD_PATH_MAX], dir[QC_CHAN_NAME_MAX], want[QD_PATH_MAX];
    uint64_t st = 12345;
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        for (int i = 0; i < 50; i++) {
            uint64_t id = next_id(&st);
            CU_ASSERT_EQUAL(qd_chan_path(got, sizeof got, &e, c, id), 0);
            CU_ASSERT_EQUAL(qd_path(want, sizeof want, &e,
                                    qc_channel_name(c, dir), id), 0);
            CU_ASSERT_STRING_EQUAL(got, want);
        }
    CU_ASSERT_EQUAL(qd_chan_path(got, 12, &e, 1, 457), -1);   /* remote/20/457 */
    CU_ASSERT_EQUAL(qd_chan_path(got, 14, &e, 1, 457), 0);
    CU_ASSERT_STRING_EQUAL(got, "remote/20/457");
}

static void test_split_name(void)
{
    struct qd_env e = env(23, 0);
    char got[QD_PATH_MAX], want[QD_PATH_MAX];
    uint64_t st = 777;
    for (int i = 0; i < 1000; i++) {
        uint64_t id = next_id(&st);
        snprintf(want, sizeof want, "%llu/%llu",
                 (unsigned long long)(id % 23), (unsigned long long)id);
        CU_ASSERT_EQUAL(qd_split_name(got, sizeof got, &e, id), 0);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    CU_ASSERT_EQUAL(qd_split_name(got, 6, &e, 457), -1);   /* "20/457" */
    CU_ASSERT_EQUAL(qd_split_name(got, 7, &e, 457), 0);
    CU_ASSERT_STRING_EQUAL(got, "20/457");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_against_snprintf);
    QC_ADD_TEST(suite, test_chan_path);
    QC_ADD_TEST(suite, test_split_name);
}

QC_CUNIT_MAIN("qd_path")
