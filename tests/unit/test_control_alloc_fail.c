/*
 * test_control_alloc_fail.c - the controls and the classifier when
 * memory runs out, the SQLite way: each call is repeated with its Nth
 * request for memory refused, N = 1, 2, 3 ... until a call asks for
 * fewer than N.  Whatever the refusal hits, the call must fail cleanly
 * (-1 or NULL, err->nomem and "out of memory" naming the file), give
 * every block back, and leave what it was given as it was: a daemon's
 * reread on SIGHUP that fails keeps the configuration in force.  A call
 * that got all it asked for must give what a malloc'd run gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "control.h"
#include "control_dir.h"
#include "cunit_main.h"
#include "track_alloc.h"

static struct track tr;

/* make_dir - a control directory with something in every kind of file:
 * strings, numbers, lists, supplemental channels, a value from me */
static void make_dir(void)
{
    mkdir_tmp();
    put("me", "mx.example.org\n");
    put("locals", "example.org\nlocalhost\n# a comment\nEXAMPLE.net\n");
    put("percenthack", "relay.example\n");
    put("virtualdomains", "v.example:vuser\n.w.example:wuser\nnocolon\n");
    put("suppls0", "partner.example\n");
    put("suppls1", "bulk.example\nother.example\n");
    put("concurrencyremote", "55\n");
    put("bouncefrom", "bounces\n");
}

/* same_str - both absent or equal */
static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_list(const struct control_list *a,
                     const struct control_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return 0;
    return 1;
}

/* same_control - every value of a is b's */
static int same_control(const struct control *a, const struct control *b)
{
    int ok = a->nchan == b->nchan && a->queuelifetime == b->queuelifetime &&
             a->from_me == b->from_me && same_str(a->me, b->me) &&
             same_str(a->envnoathost, b->envnoathost) &&
             same_str(a->bouncefrom, b->bouncefrom) &&
             same_str(a->bouncehost, b->bouncehost) &&
             same_str(a->doublebouncehost, b->doublebouncehost) &&
             same_str(a->doublebounceto, b->doublebounceto) &&
             same_list(&a->locals, &b->locals) &&
             same_list(&a->percenthack, &b->percenthack) &&
             same_list(&a->virtualdomains, &b->virtualdomains);
    for (int c = 0; ok && c < QC_MAX_CHANNELS; c++)
        ok = a->concurrency[c] == b->concurrency[c] &&
             same_list(&a->suppls[c], &b->suppls[c]);
    return ok;
}

/* arm - refuse the nth request from now on (0: none) */
static void arm(unsigned long n)
{
    tr.fail_at = n ? tr.calls + n : 0;
    tr.fail_count = 1;
    tr.failed = 0;
}

/* refused_cleanly - what a refused call must have said */
static int refused_cleanly(const struct control_error *err, const char *file)
{
    return err->nomem && strstr(err->msg, "out of memory") != NULL &&
           strstr(err->file, file) != NULL;
}

static void test_load(void)
{
    make_dir();
    struct control want, c;
    struct control_error err;
    CU_ASSERT_EQUAL_FATAL(control_load(&want, dir, 0, NULL, &err), 0);
    struct qc_alloc a;
    unsigned long n, refused = 0;
    int all_ok = 1;
    for (n = 1;; n++) {
        track_init(&tr, &a);
        arm(n);
        memset(&err, 0, sizeof err);
        int r = control_load(&c, dir, 0, &a, &err);
        if (r < 0) {
            refused++;
            all_ok &= tr.failed == 1 && refused_cleanly(&err, dir);
        } else {
            all_ok &= tr.failed == 0 && same_control(&c, &want);
            control_free(&c);
        }
        all_ok &= track_live(&tr) == 0 && tr.wrong_size == 0 &&
                  tr.unknown == 0;
        if (!all_ok) {
            fprintf(stderr, "\n  load, request %lu refused: r %d, %s: %s, "
                    "live %u\n", n, r, err.file, err.msg, track_live(&tr));
            break;
        }
        if (r == 0)
            break;
    }
    CU_ASSERT_TRUE(all_ok);
    /* every file of the directory reads through the allocator */
    CU_ASSERT_TRUE(refused > 20);
    printf("\n  control_load: %lu runs, %lu refused cleanly ", n, refused);
    control_free(&want);
    rm_tmp();
}

/* the changes a scenario makes, in order: me moves the values taken
 * from it (all or none), the first locals replaces the list from me */
static const char *const changes[][2] = {
    {"me", "new.example"},       {"locals", "a.example"},
    {"locals", "b.example"},     {"virtualdomains", "x.example:xuser"},
    {"suppls2", "s2.example"},   {"doublebounceto", "admin"},
    {"concurrencyremote", "70"}, {"me", "third.example"},
};
#define NCHANGES (sizeof changes / sizeof changes[0])

static void test_set(void)
{
    struct qc_alloc a;
    struct control_error err;
    unsigned long n, refused = 0;
    int all_ok = 1;
    for (n = 1;; n++) {
        struct control c, want;
        track_init(&tr, &a);
        CU_ASSERT_EQUAL_FATAL(control_init(&c, 3, &a), 0);
        CU_ASSERT_EQUAL_FATAL(control_init(&want, 3, NULL), 0);
        arm(n);
        for (size_t i = 0; i < NCHANGES; i++) {
            memset(&err, 0, sizeof err);
            int r = control_set(&c, changes[i][0], changes[i][1], &err);
            if (r < 0) {
                refused++;
                all_ok &= refused_cleanly(&err, "--set") &&
                          strstr(err.msg, "out of memory") != NULL;
            } else {
                CU_ASSERT_EQUAL(control_set(&want, changes[i][0],
                                            changes[i][1], &err), 0);
            }
            /* a refused change left it as it was */
            all_ok &= same_control(&c, &want);
        }
        int injected = tr.failed > 0;
        control_free(&c);
        control_free(&want);
        all_ok &= track_live(&tr) == 0 && tr.wrong_size == 0 &&
                  tr.unknown == 0;
        if (!all_ok) {
            fprintf(stderr, "\n  set, request %lu refused: live %u\n", n,
                    track_live(&tr));
            break;
        }
        if (!injected)
            break;
    }
    CU_ASSERT_TRUE(all_ok);
    CU_ASSERT_TRUE(refused > 8);
    printf("\n  control_set: %lu runs, %lu changes refused cleanly ", n,
           refused);
}

static void test_copy(void)
{
    make_dir();
    struct qc_alloc a;
    struct control_error err;
    unsigned long n, refused = 0;
    int all_ok = 1;
    for (n = 1;; n++) {
        struct control src, dst;
        track_init(&tr, &a);
        CU_ASSERT_EQUAL_FATAL(control_load(&src, dir, 0, &a, &err), 0);
        unsigned before = track_live(&tr);
        arm(n);
        int r = control_copy(&dst, &src);
        if (r < 0) {
            refused++;
            /* nothing of the copy is left */
            all_ok &= track_live(&tr) == before && dst.nchan == 0 &&
                      dst.me == NULL && dst.locals.n == 0;
        } else {
            all_ok &= same_control(&dst, &src);
            control_free(&dst);
        }
        int injected = tr.failed > 0;
        control_free(&src);
        all_ok &= track_live(&tr) == 0 && tr.wrong_size == 0;
        if (!all_ok || !injected)
            break;
    }
    CU_ASSERT_TRUE(all_ok);
    CU_ASSERT_TRUE(refused > 20);
    printf("\n  control_copy: %lu runs, %lu refused cleanly ", n, refused);
    rm_tmp();
}

/* classify_same - the two classifiers agree on a few addresses that
 * reach every table */
static int classify_same(const struct classify *x, const struct classify *y)
{
    static const char *const addrs[] = {
        "u@example.org", "u@EXAMPLE.NET", "nobody", "a%b@relay.example",
        "u@v.example", "u@host.w.example", "u@partner.example",
        "u@other.example", "u@elsewhere.example"};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        char o1[256], o2[256];
        int c1, c2;
        size_t n1 = classify_rcpt(x, addrs[i], strlen(addrs[i]), o1,
                                  sizeof o1, &c1);
        size_t n2 = classify_rcpt(y, addrs[i], strlen(addrs[i]), o2,
                                  sizeof o2, &c2);
        if (n1 != n2 || c1 != c2 || strcmp(o1, o2) != 0)
            return 0;
    }
    return 1;
}

static void test_classify(void)
{
    make_dir();
    struct control c;
    struct control_error err;
    CU_ASSERT_EQUAL_FATAL(control_load(&c, dir, 0, NULL, &err), 0);
    struct classify *want = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    struct qc_alloc a;
    unsigned long n, refused = 0;
    int all_ok = 1;
    for (n = 1;; n++) {
        track_init(&tr, &a);
        arm(n);
        struct classify *cl = classify_new(&c, &a);
        if (!cl) {
            refused++;
        } else {
            all_ok &= classify_same(cl, want);
            classify_free(cl);
        }
        all_ok &= track_live(&tr) == 0 && tr.wrong_size == 0 &&
                  tr.unknown == 0;
        if (!all_ok || cl)
            break;
    }
    CU_ASSERT_TRUE(all_ok);
    CU_ASSERT_TRUE(refused > 10);
    printf("\n  classify_new: %lu runs, %lu refused cleanly ", n, refused);
    classify_free(want);
    control_free(&c);
    rm_tmp();
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_load);
    QC_ADD_TEST(suite, test_set);
    QC_ADD_TEST(suite, test_copy);
    QC_ADD_TEST(suite, test_classify);
}

QC_CUNIT_MAIN("control_alloc_fail")
