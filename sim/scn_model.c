/*
 * scn_model.c - building the scenario model the simulator runs; see
 * scn_int.h.
 *
 *	scn_model_defaults	a fresh scenario with the documented defaults
 *	scn_model_pool		a pool's domains and their popularity
 *	scn_model_gen		a generator (burst, poisson, replay)
 *	scn_model_target	one weighted target of a generator
 *	scn_model_targets_done	the targets' weights normalized
 *	scn_model_action	an action, kept in time order
 *	scn_model_expect	an expectation
 *	scn_model_free		everything a scenario owns
 *
 * What reaches here has been parsed and checked; these only allocate
 * and compute, so their one failure is running out of memory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/* Defaults of the machine, as core/limits_model.h describes them. */
static const struct sim_limits default_limits = {509, 1024, 1024, 2048,
                                                 1000000};

/* scn_model_defaults - path, name, directory and the defaults */
int scn_model_defaults(struct sim_scn *sc, const char *path,
                       struct sim_err *err)
{
    memset(sc, 0, sizeof *sc);
    sc->path = strdup(path);
    const char *slash = strrchr(path, '/');
    sc->dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    if (blen > 4 && strcmp(base + blen - 4, ".scn") == 0)
        blen -= 4;
    sc->name = strndup(base, blen);
    sc->seed = 1;
    sc->lim = default_limits;
    sc->until_drained = 1;
    sc->run_max = 30LL * 86400 * QC_SEC;
    sc->sample = 10 * QC_SEC;
    if (!sc->path || !sc->dir || !sc->name) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        return -1;
    }
    if (sc->dir[0] == '\0') {
        free(sc->dir);
        if (!(sc->dir = strdup("/"))) {
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
            return -1;
        }
    }
    return 0;
}

/* scn_model_pool - domains d0.NAME.test ... with Zipf popularity
 * (exponent 0 is uniform), as a cumulative table */
int scn_model_pool(struct sim_scn *sc, const char *name, uint32_t n,
                   double s)
{
    struct sim_pool *p = realloc(sc->pools, (sc->npools + 1) * sizeof *p);
    if (!p)
        return -1;
    sc->pools = p;
    struct sim_pool *pool = &sc->pools[sc->npools];
    pool->name = strdup(name);
    pool->n = n;
    pool->cdf = malloc(n * sizeof *pool->cdf);
    if (!pool->name || !pool->cdf) {
        free(pool->name);
        free(pool->cdf);
        return -1;
    }
    sc->npools++;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += pow((double)i + 1, -s);
        pool->cdf[i] = sum;
    }
    for (uint32_t i = 0; i < n; i++)
        pool->cdf[i] /= sum;
    pool->cdf[n - 1] = 1.0;
    return 0;
}

/* scn_model_gen - a zeroed generator appended to sc */
struct sim_gen *scn_model_gen(struct sim_scn *sc, enum sim_gen_kind k,
                              unsigned line)
{
    if (sc->ngens >= SCN_MAX_GENS)
        return NULL;
    struct sim_gen *g = realloc(sc->gens, (sc->ngens + 1) * sizeof *g);
    if (!g)
        return NULL;
    sc->gens = g;
    g = &sc->gens[sc->ngens++];
    memset(g, 0, sizeof *g);
    g->kind = k;
    g->line = line;
    g->bytes = 2000;
    g->sender = strdup("sender@qchan.test");
    return g->sender ? g : NULL;
}

/* scn_model_target - one more target; cum holds the running sum */
int scn_model_target(struct sim_gen *g, int pool, const char *domain,
                     double w)
{
    struct sim_target *t = realloc(g->targets,
                                   (g->ntargets + 1) * sizeof *t);
    if (!t)
        return -1;
    g->targets = t;
    t = &g->targets[g->ntargets];
    t->pool = pool;
    t->domain = NULL;
    if (domain && !(t->domain = strdup(domain)))
        return -1;
    t->cum = (g->ntargets ? g->targets[g->ntargets - 1].cum : 0) + w;
    g->ntargets++;
    return 0;
}

/* scn_model_targets_done - cumulative weights from 0 to exactly 1 */
int scn_model_targets_done(struct sim_gen *g)
{
    double sum = g->ntargets ? g->targets[g->ntargets - 1].cum : 0;
    if (sum <= 0)
        return -1;
    for (size_t k = 0; k < g->ntargets; k++)
        g->targets[k].cum /= sum;
    g->targets[g->ntargets - 1].cum = 1.0;
    return 0;
}

/* scn_model_action - keep time order, file order among equal times */
int scn_model_action(struct sim_scn *sc, const struct sim_action *a)
{
    struct sim_action *p = realloc(sc->actions,
                                   (sc->nactions + 1) * sizeof *p);
    if (!p)
        return -1;
    sc->actions = p;
    size_t i = sc->nactions;
    while (i > 0 && sc->actions[i - 1].at > a->at) {
        sc->actions[i] = sc->actions[i - 1];
        i--;
    }
    sc->actions[i] = *a;
    sc->nactions++;
    return 0;
}

/* scn_model_action_free - a hup's names and values */
void scn_model_action_free(struct sim_action *a)
{
    for (size_t k = 0; k < a->n; k++) {
        if (a->names)
            free(a->names[k]);
        if (a->values)
            free(a->values[k]);
    }
    free(a->names);
    free(a->values);
    a->names = a->values = NULL;
    a->n = 0;
}

/* scn_model_expect - one more expectation */
int scn_model_expect(struct sim_scn *sc, const struct sim_expect *e)
{
    struct sim_expect *p = realloc(sc->expects,
                                   (sc->nexpects + 1) * sizeof *p);
    if (!p)
        return -1;
    sc->expects = p;
    sc->expects[sc->nexpects++] = *e;
    return 0;
}

/* free_gen - a generator's targets, sender and replay rows */
static void free_gen(struct sim_gen *g)
{
    for (size_t k = 0; k < g->ntargets; k++)
        free(g->targets[k].domain);
    free(g->targets);
    free(g->sender);
    for (size_t r = 0; r < g->nrows; r++) {
        free(g->rows[r].sender);
        for (unsigned k = 0; k < g->rows[r].nrcpt; k++)
            free(g->rows[r].rcpts[k]);
        free(g->rows[r].rcpts);
    }
    free(g->rows);
}

/* scn_model_free - release everything */
void scn_model_free(struct sim_scn *sc)
{
    free(sc->path);
    free(sc->name);
    free(sc->dir);
    fs_model_free(sc->model);
    if (sc->control_loaded)
        control_free(&sc->control);
    for (size_t i = 0; i < sc->npools; i++) {
        free(sc->pools[i].name);
        free(sc->pools[i].cdf);
    }
    free(sc->pools);
    for (size_t i = 0; i < sc->ngens; i++)
        free_gen(&sc->gens[i]);
    free(sc->gens);
    for (size_t i = 0; i < sc->nactions; i++)
        scn_model_action_free(&sc->actions[i]);
    free(sc->actions);
    for (size_t i = 0; i < sc->nexpects; i++) {
        free(sc->expects[i].text);
        free(sc->expects[i].name);
    }
    free(sc->expects);
    memset(sc, 0, sizeof *sc);
}
