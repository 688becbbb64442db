/*
 * json.c - JSON strings; see json.h.
 */
#include <math.h>
#include <string.h>

#include "json.h"

/* in - c within [lo, hi] */
static int in(unsigned char c, unsigned char lo, unsigned char hi)
{
    return c >= lo && c <= hi;
}

/* json_utf8_len - one well-formed sequence (RFC 3629, table 3-7 of the
 * Unicode standard) */
size_t json_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (in(c, 0xc2, 0xdf))
        return n >= 2 && in(s[1], 0x80, 0xbf) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = c == 0xed ? 0x9f : 0xbf;   /* no surrogates */
        return n >= 3 && in(s[1], lo, hi) && in(s[2], 0x80, 0xbf) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;   /* <= U+10FFFF */
        return n >= 4 && in(s[1], lo, hi) && in(s[2], 0x80, 0xbf) &&
                       in(s[3], 0x80, 0xbf)
                   ? 4
                   : 0;
    }
    return 0;
}

/* json_write_str - s quoted, escaped */
void json_write_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    fputc('"', f);
    while (n > 0) {
        size_t len = json_utf8_len(p, n);
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (len == 0 || *p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fwrite(p, 1, len, f);
            p += len;
            n -= len;
            continue;
        }
        p++;
        n--;
    }
    fputc('"', f);
}

/* json_write_member - sep "key": "s" */
void json_write_member(FILE *f, const char *sep, const char *key,
                       const char *s)
{
    fputs(sep, f);
    json_write_str(f, key);
    fputs(": ", f);
    if (s)
        json_write_str(f, s);
    else
        fputs("null", f);
}

/* json_write_num - a finite number, or null */
void json_write_num(FILE *f, double v, int decimals)
{
    if (!isfinite(v))
        fputs("null", f);
    else if (decimals == JSON_G)
        fprintf(f, "%.6g", v);
    else
        fprintf(f, "%.*f", decimals, v);
}

/* json_write_opt - a number that is there when >= 0, else null */
void json_write_opt(FILE *f, double v, int decimals)
{
    json_write_num(f, v < 0 ? NAN : v, decimals);
}
