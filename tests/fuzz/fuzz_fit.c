/*
 * fuzz_fit.c - qchan fit's log reading: stamps, line parsing and the
 * reconstruction, on arbitrary bytes.
 *
 * The input is split at newlines; each line goes through fit_stamp()
 * and fit_log_line() (or fit_log_unparsed()) exactly as fit_read() does,
 * each copied to a heap block of its exact size so ASan sees any read
 * past it.  Then the summary is built.  Checks: every line is counted
 * once, parsed or not; attempts never end before they start; no
 * recipient belongs to a message that does not exist.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "fit_line.h"
#include "fit_sum.h"

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fit_log lg;
    fit_log_init(&lg);
    size_t i = 0;
    unsigned long no = 0, fed = 0;
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
        char *line = malloc(len ? len : 1);
        if (!line)
            break;
        memcpy(line, data + i, len);
        no++;
        int64_t t;
        const char *rest;
        if (len && fit_stamp(line, len, &t, &rest) == 0) {
            CHECK(rest >= line && rest <= line + len);
            CHECK(fit_log_line(&lg, t, rest, len - (size_t)(rest - line),
                               "fuzz", no) == 0);
            fed++;
        } else if (len) {
            lg.lines++;
            CHECK(fit_log_unparsed(&lg, line, len, "fuzz", no) == 0);
            fed++;
        }
        free(line);
        i += len + 1;
    }
    fit_log_finish(&lg);
    CHECK(lg.lines == fed);
    CHECK(lg.parsed + lg.unparsed == lg.lines);
    for (size_t k = 0; k < lg.natts; k++) {
        CHECK(lg.atts[k].rcpt < lg.nrcpts);
        CHECK(lg.atts[k].outcome == FIT_OPEN ||
              lg.atts[k].end >= lg.atts[k].start);
    }
    for (size_t k = 0; k < lg.nrcpts; k++) {
        CHECK(lg.rcpts[k].msg < lg.nmsgs);
        CHECK(lg.rcpts[k].dom < lg.ndoms);
        CHECK(lg.rcpts[k].chan >= 0 && lg.rcpts[k].chan < lg.nchan);
    }
    struct fit_opts o;
    fit_opts_default(&o);
    /* a far-off stamp is common in fuzzed logs: a series of half a
     * million cells for each would cost more than all the rest; a small
     * bound runs the same coarsening more often */
    o.max_cells = 1024;
    struct fit_sum s;
    if (fit_sum_build(&s, &lg, &o) == 0)
        fit_sum_free(&s);
    fit_log_free(&lg);
    return 0;
}
