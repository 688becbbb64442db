/*
 * tai64n.c - TAI64N labels; see tai64n.h.
 */
#include <stdio.h>

#include "tai64n.h"

/* TAI64 label of the Unix epoch: 2^62 + 10, as multilog writes it */
#define TAI_EPOCH ((UINT64_C(1) << 62) + 10)
#define USEC 1000000

/* tai64n_fmt - seconds, then nanoseconds */
void tai64n_fmt(int64_t t, char out[TAI64N_LEN + 1])
{
    int64_t sec = t / USEC;
    int64_t usec = t % USEC;
    if (usec < 0) {
        usec += USEC;
        sec--;
    }
    uint64_t tai = TAI_EPOCH + (uint64_t)sec;
    snprintf(out, TAI64N_LEN + 1, "@%016llx%08lx", (unsigned long long)tai,
             (unsigned long)(usec * 1000));
}

/* hexval - a hex digit's value or -1 */
static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* tai64n_parse - "@" and 24 hex digits at s */
int tai64n_parse(const char *s, size_t len, int64_t *t)
{
    if (len < TAI64N_LEN || s[0] != '@')
        return -1;
    uint64_t sec = 0, nano = 0;
    for (int i = 1; i < TAI64N_LEN; i++) {
        int v = hexval(s[i]);
        if (v < 0)
            return -1;
        if (i <= 16)
            sec = sec << 4 | (uint64_t)v;
        else
            nano = nano << 4 | (uint64_t)v;
    }
    if (nano >= 1000000000 || sec < TAI_EPOCH ||
        sec - TAI_EPOCH > (uint64_t)INT64_MAX / USEC - 1)
        return -1;
    *t = (int64_t)(sec - TAI_EPOCH) * USEC + (int64_t)(nano / 1000);
    return 0;
}
