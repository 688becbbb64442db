/*
 * test_scn.c - unit tests of the scenario reader (sim_scn.h): good input
 * builds the model the file describes; each class of bad input (lexical,
 * grammar, validation, a replay file's own errors) is refused with the
 * file, the line and what was expected; the --set overrides.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "sim_scn.h"

static char dir[64];
static char path[128];

/* write_bytes - name inside the test directory holding len bytes */
static const char *write_bytes(const char *name, const char *text, size_t len)
{
    static char p[160];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(fwrite(text, 1, len, f) == len);
    fclose(f);
    return p;
}

/* write_file - name inside the test directory holding text */
static const char *write_file(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

/* write_scn - the scenario t.scn with this text */
static void write_scn(const char *text)
{
    write_file("t.scn", text);
    snprintf(path, sizeof path, "%s/t.scn", dir);
}

/* load_fails - the text is refused; the message starts "PATH:LINE: "
 * (line 0: "PATH: ") and contains want */
static void load_fails(const char *text, unsigned line, const char *want)
{
    struct sim_scn sc;
    struct sim_err err;
    write_scn(text);
    int rc = sim_scn_load(&sc, path, &err);
    CU_ASSERT_EQUAL(rc, -1);
    char prefix[200];
    if (line)
        snprintf(prefix, sizeof prefix, "%s:%u: ", path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", path);
    int ok = strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
             strstr(err.msg, want) != NULL;
    if (!ok)
        fprintf(stderr, "\n  got '%s'\n  want '%s' ... '%s'\n", err.msg,
                prefix, want);
    CU_ASSERT(ok);
    sim_scn_free(&sc);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_scn_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

static void test_defaults(void)
{
    setup();
    write_scn("# nothing but a comment\n\n");
    struct sim_scn sc;
    struct sim_err err;
    CU_ASSERT_EQUAL_FATAL(sim_scn_load(&sc, path, &err), 0);
    CU_ASSERT_STRING_EQUAL(sc.name, "t");
    CU_ASSERT_STRING_EQUAL(sc.dir, dir);
    CU_ASSERT_EQUAL(sc.seed, 1);
    CU_ASSERT_EQUAL(sc.nchan, 4);
    CU_ASSERT_EQUAL(sc.profile, SCHED_PROFILE_QCHAN);
    CU_ASSERT_EQUAL(sc.lim.conf_spawn, 509);
    CU_ASSERT_EQUAL(sc.lim.fd_setsize, 1024);
    CU_ASSERT_EQUAL(sc.lim.nofile, 1024);
    CU_ASSERT_EQUAL(sc.lim.nproc, 2048);
    CU_ASSERT_EQUAL(sc.lim.file_max, 1000000);
    CU_ASSERT(sc.until_drained);
    CU_ASSERT_EQUAL(sc.run_max, 30LL * 86400 * QC_SEC);
    CU_ASSERT_EQUAL(sc.sample, 10 * QC_SEC);
    CU_ASSERT_EQUAL(sc.ngens, 0);
    CU_ASSERT_EQUAL(sc.nexpects, 0);
    sim_scn_free(&sc);
    teardown();
}

static void test_full_model(void)
{
    setup();
    write_file("r.csv", "# replayed\n5,a@x.test,b@y.test;c@y.test\n"
               "1.5,s@x.test,d@z.test\n");
    write_scn("control concurrencyremote 7   # after channels, read later\n"
              "channels 6\n"
              "seed 99\n"
              "profile channels-compat\n"
              "limit nofile 300\n"
              "todo-delay 0.25\n"
              "spawner remote latency const 2 outcome ok 90 defer 10\n"
              "pool big 4 zipf 1\n"
              "pool flat 3 uniform\n"
              "burst at 10 count 500 rcpts 2-5 to big 3 x.test 25% "
              "from me@a.test size 123\n"
              "poisson from 1 to 61 rate 2.5 rcpts 1 to flat 1\n"
              "replay r.csv\n"
              "at 30 hup concurrencyremote 9\n"
              "at 20 alarm\n"
              "at 30 kill suppl3\n"
              "run for 3600\n"
              "sample 0.5\n"
              "expect max-inflight remote <= 7\n"
              "expect delivered all >= 100\n"
              "expect drained-by 60.5\n"
              "expect fd-peak spawn-remote < 40\n"
              "expect finding too   many words\n");
    struct sim_scn sc;
    struct sim_err err;
    int rc = sim_scn_load(&sc, path, &err);
    if (rc)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(sc.seed, 99);
    CU_ASSERT_EQUAL(sc.nchan, 6);
    CU_ASSERT_EQUAL(sc.control.nchan, 6);
    CU_ASSERT_EQUAL(sc.profile, SCHED_PROFILE_CHANNELS_COMPAT);
    CU_ASSERT_EQUAL(sc.lim.nofile, 300);
    CU_ASSERT_EQUAL(sc.todo_delay, QC_SEC / 4);
    CU_ASSERT_PTR_NOT_NULL(sc.model);

    /* pools: Zipf exponent 1 over 4 is 1, 1/2, 1/3, 1/4 normalized */
    CU_ASSERT_EQUAL_FATAL(sc.npools, 2);
    CU_ASSERT_STRING_EQUAL(sc.pools[0].name, "big");
    CU_ASSERT_EQUAL(sc.pools[0].n, 4);
    double h = 1 + 0.5 + 1.0 / 3 + 0.25;
    CU_ASSERT_DOUBLE_EQUAL(sc.pools[0].cdf[0], 1 / h, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sc.pools[0].cdf[1], 1.5 / h, 1e-12);
    CU_ASSERT_EQUAL(sc.pools[0].cdf[3], 1.0);
    CU_ASSERT_DOUBLE_EQUAL(sc.pools[1].cdf[0], 1.0 / 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sc.pools[1].cdf[1], 2.0 / 3, 1e-12);

    CU_ASSERT_EQUAL_FATAL(sc.ngens, 3);
    const struct sim_gen *b = &sc.gens[0];
    CU_ASSERT_EQUAL(b->kind, SIM_GEN_BURST);
    CU_ASSERT_EQUAL(b->line, 10);
    CU_ASSERT_EQUAL(b->at, 10 * QC_SEC);
    CU_ASSERT_EQUAL(b->count, 500);
    CU_ASSERT_EQUAL(b->rmin, 2);
    CU_ASSERT_EQUAL(b->rmax, 5);
    CU_ASSERT_STRING_EQUAL(b->sender, "me@a.test");
    CU_ASSERT_EQUAL(b->bytes, 123);
    CU_ASSERT_EQUAL_FATAL(b->ntargets, 2);
    CU_ASSERT_EQUAL(b->targets[0].pool, 0);
    CU_ASSERT_PTR_NULL(b->targets[0].domain);
    CU_ASSERT_DOUBLE_EQUAL(b->targets[0].cum, 3.0 / 28, 1e-12);
    CU_ASSERT_EQUAL(b->targets[1].pool, -1);
    CU_ASSERT_STRING_EQUAL(b->targets[1].domain, "x.test");
    CU_ASSERT_EQUAL(b->targets[1].cum, 1.0);

    const struct sim_gen *p = &sc.gens[1];
    CU_ASSERT_EQUAL(p->kind, SIM_GEN_POISSON);
    CU_ASSERT_EQUAL(p->from, QC_SEC);
    CU_ASSERT_EQUAL(p->to, 61 * QC_SEC);
    CU_ASSERT_DOUBLE_EQUAL(p->rate, 2.5, 0);
    CU_ASSERT_STRING_EQUAL(p->sender, "sender@qchan.test");
    CU_ASSERT_EQUAL(p->bytes, 2000);
    CU_ASSERT_EQUAL(p->targets[0].pool, 1);

    /* replay rows in time order */
    const struct sim_gen *r = &sc.gens[2];
    CU_ASSERT_EQUAL(r->kind, SIM_GEN_REPLAY);
    CU_ASSERT_EQUAL_FATAL(r->nrows, 2);
    CU_ASSERT_EQUAL(r->rows[0].t, QC_SEC * 3 / 2);
    CU_ASSERT_STRING_EQUAL(r->rows[0].sender, "s@x.test");
    CU_ASSERT_EQUAL(r->rows[1].t, 5 * QC_SEC);
    CU_ASSERT_EQUAL_FATAL(r->rows[1].nrcpt, 2);
    CU_ASSERT_STRING_EQUAL(r->rows[1].rcpts[1], "c@y.test");

    /* actions in time order, file order among equal times */
    CU_ASSERT_EQUAL_FATAL(sc.nactions, 3);
    CU_ASSERT_EQUAL(sc.actions[0].kind, SIM_ACT_ALARM);
    CU_ASSERT_EQUAL(sc.actions[1].kind, SIM_ACT_HUP);
    CU_ASSERT_EQUAL(sc.actions[1].line, 13);
    CU_ASSERT_EQUAL_FATAL(sc.actions[1].n, 1);
    CU_ASSERT_STRING_EQUAL(sc.actions[1].names[0], "concurrencyremote");
    CU_ASSERT_STRING_EQUAL(sc.actions[1].values[0], "9");
    CU_ASSERT_EQUAL(sc.actions[2].kind, SIM_ACT_KILL);
    CU_ASSERT_EQUAL(sc.actions[2].chan, 5);

    CU_ASSERT(!sc.until_drained);
    CU_ASSERT_EQUAL(sc.run_max, 3600 * QC_SEC);
    CU_ASSERT_EQUAL(sc.sample, QC_SEC / 2);

    CU_ASSERT_EQUAL_FATAL(sc.nexpects, 5);
    CU_ASSERT_EQUAL(sc.expects[0].kind, SIM_EXP_MAX_INFLIGHT);
    CU_ASSERT_EQUAL(sc.expects[0].chan, 1);
    CU_ASSERT_EQUAL(sc.expects[0].op, SIM_OP_LE);
    CU_ASSERT_DOUBLE_EQUAL(sc.expects[0].value, 7, 0);
    CU_ASSERT_STRING_EQUAL(sc.expects[0].text, "max-inflight remote <= 7");
    CU_ASSERT_EQUAL(sc.expects[1].chan, -1);
    CU_ASSERT_EQUAL(sc.expects[1].op, SIM_OP_GE);
    CU_ASSERT_EQUAL(sc.expects[2].kind, SIM_EXP_DRAINED_BY);
    CU_ASSERT_DOUBLE_EQUAL(sc.expects[2].value, 60.5, 1e-9);
    CU_ASSERT_EQUAL(sc.expects[3].kind, SIM_EXP_FD_PEAK);
    CU_ASSERT_STRING_EQUAL(sc.expects[3].name, "spawn-remote");
    CU_ASSERT_EQUAL(sc.expects[3].op, SIM_OP_LT);
    CU_ASSERT_EQUAL(sc.expects[4].kind, SIM_EXP_FINDING);
    CU_ASSERT_STRING_EQUAL(sc.expects[4].name, "too many words");
    sim_scn_free(&sc);
    teardown();
}

static void test_lexical_errors(void)
{
    setup();
    char *many = malloc(300 * 2 + 16);
    CU_ASSERT_FATAL(many != NULL);
    strcpy(many, "\n");
    for (int i = 0; i < 300; i++)
        strcat(many, "w ");
    strcat(many, "\n");
    load_fails(many, 2, "too many words (at most 256)");
    free(many);
    char *longline = malloc(70000);
    CU_ASSERT_FATAL(longline != NULL);
    memset(longline, 'x', 69998);
    longline[69998] = '\n';
    longline[69999] = '\0';
    load_fails(longline, 1, "line too long");
    free(longline);
    teardown();
}

static void test_nul_directory_range(void)
{
    setup();
    struct sim_scn sc;
    struct sim_err err;
    static const char nul[] = "seed 1\ncontrol concurrencyremote 3\0 0\n";
    write_bytes("t.scn", nul, sizeof nul - 1);
    snprintf(path, sizeof path, "%s/t.scn", dir);
    CU_ASSERT_EQUAL(sim_scn_load(&sc, path, &err), -1);
    char want[256];
    snprintf(want, sizeof want, "%s:2: a NUL byte at column 28", path);
    CU_ASSERT(strncmp(err.msg, want, strlen(want)) == 0);
    sim_scn_free(&sc);
    CU_ASSERT_EQUAL(sim_scn_load(&sc, dir, &err), -1);
    snprintf(want, sizeof want, "%s: is a directory; expected a scenario "
             "file", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    sim_scn_free(&sc);
    load_fails("burst at 2e12 count 1 rcpts 1 to x.test 1\n", 1,
               "time '2e12' is out of range: seconds from 0 to "
               "1000000000000");
    load_fails("poisson from 0 to 1 rate 1000001 rcpts 1 to x.test 1\n", 1,
               "rate '1000001' is out of range: more than 0, at most "
               "1000000 messages a second");
    load_fails("burst at 0 count 100000001 rcpts 1 to x.test 1\n", 1,
               "count '100000001' is out of range: 0 to 100000000");
    load_fails("expect drained-by -3\n", 1, "time '-3' is out of range");
    teardown();
}

/* text in memory reads as the same text in a file would */
static void test_load_text(void)
{
    setup();
    static const char text[] = "seed 5\nchannels 3\n"
                               "burst at 1 count 7 rcpts 2 to x.test 1\n"
                               "frobnicate\n";
    struct sim_scn a, b;
    struct sim_err ea, eb;
    write_scn(text);
    CU_ASSERT_EQUAL(sim_scn_load(&a, path, &ea), -1);
    CU_ASSERT_EQUAL(sim_scn_load_text(&b, path, text, sizeof text - 1, &eb),
                    -1);
    CU_ASSERT_STRING_EQUAL(ea.msg, eb.msg);
    sim_scn_free(&a);
    sim_scn_free(&b);
    CU_ASSERT_EQUAL_FATAL(sim_scn_load_text(&b, path, text,
                                            strlen(text) - 11, &eb), 0);
    CU_ASSERT_EQUAL(b.seed, 5);
    CU_ASSERT_EQUAL(b.nchan, 3);
    CU_ASSERT_EQUAL_FATAL(b.ngens, 1);
    CU_ASSERT_EQUAL(b.gens[0].count, 7);
    CU_ASSERT_STRING_EQUAL(b.dir, dir);
    sim_scn_free(&b);
    teardown();
}

static void test_missing_file(void)
{
    struct sim_scn sc;
    struct sim_err err;
    CU_ASSERT_EQUAL(sim_scn_load(&sc, "/nonexistent/x.scn", &err), -1);
    CU_ASSERT(strncmp(err.msg, "/nonexistent/x.scn: cannot open: ", 33) == 0);
    sim_scn_free(&sc);
}

static void test_grammar_errors(void)
{
    setup();
    load_fails("seed 1\nfrobnicate now\n", 2, "expected a keyword");
    load_fails("seed x\n", 1, "expected 'seed NUMBER'");
    load_fails("\nchannels 1\n", 2, "expected 'channels N' with N from 2");
    load_fails("profile fast\n", 1, "expected 'profile qchan'");
    load_fails("pool p 0 zipf 1\n", 1, "COUNT from 1 to 10000000");
    load_fails("pool p 10 zipf 101\n", 1, "Zipf exponent");
    load_fails("burst at 0 count 5 rcpts 0 to x.test 1\n", 1,
               "expected 'rcpts N' or 'rcpts A-B' (1 to 10000), not 'rcpts 0'");
    load_fails("burst at 0 count 5 rcpts 1 to x.test\n", 1,
               "expected a weight after target 'x.test'");
    load_fails("burst at 0 count 5 rcpts 1 to\n", 1,
               "expected at least one target after 'to'");
    load_fails("burst at 0 count 5 rcpts 1 to x.test 0\n", 1,
               "target weights add up to 0");
    load_fails("burst at 0 count 5 rcpts 1 to x.test 1 size\n", 1,
               "expected a value after 'size'");
    load_fails("burst at 0 count 5 rcpts 1 to x.test 1 size 5 colour red\n", 1,
               "expected 'from' or 'size', not 'colour'");
    load_fails("poisson from 5 to 5 rate 1 rcpts 1 to x.test 1\n", 1,
               "expected 'from' before 'to'");
    load_fails("at 5 explode\n", 1, "'alarm' or 'kill CHANNEL'");
    load_fails("run sideways\n", 1, "expected 'run until drained");
    load_fails("sample 0\n", 1, "at least 0.001");
    load_fails("expect\n", 1, "expected 'expect' and one of");
    load_fails("expect delivered remote ~ 3\n", 1, "expected an operator");
    load_fails("control concurrencyremote\n", 1,
               "expected 'control NAME VALUE'");
    load_fails("limit nofile\n", 1, "expected 'limit NAME N'");
    load_fails("spawner remote latency bogus 1\n", 1,
               "expected a latency model");
    teardown();
}

static void test_validation_errors(void)
{
    setup();
    load_fails("burst at 0 count 5 rcpts 1 to nowhere 1\n", 1,
               "expected a pool defined above or a domain, not 'nowhere'");
    load_fails("pool p 3 uniform\npool p 4 uniform\n", 2,
               "pool 'p' is defined twice");
    load_fails("pool a@b 3 uniform\n", 1, "pool name without '@'");
    load_fails("pool a 9000000 uniform\npool b 2000000 uniform\n", 2,
               "pools would hold 11000000 domains; at most 10000000 in all");
    load_fails("at 5 kill suppl9\n", 1, "expected a channel name after "
               "'kill', not 'suppl9'");
    load_fails("at 5 hup bogus 3\n", 1, "hup: ");
    load_fails("at 5 hup concurrencysuppl7 3\n", 1,
               "hup: that channel is beyond 'channels'");
    load_fails("control concurrencysuppl7 3\n", 1,
               "concurrencysuppl7 names a channel beyond 'channels 4'");
    load_fails("limit nofile 0\n", 1, "expected a whole number from 1 to "
               "16777216 for nofile, not '0'");
    load_fails("limit conf-spawn 65536\n", 1, "from 1 to 65535 for "
               "conf-spawn, not '65536'");
    load_fails("limit cpus 3\n", 1, "expected a limit name");
    load_fails("expect max-inflight all <= 3\n", 1,
               "max-inflight needs one channel");
    load_fails("expect delivered suppl5 >= 1\n", 1,
               "expected a channel name or 'all', not 'suppl5'");
    load_fails("expect fd-exhaustion qmail-lspawn\n", 1,
               "expected a process (qmail-send");
    load_fails("control-dir nothere\n", 1, "control-dir: ");
    /* a message records its generator in one byte */
    size_t cap = 256 * 48 + 1;
    char *gens = malloc(cap);
    CU_ASSERT_FATAL(gens != NULL);
    gens[0] = '\0';
    for (int i = 0; i < 256; i++)
        strcat(gens, "burst at 0 count 1 rcpts 1 to x.test 1\n");
    load_fails(gens, 256, "more than 255 burst, poisson and replay lines");
    free(gens);
    teardown();
}

static void test_replay_errors(void)
{
    setup();
    load_fails("replay none.csv\n", 1, "cannot open replay file");
    char bad[160];
    snprintf(bad, sizeof bad, "%s",
             write_file("bad.csv", "1,a@x.test,b@x.test\nsoon,a,b\n"));
    struct sim_scn sc;
    struct sim_err err;
    write_scn("\nreplay bad.csv\n");
    CU_ASSERT_EQUAL(sim_scn_load(&sc, path, &err), -1);
    char want[256];
    snprintf(want, sizeof want, "%s:2: expected 'time,sender,recipient",
             bad);
    CU_ASSERT(strncmp(err.msg, want, strlen(want)) == 0);
    sim_scn_free(&sc);
    write_file("none.csv", "1,a@x.test,;;\n");
    write_scn("replay none.csv\n");
    CU_ASSERT_EQUAL(sim_scn_load(&sc, path, &err), -1);
    CU_ASSERT(strstr(err.msg, "none.csv:1: expected 1 to 10000 recipients")
              != NULL);
    sim_scn_free(&sc);
    teardown();
}

static void test_set_overrides(void)
{
    setup();
    write_scn("channels 3\n");
    struct sim_scn sc;
    struct sim_err err;
    CU_ASSERT_EQUAL_FATAL(sim_scn_load(&sc, path, &err), 0);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "nproc", "99", &err), 0);
    CU_ASSERT_EQUAL(sc.lim.nproc, 99);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "nproc", "0", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "--set nproc=0: expected a whole number "
                           "from 1 to 16777216");
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "profile", "channels-compat", &err), 0);
    CU_ASSERT_EQUAL(sc.profile, SCHED_PROFILE_CHANNELS_COMPAT);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "profile", "x", &err), -1);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "todo-delay", "2", &err), 0);
    CU_ASSERT_EQUAL(sc.todo_delay, 2 * QC_SEC);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "todo-delay", "-1", &err), -1);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "concurrencyremote", "33", &err), 0);
    CU_ASSERT_EQUAL(sim_scn_set(&sc, "concurrencysuppl4", "3", &err), -1);
    CU_ASSERT(strstr(err.msg, "the scenario has 3 channels") != NULL);
    sim_scn_set_seed(&sc, 1234);
    CU_ASSERT_EQUAL(sc.seed, 1234);
    sim_scn_free(&sc);
    teardown();
}

static void test_ops(void)
{
    CU_ASSERT_STRING_EQUAL(sim_op_name(SIM_OP_NE), "!=");
    CU_ASSERT(sim_op_holds(SIM_OP_LE, 3, 3));
    CU_ASSERT(!sim_op_holds(SIM_OP_LT, 3, 3));
    CU_ASSERT(sim_op_holds(SIM_OP_EQ, 0.1 + 0.2, 0.3));
    CU_ASSERT(!sim_op_holds(SIM_OP_GT, 2, 3));
    CU_ASSERT_STRING_EQUAL(
        sim_scn_profile_name(SCHED_PROFILE_CHANNELS_COMPAT), "channels-compat");
}

static void add_tests(CU_pSuite s)
{
    QC_ADD_TEST(s, test_defaults);
    QC_ADD_TEST(s, test_full_model);
    QC_ADD_TEST(s, test_lexical_errors);
    QC_ADD_TEST(s, test_nul_directory_range);
    QC_ADD_TEST(s, test_load_text);
    QC_ADD_TEST(s, test_missing_file);
    QC_ADD_TEST(s, test_grammar_errors);
    QC_ADD_TEST(s, test_validation_errors);
    QC_ADD_TEST(s, test_replay_errors);
    QC_ADD_TEST(s, test_set_overrides);
    QC_ADD_TEST(s, test_ops);
}

QC_CUNIT_MAIN("scn")
