/*
 * fuzz_scn.c - the scenario reader (lexer, grammar, checks, model
 * building) on arbitrary bytes.
 *
 * The input is a scenario, optionally followed by "\n%%\n" and the text
 * of a replay file, which is written to r.csv in a private directory so
 * that "replay r.csv" and "carried r.csv" lines read it.  Inputs holding
 * a '/' are skipped: an absolute or climbing path would make the target
 * read the machine's files (slow, and not the parser's business).
 *
 * Checks: loading returns 0 or -1; an error names the scenario file
 * (every message is located); a loaded model keeps its invariants
 * (channel counts in range, popularity tables and target weights
 * cumulative and ending at exactly 1, actions in time order,
 * expectations on existing channels); the memory estimate runs; freeing
 * leaves nothing behind (ASan's leak check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "sim_scn.h"

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

static char dir[64];
static char scn_path[96];
static char csv_path[96];

/* cleanup - remove the private directory at exit */
static void cleanup(void)
{
    unlink(csv_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* in memory when it can be: a file per input on a disk costs more
     * than the parsing */
    snprintf(dir, sizeof dir, "%s/fuzz_scn_XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(scn_path, sizeof scn_path, "%s/f.scn", dir);
    snprintf(csv_path, sizeof csv_path, "%s/r.csv", dir);
    atexit(cleanup);
    return 0;
}

/* replay_at - where "\n%%\n" starts in data, or size.  Not instrumented
 * (nor a memcmp per byte, which libFuzzer hooks): finding the separator
 * is the harness's work, not the reader's. */
__attribute__((no_sanitize("coverage")))
static size_t replay_at(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i++)
        if (data[i] == '\n' && data[i + 1] == '%' && data[i + 2] == '%' &&
            data[i + 3] == '\n')
            return i;
    return size;
}

/* check_model - what a loaded scenario must hold */
static void check_model(const struct sim_scn *sc)
{
    CHECK(sc->nchan >= QC_MIN_CHANNELS && sc->nchan <= QC_MAX_CHANNELS);
    CHECK(sc->control.nchan == sc->nchan);
    for (size_t i = 0; i < sc->npools; i++) {
        const struct sim_pool *p = &sc->pools[i];
        CHECK(p->n >= 1);
        for (uint32_t k = 1; k < p->n; k++)
            CHECK(p->cdf[k] >= p->cdf[k - 1]);
        CHECK(p->cdf[p->n - 1] == 1.0);
    }
    for (size_t i = 0; i < sc->ngens; i++) {
        const struct sim_gen *g = &sc->gens[i];
        if (g->kind == SIM_GEN_REPLAY) {
            for (size_t r = 1; r < g->nrows; r++)
                CHECK(g->rows[r].t >= g->rows[r - 1].t);
            for (size_t r = 0; r < g->nrows; r++)
                CHECK(g->rows[r].nrcpt >= 1 && g->rows[r].sender);
            continue;
        }
        CHECK(g->rmin >= 1 && g->rmin <= g->rmax && g->rmax <= 10000);
        CHECK(g->ntargets >= 1);
        for (size_t k = 0; k < g->ntargets; k++) {
            const struct sim_target *t = &g->targets[k];
            CHECK(t->pool < (int)sc->npools);
            CHECK((t->pool >= 0) != (t->domain != NULL));
            CHECK(k == 0 || t->cum >= g->targets[k - 1].cum);
        }
        CHECK(g->targets[g->ntargets - 1].cum == 1.0);
        if (g->kind == SIM_GEN_POISSON)
            CHECK(g->from < g->to && g->rate > 0);
    }
    for (size_t i = 1; i < sc->nactions; i++)
        CHECK(sc->actions[i].at >= sc->actions[i - 1].at);
    for (size_t i = 0; i < sc->nactions; i++)
        CHECK(sc->actions[i].kind != SIM_ACT_KILL ||
              (sc->actions[i].chan >= 0 && sc->actions[i].chan < sc->nchan));
    for (size_t i = 0; i < sc->nexpects; i++) {
        CHECK(sc->expects[i].chan >= -1 && sc->expects[i].chan < sc->nchan);
        CHECK(sc->expects[i].text != NULL);
    }
    CHECK(sc->sample >= QC_SEC / 1000);
    struct sim_mem_need need;
    sim_mem_need(sc, UINT64_MAX, &need);
    CHECK(need.bytes > 0 && need.line == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '/', size))
        return 0;
    const char *text = (const char *)data;
    size_t len = size;
    unlink(csv_path);
    size_t i = replay_at(data, size);
    if (i < size) {
        FILE *f = fopen(csv_path, "w");
        if (!f)
            abort();
        fwrite(data + i + 4, 1, size - i - 4, f);
        fclose(f);
        len = i + 1;
    }
    struct sim_scn sc;
    struct sim_err err;
    int rc = sim_scn_load_text(&sc, scn_path, text, len, &err);
    CHECK(rc == 0 || rc == -1);
    if (rc == 0)
        check_model(&sc);
    else
        CHECK(strncmp(err.msg, scn_path, strlen(scn_path)) == 0 ||
              strncmp(err.msg, csv_path, strlen(csv_path)) == 0);
    sim_scn_free(&sc);
    return 0;
}
