/*
 * proto_clean.c - requests to qmail-clean and its answers.
 *
 *	proto_clean_dec_init(d) readies a decoder on qmail-clean's side.
 *	proto_clean_dec_feed(d, in, len, &used, &path, &err) takes at most
 *	one request, a path ending in "\0": "foop/N" removes every file of
 *	message N, "todo/N" and the like remove that one file.
 *	proto_clean_enc_request(out, cap, path) writes one.
 *	proto_clean_answer(byte, &err) reads the answer: '+' done, '!' failed.
 *
 * Diagnostics: PROTO_E_EMPTY (a lone "\0"), PROTO_E_TOOLONG (over
 * PROTO_RECORD_MAX bytes; *path is the cut head, never to be acted on),
 * PROTO_E_ANSWER (an answer byte that is neither '+' nor '!').
 */
#include <string.h>

#include "proto.h"

/* proto_clean_dec_init - a request decoder */
void proto_clean_dec_init(struct proto_clean_dec *d)
{
    d->len = 0;
    d->overflow = 0;
    d->buf[0] = '\0';
}

/* proto_clean_dec_feed - take at most one request from in[0..len) */
int proto_clean_dec_feed(struct proto_clean_dec *d, const char *in,
                         size_t len, size_t *used, const char **path,
                         enum proto_error *err)
{
    proto_set_err(err, PROTO_E_NONE);
    if (!proto_nul_take(d->buf, &d->len, &d->overflow, in, len, used))
        return PROTO_MORE;
    *path = d->buf;
    enum proto_error e = d->overflow ? PROTO_E_TOOLONG
                         : d->len == 0 ? PROTO_E_EMPTY
                                       : PROTO_E_NONE;
    d->len = 0;
    d->overflow = 0;
    proto_set_err(err, e);
    return e == PROTO_E_NONE ? PROTO_OK : PROTO_ERR;
}

/* proto_clean_enc_request - path "\0"; 0 if empty or too long */
size_t proto_clean_enc_request(char *out, size_t cap, const char *path)
{
    if (!path)
        return 0;
    size_t n = strlen(path);
    if (n == 0 || n > PROTO_RECORD_MAX)
        return 0;
    if (n + 1 > cap)
        return n + 1;
    memcpy(out, path, n + 1);
    return n + 1;
}

/* proto_clean_answer - 1 for '+', 0 for '!', -1 else */
int proto_clean_answer(char byte, enum proto_error *err)
{
    if (byte == '+' || byte == '!') {
        proto_set_err(err, PROTO_E_NONE);
        return byte == '+';
    }
    proto_set_err(err, PROTO_E_ANSWER);
    return -1;
}
