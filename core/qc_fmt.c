/*
 * qc_fmt.c - decimal digits without printf, for every host: queue file
 * names in the daemons, todo records, and the simulator's addresses and
 * CSV rows, millions of them in a big run.
 *
 *	qc_fmt_u64(out, v)	v's digits at out (no NUL); their count
 */
#include <string.h>

#include "qc.h"

/* qc_fmt_u64 - v in decimal, two digits a step; at most 20 bytes */
size_t qc_fmt_u64(char *out, uint64_t v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233"
        "34353637383940414243444546474849505152535455565758596061626364656667"
        "6869707172737475767778798081828384858687888990919293949596979899";
    char d[20];
    size_t i = sizeof d;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        d[--i] = pairs[2 * r + 1];
        d[--i] = pairs[2 * r];
    }
    if (v >= 10) {
        d[--i] = pairs[2 * v + 1];
        d[--i] = pairs[2 * v];
    } else {
        d[--i] = (char)('0' + v);
    }
    memcpy(out, d + i, sizeof d - i);
    return sizeof d - i;
}
