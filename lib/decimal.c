/*
 * decimal.c - strict decimal numbers; see decimal.h.
 */
#include "decimal.h"

/* decimal_parse_u64 - digits only, at most max */
int decimal_parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    uint64_t n = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        uint64_t d = (uint64_t)(*s - '0');
        if (n > (max - d) / 10 || d > max)
            return -1;
        n = n * 10 + d;
    }
    *v = n;
    return 0;
}
