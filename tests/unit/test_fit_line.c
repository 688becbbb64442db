/* test_fit_line.c - time stamps and qmail-send lines as fit reads them. */
#include <string.h>

#include "cunit_main.h"
#include "fit_line.h"
#include "fit_out.h"

/* base: 2026-01-01 00:00:00 UTC */
#define BASE 1767225600LL

static int64_t stamp_of(const char *line, const char **rest)
{
    int64_t t = -1;
    if (fit_stamp(line, strlen(line), &t, rest) < 0)
        return -1;
    return t;
}

static void test_tai64n(void)
{
    const char *rest;
    CU_ASSERT_EQUAL(stamp_of("@400000006955b90a00000000 new msg 1", &rest),
                    BASE * 1000000);
    CU_ASSERT_STRING_EQUAL(rest, "new msg 1");
    /* nanoseconds 0x1dcd6500 = 500000000: half a second */
    CU_ASSERT_EQUAL(stamp_of("@400000006955b90b1dcd6500 x", &rest),
                    (BASE + 1) * 1000000 + 500000);
    CU_ASSERT_EQUAL(stamp_of("@400000006955b9zz00000000 x", &rest), -1);
    CU_ASSERT_EQUAL(stamp_of("@400000006955b90a0000", &rest), -1);
    /* nanoseconds out of range */
    CU_ASSERT_EQUAL(stamp_of("@400000006955b90a3b9aca00 x", &rest), -1);
    /* before the TAI64 epoch label */
    CU_ASSERT_EQUAL(stamp_of("@000000006955b90a00000000 x", &rest), -1);
}

static void test_splogger(void)
{
    const char *rest;
    CU_ASSERT_EQUAL(stamp_of("Jan  1 00:00:10 mx qmail: 1767225610.250000 "
                             "new msg 77", &rest),
                    (BASE + 10) * 1000000 + 250000);
    CU_ASSERT_STRING_EQUAL(rest, "new msg 77");
    CU_ASSERT_EQUAL(stamp_of("1767225610.5 end msg 3", &rest),
                    (BASE + 10) * 1000000 + 500000);
    CU_ASSERT_STRING_EQUAL(rest, "end msg 3");
    CU_ASSERT_EQUAL(stamp_of("1767225610.123456789 x", &rest),
                    (BASE + 10) * 1000000 + 123456);
    CU_ASSERT_EQUAL(stamp_of("Jan  1 00:00:02 mx sshd[811]: Accepted key",
                             &rest), -1);
    CU_ASSERT_EQUAL(stamp_of("kernel: [12345.678901] usb", &rest), -1);
    CU_ASSERT_EQUAL(stamp_of("new msg 6", &rest), -1);
}

static void test_tai64nlocal(void)
{
    const char *rest;
    CU_ASSERT_EQUAL(stamp_of("2026-01-01 00:00:10.250000000 new msg 77",
                             &rest),
                    (BASE + 10) * 1000000 + 250000);
    CU_ASSERT_STRING_EQUAL(rest, "new msg 77");
    CU_ASSERT_EQUAL(stamp_of("2026-13-01 00:00:10.25 x", &rest), -1);
}

static void test_lines(void)
{
    struct fit_line ln;
    const char *s = "new msg 457";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_NEW);
    CU_ASSERT_EQUAL(ln.msg, 457);
    s = "info msg 457: bytes 1520 from <a>b@example.org> qp 3001 uid 1000\n";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_INFO);
    CU_ASSERT_EQUAL(ln.bytes, 1520);
    CU_ASSERT_EQUAL(ln.qp, 3001);
    CU_ASSERT_EQUAL(ln.senderlen, strlen("a>b@example.org"));
    CU_ASSERT_NSTRING_EQUAL(ln.sender, "a>b@example.org", ln.senderlen);
    s = "info msg 458: bytes 10 from <> qp 5 uid 0";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.senderlen, 0);
    s = "starting delivery 3: msg 457 to suppl1 bob@bulk.example.net";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_START);
    CU_ASSERT_EQUAL(ln.delid, 3);
    CU_ASSERT_EQUAL(ln.msg, 457);
    CU_ASSERT_EQUAL(ln.chan, 3);
    CU_ASSERT_NSTRING_EQUAL(ln.rcpt, "bob@bulk.example.net", ln.rcptlen);
    CU_ASSERT_EQUAL(ln.rcptlen, strlen("bob@bulk.example.net"));
    s = "delivery 3: success: did_0+0+1/";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_RESULT);
    CU_ASSERT_EQUAL(ln.outcome, 'K');
    s = "delivery 4: deferral: Connected_to_1.2.3.4_but_died./";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.outcome, 'Z');
    s = "delivery 5: failure: Sorry,_no_mailbox_here_by_that_name./";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.outcome, 'D');
    s = "delivery 6: report mangled, will defer";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.outcome, 'Z');
    s = "end msg 457";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_END);
    s = "bounce msg 457 qp 3002";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_BOUNCE);
    CU_ASSERT_EQUAL(ln.qp, 3002);
    s = "status: exiting";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_EXITING);
    s = "warning: trouble opening remote/457; will try again later";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_OTHER);
}

static void test_status(void)
{
    struct fit_line ln;
    const char *s = "status: local 1/10 remote 17/20 suppl0 5/5 suppl1 0/3";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.kind, FIT_L_STATUS);
    CU_ASSERT_EQUAL(ln.nstat, 4);
    CU_ASSERT_EQUAL(ln.inflight[1], 17);
    CU_ASSERT_EQUAL(ln.limit[1], 20);
    CU_ASSERT_EQUAL(ln.inflight[2], 5);
    CU_ASSERT_EQUAL(ln.limit[3], 3);
    s = "status: local 0/10 remote 0/20 exitasap";
    CU_ASSERT_EQUAL(fit_line_parse(s, strlen(s), &ln), 0);
    CU_ASSERT_EQUAL(ln.nstat, 2);
}

static void test_rejects(void)
{
    static const char *bad[] = {
        "new msg 12x", "new msg ", "starting delivery 12: msg 4",
        "starting delivery 1: msg 4 to nowhere a@b",
        "starting delivery 1: msg 4 to remote ", "delivery 7: succ",
        "status: local 0/10 remote 1/", "status: local 0/10",
        "status: local 0/10 remote 1/20 bogus 1/2",
        "info msg 5: bytes 10 from <a@example.org",
        "info msg 5: bytes 10 from <a> qp 1 uid", "end msg",
        "bounce msg 4 qp", "hello from somewhere else", "",
        "new msg 99999999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct fit_line ln;
        CU_ASSERT_EQUAL(fit_line_parse(bad[i], strlen(bad[i]), &ln), -1);
    }
}

static void test_anon(void)
{
    char a[128], b[128];
    fit_anon("Alice.Smith@Example.org", a, sizeof a);
    fit_anon("Alice.Smith@Example.org", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT(strstr(a, "Alice") == NULL);
    CU_ASSERT(strstr(a, "@Example.org") != NULL);
    CU_ASSERT_EQUAL(strlen(a), 17 + strlen("@Example.org"));
    fit_anon("bob@Example.org", b, sizeof b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    fit_anon("", a, sizeof a);
    CU_ASSERT_STRING_EQUAL(a, "");
    fit_anon("#@[]", a, sizeof a);
    CU_ASSERT_STRING_EQUAL(a, "#@[]");
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_tai64n);
    QC_ADD_TEST(suite, test_splogger);
    QC_ADD_TEST(suite, test_tai64nlocal);
    QC_ADD_TEST(suite, test_lines);
    QC_ADD_TEST(suite, test_status);
    QC_ADD_TEST(suite, test_rejects);
    QC_ADD_TEST(suite, test_anon);
}

QC_CUNIT_MAIN("fit_line")
