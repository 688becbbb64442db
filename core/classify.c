/*
 * classify.c - qmail-todo's rewrite(): the channel of one recipient.
 *
 *	classify_new(c, alloc)	hash tables from a control set
 *	classify_rcpt(cl, addr, len, out, outcap, &chan)
 *	classify_domain(cl, dom, len)
 *	classify_nchan(cl)
 *	classify_free(cl)
 *
 * The rules are qmail-todo's, CHANNELS patch included (see classify.h).
 * Points where the real code decides what the summary leaves open:
 *	- the '@' that splits an address is its LAST '@';
 *	- percenthack cuts the domain off: "u%h@relay" becomes "u@h", and
 *	  the loop goes on with "h" as the domain -- all that follows the
 *	  '%', so "a%b@c@relay" asks percenthack about "b@c", and the result
 *	  "a@b@c" then splits at its last '@' (domain "c");
 *	- likewise an envnoathost holding an '@' is split at its last '@';
 *	- virtualdomains keys are tried on the address as percenthack left
 *	  it, and the prepend goes in front of that whole address;
 *	- a key in virtualdomains is the text before the line's first ':';
 *	  a key listed twice means its later line.
 *
 * No address is built while deciding: the address after steps 1 and 2 is
 * always a prefix of the original (or the original plus "@envnoathost")
 * with one '%' turned into '@', so every key is made of pieces of the
 * input (struct rcpt).
 * Virtualdomains keys are hashed in one right-to-left pass over the
 * address (strmap's hash folds from the end), so the cost is linear in
 * the address and independent of the size of the lists.
 */
#include <string.h>

#include "classify.h"
#include "strmap.h"

struct classify {
    const struct qc_alloc *alloc;   /* the tables, the strings, this */
    int nchan;
    char *envnoathost;
    struct strmap *locals;
    struct strmap *percenthack;
    struct strmap *vdoms;    /* key -> prepend */
    struct strmap *suppls;   /* domain -> lowest K listing it */
    int vdom_addr_keys;      /* a virtualdomains key names an address */
};

/* classify_free - release the tables */
void classify_free(struct classify *cl)
{
    if (!cl)
        return;
    qc_strfree(cl->alloc, cl->envnoathost);
    strmap_free(cl->locals);
    strmap_free(cl->percenthack);
    strmap_free(cl->vdoms);
    strmap_free(cl->suppls);
    qc_release(cl->alloc, cl, sizeof *cl);
}

/* set_of - a set of the entries of l */
static struct strmap *set_of(const struct control_list *l,
                             const struct qc_alloc *a)
{
    struct strmap *m = strmap_new(l->n, a);
    for (size_t i = 0; m && i < l->n; i++)
        if (strmap_put(m, l->items[i], strlen(l->items[i]), NULL, 0) < 0) {
            strmap_free(m);
            return NULL;
        }
    return m;
}

/* vdom_map - key -> prepend; lines without ':' never reach here but are
 * skipped all the same */
static struct strmap *vdom_map(const struct control_list *l,
                               const struct qc_alloc *a)
{
    struct strmap *m = strmap_new(l->n, a);
    for (size_t i = 0; m && i < l->n; i++) {
        const char *colon = strchr(l->items[i], ':');
        if (colon && strmap_put(m, l->items[i], (size_t)(colon -
                                l->items[i]), colon + 1, 0) < 0) {
            strmap_free(m);
            return NULL;
        }
    }
    return m;
}

/* suppl_map - domain -> K; filled from the last K down so that the
 * replacing put leaves the first K that lists a domain */
static struct strmap *suppl_map(const struct control *c,
                                const struct qc_alloc *a)
{
    size_t n = 0;
    for (int k = 0; k < c->nchan - 2; k++)
        n += c->suppls[k].n;
    struct strmap *m = strmap_new(n, a);
    for (int k = c->nchan - 3; m && k >= 0; k--)
        for (size_t i = 0; i < c->suppls[k].n; i++) {
            const char *d = c->suppls[k].items[i];
            if (strmap_put(m, d, strlen(d), NULL, k) < 0) {
                strmap_free(m);
                return NULL;
            }
        }
    return m;
}

/* classify_new - build the tables from c; c is not referred to later */
struct classify *classify_new(const struct control *c,
                              const struct qc_alloc *alloc)
{
    struct classify *cl = qc_resize(alloc, NULL, 0, sizeof *cl);
    if (!cl)
        return NULL;
    memset(cl, 0, sizeof *cl);
    cl->alloc = alloc;
    cl->nchan = c->nchan;
    const char *eh = c->envnoathost ? c->envnoathost : "envnoathost";
    cl->envnoathost = qc_strndup(alloc, eh, strlen(eh));
    cl->locals = set_of(&c->locals, alloc);
    cl->percenthack = set_of(&c->percenthack, alloc);
    cl->vdoms = vdom_map(&c->virtualdomains, alloc);
    cl->suppls = suppl_map(c, alloc);
    for (size_t i = 0; i < c->virtualdomains.n; i++) {
        const char *item = c->virtualdomains.items[i];
        const char *colon = strchr(item, ':');
        if (colon && memchr(item, '@', (size_t)(colon - item)))
            cl->vdom_addr_keys = 1;
    }
    if (!cl->envnoathost || !cl->locals || !cl->percenthack || !cl->vdoms ||
        !cl->suppls) {
        classify_free(cl);
        return NULL;
    }
    return cl;
}

/* classify_nchan - number of channels the tables were built for */
int classify_nchan(const struct classify *cl)
{
    return cl->nchan;
}

/*
 * The address being classified, without copying it: a[0..alen) "@"
 * b[0..blen).  That '@' is the one qmail's loop index points at: the last
 * '@' of the input, the one added before envnoathost, or the '%' the
 * percent hack turned last.  b is a piece of the input or envnoathost.
 * qmail then splits the result at its LAST '@', which lies inside b when
 * b holds one ("%@x@relay" leaves "@@x", split after "@@"); bat is that
 * '@' in b, or blen when b has none.  The domain is what follows the
 * split, the local part what precedes it.
 */
struct rcpt {
    const char *a;
    size_t alen;
    const char *b;
    size_t blen;
    size_t bat;
};

/* last_of - index of the last ch in s[0..n), n if none */
static size_t last_of(const char *s, size_t n, char ch)
{
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == ch)
            return i - 1;
    return n;
}

/* domain - the domain of r: after the last '@' */
static const char *domain(const struct rcpt *r, size_t *len)
{
    size_t start = r->bat < r->blen ? r->bat + 1 : 0;
    *len = r->blen - start;
    return r->b + start;
}

/* split - steps 1 and 2: default domain, then the percent hack */
static void split(const struct classify *cl, const char *addr, size_t len,
                  struct rcpt *r)
{
    r->a = addr;
    r->alen = last_of(addr, len, '@');
    if (r->alen == len) {
        r->b = cl->envnoathost;
        r->blen = strlen(cl->envnoathost);
    } else {
        r->b = addr + r->alen + 1;
        r->blen = len - r->alen - 1;
    }
    /* the loop looks at everything after its '@', an '@' in it included */
    while (strmap_find(cl->percenthack, r->b, r->blen, NULL, NULL)) {
        size_t pct = last_of(addr, r->alen, '%');
        if (pct == r->alen)
            break;
        r->b = addr + pct + 1;
        r->blen = r->alen - pct - 1;
        r->alen = pct;
    }
    r->bat = last_of(r->b, r->blen, '@');
}

/* vdom_lookup - step 4: the prepend of the first key that hits, NULL if
 * none; "" (stop, not virtual) is returned as is */
static const char *vdom_lookup(const struct classify *cl, const struct rcpt *r)
{
    const char *hit = NULL, *val;
    uint64_t h = strmap_hash_init();
    struct strmap_piece pc[3];
    size_t dlen;
    const char *dom = domain(r, &dlen);

    if (strmap_count(cl->vdoms) == 0)
        return NULL;   /* no virtualdomains: no key to hash */
    /* the empty key is tried last, the suffixes from the shortest up,
     * so a later hit in this pass is an earlier one in qmail's order */
    pc[0].s = "";
    pc[0].len = 0;
    if (strmap_findv(cl->vdoms, h, pc, 1, &val, NULL))
        hit = val;
    for (size_t i = dlen; i > 0; i--) {
        h = strmap_hash_prepend(h, dom + i - 1, 1);
        if (i - 1 == 0 || dom[i - 1] == '.') {
            pc[0].s = dom + i - 1;
            pc[0].len = dlen - (i - 1);
            if (strmap_findv(cl->vdoms, h, pc, 1, &val, NULL))
                hit = val;
        }
    }
    h = strmap_hash_prepend(h, r->b, r->blen - dlen);
    h = strmap_hash_prepend(h, "@", 1);
    h = strmap_hash_prepend(h, r->a, r->alen);
    pc[0].s = r->a;
    pc[0].len = r->alen;
    pc[1].s = "@";
    pc[1].len = 1;
    pc[2].s = r->b;
    pc[2].len = r->blen;
    if (strmap_findv(cl->vdoms, h, pc, 3, &val, NULL))
        hit = val;
    return hit;
}

/* emit - write [prepend "-"] a "@" b into out, return its length */
static size_t emit(const char *prepend, const struct rcpt *r, char *out,
                   size_t outcap)
{
    const struct strmap_piece pc[5] = {
        {prepend ? prepend : "", prepend ? strlen(prepend) : 0},
        {"-", prepend ? 1 : 0},
        {r->a, r->alen},
        {"@", 1},
        {r->b, r->blen},
    };
    size_t n = 0;

    for (int i = 0; i < 5; i++) {
        if (n < outcap && pc[i].len > 0)
            memcpy(out + n, pc[i].s,
                   pc[i].len < outcap - n ? pc[i].len : outcap - n);
        n += pc[i].len;
    }
    if (n < outcap)
        out[n] = '\0';
    return n;
}

/* classify_rcpt - the channel of addr and its rewritten form */
size_t classify_rcpt(const struct classify *cl, const char *addr,
                     size_t len, char *out, size_t outcap, int *chan)
{
    struct rcpt r;
    size_t dlen;
    long k;

    /* qmail-todo reads each address as a C string: a NUL ends it */
    const char *nul = memchr(addr, '\0', len);
    if (nul)
        len = (size_t)(nul - addr);
    split(cl, addr, len, &r);
    const char *dom = domain(&r, &dlen);
    /* locals and suppls are keyed alike: hash the domain once */
    uint64_t h = strmap_hash_prepend(strmap_hash_init(), dom, dlen);
    struct strmap_piece pc = {dom, dlen};
    if (strmap_findv(cl->locals, h, &pc, 1, NULL, NULL)) {
        *chan = QC_CHAN_LOCAL;
        return emit(NULL, &r, out, outcap);
    }
    const char *prepend = vdom_lookup(cl, &r);
    if (prepend && *prepend) {
        *chan = QC_CHAN_LOCAL;
        return emit(prepend, &r, out, outcap);
    }
    if (strmap_findv(cl->suppls, h, &pc, 1, NULL, &k))
        *chan = (int)k + 2;
    else
        *chan = QC_CHAN_REMOTE;
    return emit(NULL, &r, out, outcap);
}

/* classify_domain - what classify_rcpt says for every "L@dom" whose L has
 * no '%' and no '@': percenthack cannot cut such an L, so only the
 * domain decides, unless virtualdomains rewrites the address (the result
 * holds L) or has a key for single addresses (it may name L) */
int classify_domain(const struct classify *cl, const char *dom, size_t len)
{
    const char *nul = memchr(dom, '\0', len);
    if (nul)
        len = (size_t)(nul - dom);
    if (memchr(dom, '@', len))
        return -1;
    struct rcpt r = {"", 0, dom, len, len};
    uint64_t h = strmap_hash_prepend(strmap_hash_init(), dom, len);
    struct strmap_piece pc = {dom, len};
    long k;
    if (strmap_findv(cl->locals, h, &pc, 1, NULL, NULL))
        return QC_CHAN_LOCAL;
    if (cl->vdom_addr_keys)
        return -1;
    const char *prepend = vdom_lookup(cl, &r);
    if (prepend && *prepend)
        return -1;
    if (strmap_findv(cl->suppls, h, &pc, 1, NULL, &k))
        return (int)k + 2;
    return QC_CHAN_REMOTE;
}
