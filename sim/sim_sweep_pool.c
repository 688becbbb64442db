/*
 * sim_sweep_pool.c - run jobs in forked worker processes.
 *
 *	sim_sweep_run_all(jobs, n, res, workers, progress, ctx)
 *
 * One process per job, at most `workers` alive at once.  Each writes its
 * struct sim_sweep_res into a pipe and exits; the parent reads every pipe
 * as data arrives (poll), so a result bigger than the pipe's buffer
 * cannot block a worker, and stores it at the job's own index: the
 * answers do not depend on which worker finishes first.  A separate
 * process per run also keeps one run's memory and failures away from the
 * others.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "sim_sweep.h"

struct worker {
    pid_t pid;
    int fd;
    size_t job;
    size_t got;
};

/* start - fork a worker for job j */
static int start(struct worker *w, const struct sim_sweep_job *jobs, size_t j,
                 struct worker *all, size_t nall)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        for (size_t i = 0; i < nall; i++)
            if (all[i].pid > 0)
                close(all[i].fd);
        struct sim_sweep_res *res = malloc(sizeof *res);
        if (!res)
            _exit(1);
        sim_sweep_run(&jobs[j], res);
        int rc = fdio_write_all(p[1], res, sizeof *res) < 0;
        free(res);
        _exit(rc);
    }
    close(p[1]);
    w->pid = pid;
    w->fd = p[0];
    w->job = j;
    w->got = 0;
    return 0;
}

/* finish - reap a worker whose pipe closed */
static void finish(struct worker *w, struct sim_sweep_res *res)
{
    close(w->fd);
    int st = 0;
    while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
        ;
    struct sim_sweep_res *r = &res[w->job];
    if (w->got != sizeof *r) {
        memset(r, 0, sizeof *r);
        r->status = 3;
        if (WIFSIGNALED(st))
            snprintf(r->msg, sizeof r->msg, "the worker process died of "
                     "signal %d", WTERMSIG(st));
        else
            snprintf(r->msg, sizeof r->msg, "the worker process exited "
                     "with status %d before answering", WEXITSTATUS(st));
    }
    w->pid = 0;
}

/* sim_sweep_run_all - every job, `workers` at a time */
int sim_sweep_run_all(const struct sim_sweep_job *jobs, size_t n,
                      struct sim_sweep_res *res, int workers,
                      void (*progress)(void *ctx, size_t done, size_t n),
                      void *ctx)
{
    if (workers < 1)
        workers = 1;
    if (workers > 64)
        workers = 64;
    if ((size_t)workers > n)
        workers = n ? (int)n : 1;
    struct worker *w = calloc((size_t)workers, sizeof *w);
    struct pollfd *pf = calloc((size_t)workers, sizeof *pf);
    if (!w || !pf) {
        free(w);
        free(pf);
        return -1;
    }
    size_t next = 0, done = 0;
    int rc = 0;
    while (done < n) {
        for (int i = 0; i < workers && next < n && rc == 0; i++)
            if (w[i].pid == 0) {
                if (start(&w[i], jobs, next, w, (size_t)workers) < 0)
                    rc = -1;
                else
                    next++;
            }
        int np = 0;
        int idx[64];
        for (int i = 0; i < workers && np < 64; i++)
            if (w[i].pid > 0) {
                pf[np].fd = w[i].fd;
                pf[np].events = POLLIN;
                idx[np++] = i;
            }
        if (np == 0)
            break;      /* nothing running: a start failed */
        if (poll(pf, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        for (int k = 0; k < np; k++) {
            if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            struct worker *x = &w[idx[k]];
            char *dst = (char *)&res[x->job];
            size_t room = sizeof res[x->job] - x->got;
            char sink[512];
            ssize_t got = room ? read(x->fd, dst + x->got, room)
                               : read(x->fd, sink, sizeof sink);
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0 && room) {
                x->got += (size_t)got;
                continue;
            }
            if (got > 0)
                continue;
            finish(x, res);
            done++;
            if (progress)
                progress(ctx, done, n);
        }
    }
    /* on an error, let the running workers end and reap them */
    for (int i = 0; i < workers; i++)
        if (w[i].pid > 0) {
            kill(w[i].pid, SIGTERM);
            finish(&w[i], res);
        }
    for (size_t j = next; j < n; j++) {
        memset(&res[j], 0, sizeof res[j]);
        res[j].status = 3;
        snprintf(res[j].msg, sizeof res[j].msg, "not run: cannot start a "
                 "worker process");
    }
    free(w);
    free(pf);
    return rc;
}
