/*
 * test_limits.c - the descriptor and process model against hand counts.
 *
 * Every expected number is worked out in the comment beside it from the
 * counts documented in limits_model.h: a spawner holds 2 fixed fds, 2 per
 * delivery and 1 message file while starting one; qmail-send 9 fixed, 2
 * per supplemental channel, the mutex, one per pass and 4 for a bounce;
 * qmail-todo 4 fixed, the trigger, todo and info and one per channel;
 * two qmail-clean with 2 each; 4 per delivery child.
 */
#include <string.h>

#include "cunit_main.h"
#include "limits_model.h"

/* with_channels - qmail's default controls for nchan channels */
static void with_channels(struct control *c, int nchan)
{
    CU_ASSERT_FATAL(control_init(c, nchan, NULL) == 0);
}

/* proc_named - the report's row for a process, or NULL */
static const struct limits_proc *proc_named(const struct limits_report *r,
                                            const char *name)
{
    for (size_t i = 0; i < r->nprocs; i++)
        if (strcmp(r->procs[i].name, name) == 0)
            return &r->procs[i];
    return NULL;
}

/* test_pure_counts - the accounting functions the simulator shares */
static void test_pure_counts(void)
{
    CU_ASSERT_EQUAL(limits_spawn_fds(0, 0), 2);     /* fds 0 and 1 */
    CU_ASSERT_EQUAL(limits_spawn_fds(1, 1), 5);     /* 2 + 2 + 1 */
    CU_ASSERT_EQUAL(limits_spawn_fds(20, 0), 42);   /* 2 + 40 */
    CU_ASSERT_EQUAL(limits_spawn_fds(20, 1), 43);   /* 2 + 40 + 1 */
    CU_ASSERT_EQUAL(limits_chkspawn_max(1024), 509); /* 1019 / 2 */
    CU_ASSERT_EQUAL(limits_chkspawn_max(64), 29);    /* 59 / 2 */
    CU_ASSERT_EQUAL(limits_chkspawn_max(4), 0);
    CU_ASSERT_EQUAL(limits_effective(20, 509), 20);
    CU_ASSERT_EQUAL(limits_effective(600, 509), 509);
    CU_ASSERT_EQUAL(limits_send_fds(2, 0, 0), 10);  /* 9 + mutex */
    CU_ASSERT_EQUAL(limits_send_fds(2, 2, 1), 16);  /* 9 + 1 + 2 + 4 */
    CU_ASSERT_EQUAL(limits_send_fds(4, 0, 0), 14);  /* 9 + 2*2 + 1 */
    CU_ASSERT_EQUAL(limits_todo_fds(0, 0), 5);      /* 4 + trigger */
    CU_ASSERT_EQUAL(limits_todo_fds(3, 1), 10);     /* 5 + 2 + 3 */
}

/* test_send_highest - the hole at fds 9 and 10 in the CHANNELS layout */
static void test_send_highest(void)
{
    /* no suppl: 0..8 wired, the rest follows: 15 fds end at 14 */
    CU_ASSERT_EQUAL(limits_send_fd_highest(2, 15), 14);
    /* 2 suppl: wired 0..8 and 11..14 (13 fds), top 14 while the
       extra fds only fill 9 and 10 */
    CU_ASSERT_EQUAL(limits_send_fd_highest(4, 13), 14);
    CU_ASSERT_EQUAL(limits_send_fd_highest(4, 14), 14);
    CU_ASSERT_EQUAL(limits_send_fd_highest(4, 15), 14);
    /* the third extra fd goes to 15 */
    CU_ASSERT_EQUAL(limits_send_fd_highest(4, 16), 15);
}

/* test_kind_names - the names used on the command line */
static void test_kind_names(void)
{
    CU_ASSERT_STRING_EQUAL(limits_kind_name(LIMITS_FD_SETSIZE), "fd-setsize");
    CU_ASSERT_STRING_EQUAL(limits_kind_name(LIMITS_NOFILE), "nofile");
    CU_ASSERT_STRING_EQUAL(limits_kind_name(LIMITS_NPROC), "nproc");
    CU_ASSERT_STRING_EQUAL(limits_kind_name(LIMITS_FILE_MAX), "file-max");
    CU_ASSERT_STRING_EQUAL(limits_kind_name(LIMITS_CONF_SPAWN), "conf-spawn");
}

/* test_defaults_fit - default controls, 4 channels, default environment */
static void test_defaults_fit(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 4);
    limits_env_default(&env);
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 0);
    CU_ASSERT_EQUAL(r.nproblems, 0);
    CU_ASSERT_EQUAL(r.chkspawn_max, 509);

    const struct limits_proc *p = proc_named(&r, "spawn-remote");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->inflight, 20);
    CU_ASSERT_EQUAL(p->fds, 43);            /* 2 + 2*20 + 1 */
    CU_ASSERT_EQUAL(p->fd_highest, 42);
    CU_ASSERT_EQUAL(p->fd_select, 1024);
    CU_ASSERT_STRING_EQUAL(p->user, "qmailr");
    p = proc_named(&r, "spawn-local");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->fds, 23);            /* 2 + 2*10 + 1 */
    CU_ASSERT_STRING_EQUAL(p->user, "root");
    p = proc_named(&r, "spawn-suppl1");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->fds, 43);
    CU_ASSERT_EQUAL(p->chan, 3);
    p = proc_named(&r, "qmail-send");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->fds, 22);            /* 9 + 2*2 + 1 + 4 + 4 */
    CU_ASSERT_EQUAL(p->fd_highest, 21);     /* the hole is filled */
    p = proc_named(&r, "qmail-todo");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->fds, 11);            /* 4 + 1 + 2 + 4 */
    p = proc_named(&r, "qmail-clean");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->fds_total, 4);       /* two of 2 */
    p = proc_named(&r, "children-local");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->count, 10);
    CU_ASSERT_EQUAL(p->fds_total, 40);
    p = proc_named(&r, "children-qmailr");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->count, 60);          /* 20 + 20 + 20 */
    CU_ASSERT_EQUAL(p->fds_total, 240);

    /* 3 qmail-rspawn + 60 qmail-remote */
    CU_ASSERT_EQUAL(r.qmailr_procs, 63);
    CU_ASSERT_EQUAL(r.local_procs, 10);
    /* 22 + 11 + 4 + 23 + 3*43 + 40 + 240 = 469 */
    CU_ASSERT_EQUAL(r.fds_total, 469);
    control_free(&c);
}

/* test_defaults_reach - where each default channel would break */
static void test_defaults_reach(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 4);
    limits_env_default(&env);
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 0);
    /* fd-setsize: highest fd 2C + 2 >= 1024 from C = 511 */
    CU_ASSERT_EQUAL(r.chans[1].reach_by[LIMITS_FD_SETSIZE], 511);
    /* nofile: 2C + 3 > 1024 from C = 511 too; the tie goes to fd-setsize */
    CU_ASSERT_EQUAL(r.chans[1].reach_by[LIMITS_NOFILE], 511);
    CU_ASSERT_EQUAL(r.chans[1].first, LIMITS_FD_SETSIZE);
    CU_ASSERT_EQUAL(r.chans[1].reach, 511);
    CU_ASSERT_EQUAL(r.chans[0].first, LIMITS_FD_SETSIZE);
    /* nproc: 63 - 20 + C > 2048 from C = 2006; not for local */
    CU_ASSERT_EQUAL(r.chans[1].reach_by[LIMITS_NPROC], 2006);
    CU_ASSERT_EQUAL(r.chans[0].reach_by[LIMITS_NPROC], 0);
    /* file-max: remote's others hold 469 - 43 - 80 = 346; 346 + 2C + 3
       + 4C > 1000000 means 6C > 999651, C = 166609.  Local's others hold
       469 - 23 - 40 = 406: 6C > 999591, C = 166599. */
    CU_ASSERT_EQUAL(r.chans[1].reach_by[LIMITS_FILE_MAX], 166609);
    CU_ASSERT_EQUAL(r.chans[0].reach_by[LIMITS_FILE_MAX], 166599);
    CU_ASSERT_EQUAL(r.chans[2].inforce, 20);
    control_free(&c);
}

/* test_conf_spawn_600 - over the chkspawn floor, remote at 600 */
static void test_conf_spawn_600(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 4);
    c.concurrency[1] = 600;
    limits_env_default(&env);
    env.conf_spawn = 600;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 3);
    CU_ASSERT_FATAL(r.nproblems == 3);

    /* (1024 - 5) / 2 = 509 < 600 */
    CU_ASSERT_EQUAL(r.problems[0].kind, LIMITS_CONF_SPAWN);
    CU_ASSERT_EQUAL(r.problems[0].chan, -1);
    CU_ASSERT_EQUAL(r.problems[0].needed, 600);
    CU_ASSERT_EQUAL(r.problems[0].limit, 509);

    /* remote at 600: 2 + 1200 + 1 = 1203 fds, highest 1202 >= 1024 */
    CU_ASSERT_EQUAL(r.problems[1].kind, LIMITS_FD_SETSIZE);
    CU_ASSERT_EQUAL(r.problems[1].chan, 1);
    CU_ASSERT_STRING_EQUAL(r.problems[1].process, "spawn-remote");
    CU_ASSERT_EQUAL(r.problems[1].needed, 1203);
    CU_ASSERT_EQUAL(r.problems[1].highest, 1202);
    CU_ASSERT_EQUAL(r.problems[1].limit, 1024);
    CU_ASSERT_EQUAL(r.problems[1].concurrency, 600);
    CU_ASSERT_EQUAL(r.problems[1].reach, 511);
    /* and 1203 > nofile 1024 */
    CU_ASSERT_EQUAL(r.problems[2].kind, LIMITS_NOFILE);
    CU_ASSERT_EQUAL(r.problems[2].chan, 1);
    CU_ASSERT_EQUAL(r.problems[2].needed, 1203);
    CU_ASSERT_EQUAL(r.problems[2].limit, 1024);
    /* the other channels stay at 20 */
    CU_ASSERT_EQUAL(r.chans[2].inforce, 20);
    control_free(&c);
}

/* test_curbed_by_conf_spawn - a control above conf-spawn is cut to it */
static void test_curbed_by_conf_spawn(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 2);
    c.concurrency[1] = 1000;
    limits_env_default(&env);
    /* 509: 2 + 1018 + 1 = 1021 fds, highest 1020 < 1024: fits */
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 0);
    CU_ASSERT_EQUAL(r.chans[1].control, 1000);
    CU_ASSERT_EQUAL(r.chans[1].inforce, 509);
    CU_ASSERT_EQUAL(proc_named(&r, "spawn-remote")->fd_highest, 1020);

    /* 510: chkspawn refuses it, but 1023 fds (highest 1022) still fit */
    env.conf_spawn = 510;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 1);
    CU_ASSERT_EQUAL(r.problems[0].kind, LIMITS_CONF_SPAWN);

    /* 511: highest fd 1024 is out of the fd_set, 1025 fds > nofile */
    env.conf_spawn = 511;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 3);
    CU_ASSERT_EQUAL(r.problems[1].kind, LIMITS_FD_SETSIZE);
    CU_ASSERT_EQUAL(r.problems[1].highest, 1024);
    CU_ASSERT_EQUAL(r.problems[2].kind, LIMITS_NOFILE);
    CU_ASSERT_EQUAL(r.problems[2].needed, 1025);
    control_free(&c);
}

/* test_nproc_shared - remote and suppl0 together exceed qmailr's nproc */
static void test_nproc_shared(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 3);
    c.concurrency[1] = 500;
    c.concurrency[2] = 500;
    limits_env_default(&env);
    env.nproc = 1000;
    /* 2 qmail-rspawn + 500 + 500 = 1002 > 1000, one line per channel;
       local's 10 run as the recipients and do not count */
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 2);
    CU_ASSERT_EQUAL(r.qmailr_procs, 1002);
    CU_ASSERT_EQUAL(r.local_procs, 10);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(r.problems[i].kind, LIMITS_NPROC);
        CU_ASSERT_EQUAL(r.problems[i].chan, i + 1);
        CU_ASSERT_EQUAL(r.problems[i].needed, 1002);
        CU_ASSERT_EQUAL(r.problems[i].limit, 1000);
        CU_ASSERT_EQUAL(r.problems[i].concurrency, 500);
        /* 1002 - 500 + C > 1000 from C = 499 */
        CU_ASSERT_EQUAL(r.problems[i].reach, 499);
    }
    CU_ASSERT_EQUAL(r.chans[1].first, LIMITS_NPROC);
    CU_ASSERT_EQUAL(r.chans[1].reach, 499);
    CU_ASSERT_EQUAL(r.chans[0].first, LIMITS_FD_SETSIZE);
    control_free(&c);
}

/* test_nproc_many_channels - many supplemental channels add up */
static void test_nproc_many_channels(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    /* 32 channels: remote and 30 suppl at 20 each: 31 qmail-rspawn +
       31 * 20 = 651 processes > nproc 600 */
    with_channels(&c, 32);
    limits_env_default(&env);
    env.nproc = 600;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 31);
    CU_ASSERT_EQUAL(r.qmailr_procs, 651);
    CU_ASSERT_EQUAL(r.problems[0].chan, 1);
    CU_ASSERT_EQUAL(r.problems[30].chan, 31);
    /* 651 - 20 + C > 600: the others alone are over, C = 1 */
    CU_ASSERT_EQUAL(r.problems[0].reach, 1);
    control_free(&c);
}

/* test_nproc_idle - spawners alone over nproc, no channel to blame */
static void test_nproc_idle(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 4);
    for (int ch = 0; ch < 4; ch++)
        c.concurrency[ch] = 0;
    limits_env_default(&env);
    env.nproc = 2;
    /* 3 qmail-rspawn > 2 */
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 1);
    CU_ASSERT_EQUAL(r.problems[0].chan, -1);
    CU_ASSERT_STRING_EQUAL(r.problems[0].process, "qmailr");
    CU_ASSERT_EQUAL(r.problems[0].needed, 3);
    /* an idle spawner holds fds 0 and 1 only */
    CU_ASSERT_EQUAL(proc_named(&r, "spawn-remote")->fds, 2);
    control_free(&c);
}

/* test_file_max - the system total, one line per channel */
static void test_file_max(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 4);
    limits_env_default(&env);
    env.file_max = 460;
    /* 469 > 460 and every channel is running */
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 4);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(r.problems[i].kind, LIMITS_FILE_MAX);
        CU_ASSERT_EQUAL(r.problems[i].chan, i);
        CU_ASSERT_EQUAL(r.problems[i].needed, 469);
        CU_ASSERT_EQUAL(r.problems[i].limit, 460);
    }
    /* local: 406 + 2C + 3 + 4C > 460, 6C > 51, C = 9;
       remote: 346 + 2C + 3 + 4C > 460, 6C > 111, C = 19 */
    CU_ASSERT_EQUAL(r.chans[0].first, LIMITS_FILE_MAX);
    CU_ASSERT_EQUAL(r.chans[0].reach, 9);
    CU_ASSERT_EQUAL(r.chans[1].reach, 19);
    CU_ASSERT_EQUAL(r.chans[3].reach, 19);
    control_free(&c);
}

/* test_send_nofile - 64 channels and a small nofile: qmail-send itself */
static void test_send_nofile(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 64);
    limits_env_default(&env);
    env.nofile = 150;
    env.nproc = 100000;
    /* qmail-send: 9 + 2*62 + 1 + 64 + 4 = 202 > 150; qmail-todo
       4 + 1 + 2 + 64 = 71 and the spawners' 43 fit */
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), 1);
    CU_ASSERT_EQUAL(r.problems[0].chan, -1);
    CU_ASSERT_STRING_EQUAL(r.problems[0].process, "qmail-send");
    CU_ASSERT_EQUAL(r.problems[0].kind, LIMITS_NOFILE);
    CU_ASSERT_EQUAL(r.problems[0].needed, 202);
    CU_ASSERT_EQUAL(r.problems[0].highest, 201);
    CU_ASSERT_EQUAL(proc_named(&r, "qmail-todo")->fds, 71);
    control_free(&c);
}

/* test_bad_input - what limits_compute refuses */
static void test_bad_input(void)
{
    struct control c;
    struct limits_env env;
    static struct limits_report r;

    with_channels(&c, 2);
    limits_env_default(&env);
    env.fd_setsize = 0;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), -1);
    limits_env_default(&env);
    c.nchan = 1;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), -1);
    c.nchan = QC_MAX_CHANNELS + 1;
    CU_ASSERT_EQUAL(limits_compute(&c, &env, &r), -1);
    c.nchan = 2;
    control_free(&c);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_pure_counts);
    QC_ADD_TEST(suite, test_send_highest);
    QC_ADD_TEST(suite, test_kind_names);
    QC_ADD_TEST(suite, test_defaults_fit);
    QC_ADD_TEST(suite, test_defaults_reach);
    QC_ADD_TEST(suite, test_conf_spawn_600);
    QC_ADD_TEST(suite, test_curbed_by_conf_spawn);
    QC_ADD_TEST(suite, test_nproc_shared);
    QC_ADD_TEST(suite, test_nproc_many_channels);
    QC_ADD_TEST(suite, test_nproc_idle);
    QC_ADD_TEST(suite, test_file_max);
    QC_ADD_TEST(suite, test_send_nofile);
    QC_ADD_TEST(suite, test_bad_input);
}

QC_CUNIT_MAIN("limits")
