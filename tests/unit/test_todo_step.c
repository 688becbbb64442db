/*
 * test_todo_step.c - qmail-todo's step for one message: channels, the
 * rewritten addresses, the D record, and a message stopped (not
 * misrouted) by a channel outside the configuration or out of memory.
 */
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "todo_step.h"
#include "track_alloc.h"

/* four channels: local example.com, virtual v.example, suppl0 s0.example,
 * suppl1 s1.example */
static struct classify *fixture(struct control *c)
{
    struct control_error err;
    CU_ASSERT_EQUAL_FATAL(control_init(c, 4, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(control_set(c, "locals", "example.com", &err), 0);
    CU_ASSERT_EQUAL_FATAL(
        control_set(c, "virtualdomains", "v.example:vuser", &err), 0);
    CU_ASSERT_EQUAL_FATAL(control_set(c, "suppls0", "s0.example", &err), 0);
    CU_ASSERT_EQUAL_FATAL(control_set(c, "suppls1", "s1.example", &err), 0);
    struct classify *cl = classify_new(c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    return cl;
}

/* rcpt - classify addr, which must work; its channel */
static int rcpt(struct todo_step *t, const char *addr, const char *want)
{
    struct todo_step_rcpt out;
    CU_ASSERT_EQUAL(todo_step_rcpt(t, addr, strlen(addr), &out),
                    TODO_STEP_OK);
    CU_ASSERT_STRING_EQUAL(out.addr, want);
    CU_ASSERT_EQUAL(out.len, strlen(want));
    return out.chan;
}

static void test_channels_and_record(void)
{
    struct control c;
    struct classify *cl = fixture(&c);
    struct todo_step t;
    todo_step_init(&t, 4, NULL);
    todo_step_begin(&t, cl);
    CU_ASSERT_EQUAL(rcpt(&t, "a@example.com", "a@example.com"), 0);
    CU_ASSERT_EQUAL(rcpt(&t, "b@v.example", "vuser-b@v.example"), 0);
    CU_ASSERT_EQUAL(rcpt(&t, "c@s1.example", "c@s1.example"), 3);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x9u);

    char rec[64];
    size_t n = todo_step_record(&t, 4711, rec, sizeof rec);
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_EQUAL(memcmp(rec, "D10014711", 10), 0);

    /* a new message starts with no list */
    todo_step_begin(&t, cl);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0);
    CU_ASSERT_EQUAL(rcpt(&t, "d@elsewhere.example", "d@elsewhere.example"),
                    1);
    CU_ASSERT_EQUAL(todo_step_known(&t, 2), TODO_STEP_OK);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x6u);
    n = todo_step_record(&t, 5, rec, sizeof rec);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_EQUAL(memcmp(rec, "D01105", 7), 0);
    todo_step_free(&t);
    classify_free(cl);
    control_free(&c);
}

static void test_long_address(void)
{
    struct control c;
    struct classify *cl = fixture(&c);
    struct todo_step t;
    todo_step_init(&t, 4, NULL);
    todo_step_begin(&t, cl);
    static char addr[5000], want[5000 + sizeof "vuser-"];
    memset(addr, 'x', 3000);
    strcpy(addr + 3000, "@v.example");
    snprintf(want, sizeof want, "vuser-%s", addr);
    CU_ASSERT_EQUAL(rcpt(&t, addr, want), 0);
    /* the buffer stays for the next, short one */
    CU_ASSERT_EQUAL(rcpt(&t, "e@s0.example", "e@s0.example"), 2);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x5u);
    todo_step_free(&t);
    classify_free(cl);
    control_free(&c);
}

static void test_channel_outside(void)
{
    struct control c;
    struct classify *cl = fixture(&c);
    /* the host runs three channels, the classifier knows four */
    struct todo_step t;
    todo_step_init(&t, 3, NULL);
    todo_step_begin(&t, cl);
    CU_ASSERT_EQUAL(rcpt(&t, "a@s0.example", "a@s0.example"), 2);
    struct todo_step_rcpt out;
    const char *addr = "b@s1.example";
    CU_ASSERT_EQUAL(todo_step_rcpt(&t, addr, strlen(addr), &out),
                    TODO_STEP_CHANNEL);
    CU_ASSERT_EQUAL(out.chan, 3);
    /* nothing counted for it: not remote, not anything */
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x4u);
    CU_ASSERT_EQUAL(todo_step_known(&t, 3), TODO_STEP_CHANNEL);
    CU_ASSERT_EQUAL(todo_step_known(&t, -1), TODO_STEP_CHANNEL);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x4u);
    CU_ASSERT_STRING_EQUAL(todo_step_strerror(TODO_STEP_CHANNEL),
                           "channel outside the configuration");
    todo_step_free(&t);
    classify_free(cl);
    control_free(&c);
}

static void test_out_of_memory(void)
{
    struct control c;
    struct classify *cl = fixture(&c);
    struct track tr;
    struct qc_alloc a;
    track_init(&tr, &a);
    tr.refuse_after = 0;
    struct todo_step t;
    todo_step_init(&t, 4, &a);
    todo_step_begin(&t, cl);
    struct todo_step_rcpt out;
    CU_ASSERT_EQUAL(todo_step_rcpt(&t, "a@example.com", 13, &out),
                    TODO_STEP_NOMEM);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0);
    /* the first block is granted, the growth for a long one is not */
    tr.refuse_after = 1;
    CU_ASSERT_EQUAL(rcpt(&t, "a@example.com", "a@example.com"), 0);
    static char addr[3000];
    memset(addr, 'y', 2000);
    strcpy(addr + 2000, "@remote.example");
    CU_ASSERT_EQUAL(todo_step_rcpt(&t, addr, strlen(addr), &out),
                    TODO_STEP_NOMEM);
    CU_ASSERT_EQUAL(todo_step_chanmask(&t), 0x1u);
    todo_step_free(&t);
    CU_ASSERT_EQUAL(track_live(&tr), 0);
    CU_ASSERT_EQUAL(tr.wrong_size, 0);
    CU_ASSERT_EQUAL(tr.unknown, 0);
    classify_free(cl);
    control_free(&c);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_channels_and_record);
    QC_ADD_TEST(suite, test_long_address);
    QC_ADD_TEST(suite, test_channel_outside);
    QC_ADD_TEST(suite, test_out_of_memory);
}

QC_CUNIT_MAIN("todo_step")
