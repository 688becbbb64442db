/*
 * fit_check_run.c - the replays of `qchan fit --check`; see
 * fit_check_run.h.
 *
 * Each replay's qmail.log is fitted with the very code that fitted the
 * real log (fit_read, fit_sum_build), in the real log's window, so the
 * two sides of every row share one definition.  The simulated logs are
 * removed once read: they are as big as the log itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fit_check.h"
#include "fit_check_run.h"
#include "fit_out.h"
#include "path.h"
#include "sim.h"

/* one_replay - seed's replay into path, then its figures into ck */
static int one_replay(struct sim_scn *sc, uint64_t seed, const char *path,
                      const struct fit_sum *s, const struct fit_opts *o,
                      struct fit_check *ck)
{
    sim_scn_set_seed(sc, seed);
    struct sim_opts opts = {NULL, NULL, NULL, 0};
    if (!(opts.log = fopen(path, "w"))) {
        fprintf(stderr, "qchan fit: cannot create %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    struct sim_result r;
    struct sim_err err;
    int ran = sim_run(sc, &opts, &r, &err);
    if (fclose(opts.log) != 0 && ran == 0) {
        fprintf(stderr, "qchan fit: cannot write %s\n", path);
        sim_result_free(&r);
        return 2;
    }
    if (ran < 0) {
        fprintf(stderr, "qchan fit: replay with seed %llu: %s\n",
                (unsigned long long)seed, err.msg);
        return 2;
    }
    int broken = r.nviolations > 0;
    if (broken)
        fprintf(stderr, "qchan fit: replay with seed %llu broke an "
                        "invariant: %s\n", (unsigned long long)seed,
                r.violations[0]);
    sim_result_free(&r);
    if (broken)
        return 3;

    struct fit_log lg;
    fit_log_init(&lg);
    char *paths[1] = {(char *)path};
    char msg[4200];
    if (fit_read(&lg, paths, 1, msg, sizeof msg) < 0) {
        fprintf(stderr, "qchan fit: %s\n", msg);
        fit_log_free(&lg);
        return 2;
    }
    /* the simulated log in the real one's window: the replay's time 0
     * is the real log's origin */
    struct fit_opts so = *o;
    so.have_window = 1;
    so.origin = SIM_EPOCH;
    so.win_start = s->start;
    so.win_end = s->end;
    so.sample = s->sample;
    struct fit_sum ss;
    int rc = 0;
    if (fit_sum_build(&ss, &lg, &so) < 0) {
        fprintf(stderr, "qchan fit: out of memory\n");
        rc = 2;
    } else {
        if (fit_check_add(ck, &ss) < 0)
            rc = 2;
        fit_sum_free(&ss);
    }
    fit_log_free(&lg);
    unlink(path);
    return rc;
}

/* fit_check_run - the replays, the table, check.json, the pictures */
int fit_check_run(const char *dir, const struct fit_sum *s,
                  const struct fit_opts *o, int seeds, int strict, int plots)
{
    char scn[4200], cdir[4200], path[4300];
    snprintf(scn, sizeof scn, "%.4000s/replay.scn", dir);
    snprintf(cdir, sizeof cdir, "%.4000s/check", dir);
    if (path_mkdirs(cdir) < 0) {
        fprintf(stderr, "qchan fit: cannot create %s: %s\n", cdir,
                strerror(errno));
        return 2;
    }
    struct sim_scn sc;
    struct sim_err err;
    if (sim_scn_load(&sc, scn, &err) < 0) {
        fprintf(stderr, "qchan fit: %s\n", err.msg);
        return 2;
    }
    struct fit_check ck;
    int rc = 0;
    if (fit_check_begin(&ck, s, seeds) < 0) {
        fprintf(stderr, "qchan fit: out of memory\n");
        rc = 2;
    }
    for (int k = 1; k <= seeds && rc == 0; k++) {
        snprintf(path, sizeof path, "%s/qmail-seed%d.log", cdir, k);
        rc = one_replay(&sc, (uint64_t)k, path, s, o, &ck);
    }
    sim_scn_free(&sc);
    if (rc == 0) {
        fit_check_finish(&ck);
        snprintf(path, sizeof path, "%s/check.json", dir);
        FILE *f = fopen(path, "w");
        if (!f || fit_check_json(f, &ck) < 0 || fclose(f) != 0) {
            fprintf(stderr, "qchan fit: cannot write %s\n", path);
            rc = 2;
        }
    }
    if (rc == 0) {
        printf("\ncheck: the log against %d replays of %s (each replay's "
               "log fitted like the log)\n\n", ck.added, scn);
        fit_check_table(stdout, &ck);
        printf("wrote %s/check.json\n", dir);
        char note[8600];
        if (plots) {
            if (fit_check_plot(dir, &ck, note, sizeof note) != 0)
                fprintf(stderr, "qchan fit: %s\n", note);
            else
                printf("%s\n", note);
        }
        if (strict && fit_check_failed(&ck))
            rc = 1;
    }
    rmdir(cdir);
    fit_check_free(&ck);
    return rc;
}
