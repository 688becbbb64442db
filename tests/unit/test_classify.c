/*
 * test_classify.c - qmail-todo's recipient classification.
 *
 * Table-driven cases for every rule and their precedence, the output
 * buffer contract, and a differential test: random control sets and
 * addresses over a tiny alphabet (so that keys hit often), classified by
 * the hash-table classifier and by ref_rcpt(), a direct transcription of
 * the rules with linear list scans, which must agree byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "cunit_main.h"

struct ccase {
    const char *addr;
    int chan;
    const char *out;
};

/* set - control_set that must succeed */
static void set(struct control *c, const char *name, const char *value)
{
    struct control_error err = {0};
    int r = control_set(c, name, value, &err);
    if (r != 0)
        fprintf(stderr, "\nset %s=%s: %s\n", name, value, err.msg);
    CU_ASSERT_EQUAL_FATAL(r, 0);
}

/* sets - a NULL-terminated list of name, value pairs */
static void sets(struct control *c, const char **nv)
{
    for (; nv[0]; nv += 2)
        set(c, nv[0], nv[1]);
}

/* run_cases - classify each case and compare */
static void run_cases(const struct classify *cl, const struct ccase *cs,
                      size_t n)
{
    char out[512];
    for (size_t i = 0; i < n; i++) {
        int chan = -1;
        size_t len = classify_rcpt(cl, cs[i].addr, strlen(cs[i].addr), out,
                                   sizeof out, &chan);
        int ok = chan == cs[i].chan && len == strlen(cs[i].out) &&
                 strcmp(out, cs[i].out) == 0;
        if (!ok)
            fprintf(stderr, "\n'%s': got %d '%s', want %d '%s'\n",
                    cs[i].addr, chan, out, cs[i].chan, cs[i].out);
        CU_ASSERT_TRUE(ok);
    }
}

static const char *fixture1[] = {
    "envnoathost", "env.example",
    "locals", "example.com",
    "locals", "Local.Example",
    "percenthack", "relay.example",
    "percenthack", "hop.example",
    "virtualdomains", "virt.example:alice",
    "virtualdomains", "bob@virt.example:bobby",
    "virtualdomains", "no.virt.example:",
    "virtualdomains", ".lists.example:lists",
    "virtualdomains", ".vtld:tld",
    "virtualdomains", ".sub.vtld:sub",
    "virtualdomains", "example.com:shadowed",
    "virtualdomains", "part.example:",
    "virtualdomains", "dup.example:first",
    "virtualdomains", "dup.example:second",
    "virtualdomains", "col.example:pre:fix",
    "virtualdomains", "joe@env.example:joey",
    "suppls0", "part.example",
    "suppls0", "s0.example",
    "suppls0", "both.example",
    "suppls0", "partner.example",
    "suppls1", "both.example",
    "suppls1", "s1.example",
    "suppls1", "virt.example",
    "suppls1", "example.com",
    "suppls2", "s2.example",
    "suppls2", "both.example",
    NULL,
};

#define L 0
#define R 1
#define S0 2
#define S1 3
#define S2 4

static const struct ccase cases1[] = {
    /* 1. no '@': envnoathost; the whole-address key sees it */
    {"joe", L, "joey-joe@env.example"},
    {"ann", R, "ann@env.example"},
    {"", R, "@env.example"},
    /* 3. locals: exact domain, any case, address kept */
    {"user@example.com", L, "user@example.com"},
    {"User@EXAMPLE.COM", L, "User@EXAMPLE.COM"},
    {"x@local.example", L, "x@local.example"},
    {"x@sub.example.com", R, "x@sub.example.com"},
    /* the last '@' splits */
    {"a@b@example.com", L, "a@b@example.com"},
    {"x@example.com@other.org", R, "x@example.com@other.org"},
    /* 2. percenthack: last '%' becomes '@', the relay is cut off */
    {"u%dest.org@relay.example", R, "u@dest.org"},
    {"u%dest.org@other.org", R, "u%dest.org@other.org"},
    {"u%dest.org%hop.example@relay.example", R, "u@dest.org"},
    {"u@relay.example", R, "u@relay.example"},
    {"u%example.com@RELAY.EXAMPLE", L, "u@example.com"},
    {"u%s1.example@relay.example", S1, "u@s1.example"},
    {"u%@relay.example", R, "u@"},
    {"u%virt.example@relay.example", L, "alice-u@virt.example"},
    {"a%b%c@relay.example", R, "a%b@c"},
    /* after the hack the address splits at its last '@' (qmail's rchr) */
    {"a%b@example.com@relay.example", L, "a@b@example.com"},
    {"a%b@s2.example@relay.example", S2, "a@b@s2.example"},
    /* 4. virtualdomains */
    {"x@virt.example", L, "alice-x@virt.example"},
    {"X@VIRT.Example", L, "alice-X@VIRT.Example"},
    {"bob@virt.example", L, "bobby-bob@virt.example"},
    {"BOB@Virt.Example", L, "bobby-BOB@Virt.Example"},
    {"x@no.virt.example", R, "x@no.virt.example"},
    {"x@deep.no.virt.example", R, "x@deep.no.virt.example"},
    {"x@a.lists.example", L, "lists-x@a.lists.example"},
    {"x@lists.example", R, "x@lists.example"},
    {"x@a.sub.vtld", L, "sub-x@a.sub.vtld"},
    {"x@a.b.vtld", L, "tld-x@a.b.vtld"},
    {"x@vtld", R, "x@vtld"},
    {"x@sub.vtld", L, "tld-x@sub.vtld"},
    {"x@A.SUB.VTLD", L, "sub-x@A.SUB.VTLD"},
    {"x@part.example", S0, "x@part.example"},
    {"x@dup.example", L, "second-x@dup.example"},
    {"x@col.example", L, "pre:fix-x@col.example"},
    {"@virt.example", L, "alice-@virt.example"},
    /* precedence: locals over virtualdomains and suppls, virtual over suppls */
    {"x@example.com", L, "x@example.com"},
    {"x@Virt.example", L, "alice-x@Virt.example"},
    /* 5. suppls: exact domain, any case, first K */
    {"x@both.example", S0, "x@both.example"},
    {"x@s2.example", S2, "x@s2.example"},
    {"x@S1.EXAMPLE", S1, "x@S1.EXAMPLE"},
    {"x@partner.example", S0, "x@partner.example"},
    {"x@sub.s0.example", R, "x@sub.s0.example"},
    {"x@s0.example.", R, "x@s0.example."},
    /* 6. remote */
    {"@", R, "@"},
    {"x@", R, "x@"},
    {"someone@gmail.com", R, "someone@gmail.com"},
};

static void test_rules(void)
{
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, fixture1);
    CU_ASSERT_EQUAL(c.nchan, 5);
    struct classify *cl = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    CU_ASSERT_EQUAL(classify_nchan(cl), 5);
    run_cases(cl, cases1, sizeof cases1 / sizeof cases1[0]);
    classify_free(cl);
    control_free(&c);
}

static void test_empty_key(void)
{
    static const char *nv[] = {
        "locals", "loc.example",
        "virtualdomains", ":catch",
        "virtualdomains", "keep.example:",
        "virtualdomains", ".skip.example:",
        "suppls0", "s.example",
        NULL,
    };
    static const struct ccase cs[] = {
        {"x@any.org", L, "catch-x@any.org"},
        {"x@loc.example", L, "x@loc.example"},
        {"x@keep.example", R, "x@keep.example"},
        {"x@a.skip.example", R, "x@a.skip.example"},
        {"x@s.example", L, "catch-x@s.example"},
        {"nobody", L, "catch-nobody@envnoathost"},
        {"@", L, "catch-@"},
    };
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, nv);
    struct classify *cl = classify_new(&c, NULL);
    run_cases(cl, cs, sizeof cs / sizeof cs[0]);
    classify_free(cl);
    control_free(&c);
}

static void test_empty_key_empty_prepend(void)
{
    static const char *nv[] = {
        "virtualdomains", ":", "suppls0", "s.example", NULL,
    };
    static const struct ccase cs[] = {
        {"x@y.org", R, "x@y.org"},
        {"x@s.example", S0, "x@s.example"},
    };
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, nv);
    struct classify *cl = classify_new(&c, NULL);
    run_cases(cl, cs, sizeof cs / sizeof cs[0]);
    classify_free(cl);
    control_free(&c);
}

static void test_envnoathost_percenthack(void)
{
    /* no '@', envnoathost listed in percenthack: the hack applies to it */
    static const char *nv[] = {
        "envnoathost", "relay.example", "percenthack", "relay.example",
        "locals", "dest.example", NULL,
    };
    static const struct ccase cs[] = {
        {"u%dest.example", L, "u@dest.example"},
        {"u", R, "u@relay.example"},
        {"a%b%dest.example", L, "a%b@dest.example"},
    };
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, nv);
    struct classify *cl = classify_new(&c, NULL);
    run_cases(cl, cs, sizeof cs / sizeof cs[0]);
    classify_free(cl);
    control_free(&c);
}

static void test_me_defaults(void)
{
    /* with me set, envnoathost and locals follow it, as in qmail */
    static const struct ccase cs[] = {
        {"root", L, "root@mail.example"},
        {"x@MAIL.example", L, "x@MAIL.example"},
        {"x@example", R, "x@example"},
    };
    struct control c;
    control_init(&c, 2, NULL);
    set(&c, "me", "mail.example");
    struct classify *cl = classify_new(&c, NULL);
    run_cases(cl, cs, sizeof cs / sizeof cs[0]);
    classify_free(cl);
    control_free(&c);
}

static void test_out_buffer(void)
{
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, fixture1);
    struct classify *cl = classify_new(&c, NULL);
    char out[32];
    int chan = -1;

    /* too small: the length is still the whole, what fits is its prefix */
    memset(out, 'Z', sizeof out);
    size_t n = classify_rcpt(cl, "x@virt.example", 14, out, 5, &chan);
    CU_ASSERT_EQUAL(n, strlen("alice-x@virt.example"));
    CU_ASSERT_EQUAL(chan, L);
    CU_ASSERT_EQUAL(memcmp(out, "alice", 5), 0);
    CU_ASSERT_EQUAL(out[5], 'Z');
    /* exactly the length: no room for the NUL, so none is written */
    memset(out, 'Z', sizeof out);
    n = classify_rcpt(cl, "x@virt.example", 14, out, 20, &chan);
    CU_ASSERT_EQUAL(n, 20);
    CU_ASSERT_EQUAL(out[20], 'Z');
    n = classify_rcpt(cl, "x@virt.example", 14, out, 21, &chan);
    CU_ASSERT_STRING_EQUAL(out, "alice-x@virt.example");
    /* outcap 0: nothing written, length told */
    n = classify_rcpt(cl, "joe", 3, NULL, 0, &chan);
    CU_ASSERT_EQUAL(n, strlen("joey-joe@env.example"));
    CU_ASSERT_EQUAL(chan, L);
    /* addr is len bytes, not a C string */
    n = classify_rcpt(cl, "x@s1.exampleGARBAGE", 12, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, S1);
    CU_ASSERT_STRING_EQUAL(out, "x@s1.example");
    /* percent hack on a buffer that is not NUL-terminated either */
    n = classify_rcpt(cl, "u%s2.example@relay.example%%%", 26, out,
                      sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, S2);
    CU_ASSERT_STRING_EQUAL(out, "u@s2.example");
    classify_free(cl);
    control_free(&c);
}

/* qmail-todo holds each address as a C string, so a NUL byte inside one
 * (from a hostile injector) ends it: what follows decides nothing */
static void test_nul_ends_address(void)
{
    struct control c;
    control_init(&c, 2, NULL);
    sets(&c, fixture1);
    struct classify *cl = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    char out[64];
    int chan = -1;
    static const char a[] = "x@s1.example\0@example.com";
    size_t n = classify_rcpt(cl, a, sizeof a - 1, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, S1);
    CU_ASSERT_EQUAL(n, 12);
    CU_ASSERT_STRING_EQUAL(out, "x@s1.example");
    /* a NUL before any '@': "joe" alone, so envnoathost is appended */
    static const char b[] = "joe\0@gmail.com";
    n = classify_rcpt(cl, b, sizeof b - 1, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, L);
    CU_ASSERT_STRING_EQUAL(out, "joey-joe@env.example");
    /* a NUL first: the empty address */
    static const char e[] = "\0x@s1.example";
    int want = -1;
    char wout[64];
    classify_rcpt(cl, "", 0, wout, sizeof wout, &want);
    n = classify_rcpt(cl, e, sizeof e - 1, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, want);
    CU_ASSERT_STRING_EQUAL(out, wout);
    classify_free(cl);
    control_free(&c);
    /* the domain form cuts the same way */
    control_init(&c, 2, NULL);
    set(&c, "locals", "loc.example");
    cl = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    static const char d[] = "loc.example\0.evil";
    CU_ASSERT_EQUAL(classify_domain(cl, d, sizeof d - 1), L);
    CU_ASSERT_EQUAL(classify_domain(cl, "loc.example.evil", 16), R);
    classify_free(cl);
    control_free(&c);
}

static void test_tables_are_copies(void)
{
    struct control c;
    char out[64];
    int chan;
    control_init(&c, 2, NULL);
    set(&c, "locals", "a.example");
    set(&c, "suppls0", "b.example");
    set(&c, "envnoathost", "a.example");
    struct classify *cl = classify_new(&c, NULL);
    control_free(&c);   /* the classifier must not need it any more */
    classify_rcpt(cl, "x@A.example", 11, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, L);
    classify_rcpt(cl, "x@b.example", 11, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, S0);
    classify_rcpt(cl, "x", 1, out, sizeof out, &chan);
    CU_ASSERT_STRING_EQUAL(out, "x@a.example");
    CU_ASSERT_EQUAL(chan, L);
    classify_free(cl);
    classify_free(NULL);
}

static void test_big_lists(void)
{
    struct control c;
    char d[64], out[128];
    int chan, ok = 1;
    control_init(&c, 4, NULL);
    for (int i = 0; i < 30000; i++) {
        snprintf(d, sizeof d, "host%d.example", i);
        set(&c, i % 3 == 0 ? "locals" : i % 3 == 1 ? "suppls1" : "suppls0",
            d);
    }
    struct classify *cl = classify_new(&c, NULL);
    for (int i = 0; i < 30000; i++) {
        int n = snprintf(d, sizeof d, "u@HOST%d.example", i);
        classify_rcpt(cl, d, (size_t)n, out, sizeof out, &chan);
        if (chan != (i % 3 == 0 ? L : i % 3 == 1 ? S1 : S0))
            ok = 0;
    }
    CU_ASSERT_TRUE(ok);
    classify_rcpt(cl, "u@host30000.example", 19, out, sizeof out, &chan);
    CU_ASSERT_EQUAL(chan, R);
    classify_free(cl);
    control_free(&c);
}

static void test_from_directory(void)
{
    char dir[] = "/tmp/qc-test-classify-XXXXXX", path[128];
    static const char *files[][2] = {
        {"me", "me.example\n"},
        {"virtualdomains", "v.example:first\nnocolon\nv.example:second\n"},
        {"suppls0", "s.example\n"},
        {"suppls1", "# comment\ns.example\nt.example  \n"},
    };
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    struct control c;
    struct control_error err;
    CU_ASSERT_EQUAL_FATAL(control_load(&c, dir, 0, NULL, &err), 0);
    static const struct ccase cs[] = {
        {"x@v.example", L, "second-x@v.example"},
        {"x@s.example", S0, "x@s.example"},
        {"x@T.example", S1, "x@T.example"},
        {"postmaster", L, "postmaster@me.example"},
        {"x@nocolon", R, "x@nocolon"},
    };
    struct classify *cl = classify_new(&c, NULL);
    CU_ASSERT_EQUAL(classify_nchan(cl), 4);
    run_cases(cl, cs, sizeof cs / sizeof cs[0]);
    classify_free(cl);
    control_free(&c);
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
        unlink(path);
    }
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* ------------------------------------------------ differential testing */

/* eq_ci - a[0..alen) equals the C string b, ASCII case ignored */
static int eq_ci(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

/* in_list - s listed in l (linear scan) */
static int in_list(const struct control_list *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (eq_ci(s, n, l->items[i], strlen(l->items[i])))
            return 1;
    return 0;
}

/* vdom_get - prepend of the LAST line whose key is s, NULL if none */
static const char *vdom_get(const struct control_list *l, const char *s,
                            size_t n)
{
    const char *hit = NULL;
    for (size_t i = 0; i < l->n; i++) {
        const char *colon = strchr(l->items[i], ':');
        if (colon && eq_ci(s, n, l->items[i], (size_t)(colon - l->items[i])))
            hit = colon + 1;
    }
    return hit;
}

/* rchr - last ch in s[0..n), n if none */
static size_t rchr(const char *s, size_t n, char ch)
{
    size_t r = n;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ch)
            r = i;
    return r;
}

/* ref_rcpt - the rules read literally, with a copy of the address;
 * out has room for 512 bytes */
static void ref_rcpt(const struct control *c, const char *addr, char *out,
                     int *chan)
{
    char a[512];
    size_t len = strlen(addr), i, at;

    strcpy(a, addr);
    i = rchr(a, len, '@');
    if (i == len) {
        strcpy(a + len, "@");
        strcat(a, c->envnoathost);
        len = strlen(a);
    }
    while (in_list(&c->percenthack, a + i + 1, len - i - 1)) {
        size_t j = rchr(a, i, '%');
        if (j == i)
            break;
        len = i;
        i = j;
        a[i] = '@';
    }
    a[len] = '\0';
    at = rchr(a, len, '@');
    *chan = QC_CHAN_LOCAL;
    if (in_list(&c->locals, a + at + 1, len - at - 1)) {
        strcpy(out, a);
        return;
    }
    for (i = 0; i <= len; i++)
        if (i == 0 || i == at + 1 || i == len || (i > at && a[i] == '.')) {
            const char *x = vdom_get(&c->virtualdomains, a + i, len - i);
            if (!x)
                continue;
            if (!*x)
                break;
            size_t xl = strlen(x);
            memcpy(out, x, xl);
            out[xl] = '-';
            memcpy(out + xl + 1, a, len + 1);
            return;
        }
    strcpy(out, a);
    *chan = QC_CHAN_REMOTE;
    for (int k = 0; k < c->nchan - 2; k++)
        if (in_list(&c->suppls[k], a + at + 1, len - at - 1)) {
            *chan = k + 2;
            return;
        }
}

static uint64_t rng_state;

/* rnd - xorshift64*, deterministic */
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

/* rnd_str - up to max characters from alphabet */
static void rnd_str(char *s, const char *alphabet, unsigned max)
{
    unsigned n = rnd(max + 1), k = (unsigned)strlen(alphabet);
    for (unsigned i = 0; i < n; i++)
        s[i] = alphabet[rnd(k)];
    s[n] = '\0';
}

static void test_differential(void)
{
    static const char *names[] = {"locals", "percenthack", "suppls0",
                                  "suppls1", "suppls2"};
    char s[64], v[80], got[512], want[512];
    unsigned mismatches = 0, nonremote = 0;

    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 1000; round++) {
        struct control c;
        control_init(&c, 5, NULL);
        for (unsigned e = rnd(12); e > 0; e--) {
            rnd_str(s, rnd(4) ? "aB." : "aB.@", 4);
            if (*s)
                set(&c, names[rnd(5)], s);
        }
        for (unsigned e = rnd(8); e > 0; e--) {
            rnd_str(s, "ab.@A%", 5);
            rnd_str(v, "px", 2);
            size_t n = strlen(s);
            s[n] = ':';
            strcpy(s + n + 1, v);
            set(&c, "virtualdomains", s);
        }
        /* an '@' or '%' in envnoathost is absurd, but qmail copes */
        rnd_str(s, rnd(4) ? "ab." : "ab.@%", 3);
        set(&c, "envnoathost", s);
        struct classify *cl = classify_new(&c, NULL);
        for (int t = 0; t < 200; t++) {
            int gchan, wchan;
            rnd_str(s, "aAb.@%", 9);
            size_t n = classify_rcpt(cl, s, strlen(s), got, sizeof got,
                                     &gchan);
            ref_rcpt(&c, s, want, &wchan);
            if (gchan != wchan || strcmp(got, want) != 0 ||
                n != strlen(want)) {
                if (mismatches++ < 5)
                    fprintf(stderr, "\n'%s': got %d '%s', want %d '%s'\n", s,
                            gchan, got, wchan, want);
            }
            nonremote += gchan != QC_CHAN_REMOTE;
        }
        classify_free(cl);
        control_free(&c);
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    /* the alphabet is small so that every rule gets exercised */
    CU_ASSERT_TRUE(nonremote > 20000);
}

/* test_domain_cases - classify_domain on each rule */
static void test_domain_cases(void)
{
    struct control c;
    control_init(&c, 4, NULL);
    static const char *nv[] = {
        "locals", "Loc.Example", "virtualdomains", "virt.example:pre",
        "virtualdomains", "quiet.example:", "suppls0", "quiet.example",
        "suppls1", "s1.example", "percenthack", "s1.example", NULL};
    sets(&c, nv);
    struct classify *cl = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    CU_ASSERT_EQUAL(classify_domain(cl, "loc.example", 11), QC_CHAN_LOCAL);
    CU_ASSERT_EQUAL(classify_domain(cl, "VIRT.example", 12), -1);
    CU_ASSERT_EQUAL(classify_domain(cl, "quiet.example", 13), 2);
    CU_ASSERT_EQUAL(classify_domain(cl, "s1.example", 10), 3);
    CU_ASSERT_EQUAL(classify_domain(cl, "gmail.com", 9), QC_CHAN_REMOTE);
    CU_ASSERT_EQUAL(classify_domain(cl, "a@gmail.com", 11), -1);
    /* the length counts, not a NUL */
    CU_ASSERT_EQUAL(classify_domain(cl, "s1.examplezzz", 10), 3);
    classify_free(cl);
    /* a key for one address: only locals can be answered by domain */
    set(&c, "virtualdomains", "bob@gmail.com:bobby");
    cl = classify_new(&c, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    CU_ASSERT_EQUAL(classify_domain(cl, "loc.example", 11), QC_CHAN_LOCAL);
    CU_ASSERT_EQUAL(classify_domain(cl, "gmail.com", 9), -1);
    CU_ASSERT_EQUAL(classify_domain(cl, "s1.example", 10), -1);
    classify_free(cl);
    control_free(&c);
}

/* test_domain_differential - where classify_domain answers, every local
 * part without '%' and '@' gets that channel and keeps its address */
static void test_domain_differential(void)
{
    static const char *names[] = {"locals", "percenthack", "suppls0",
                                  "suppls1", "suppls2"};
    char s[64], v[80], dom[16], local[16], addr[40], want[512];
    unsigned mismatches = 0, answered = 0, refused = 0;

    rng_state = 0x2545f4914f6cdd1dULL;
    for (int round = 0; round < 1000; round++) {
        struct control c;
        control_init(&c, 5, NULL);
        for (unsigned e = rnd(12); e > 0; e--) {
            rnd_str(s, "aB.", 3);
            if (*s)
                set(&c, names[rnd(5)], s);
        }
        for (unsigned e = rnd(4); e > 0; e--) {
            rnd_str(s, rnd(3) ? "ab." : "ab.@", 4);
            rnd_str(v, "px", 2);
            size_t n = strlen(s);
            s[n] = ':';
            strcpy(s + n + 1, v);
            set(&c, "virtualdomains", s);
        }
        struct classify *cl = classify_new(&c, NULL);
        for (int t = 0; t < 50; t++) {
            rnd_str(dom, rnd(8) ? "aAb." : "ab.@", 3);
            int chan = classify_domain(cl, dom, strlen(dom));
            if (chan < 0) {
                refused++;
                continue;
            }
            answered++;
            for (int u = 0; u < 8; u++) {
                int wchan;
                rnd_str(local, "aAb.x", 4);
                snprintf(addr, sizeof addr, "%s@%s", local, dom);
                ref_rcpt(&c, addr, want, &wchan);
                if (wchan != chan || strcmp(want, addr) != 0) {
                    if (mismatches++ < 5)
                        fprintf(stderr, "\n'%s': domain says %d, rules say "
                                "%d '%s'\n", addr, chan, wchan, want);
                }
            }
        }
        classify_free(cl);
        control_free(&c);
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    /* both answers happen often enough to mean something */
    CU_ASSERT_TRUE(answered > 10000);
    CU_ASSERT_TRUE(refused > 2000);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_rules);
    QC_ADD_TEST(suite, test_empty_key);
    QC_ADD_TEST(suite, test_empty_key_empty_prepend);
    QC_ADD_TEST(suite, test_envnoathost_percenthack);
    QC_ADD_TEST(suite, test_me_defaults);
    QC_ADD_TEST(suite, test_out_buffer);
    QC_ADD_TEST(suite, test_nul_ends_address);
    QC_ADD_TEST(suite, test_tables_are_copies);
    QC_ADD_TEST(suite, test_big_lists);
    QC_ADD_TEST(suite, test_from_directory);
    QC_ADD_TEST(suite, test_differential);
    QC_ADD_TEST(suite, test_domain_cases);
    QC_ADD_TEST(suite, test_domain_differential);
}

QC_CUNIT_MAIN("classify")
