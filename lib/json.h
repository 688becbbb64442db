/*
 * json.h - JSON strings for every file qchan writes (summary.json,
 * compare.json, sweep.json, observed.json).
 *
 *	json_write_str(f, s)	s as a quoted JSON string
 *	json_write_num(f, v, d)	v with d decimals (JSON_G: "%.6g"), null
 *				when v is not a finite number (NaN means
 *				"no value"; JSON has no inf)
 *	json_write_opt(f, v, d)	the same, null also when v < 0: a measure
 *				that cannot be negative, -1 meaning none
 *	json_write_member(f, sep, key, s)
 *				sep, then "key": s as a JSON string (null
 *				when s is NULL)
 *
 * What reaches a JSON file is often text from outside (a log line, a
 * scenario's name, an address), so the writer must give valid JSON and
 * valid UTF-8 whatever the bytes: '"' and '\\' are escaped, control
 * characters (below 0x20, and DEL) become \u00XX, well-formed UTF-8
 * passes through unchanged (a name in Cyrillic stays readable), and a
 * byte that is not part of a well-formed UTF-8 sequence (a Latin-1
 * log, a cut line) becomes \u00XX, its Latin-1 reading, so nothing is
 * lost and nothing invalid is written.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdio.h>

void json_write_str(FILE *f, const char *s);
void json_write_member(FILE *f, const char *sep, const char *key,
                       const char *s);

#define JSON_G (-1)
void json_write_num(FILE *f, double v, int decimals);
void json_write_opt(FILE *f, double v, int decimals);

/* json_utf8_len - the length (1..4) of the well-formed UTF-8 sequence
 * at s (n bytes available), 0 if there is none (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) */
size_t json_utf8_len(const unsigned char *s, size_t n);

#endif
