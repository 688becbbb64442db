/*
 * fit_line.c - time stamps and qmail-send's log lines; see fit_line.h.
 *
 * The reader is strict about the words and lenient about the rest: a
 * line must say exactly what qmail-send says (so a garbled or cut line
 * is refused and counted by the caller, not half-read), while the stamp
 * may come in any of the forms administrators keep.
 */
#include <string.h>
#include <time.h>

#include "fit_line.h"
#include "tai64n.h"

struct cur {
    const char *p, *end;
};

/* lit - consume the literal s */
static int lit(struct cur *c, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

/* num - consume a decimal number (at most 19 digits) */
static int num(struct cur *c, uint64_t *v)
{
    uint64_t n = 0;
    int digits = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (++digits > 19)
            return 0;
        n = n * 10 + (uint64_t)(*c->p - '0');
        c->p++;
    }
    *v = n;
    return digits > 0;
}

/* at_end - nothing left */
static int at_end(const struct cur *c)
{
    return c->p == c->end;
}

/* unix_token - "1700000000.123456" (splogger): 0 and *t if s[0..len) is
 * one */
static int unix_token(const char *s, size_t len, int64_t *t)
{
    size_t i = 0;
    int64_t sec = 0, frac = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (i == 12)
            return -1;
        sec = sec * 10 + (s[i++] - '0');
    }
    if (i == 0 || i >= len || s[i] != '.')
        return -1;
    i++;
    int nf = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (++nf > 9)
            return -1;
        if (nf <= 6)
            frac = frac * 10 + (s[i] - '0');
        i++;
    }
    if (nf == 0 || i != len)
        return -1;
    for (int k = nf < 6 ? nf : 6; k < 6; k++)
        frac *= 10;
    *t = sec * 1000000 + frac;
    return 0;
}

/* digits - n decimal digits at s into *v */
static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

/* stamp_local - "2024-01-02 03:04:05.123456789 " (tai64nlocal), as UTC */
static int stamp_local(const char *s, size_t len, int64_t *t, size_t *used)
{
    int y, mo, d, h, mi, se;
    if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
        s[13] != ':' || s[16] != ':' || digits(s, 4, &y) < 0 ||
        digits(s + 5, 2, &mo) < 0 || digits(s + 8, 2, &d) < 0 ||
        digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 ||
        digits(s + 17, 2, &se) < 0 || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    size_t i = 19;
    int64_t frac = 0;
    int nf = 0;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (nf < 6) {
                frac = frac * 10 + (s[i] - '0');
                nf++;
            }
            i++;
        }
    }
    while (nf < 6) {
        frac *= 10;
        nf++;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t sec = timegm(&tm);
    if (sec == (time_t)-1)
        return -1;
    *t = (int64_t)sec * 1000000 + frac;
    *used = i;
    return 0;
}

/* fit_stamp - the time in front of the text, and where the text starts */
int fit_stamp(const char *line, size_t len, int64_t *t, const char **rest)
{
    if (len && line[0] == '@') {
        if (tai64n_parse(line, len, t) < 0)
            return -1;
        size_t i = 25;
        if (i < len && line[i] == ' ')
            i++;
        *rest = line + i;
        return 0;
    }
    size_t used;
    if (stamp_local(line, len, t, &used) == 0) {
        if (used < len && line[used] == ' ')
            used++;
        *rest = line + used;
        return 0;
    }
    /* splogger: the unixtime.usec word, at the start or after a syslog
     * prefix of a few words */
    size_t i = 0;
    for (int word = 0; word < 8 && i < len; word++) {
        while (i < len && line[i] == ' ')
            i++;
        size_t w0 = i;
        while (i < len && line[i] != ' ')
            i++;
        if (i > w0 && unix_token(line + w0, i - w0, t) == 0) {
            if (i < len)
                i++;
            *rest = line + i;
            return 0;
        }
    }
    return -1;
}

/* parse_status - "status: local 0/10 remote 3/20 suppl0 1/5 [exitasap]" */
static int parse_status(struct cur *c, struct fit_line *ln)
{
    ln->kind = FIT_L_STATUS;
    ln->nstat = 0;
    for (int i = 0; i < QC_MAX_CHANNELS; i++)
        ln->inflight[i] = ln->limit[i] = 0;
    while (lit(c, " ")) {
        const char *w = c->p;
        while (c->p < c->end && *c->p != ' ')
            c->p++;
        size_t wl = (size_t)(c->p - w);
        if (wl == 8 && memcmp(w, "exitasap", 8) == 0 && at_end(c))
            break;
        char name[QC_CHAN_NAME_MAX];
        if (wl == 0 || wl >= sizeof name)
            return -1;
        memcpy(name, w, wl);
        name[wl] = '\0';
        int ch = qc_channel_parse(name, QC_MAX_CHANNELS);
        uint64_t a, b;
        if (ch < 0 || !lit(c, " ") || !num(c, &a) || !lit(c, "/") ||
            !num(c, &b) || a > 1000000 || b > 1000000)
            return -1;
        ln->inflight[ch] = (unsigned)a;
        ln->limit[ch] = (unsigned)b;
        if (ch + 1 > ln->nstat)
            ln->nstat = ch + 1;
    }
    return at_end(c) && ln->nstat >= 2 ? 0 : -1;
}

/* parse_start - "starting delivery D: msg N to CHAN RCPT" */
static int parse_start(struct cur *c, struct fit_line *ln)
{
    ln->kind = FIT_L_START;
    if (!num(c, &ln->delid) || !lit(c, ": msg ") || !num(c, &ln->msg) ||
        !lit(c, " to "))
        return -1;
    const char *w = c->p;
    while (c->p < c->end && *c->p != ' ')
        c->p++;
    char name[QC_CHAN_NAME_MAX];
    size_t wl = (size_t)(c->p - w);
    if (wl == 0 || wl >= sizeof name || !lit(c, " ") || at_end(c))
        return -1;
    memcpy(name, w, wl);
    name[wl] = '\0';
    ln->chan = qc_channel_parse(name, QC_MAX_CHANNELS);
    if (ln->chan < 0)
        return -1;
    ln->rcpt = c->p;
    ln->rcptlen = (size_t)(c->end - c->p);
    return 0;
}

/* parse_result - "delivery D: success|deferral|failure: text" */
static int parse_result(struct cur *c, struct fit_line *ln)
{
    ln->kind = FIT_L_RESULT;
    if (!num(c, &ln->delid) || !lit(c, ": "))
        return -1;
    if (lit(c, "success:"))
        ln->outcome = 'K';
    else if (lit(c, "deferral:"))
        ln->outcome = 'Z';
    else if (lit(c, "failure:"))
        ln->outcome = 'D';
    else if (lit(c, "report mangled, will defer") && at_end(c))
        ln->outcome = 'Z';
    else
        return -1;
    /* qmail-send's sentence for a deferral past queuelifetime (its own
     * words, with spaces, after the report) */
    static const char too_long[] = "in the queue too long.";
    size_t k = sizeof too_long - 1;
    ln->expired = 0;
    for (const char *p = c->p; ln->outcome == 'D' && p + k <= c->end; p++)
        if (*p == 'i' && memcmp(p, too_long, k) == 0) {
            ln->expired = 1;
            break;
        }
    return 0;
}

/* parse_info - "info msg N: bytes B from <S> qp P uid U" */
static int parse_info(struct cur *c, struct fit_line *ln)
{
    ln->kind = FIT_L_INFO;
    if (!num(c, &ln->msg) || !lit(c, ": bytes ") || !num(c, &ln->bytes) ||
        !lit(c, " from <"))
        return -1;
    /* the sender may hold "> qp ": the last one ends it */
    const char *close = NULL;
    for (const char *p = c->p; p + 5 <= c->end; p++)
        if (memcmp(p, "> qp ", 5) == 0)
            close = p;
    if (!close)
        return -1;
    ln->sender = c->p;
    ln->senderlen = (size_t)(close - c->p);
    c->p = close + 5;
    uint64_t qp, uid;
    if (!num(c, &qp) || !lit(c, " uid ") || !num(c, &uid) || !at_end(c))
        return -1;
    ln->qp = (unsigned long)qp;
    return 0;
}

/* fit_line_parse - what a qmail-send line says */
int fit_line_parse(const char *text, size_t len, struct fit_line *ln)
{
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    struct cur c = {text, text + len};
    memset(ln, 0, offsetof(struct fit_line, inflight));
    ln->chan = -1;
    if (lit(&c, "new msg "))
        return (ln->kind = FIT_L_NEW, num(&c, &ln->msg) && at_end(&c))
                   ? 0 : -1;
    if (lit(&c, "end msg "))
        return (ln->kind = FIT_L_END, num(&c, &ln->msg) && at_end(&c))
                   ? 0 : -1;
    if (lit(&c, "info msg "))
        return parse_info(&c, ln);
    if (lit(&c, "starting delivery "))
        return parse_start(&c, ln);
    if (lit(&c, "delivery "))
        return parse_result(&c, ln);
    if (lit(&c, "status: exiting"))
        return (ln->kind = FIT_L_EXITING, at_end(&c)) ? 0 : -1;
    if (lit(&c, "status:"))
        return parse_status(&c, ln);
    if (lit(&c, "bounce msg ")) {
        uint64_t qp;
        ln->kind = FIT_L_BOUNCE;
        if (!num(&c, &ln->msg) || !lit(&c, " qp ") || !num(&c, &qp) ||
            !at_end(&c))
            return -1;
        ln->qp = (unsigned long)qp;
        return 0;
    }
    if (lit(&c, "warning: ") || lit(&c, "alert: ") ||
        lit(&c, "triple bounce: ")) {
        ln->kind = FIT_L_OTHER;
        return 0;
    }
    return -1;
}
