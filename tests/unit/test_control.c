/*
 * test_control.c - loading a control directory with qmail's rules, and
 * control_set/control_copy, and loading from another source.  Each test
 * writes its files into a fresh mkdtemp directory and removes it
 * afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "control_file.h"
#include "qc_alloc.h"
#include "control_dir.h"
#include "cunit_main.h"

/* load - control_load of dir, asserting success */
static void load(struct control *c, int nchan)
{
    struct control_error err = {0};
    int r = control_load(c, dir, nchan, NULL, &err);
    if (r != 0)
        fprintf(stderr, "\nunexpected: %s: %s\n", err.file, err.msg);
    CU_ASSERT_EQUAL_FATAL(r, 0);
}

/* list_is - l holds exactly the n entries given */
static int list_is(const struct control_list *l, size_t n, const char **want)
{
    if (l->n != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l->items[i], want[i]) != 0)
            return 0;
    return 1;
}

static void check_defaults(const struct control *c)
{
    CU_ASSERT_EQUAL(c->concurrency[0], 10);
    CU_ASSERT_EQUAL(c->concurrency[1], 20);
    CU_ASSERT_EQUAL(c->queuelifetime, 604800);
    CU_ASSERT_PTR_NULL(c->me);
    CU_ASSERT_STRING_EQUAL(c->envnoathost, "envnoathost");
    CU_ASSERT_STRING_EQUAL(c->bouncefrom, "MAILER-DAEMON");
    CU_ASSERT_STRING_EQUAL(c->bouncehost, "bouncehost");
    CU_ASSERT_STRING_EQUAL(c->doublebouncehost, "doublebouncehost");
    CU_ASSERT_STRING_EQUAL(c->doublebounceto, "postmaster");
    CU_ASSERT_EQUAL(c->locals.n, 0);
    CU_ASSERT_EQUAL(c->percenthack.n, 0);
    CU_ASSERT_EQUAL(c->virtualdomains.n, 0);
}

static void test_init_defaults(void)
{
    struct control c;
    CU_ASSERT_EQUAL_FATAL(control_init(&c, 4, NULL), 0);
    CU_ASSERT_EQUAL(c.nchan, 4);
    check_defaults(&c);
    CU_ASSERT_EQUAL(c.concurrency[2], 20);
    CU_ASSERT_EQUAL(c.concurrency[3], 20);
    CU_ASSERT_EQUAL(c.suppls[0].n, 0);
    control_free(&c);
    CU_ASSERT_EQUAL(control_init(&c, 1, NULL), -1);
    CU_ASSERT_EQUAL(control_init(&c, 65, NULL), -1);
    CU_ASSERT_EQUAL(control_init(&c, 64, NULL), 0);
    control_free(&c);
}

static void test_load_empty_dir(void)
{
    struct control c;
    mkdir_tmp();
    load(&c, 0);
    CU_ASSERT_EQUAL(c.nchan, 2);
    check_defaults(&c);
    control_free(&c);
    rm_tmp();
}

static void test_me_fills_defaults(void)
{
    struct control c;
    const char *want[] = {"mail.example.org"};
    mkdir_tmp();
    put("me", "mail.example.org \t \n\nsecond.line\n");
    load(&c, 0);
    CU_ASSERT_STRING_EQUAL(c.me, "mail.example.org");
    CU_ASSERT_TRUE(list_is(&c.locals, 1, want));
    /* qmail's control_rldef(..., flagme=1, ...): me when the file is absent */
    CU_ASSERT_STRING_EQUAL(c.envnoathost, "mail.example.org");
    CU_ASSERT_STRING_EQUAL(c.bouncehost, "mail.example.org");
    CU_ASSERT_STRING_EQUAL(c.doublebouncehost, "mail.example.org");
    CU_ASSERT_STRING_EQUAL(c.bouncefrom, "MAILER-DAEMON");
    CU_ASSERT_STRING_EQUAL(c.doublebounceto, "postmaster");
    control_free(&c);
    rm_tmp();
}

static void test_first_line_files(void)
{
    struct control c;
    mkdir_tmp();
    put("me", "me.example");
    put("envnoathost", "env.example\t\nignored\n");
    put("bouncefrom", "bounces  \n");
    put("bouncehost", "");
    put("doublebouncehost", "\nsecond\n");
    put("doublebounceto", "  root\r\n");
    load(&c, 0);
    CU_ASSERT_STRING_EQUAL(c.me, "me.example");
    CU_ASSERT_STRING_EQUAL(c.envnoathost, "env.example");
    CU_ASSERT_STRING_EQUAL(c.bouncefrom, "bounces");
    /* an empty file is a present, empty value (qmail's control_readline) */
    CU_ASSERT_STRING_EQUAL(c.bouncehost, "");
    CU_ASSERT_STRING_EQUAL(c.doublebouncehost, "");
    /* leading blanks and a carriage return are not stripped */
    CU_ASSERT_STRING_EQUAL(c.doublebounceto, "  root\r");
    control_free(&c);
    rm_tmp();
}

static void test_list_rules(void)
{
    struct control c;
    const char *want[] = {"a.example", "B.Example", "  lead.example",
                          "cr.example\r", "last.example"};
    const char *ph[] = {"relay.example"};
    mkdir_tmp();
    put("me", "me.example\n");
    put("locals", "a.example\n\n   \t\n# a comment\nB.Example  \n"
                  "  lead.example\n#x\ncr.example\r\nlast.example");
    put("percenthack", "\n#only a comment and one\nrelay.example\t\t\n");
    load(&c, 0);
    CU_ASSERT_TRUE(list_is(&c.locals, 5, want));
    CU_ASSERT_TRUE(list_is(&c.percenthack, 1, ph));
    control_free(&c);
    rm_tmp();
}

static void test_locals_present_empty(void)
{
    struct control c;
    mkdir_tmp();
    put("me", "me.example\n");
    put("locals", "# nothing local\n");
    load(&c, 0);
    /* a locals file that lists nothing is not a missing one */
    CU_ASSERT_EQUAL(c.locals.n, 0);
    control_free(&c);
    rm_tmp();
}

static void test_virtualdomains_lines(void)
{
    struct control c;
    const char *want[] = {"virt.example:alice", ":catchall",
                          "virt.example:bob", "no.example:", "k:a:b"};
    mkdir_tmp();
    put("virtualdomains", "virt.example:alice\nnocolon.example\n"
                          ":catchall\n#c:d\nvirt.example:bob \nno.example:\n"
                          "k:a:b\n");
    load(&c, 0);
    CU_ASSERT_TRUE(list_is(&c.virtualdomains, 5, want));
    control_free(&c);
    rm_tmp();
}

static void test_numbers(void)
{
    struct control c;
    mkdir_tmp();
    put("concurrencylocal", "30\n");
    put("concurrencyremote", "abc\n");
    put("queuelifetime", "3600 seconds\n");
    put("suppls0", "x.example\n");
    put("concurrencysuppl0", " 5\n");
    put("suppls1", "y.example\n");
    put("concurrencysuppl1", "99999999999999999999999\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(c.nchan, 4);
    CU_ASSERT_EQUAL(c.concurrency[0], 30);
    CU_ASSERT_EQUAL(c.concurrency[1], 20);     /* not a digit: default */
    CU_ASSERT_EQUAL(c.queuelifetime, 3600);    /* leading digits count */
    CU_ASSERT_EQUAL(c.concurrency[2], 20);     /* leading blank: default */
    CU_ASSERT_EQUAL(c.concurrency[3], UINT_MAX); /* capped, not wrapped */
    control_free(&c);
    rm_tmp();
}

static void test_number_empty_file(void)
{
    struct control c;
    mkdir_tmp();
    put("concurrencylocal", "");
    put("queuelifetime", "\n77\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(c.concurrency[0], 10);
    CU_ASSERT_EQUAL(c.queuelifetime, 604800);
    control_free(&c);
    rm_tmp();
}

static void test_nchan_from_files(void)
{
    struct control c;
    const char *s4[] = {"four.example"};
    mkdir_tmp();
    put("suppls4", "four.example\n");
    put("concurrencysuppl1", "7\n");
    put("suppls01", "not.a.qmail.name\n");  /* qmail never reads this */
    put("supplsx", "nor.this\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(c.nchan, 7);
    CU_ASSERT_TRUE(list_is(&c.suppls[4], 1, s4));
    CU_ASSERT_EQUAL(c.suppls[1].n, 0);
    CU_ASSERT_EQUAL(c.concurrency[3], 7);
    CU_ASSERT_EQUAL(c.concurrency[6], 20);
    control_free(&c);

    rm_tmp();
    mkdir_tmp();
    put("concurrencysuppl0", "3\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(c.nchan, 3);
    CU_ASSERT_EQUAL(c.concurrency[2], 3);
    control_free(&c);
    rm_tmp();
}

static void test_nchan_given(void)
{
    struct control c;
    struct control_error err = {0};
    mkdir_tmp();
    put("suppls0", "zero.example\n");
    load(&c, 8);
    CU_ASSERT_EQUAL(c.nchan, 8);
    CU_ASSERT_EQUAL(c.suppls[0].n, 1);
    control_free(&c);

    put("suppls2", "two.example\n");
    CU_ASSERT_EQUAL(control_load(&c, dir, 4, NULL, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "/suppls2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "supplemental channel 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "only 4 channels"));
    control_free(&c);   /* harmless after a failed load */

    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(control_load(&c, dir, 1, NULL, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "channels"));
    CU_ASSERT_EQUAL(control_load(&c, dir, 65, NULL, &err), -1);
    rm_tmp();
}

static void test_too_many_suppls(void)
{
    struct control c;
    struct control_error err = {0};
    mkdir_tmp();
    put("concurrencysuppl61", "1\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(c.nchan, 64);
    CU_ASSERT_EQUAL(c.concurrency[63], 1);
    control_free(&c);
    put("suppls62", "x\n");
    CU_ASSERT_EQUAL(control_load(&c, dir, 0, NULL, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "suppls62"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "at most 64"));
    rm_tmp();
}

static void test_unreadable(void)
{
    struct control c;
    struct control_error err = {0};
    char path[128];

    CU_ASSERT_EQUAL(control_load(&c, "/nonexistent/qchan/control", 0, NULL, &err),
                    -1);
    CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/qchan/control");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file"));

    mkdir_tmp();
    /* a directory where a control file should be cannot be read */
    snprintf(path, sizeof path, "%s/locals", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(control_load(&c, dir, 0, NULL, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot read"));
    rmdir(path);

    /* a file given as the directory */
    put("me", "x\n");
    snprintf(path, sizeof path, "%s/me", dir);
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(control_load(&c, path, 0, NULL, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.file, path);

    /* permissions only stop someone who is not root */
    if (geteuid() != 0) {
        snprintf(path, sizeof path, "%s/virtualdomains", dir);
        put("virtualdomains", "a:b\n");
        chmod(path, 0);
        memset(&err, 0, sizeof err);
        CU_ASSERT_EQUAL(control_load(&c, dir, 0, NULL, &err), -1);
        CU_ASSERT_STRING_EQUAL(err.file, path);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Permission denied"));
        chmod(dir, 0);
        memset(&err, 0, sizeof err);
        CU_ASSERT_EQUAL(control_load(&c, dir, 0, NULL, &err), -1);
        CU_ASSERT_STRING_EQUAL(err.file, dir);
        chmod(dir, 0700);
    }
    rm_tmp();
}

static void test_set_numbers(void)
{
    struct control c;
    struct control_error err = {0};
    control_init(&c, 2, NULL);
    CU_ASSERT_EQUAL(control_set(&c, "concurrencyremote", "60", &err), 0);
    CU_ASSERT_EQUAL(c.concurrency[1], 60);
    CU_ASSERT_EQUAL(control_set(&c, "concurrencylocal", "0", &err), 0);
    CU_ASSERT_EQUAL(c.concurrency[0], 0);
    CU_ASSERT_EQUAL(control_set(&c, "queuelifetime", "86400", &err), 0);
    CU_ASSERT_EQUAL(c.queuelifetime, 86400);
    const char *bad[] = {"", "-1", "12x", " 5", "4294967296", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        CU_ASSERT_EQUAL(control_set(&c, "concurrencyremote", bad[i], &err),
                        -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "concurrencyremote"));
        CU_ASSERT_STRING_EQUAL(err.file, "--set");
    }
    CU_ASSERT_EQUAL(c.concurrency[1], 60);
    CU_ASSERT_EQUAL(control_set(&c, "concurrencyremote", "4294967295", &err),
                    0);
    CU_ASSERT_EQUAL(c.concurrency[1], 4294967295u);
    control_free(&c);
}

static void test_set_lists(void)
{
    struct control c;
    struct control_error err = {0};
    const char *loc[] = {"a.example", "b.example"};
    const char *vd[] = {"v.example:v", ":all"};
    control_init(&c, 2, NULL);
    CU_ASSERT_EQUAL(control_set(&c, "locals", "a.example", &err), 0);
    CU_ASSERT_EQUAL(control_set(&c, "locals", "b.example", &err), 0);
    CU_ASSERT_TRUE(list_is(&c.locals, 2, loc));
    CU_ASSERT_EQUAL(control_set(&c, "virtualdomains", "v.example:v", &err),
                    0);
    CU_ASSERT_EQUAL(control_set(&c, "virtualdomains", ":all", &err), 0);
    CU_ASSERT_TRUE(list_is(&c.virtualdomains, 2, vd));
    CU_ASSERT_EQUAL(control_set(&c, "virtualdomains", "nocolon", &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "key:prepend"));
    CU_ASSERT_EQUAL(control_set(&c, "percenthack", "r.example", &err), 0);
    CU_ASSERT_EQUAL(c.percenthack.n, 1);
    CU_ASSERT_EQUAL(control_set(&c, "locals", "", &err), -1);
    control_free(&c);
}

static void test_set_me(void)
{
    struct control c;
    struct control_error err = {0};
    const char *me2[] = {"two.example"};
    const char *own[] = {"own.example"};
    control_init(&c, 2, NULL);
    CU_ASSERT_EQUAL(control_set(&c, "me", "one.example", &err), 0);
    CU_ASSERT_STRING_EQUAL(c.me, "one.example");
    CU_ASSERT_STRING_EQUAL(c.envnoathost, "one.example");
    CU_ASSERT_STRING_EQUAL(c.bouncehost, "one.example");
    CU_ASSERT_EQUAL(c.locals.n, 1);
    CU_ASSERT_EQUAL(control_set(&c, "bouncehost", "bh.example", &err), 0);
    CU_ASSERT_EQUAL(control_set(&c, "me", "two.example", &err), 0);
    CU_ASSERT_TRUE(list_is(&c.locals, 1, me2));
    CU_ASSERT_STRING_EQUAL(c.envnoathost, "two.example");
    CU_ASSERT_STRING_EQUAL(c.doublebouncehost, "two.example");
    CU_ASSERT_STRING_EQUAL(c.bouncehost, "bh.example"); /* set: stays */
    /* a set locals is a locals file: me's entry goes, me no longer moves it */
    CU_ASSERT_EQUAL(control_set(&c, "locals", "own.example", &err), 0);
    CU_ASSERT_TRUE(list_is(&c.locals, 1, own));
    CU_ASSERT_EQUAL(control_set(&c, "me", "three.example", &err), 0);
    CU_ASSERT_TRUE(list_is(&c.locals, 1, own));
    CU_ASSERT_EQUAL(control_set(&c, "bouncefrom", "bounce", &err), 0);
    CU_ASSERT_STRING_EQUAL(c.bouncefrom, "bounce");
    control_free(&c);

    /* the same from a directory: files present are not moved by me */
    mkdir_tmp();
    put("me", "dir.example\n");
    put("envnoathost", "env.example\n");
    load(&c, 0);
    CU_ASSERT_EQUAL(control_set(&c, "me", "new.example", &err), 0);
    CU_ASSERT_STRING_EQUAL(c.envnoathost, "env.example");
    CU_ASSERT_STRING_EQUAL(c.bouncehost, "new.example");
    CU_ASSERT_STRING_EQUAL(c.locals.items[0], "new.example");
    control_free(&c);
    rm_tmp();
}

static void test_set_suppl_grows(void)
{
    struct control c;
    struct control_error err = {0};
    control_init(&c, 2, NULL);
    CU_ASSERT_EQUAL(control_set(&c, "suppls0", "x.org", &err), 0);
    CU_ASSERT_EQUAL(c.nchan, 3);
    CU_ASSERT_EQUAL(control_set(&c, "concurrencysuppl4", "7", &err), 0);
    CU_ASSERT_EQUAL(c.nchan, 7);
    CU_ASSERT_EQUAL(c.concurrency[6], 7);
    CU_ASSERT_EQUAL(c.concurrency[5], 20);
    CU_ASSERT_EQUAL(control_set(&c, "suppls1", "y.org", &err), 0);
    CU_ASSERT_EQUAL(c.nchan, 7);       /* never shrinks */
    CU_ASSERT_EQUAL(control_set(&c, "suppls61", "z.org", &err), 0);
    CU_ASSERT_EQUAL(c.nchan, 64);
    CU_ASSERT_EQUAL(control_set(&c, "suppls62", "z.org", &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "suppls62"));
    CU_ASSERT_EQUAL(control_set(&c, "concurrencysuppl999", "1", &err), -1);
    CU_ASSERT_EQUAL(c.nchan, 64);
    control_free(&c);
}

static void test_set_unknown(void)
{
    struct control c;
    struct control_error err = {0};
    const char *bad[] = {"concurrency", "suppls01", "suppls", "Locals",
                         "concurrencysupplx", "rcpthosts"};
    control_init(&c, 2, NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        CU_ASSERT_EQUAL(control_set(&c, bad[i], "1", &err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, bad[i]));
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown"));
    }
    control_free(&c);
}

static void test_copy(void)
{
    struct control a, b;
    struct control_error err = {0};
    mkdir_tmp();
    put("me", "me.example\n");
    put("suppls1", "s.example\n");
    put("virtualdomains", "v:w\n");
    load(&a, 0);
    CU_ASSERT_EQUAL_FATAL(control_copy(&b, &a), 0);
    CU_ASSERT_EQUAL(b.nchan, 4);
    CU_ASSERT_STRING_EQUAL(b.me, "me.example");
    CU_ASSERT_PTR_NOT_EQUAL(b.me, a.me);
    CU_ASSERT_STRING_EQUAL(b.suppls[1].items[0], "s.example");
    CU_ASSERT_PTR_NOT_EQUAL(b.suppls[1].items[0], a.suppls[1].items[0]);
    control_set(&b, "locals", "other.example", &err);
    control_set(&b, "me", "changed.example", &err);
    control_set(&b, "concurrencyremote", "1", &err);
    CU_ASSERT_STRING_EQUAL(a.me, "me.example");
    CU_ASSERT_EQUAL(a.locals.n, 1);
    CU_ASSERT_STRING_EQUAL(a.locals.items[0], "me.example");
    CU_ASSERT_EQUAL(a.concurrency[1], 20);
    control_free(&a);
    /* b owns everything it has */
    CU_ASSERT_STRING_EQUAL(b.virtualdomains.items[0], "v:w");
    control_free(&b);
    control_free(&b);   /* a second free is harmless */
    rm_tmp();
}

/* memory files for control_load_source: name, text pairs */
static const char *mem_files[][2] = {
    {"me", "me.example\n"},
    {"locals", "# comment\nlocal.example\n\nme.example  \n"},
    {"virtualdomains", "v.example:alice\nno colon\n"},
    {"concurrencysuppl1", "7\n"},
    {"suppls2", "two.example\n"},
    {"bouncefrom", "bounces\n"},
};
#define NMEM (sizeof mem_files / sizeof mem_files[0])

/* mem_read - control_source reader of mem_files; counts its calls */
static int mem_reads;
static int mem_read(void *ctx, const char *name, const struct qc_alloc *alloc,
                    struct control_text *text, struct control_error *err)
{
    (void)ctx;
    (void)err;
    mem_reads++;
    for (size_t i = 0; i < NMEM; i++)
        if (strcmp(mem_files[i][0], name) == 0) {
            size_t n = strlen(mem_files[i][1]);
            text->buf = qc_resize(alloc, NULL, 0, n + 1);
            CU_ASSERT_PTR_NOT_NULL_FATAL(text->buf);
            memcpy(text->buf, mem_files[i][1], n + 1);
            text->len = n;
            text->size = n + 1;
            return 1;
        }
    return 0;
}

/* mem_names - control_source lister of mem_files */
static int mem_names(void *ctx, int (*fn)(const char *name, void *arg),
                     void *arg, struct control_error *err)
{
    (void)ctx;
    (void)err;
    for (size_t i = 0; i < NMEM; i++) {
        int r = fn(mem_files[i][0], arg);
        if (r)
            return r;
    }
    return 0;
}

/* a source gives what the same files in a directory give, and its
 * errors name the source's directory */
static void test_load_source(void)
{
    struct control a, b;
    struct control_error err = {0};
    mkdir_tmp();
    for (size_t i = 0; i < NMEM; i++)
        put(mem_files[i][0], mem_files[i][1]);
    load(&a, 0);
    struct control_source src = {"mem", mem_read, mem_names, NULL};
    mem_reads = 0;
    CU_ASSERT_EQUAL_FATAL(control_load_source(&b, &src, 0, NULL, &err), 0);
    CU_ASSERT(mem_reads > 0);
    CU_ASSERT_EQUAL(b.nchan, 5);
    CU_ASSERT_EQUAL(b.nchan, a.nchan);
    CU_ASSERT_STRING_EQUAL(b.me, a.me);
    CU_ASSERT_STRING_EQUAL(b.bouncefrom, "bounces");
    CU_ASSERT_STRING_EQUAL(b.bouncehost, a.bouncehost);
    const char *locals[] = {"local.example", "me.example"};
    CU_ASSERT_TRUE(list_is(&a.locals, 2, locals));
    CU_ASSERT_TRUE(list_is(&b.locals, 2, locals));
    const char *vd[] = {"v.example:alice"};
    CU_ASSERT_TRUE(list_is(&b.virtualdomains, 1, vd));
    CU_ASSERT_EQUAL(b.concurrency[3], 7);
    CU_ASSERT_EQUAL(a.concurrency[3], 7);
    const char *s2[] = {"two.example"};
    CU_ASSERT_TRUE(list_is(&b.suppls[2], 1, s2));
    CU_ASSERT_TRUE(list_is(&a.suppls[2], 1, s2));
    control_free(&a);
    control_free(&b);

    CU_ASSERT_EQUAL(control_load_source(&b, &src, 3, NULL, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.file, "mem/concurrencysuppl1");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "only 3 channels"));
    rm_tmp();
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_init_defaults);
    QC_ADD_TEST(suite, test_load_empty_dir);
    QC_ADD_TEST(suite, test_me_fills_defaults);
    QC_ADD_TEST(suite, test_first_line_files);
    QC_ADD_TEST(suite, test_list_rules);
    QC_ADD_TEST(suite, test_locals_present_empty);
    QC_ADD_TEST(suite, test_virtualdomains_lines);
    QC_ADD_TEST(suite, test_numbers);
    QC_ADD_TEST(suite, test_number_empty_file);
    QC_ADD_TEST(suite, test_nchan_from_files);
    QC_ADD_TEST(suite, test_nchan_given);
    QC_ADD_TEST(suite, test_too_many_suppls);
    QC_ADD_TEST(suite, test_unreadable);
    QC_ADD_TEST(suite, test_set_numbers);
    QC_ADD_TEST(suite, test_set_lists);
    QC_ADD_TEST(suite, test_set_me);
    QC_ADD_TEST(suite, test_set_suppl_grows);
    QC_ADD_TEST(suite, test_set_unknown);
    QC_ADD_TEST(suite, test_copy);
    QC_ADD_TEST(suite, test_load_source);
}

QC_CUNIT_MAIN("control")
