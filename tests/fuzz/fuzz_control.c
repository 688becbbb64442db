/*
 * fuzz_control.c - control files and addresses from the fuzzer.
 *
 * Input: byte 0 picks the number of channels (0 = from the files, else
 * 2..9); the rest is cut at 0xff bytes into chunks.  The first chunks
 * become the files of a control directory, in the order of files[]
 * (a chunk that is absent leaves its file absent; an empty chunk is an
 * empty file).  Later chunks starting with '!' are control_set()s
 * ("!name=value"), the others are addresses.
 *
 * The files are given to control_load_source from memory, each read as
 * a block of exactly its size and a NUL: writing, reading and removing a
 * dozen files per input cost far more than the parsing (reading a
 * directory is control_load's part, which the unit tests cover).
 *
 * Checks: control_load_source either fails with a file and a message,
 * or gives a configuration whose channel count is in range; every
 * address gets a channel below it; a short output buffer gives the same
 * length and channel and a prefix of the full answer; the classifier of
 * a control_copy answers the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "control.h"
#include "control_file.h"
#include "qc_alloc.h"

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

static const char *files[] = {
    "me", "locals", "percenthack", "virtualdomains", "envnoathost",
    "suppls0", "suppls1", "concurrencylocal", "concurrencysuppl3",
    "queuelifetime", "suppls6", "bouncehost",
};
#define NFILES (sizeof files / sizeof files[0])

/* the files of this input: files[0..nfiles) with their chunks */
struct mem_files {
    size_t nfiles;
    const uint8_t *text[NFILES];
    size_t len[NFILES];
};

/* mem_read - control_source reader: a copy of the chunk */
static int mem_read(void *ctx, const char *name, const struct qc_alloc *alloc,
                    struct control_text *text, struct control_error *err)
{
    const struct mem_files *mf = ctx;
    (void)err;
    for (size_t i = 0; i < mf->nfiles; i++)
        if (strcmp(files[i], name) == 0) {
            size_t n = mf->len[i];
            char *b = qc_resize(alloc, NULL, 0, n + 1);
            CHECK(b != NULL);
            memcpy(b, mf->text[i], n);
            b[n] = '\0';
            text->buf = b;
            text->len = n;
            text->size = n + 1;
            return 1;
        }
    return 0;
}

/* mem_names - control_source lister: the files there are */
static int mem_names(void *ctx, int (*fn)(const char *name, void *arg),
                     void *arg, struct control_error *err)
{
    const struct mem_files *mf = ctx;
    (void)err;
    for (size_t i = 0; i < mf->nfiles; i++) {
        int r = fn(files[i], arg);
        if (r)
            return r;
    }
    return 0;
}

/* check_addr - classify one address with both classifiers and a short
 * buffer; all must agree */
static void check_addr(const struct classify *a, const struct classify *b,
                       const char *addr, size_t len)
{
    char full[1024], other[1024], small[8];
    int ca = -1, cb = -1, cs = -1;
    size_t na = classify_rcpt(a, addr, len, full, sizeof full, &ca);
    size_t nb = classify_rcpt(b, addr, len, other, sizeof other, &cb);
    size_t ns = classify_rcpt(a, addr, len, small, sizeof small, &cs);

    CHECK(ca >= 0 && ca < classify_nchan(a));
    CHECK(ca == cb && ca == cs);
    CHECK(na == nb && na == ns);
    if (na < sizeof full) {
        CHECK(full[na] == '\0');
        CHECK(memcmp(full, other, na) == 0);
        size_t pre = na < sizeof small ? na : sizeof small;
        CHECK(memcmp(full, small, pre) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int nchan = data[0] % 9;
    if (nchan == 1)
        nchan = 0;
    data++;
    size--;

    /* cut into chunks */
    const uint8_t *chunk[256];
    size_t clen[256], nchunks = 0, start = 0;
    for (size_t i = 0; i <= size && nchunks < 256; i++)
        if (i == size || data[i] == 0xff) {
            chunk[nchunks] = data + start;
            clen[nchunks++] = i - start;
            start = i + 1;
        }
    struct mem_files mf;
    mf.nfiles = nchunks < NFILES ? nchunks : NFILES;
    for (size_t i = 0; i < mf.nfiles; i++) {
        mf.text[i] = chunk[i];
        mf.len[i] = clen[i];
    }
    struct control_source src = {"fuzz", mem_read, mem_names, &mf};

    struct control c, copy;
    struct control_error err;
    memset(&err, 0, sizeof err);
    if (control_load_source(&c, &src, nchan, NULL, &err) < 0) {
        CHECK(err.file[0] != '\0' && err.msg[0] != '\0');
        control_free(&c);
        return 0;
    }
    CHECK(c.nchan >= QC_MIN_CHANNELS && c.nchan <= QC_MAX_CHANNELS);
    CHECK(nchan == 0 || c.nchan == nchan);
    CHECK(c.envnoathost && c.bouncefrom && c.bouncehost);

    for (size_t i = NFILES; i < nchunks; i++) {
        if (clen[i] == 0 || chunk[i][0] != '!')
            continue;
        char buf[256];
        size_t n = clen[i] - 1 < sizeof buf - 1 ? clen[i] - 1 : sizeof buf - 1;
        memcpy(buf, chunk[i] + 1, n);
        buf[n] = '\0';
        char *eq = strchr(buf, '=');
        if (!eq)
            continue;
        *eq = '\0';
        memset(&err, 0, sizeof err);
        if (control_set(&c, buf, eq + 1, &err) < 0)
            CHECK(err.msg[0] != '\0');
        CHECK(c.nchan >= QC_MIN_CHANNELS && c.nchan <= QC_MAX_CHANNELS);
    }

    CHECK(control_copy(&copy, &c) == 0);
    struct classify *a = classify_new(&c, NULL);
    control_free(&c);
    struct classify *b = classify_new(&copy, NULL);
    control_free(&copy);
    CHECK(a && b);

    static const char *fixed[] = {"", "postmaster", "u%v@w", "a@b.c", "@"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_addr(a, b, fixed[i], strlen(fixed[i]));
    for (size_t i = NFILES; i < nchunks; i++)
        if (clen[i] == 0 || chunk[i][0] != '!')
            check_addr(a, b, (const char *)chunk[i], clen[i]);
    classify_free(a);
    classify_free(b);
    return 0;
}
