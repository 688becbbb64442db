/*
 * proto_todo.c - the todo <-> send protocol (ext_todo with CHANNELS).
 *
 *	proto_todo_dec_init(d, nchan) readies a decoder for a qmail-todo
 *	whose records carry nchan channel flags (1..QC_MAX_CHANNELS).
 *	proto_todo_dec_feed(d, in, len, &used, &rec, &err) takes at most one
 *	record "D<flags><id>\0" or "L<text>\0" from in.
 *	proto_todo_enc_delivery() and proto_todo_enc_log() write records.
 *	proto_cmd_decode(byte, &err) checks a send -> todo command byte.
 *
 * Parsing rule for D: the nchan bytes after the 'D' are the flags, each
 * '0' or '1', whatever they look like; a record that ends before them, or
 * holds any other byte there, is PROTO_E_CHANNELS.  The rest is the message
 * id: at least one decimal digit and nothing else, within uint64_t, or
 * PROTO_E_DIGITS.  A D record whose flags are all '0' is valid: the message
 * has no recipients and the scheduler just finishes it.
 *
 * Diagnostics: errors come back as PROTO_ERR with *err set; the bad record
 * is consumed.  A record over PROTO_RECORD_MAX bytes is cut as qmail-send
 * cuts it; an L record so cut still comes back in *rec (type and text).
 */
#include <string.h>

#include "proto.h"

/* proto_todo_dec_init - a decoder for records with nchan flags */
void proto_todo_dec_init(struct proto_todo_dec *d, int nchan)
{
    d->nchan = nchan;
    d->len = 0;
    d->overflow = 0;
    d->buf[0] = '\0';
}

/* parse_id - the decimal message id in s[0..n), 0 when not one */
static int parse_id(const char *s, size_t n, uint64_t *id)
{
    uint64_t v = 0;

    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned digit = (unsigned char)s[i] - '0';
        if (digit > 9 || v > (UINT64_MAX - digit) / 10)
            return 0;
        v = v * 10 + digit;
    }
    *id = v;
    return 1;
}

/* parse_delivery - a D record's flags and id, or the error */
static enum proto_error parse_delivery(const struct proto_todo_dec *d,
                                       struct proto_todo_rec *rec)
{
    const char *s = d->buf + 1;
    size_t n = d->len - 1;
    size_t nchan = (size_t)d->nchan;

    if (d->nchan < 1 || d->nchan > QC_MAX_CHANNELS || n < nchan)
        return PROTO_E_CHANNELS;
    for (size_t c = 0; c < nchan; c++) {
        if (s[c] == '1')
            rec->chanmask |= (uint64_t)1 << c;
        else if (s[c] != '0')
            return PROTO_E_CHANNELS;
    }
    if (!parse_id(s + nchan, n - nchan, &rec->id))
        return PROTO_E_DIGITS;
    return PROTO_E_NONE;
}

/* parse_record - the complete record in d->buf, or the error */
static enum proto_error parse_record(const struct proto_todo_dec *d,
                                     struct proto_todo_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->text = d->buf + d->len;        /* "" unless an L record */
    if (d->len == 0)
        return PROTO_E_EMPTY;
    rec->type = d->buf[0];
    if (rec->type == 'L') {
        rec->text = d->buf + 1;
        rec->len = d->len - 1;
        return d->overflow ? PROTO_E_TOOLONG : PROTO_E_NONE;
    }
    if (d->overflow)
        return PROTO_E_TOOLONG;
    if (rec->type == 'D')
        return parse_delivery(d, rec);
    /* ext_todo's qmail-todo answers qmail-send's 'X' with "X\0" */
    if (rec->type == 'X' && d->len == 1)
        return PROTO_E_NONE;
    return PROTO_E_TYPE;
}

/* proto_todo_dec_feed - take at most one record from in[0..len) */
int proto_todo_dec_feed(struct proto_todo_dec *d, const char *in, size_t len,
                        size_t *used, struct proto_todo_rec *rec,
                        enum proto_error *err)
{
    proto_set_err(err, PROTO_E_NONE);
    if (!proto_nul_take(d->buf, &d->len, &d->overflow, in, len, used))
        return PROTO_MORE;
    enum proto_error e = parse_record(d, rec);

    /* The record's bytes stay in buf (rec points there) until the next
     * feed() overwrites them. */
    d->len = 0;
    d->overflow = 0;
    proto_set_err(err, e);
    return e == PROTO_E_NONE ? PROTO_OK : PROTO_ERR;
}

/* proto_todo_enc_delivery - "D" flags id "\0"; 0 if mask or nchan bad */
size_t proto_todo_enc_delivery(char *out, size_t cap, int nchan,
                               uint64_t chanmask, uint64_t id)
{
    char digits[20];

    if (nchan < 1 || nchan > QC_MAX_CHANNELS)
        return 0;
    if (nchan < 64 && (chanmask >> nchan) != 0)
        return 0;
    size_t nd = qc_fmt_u64(digits, id);
    size_t need = 1 + (size_t)nchan + nd + 1;
    if (need > cap)
        return need;
    out[0] = 'D';
    for (int c = 0; c < nchan; c++)
        out[1 + c] = (chanmask >> c) & 1 ? '1' : '0';
    memcpy(out + 1 + nchan, digits, nd);
    out[need - 1] = '\0';
    return need;
}

/* proto_todo_enc_log - "L" text "\0"; 0 if text holds a NUL or is too long */
size_t proto_todo_enc_log(char *out, size_t cap, const char *text, size_t len)
{
    if (len > PROTO_RECORD_MAX - 1 || (len && memchr(text, '\0', len)))
        return 0;
    size_t need = len + 2;
    if (need > cap)
        return need;
    out[0] = 'L';
    if (len)
        memcpy(out + 1, text, len);
    out[need - 1] = '\0';
    return need;
}

/* proto_cmd_decode - check a send -> todo command byte */
char proto_cmd_decode(char byte, enum proto_error *err)
{
    if (byte == 'S' || byte == 'H' || byte == 'X') {
        proto_set_err(err, PROTO_E_NONE);
        return byte;
    }
    proto_set_err(err, PROTO_E_TYPE);
    return 0;
}
