/* test_qlog.c - qmail-send's log lines from scheduler events. */
#include <string.h>

#include "cunit_main.h"
#include "memqueue.h"
#include "qlog.h"

static struct memqueue q;

static struct sched *small_sched(void)
{
    memset(&q, 0, sizeof q);
    struct sched_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.nchan = 4;
    cfg.concurrency[0] = 10;
    cfg.concurrency[1] = 20;
    cfg.concurrency[2] = 5;
    cfg.concurrency[3] = 7;
    cfg.lifetime = 604800 * QC_SEC;
    return mq_sched(&q, &cfg);
}

static void test_delivery_lines(void)
{
    struct sched *s = small_sched();
    char buf[256];
    struct sched_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SCHED_EV_DELIVERY_START;
    ev.chan = 2;
    ev.msg = 457;
    ev.delid = 3;
    ev.rcpt = "bob@bulk.example.net";
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "starting delivery 3: msg 457 to suppl0 "
                                "bob@bulk.example.net\n");
    ev.type = SCHED_EV_DELIVERY_RESULT;
    ev.outcome = SCHED_OUT_SUCCESS;
    ev.text = "did 0+0+1/\n";
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "delivery 3: success: did 0+0+1//\n");
    ev.outcome = SCHED_OUT_DEFERRAL;
    ev.text = "Connected to 1.2.3.4 but\x01 timed out.\nretry";
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "delivery 3: deferral: Connected to 1.2.3.4 "
                                "but? timed out./retry\n");
    ev.outcome = SCHED_OUT_FAILURE;
    ev.text = "Sorry, no mailbox here by that name.";
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "delivery 3: failure: Sorry, no mailbox "
                                "here by that name.\n");
    ev.outcome = SCHED_OUT_MANGLED;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "delivery 3: report mangled, will defer\n");
    sched_free(s);
}

static void test_status_and_messages(void)
{
    struct sched *s = small_sched();
    char buf[256];
    qlog_status(s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "status: local 0/10 remote 0/20 suppl0 0/5 "
                                "suppl1 0/7\n");
    sched_exit_asap(s);
    qlog_status(s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "status: local 0/10 remote 0/20 suppl0 0/5 "
                                "suppl1 0/7 exitasap\n");
    qlog_new_msg(457, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "new msg 457\n");
    qlog_info_msg(457, 1234, "a\nb@example.org", 999, 89, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "info msg 457: bytes 1234 from "
                                "<a/b@example.org> qp 999 uid 89\n");
    qlog_bounce_msg(457, 1001, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "bounce msg 457 qp 1001\n");
    struct sched_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SCHED_EV_MESSAGE_DONE;
    ev.chan = -1;
    ev.msg = 457;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "end msg 457\n");
    sched_free(s);
}

static void test_alerts_and_warnings(void)
{
    struct sched *s = small_sched();
    char buf[256];
    struct sched_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SCHED_EV_SPAWNER_DEAD;
    ev.chan = 1;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "alert: oh no! lost spawn connection! "
                                "dying...\n");
    ev.type = SCHED_EV_WARNING;
    ev.warning = SCHED_WARN_REPORT_RANGE;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "warning: internal error: delivery report "
                                "out of range\n");
    ev.warning = SCHED_WARN_TROUBLE_MARKING;
    ev.msg = 12;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "warning: trouble marking remote/12; "
                                "message will be delivered twice!\n");
    ev.type = SCHED_EV_CURB;
    ev.wanted = 600;
    ev.limit = 509;
    qlog_event(&ev, s, buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "remote curbed from 600 to 509"));
    /* events qmail does not log write nothing */
    ev.type = SCHED_EV_CHANNEL_DONE;
    CU_ASSERT_EQUAL(qlog_event(&ev, s, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    sched_free(s);
}

static void test_cut_lines(void)
{
    struct sched *s = small_sched();
    char small[16];
    size_t n = qlog_status(s, small, sizeof small);
    CU_ASSERT(n >= sizeof small);
    CU_ASSERT_EQUAL(strlen(small), sizeof small - 1);
    sched_free(s);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_delivery_lines);
    QC_ADD_TEST(suite, test_status_and_messages);
    QC_ADD_TEST(suite, test_alerts_and_warnings);
    QC_ADD_TEST(suite, test_cut_lines);
}

QC_CUNIT_MAIN("qlog")
