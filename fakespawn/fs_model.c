/*
 * fs_model.c - fake spawner behaviour; see fs_model.h.
 *
 * Domain overrides live in a small open-addressing table keyed by the
 * lower-cased domain, so a lookup costs one hash whatever the number of
 * overrides.  Outages are few and are scanned in order: the first listed
 * that matches wins, which lets an administrator write a narrow outage
 * before a broad one.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_model.h"
#include "fs_rand.h"
#include "strmap.h"

/* outcome indexes of the per-outcome latencies */
enum { FS_O_OK, FS_O_DEFER, FS_O_FAIL, FS_NOUT };

struct fs_behaviour {
    int has_latency;
    struct fs_dist latency;          /* every outcome without its own */
    int has_olat[FS_NOUT];
    struct fs_dist olat[FS_NOUT];    /* latency ok|defer|fail MODEL */
    int has_outcome;
    double p_ok, p_defer;   /* cumulative thresholds; fail is the rest */
    int has_retry;          /* "retry ok W ...": attempts after the first */
    double r_ok, r_defer;
};

enum fs_outage_kind { FS_OUT_DEFER, FS_OUT_FAIL, FS_OUT_TIMEOUT };

struct fs_outage {
    int chan;              /* -1: a domain outage */
    char *domain;          /* lower case */
    qc_time from, to;
    enum fs_outage_kind kind;
    qc_time timeout;
    int has_latency;       /* defer|fail ... latency MODEL */
    struct fs_dist latency;
};

struct fs_domain {
    char *name;            /* lower case */
    struct fs_behaviour b;
};

struct fs_model {
    int nchan;
    uint64_t seed;
    uint64_t latency_stream, outcome_stream;  /* fs_rand_stream of seed */
    struct fs_behaviour chan[QC_MAX_CHANNELS];
    unsigned fds[QC_MAX_CHANNELS];
    struct fs_domain *dom;  /* [ndom], in the order first named */
    size_t ndom, domcap;
    struct strmap *domidx;  /* name -> index in dom */
    struct fs_outage *out;
    size_t nout;
};

#define DOMAIN_MAX 255

/* fs_model_new - defaults everywhere */
struct fs_model *fs_model_new(int nchan, uint64_t seed)
{
    if (nchan < QC_MIN_CHANNELS || nchan > QC_MAX_CHANNELS)
        return NULL;
    struct fs_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nchan = nchan;
    fs_model_set_seed(m, seed);
    for (int c = 0; c < QC_MAX_CHANNELS; c++) {
        m->chan[c].has_latency = 1;
        m->chan[c].latency.kind = FS_DIST_CONST;
        m->chan[c].latency.a = 1;
        m->chan[c].has_outcome = 1;
        m->chan[c].p_ok = 1;
        m->chan[c].p_defer = 1;
        m->fds[c] = FS_FDS_DEFAULT;
    }
    return m;
}

/* behaviour_free - the distributions a behaviour holds */
static void behaviour_free(struct fs_behaviour *b)
{
    fs_dist_free(&b->latency);
    for (int o = 0; o < FS_NOUT; o++)
        fs_dist_free(&b->olat[o]);
}

/* fs_model_free - release the model */
void fs_model_free(struct fs_model *m)
{
    if (!m)
        return;
    for (int c = 0; c < QC_MAX_CHANNELS; c++)
        behaviour_free(&m->chan[c]);
    for (size_t i = 0; i < m->ndom; i++) {
        free(m->dom[i].name);
        behaviour_free(&m->dom[i].b);
    }
    free(m->dom);
    strmap_free(m->domidx);
    for (size_t i = 0; i < m->nout; i++) {
        free(m->out[i].domain);
        fs_dist_free(&m->out[i].latency);
    }
    free(m->out);
    free(m);
}

/* fs_model_set_seed - a new seed (the --seed option) */
void fs_model_set_seed(struct fs_model *m, uint64_t seed)
{
    m->seed = seed;
    m->latency_stream = fs_rand_stream(seed, FS_STREAM_LATENCY);
    m->outcome_stream = fs_rand_stream(seed, FS_STREAM_OUTCOME);
}

/* lower - a lower-case copy of s into buf; -1 if too long */
static int lower(const char *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i]; i++) {
        if (i + 1 >= cap)
            return -1;
        buf[i] = (char)tolower((unsigned char)s[i]);
    }
    buf[i] = '\0';
    return 0;
}

/* dom_find - the entry of a lower-case name, NULL if absent */
static struct fs_domain *dom_find(const struct fs_model *m, const char *name)
{
    long idx;
    if (!m->domidx || !strmap_find(m->domidx, name, strlen(name), NULL, &idx))
        return NULL;
    return &m->dom[idx];
}

/* dom_get - the entry of a lower-case name, created if needed */
static struct fs_domain *dom_get(struct fs_model *m, const char *name)
{
    struct fs_domain *d = dom_find(m, name);
    if (d)
        return d;
    if (!m->domidx && !(m->domidx = strmap_new(16, NULL)))
        return NULL;
    if (m->ndom == m->domcap) {
        size_t cap = m->domcap ? 2 * m->domcap : 16;
        struct fs_domain *nd = realloc(m->dom, cap * sizeof *nd);
        if (!nd)
            return NULL;
        m->dom = nd;
        m->domcap = cap;
    }
    d = &m->dom[m->ndom];
    memset(d, 0, sizeof *d);
    if (!(d->name = strdup(name)))
        return NULL;
    if (strmap_put(m->domidx, name, strlen(name), NULL, (long)m->ndom) < 0) {
        free(d->name);
        return NULL;
    }
    m->ndom++;
    return d;
}

/* parse_outcome - "ok W defer W fail W" in any order and subset, the
 * weights of every attempt, or with retry those after the first */
static int parse_outcome(struct fs_behaviour *b, int retry, char **w, int n,
                         int *used, char *err, size_t errcap)
{
    double ok = 0, defer = 0, fail = 0;
    int i = 0;
    while (i < n && (strcmp(w[i], "ok") == 0 || strcmp(w[i], "defer") == 0 ||
                     strcmp(w[i], "fail") == 0)) {
        char num[64];
        double v;
        if (i + 1 >= n || snprintf(num, sizeof num, "%s", w[i + 1]) >=
                              (int)sizeof num) {
            snprintf(err, errcap, "expected a weight after '%s'", w[i]);
            return -1;
        }
        size_t len = strlen(num);
        if (len && num[len - 1] == '%')
            num[len - 1] = '\0';
        if (fs_parse_number(num, &v) < 0) {
            snprintf(err, errcap, "expected a weight after '%s', not '%s'",
                     w[i], w[i + 1]);
            return -1;
        }
        if (w[i][0] == 'o')
            ok = v;
        else if (w[i][0] == 'd')
            defer = v;
        else
            fail = v;
        i += 2;
    }
    if (i == 0) {
        snprintf(err, errcap, "expected 'ok', 'defer' or 'fail' and a "
                 "weight after '%s'", retry ? "retry" : "outcome");
        return -1;
    }
    double sum = ok + defer + fail;
    if (sum <= 0) {
        snprintf(err, errcap, "%s weights add up to 0",
                 retry ? "retry" : "outcome");
        return -1;
    }
    if (retry) {
        b->has_retry = 1;
        b->r_ok = ok / sum;
        b->r_defer = (ok + defer) / sum;
        *used = i;
        return 0;
    }
    b->has_outcome = 1;
    b->p_ok = ok / sum;
    b->p_defer = (ok + defer) / sum;
    *used = i;
    return 0;
}

/* outcome_word - FS_O_* of "ok", "defer" or "fail"; -1 other words */
static int outcome_word(const char *w)
{
    if (strcmp(w, "ok") == 0)
        return FS_O_OK;
    if (strcmp(w, "defer") == 0)
        return FS_O_DEFER;
    if (strcmp(w, "fail") == 0)
        return FS_O_FAIL;
    return -1;
}

/* parse_behaviour - latency/outcome/fds options from w; fds NULL when
 * not allowed */
static int parse_behaviour(struct fs_behaviour *b, unsigned *fds, char **w,
                           int n, const char *basedir, char *err,
                           size_t errcap)
{
    int i = 0;
    if (n == 0) {
        snprintf(err, errcap, "expected 'latency', 'outcome'%s",
                 fds ? " or 'fds'" : "");
        return -1;
    }
    while (i < n) {
        int used = 0;
        if (strcmp(w[i], "latency") == 0) {
            /* "latency ok|defer|fail MODEL": that outcome's durations */
            int o = i + 1 < n ? outcome_word(w[i + 1]) : -1;
            int skip = o >= 0 ? 2 : 1;
            struct fs_dist d;
            if (fs_dist_parse(&d, w + i + skip, n - i - skip, &used, basedir,
                              err, errcap) < 0)
                return -1;
            struct fs_dist *dst = o >= 0 ? &b->olat[o] : &b->latency;
            fs_dist_free(dst);
            *dst = d;
            if (o >= 0)
                b->has_olat[o] = 1;
            else
                b->has_latency = 1;
            i += skip + used;
        } else if (strcmp(w[i], "outcome") == 0 ||
                   strcmp(w[i], "retry") == 0) {
            if (parse_outcome(b, w[i][0] == 'r', w + i + 1, n - i - 1, &used,
                              err, errcap) < 0)
                return -1;
            i += 1 + used;
        } else if (fds && strcmp(w[i], "fds") == 0) {
            double v;
            if (i + 1 >= n || fs_parse_number(w[i + 1], &v) < 0 ||
                v != floor(v) || v < 1 || v > FS_FDS_MAX) {
                snprintf(err, errcap, "expected a whole number of "
                         "descriptors from 1 to %d after 'fds'", FS_FDS_MAX);
                return -1;
            }
            *fds = (unsigned)v;
            i += 2;
        } else {
            snprintf(err, errcap, "expected 'latency', 'outcome'%s, not '%s'",
                     fds ? ", 'fds'" : "", w[i]);
            return -1;
        }
    }
    return 0;
}

/* parse_time - seconds into qc_time */
static int parse_time(const char *s, qc_time *t)
{
    double v;
    if (fs_parse_number(s, &v) < 0 || v > 1e12)
        return -1;
    *t = (qc_time)llround(v * (double)QC_SEC);
    return 0;
}

/* parse_outage - TARGET from A to B defer|fail|timeout S */
static int parse_outage(struct fs_model *m, char **w, int n,
                        const char *basedir, char *err, size_t errcap)
{
    struct fs_outage o;
    memset(&o, 0, sizeof o);
    if (n < 1) {
        snprintf(err, errcap, "expected a channel or domain after 'outage'");
        return -1;
    }
    /* "to end": still in force when the scenario ends (a log that ends
     * during an outage does not say when it was over) */
    if (n >= 5 && strcmp(w[4], "end") == 0)
        o.to = INT64_MAX;
    if (n < 5 || strcmp(w[1], "from") != 0 || parse_time(w[2], &o.from) < 0 ||
        strcmp(w[3], "to") != 0 ||
        (o.to != INT64_MAX && parse_time(w[4], &o.to) < 0)) {
        snprintf(err, errcap, "expected 'outage TARGET from SECONDS to "
                 "SECONDS|end defer|fail|timeout SECONDS'");
        return -1;
    }
    if (o.to < o.from) {
        snprintf(err, errcap, "outage: expected 'from' before 'to'");
        return -1;
    }
    int tail = 6;   /* words before an optional "latency MODEL" */
    if (n >= 6 && strcmp(w[5], "defer") == 0) {
        o.kind = FS_OUT_DEFER;
    } else if (n >= 6 && strcmp(w[5], "fail") == 0) {
        o.kind = FS_OUT_FAIL;
    } else if (n == 7 && strcmp(w[5], "timeout") == 0 &&
               parse_time(w[6], &o.timeout) == 0) {
        o.kind = FS_OUT_TIMEOUT;
        tail = 7;
    } else {
        snprintf(err, errcap, "expected 'defer', 'fail' or 'timeout "
                 "SECONDS' at the end of the outage");
        return -1;
    }
    if (n > tail) {
        /* how long the outage's answers take (a refused connection is
         * quick, a dead host's timeout slow): its own durations */
        int used = 0;
        if (o.kind == FS_OUT_TIMEOUT || strcmp(w[tail], "latency") != 0) {
            snprintf(err, errcap, "expected nothing or 'latency MODEL' "
                     "after 'defer' or 'fail', not '%s'", w[tail]);
            return -1;
        }
        if (fs_dist_parse(&o.latency, w + tail + 1, n - tail - 1, &used,
                          basedir, err, errcap) < 0)
            return -1;
        if (tail + 1 + used != n) {
            fs_dist_free(&o.latency);
            snprintf(err, errcap, "unexpected '%s' after the outage's "
                     "latency", w[tail + 1 + used]);
            return -1;
        }
        o.has_latency = 1;
    }
    o.chan = qc_channel_parse(w[0], m->nchan);
    if (o.chan < 0) {
        char buf[DOMAIN_MAX + 1];
        if (strchr(w[0], '.') == NULL && (strcmp(w[0], "local") == 0 ||
                                          strcmp(w[0], "remote") == 0 ||
                                          strncmp(w[0], "suppl", 5) == 0)) {
            snprintf(err, errcap, "no channel '%s' among %d channels", w[0],
                     m->nchan);
            fs_dist_free(&o.latency);
            return -1;
        }
        if (lower(w[0], buf, sizeof buf) < 0 ||
            !(o.domain = strdup(buf))) {
            snprintf(err, errcap, "domain too long or out of memory");
            fs_dist_free(&o.latency);
            return -1;
        }
    }
    struct fs_outage *p = realloc(m->out, (m->nout + 1) * sizeof *p);
    if (!p) {
        free(o.domain);
        fs_dist_free(&o.latency);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    m->out = p;
    m->out[m->nout++] = o;
    return 0;
}

/* fs_model_line - one spawner, domain or outage line */
int fs_model_line(struct fs_model *m, char **w, int n, const char *basedir,
                  char *err, size_t errcap)
{
    if (n < 1)
        return -2;
    if (strcmp(w[0], "spawner") == 0) {
        if (n < 2) {
            snprintf(err, errcap, "expected a channel name after 'spawner'");
            return -1;
        }
        int c = qc_channel_parse(w[1], m->nchan);
        if (c < 0) {
            snprintf(err, errcap, "expected a channel name (local, remote, "
                     "suppl0..suppl%d), not '%s'", m->nchan - 3, w[1]);
            return -1;
        }
        return parse_behaviour(&m->chan[c], &m->fds[c], w + 2, n - 2,
                               basedir, err, errcap);
    }
    if (strcmp(w[0], "domain") == 0) {
        char buf[DOMAIN_MAX + 1];
        if (n < 2 || lower(w[1], buf, sizeof buf) < 0) {
            snprintf(err, errcap, "expected a domain after 'domain'");
            return -1;
        }
        struct fs_behaviour b;
        memset(&b, 0, sizeof b);
        if (parse_behaviour(&b, NULL, w + 2, n - 2, basedir, err,
                            errcap) < 0) {
            behaviour_free(&b);
            return -1;
        }
        struct fs_domain *d = dom_get(m, buf);
        if (!d) {
            behaviour_free(&b);
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        /* a second line for a domain adds to the first */
        if (b.has_latency) {
            fs_dist_free(&d->b.latency);
            d->b.latency = b.latency;
            d->b.has_latency = 1;
        }
        for (int o = 0; o < FS_NOUT; o++)
            if (b.has_olat[o]) {
                fs_dist_free(&d->b.olat[o]);
                d->b.olat[o] = b.olat[o];
                d->b.has_olat[o] = 1;
            }
        if (b.has_retry) {
            d->b.has_retry = 1;
            d->b.r_ok = b.r_ok;
            d->b.r_defer = b.r_defer;
        }
        if (b.has_outcome) {
            d->b.has_outcome = 1;
            d->b.p_ok = b.p_ok;
            d->b.p_defer = b.p_defer;
        }
        return 0;
    }
    if (strcmp(w[0], "outage") == 0)
        return parse_outage(m, w + 1, n - 1, basedir, err, errcap);
    return -2;
}

/*
 * Report texts as qmail-remote and qmail-local word them (they write
 * underscores for spaces; each newline shows as '/' in the log).
 */
static const char *const text_remote[] = {
    "192.0.2.25_accepted_message.\nRemote_host_said:_250_2.0.0_ok\n",
    "Connected_to_192.0.2.25_but_sender_was_rejected.\nRemote_host_said:_"
    "451_4.3.0_try_again_later\n",
    "Connected_to_192.0.2.25_but_recipient_was_rejected.\nRemote_host_said:"
    "_550_5.1.1_no_such_user\n",
};
static const char *const text_local[] = {
    "did_0+0+1\n",
    "Unable_to_write_to_maildir._(#4.3.0)\n",
    "Sorry,_no_mailbox_here_by_that_name._(#5.1.1)\n",
};
static const char text_out_defer[] =
    "Connected_to_192.0.2.25_but_greeting_failed.\nRemote_host_said:_"
    "421_4.3.2_service_not_available_(outage)\n";
static const char text_out_fail[] =
    "Connected_to_192.0.2.25_but_recipient_was_rejected.\nRemote_host_said:"
    "_554_5.7.1_service_unavailable_(outage)\n";
static const char text_out_timeout[] =
    "Connected_to_192.0.2.25_but_connection_died._(#4.4.2)\n";

/* outage_at - the first outage matching the attempt, or NULL */
static const struct fs_outage *outage_at(const struct fs_model *m, int chan,
                                         const char *dom, qc_time now)
{
    for (size_t i = 0; i < m->nout; i++) {
        const struct fs_outage *o = &m->out[i];
        if (now < o->from || now >= o->to)
            continue;
        if (o->domain ? (dom && strcmp(o->domain, dom) == 0)
                      : o->chan == chan)
            return o;
    }
    return NULL;
}

/* latency_for - the durations of outcome oi: the domain's for that
 * outcome, its general ones, the channel's for that outcome, the
 * channel's general ones (the most specific that is set) */
static const struct fs_dist *latency_for(const struct fs_behaviour *cb,
                                         const struct fs_behaviour *db,
                                         int oi)
{
    if (db && db->has_olat[oi])
        return &db->olat[oi];
    if (db && db->has_latency)
        return &db->latency;
    if (cb->has_olat[oi])
        return &cb->olat[oi];
    return &cb->latency;
}

/* seconds - a drawn duration as qc_time: llround of secs * QC_SEC,
 * which for the draws (0 to FS_DIST_MAX_SECONDS) is the integer part,
 * one up when the fraction (exact in a double) is a half or more */
static qc_time seconds(double secs)
{
    double x = secs * (double)QC_SEC;
    long long t = (long long)x;
    return (qc_time)(x - (double)t >= 0.5 ? t + 1 : t);
}

/* fs_model_decide - one attempt's latency and outcome */
void fs_model_decide(const struct fs_model *m, int chan, const char *domain,
                     uint64_t key, unsigned attempt, qc_time now,
                     struct fs_result *r)
{
    char buf[DOMAIN_MAX + 1];
    const char *dom = NULL;
    if (chan < 0 || chan >= QC_MAX_CHANNELS)
        chan = QC_CHAN_REMOTE;
    /* only domain overrides and outages look at the domain */
    if (domain && fs_model_uses_domain(m) &&
        lower(domain, buf, sizeof buf) == 0)
        dom = buf;
    const struct fs_behaviour *cb = &m->chan[chan];
    const struct fs_behaviour *db = NULL;
    if (dom && m->ndom) {
        const struct fs_domain *d = dom_find(m, dom);
        if (d)
            db = &d->b;
    }
    const struct fs_behaviour *ob = db && db->has_outcome ? db : cb;

    /* one latency variate per attempt whatever the outcome, so the
     * draws of two configurations stay aligned (fs_rand.h) */
    double u = fs_rand_u01_at(m->latency_stream, key, attempt);
    r->outage = 0;

    const struct fs_outage *o = m->nout ? outage_at(m, chan, dom, now) : NULL;
    if (o) {
        r->outage = 1;
        if (o->kind == FS_OUT_TIMEOUT) {
            r->latency = o->timeout;
            r->status = 'Z';
            r->text = text_out_timeout;
            return;
        }
        int oi = o->kind == FS_OUT_FAIL ? FS_O_FAIL : FS_O_DEFER;
        const struct fs_dist *lat = o->has_latency
                                        ? &o->latency
                                        : latency_for(cb, db, oi);
        r->latency = seconds(fs_dist_sample(lat, u));
        if (o->kind == FS_OUT_FAIL) {
            r->status = 'D';
            r->text = text_out_fail;
        } else {
            r->status = 'Z';
            r->text = text_out_defer;
        }
        return;
    }
    const char *const *texts = chan == QC_CHAN_LOCAL ? text_local
                                                     : text_remote;
    /* a retry takes the most specific retry weights: the domain's, or
     * when the domain has no weights of its own the channel's; else the
     * weights of every attempt (greylisting defers a first attempt and
     * accepts the next, which one set of weights cannot say) */
    const struct fs_behaviour *rb =
        attempt <= 1 ? NULL
        : db && db->has_retry ? db
        : ob == cb && cb->has_retry ? cb : NULL;
    double p_ok = rb ? rb->r_ok : ob->p_ok;
    double p_defer = rb ? rb->r_defer : ob->p_defer;
    /* v < 1 always: with p_ok 1 the draw cannot change the outcome, and
     * draws are keyed, so skipping it moves no other number */
    double v = p_ok >= 1 ? 0
                         : fs_rand_u01_at(m->outcome_stream, key, attempt);
    int oi;
    if (v < p_ok) {
        r->status = 'K';
        oi = FS_O_OK;
    } else if (v < p_defer) {
        r->status = 'Z';
        oi = FS_O_DEFER;
    } else {
        r->status = 'D';
        oi = FS_O_FAIL;
    }
    r->text = texts[oi];
    r->latency = seconds(fs_dist_sample(latency_for(cb, db, oi), u));
}

/* fs_model_uses_domain - domain overrides or outages exist */
int fs_model_uses_domain(const struct fs_model *m)
{
    return m->ndom || m->nout;
}

/* fs_model_fds - per-delivery descriptors of chan's spawner */
unsigned fs_model_fds(const struct fs_model *m, int chan)
{
    if (chan < 0 || chan >= QC_MAX_CHANNELS)
        return FS_FDS_DEFAULT;
    return m->fds[chan];
}

/* fs_model_key - key of a recipient of message msg */
uint64_t fs_model_key(uint64_t msg, const char *rcpt)
{
    return fs_rand_mix(msg) ^ fs_rand_hash(rcpt, strlen(rcpt));
}
