/*
 * cli_mem.c - the memory check run, compare and sweep make before any
 * run starts: what the runs held at once would need (sim_mem_need's
 * estimate of each) against --max-memory, by default half of physical
 * memory, so that a mistyped count is refused with its line instead of
 * swapping the machine to a halt.
 *
 *	cli_mem_start(m, cmd, opt, at_once)	the limit; -1 bad --max-memory
 *	cli_mem_add(m, sc, name)		one run's scenario
 *	cli_mem_check(m)			0 fits, -1 refused (said why)
 *
 * With at_once runs at a time, the need is the sum of the at_once
 * largest estimates; the message names the largest run's generator line
 * where it passes its share of the limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_mem.h"

/* size_text - bytes as "5.9 GB" or "70 MB" (powers of 1024) */
static const char *size_text(uint64_t b, char buf[32])
{
    if (b >= (1ULL << 30))
        snprintf(buf, 32, "%.1f GB", (double)b / (double)(1ULL << 30));
    else
        snprintf(buf, 32, "%.0f MB", (double)b / (double)(1ULL << 20));
    return buf;
}

/* cli_mem_start - the limit from opt (--max-memory's text, NULL for the
 * default) for runs held at_once at a time; -1 with a message when opt
 * is not a size */
int cli_mem_start(struct cli_mem *m, const char *cmd, const char *opt,
                  unsigned at_once)
{
    memset(m, 0, sizeof *m);
    m->cmd = cmd;
    m->opt = opt;
    m->at_once = at_once < 1 ? 1
                 : at_once > CLI_MEM_MAX_AT_ONCE ? CLI_MEM_MAX_AT_ONCE
                                                 : at_once;
    m->limit = sim_mem_limit();
    if (opt && cli_parse_bytes(opt, &m->limit) < 0) {
        fprintf(stderr, "%s: --max-memory %s: expected a size in bytes, or "
                "with K, M, G or T (512M, 4G)\n", cmd, opt);
        return -1;
    }
    return 0;
}

/* cli_mem_add - note the run of sc; name is what the message calls it
 * ("variant B's run"; NULL: "the run") */
void cli_mem_add(struct cli_mem *m, const struct sim_scn *sc,
                 const char *name)
{
    if (m->limit == 0)
        return;     /* the machine does not say and no limit was given */
    struct sim_mem_need need;
    sim_mem_need(sc, m->limit / m->at_once, &need);
    /* keep the at_once largest, largest first */
    size_t k;
    if (m->ntop < m->at_once)
        k = m->ntop++;
    else if (need.bytes > m->top[m->at_once - 1])
        k = m->at_once - 1;
    else
        k = SIZE_MAX;
    if (k != SIZE_MAX) {
        for (; k > 0 && m->top[k - 1] < need.bytes; k--)
            m->top[k] = m->top[k - 1];
        m->top[k] = need.bytes;
    }
    if (m->nruns++ == 0 || need.bytes > m->worst.bytes) {
        m->worst = need;
        snprintf(m->path, sizeof m->path, "%s", sc->path ? sc->path : "");
        snprintf(m->name, sizeof m->name, "%s", name ? name : "the run");
    }
}

/* cli_mem_check - 0 when the runs fit the limit, else -1 after saying
 * which run, how much, the limit and the options that change it */
int cli_mem_check(const struct cli_mem *m)
{
    if (m->limit == 0 || m->nruns == 0)
        return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < m->ntop; i++)
        total = m->top[i] > UINT64_MAX - total ? UINT64_MAX
                                               : total + m->top[i];
    if (total <= m->limit)
        return 0;
    char nb[32], tb[32], lb[32], at[96] = "";
    if (m->ntop > 1)
        snprintf(at, sizeof at, ", %s for the %zu runs held at once",
                 size_text(total, tb), m->ntop);
    fprintf(stderr, "%s: %s:%u: %s would need about %s of memory "
            "(%llu messages, %llu recipients)%s and the limit is %s (%s); "
            "--max-memory SIZE raises it%s\n", m->cmd, m->path,
            m->worst.line, m->name,
            size_text(m->worst.bytes, nb),
            (unsigned long long)m->worst.msgs,
            (unsigned long long)m->worst.rcpts, at, size_text(m->limit, lb),
            m->opt ? "--max-memory" : "half of physical memory",
            m->ntop > 1 ? ", --jobs 1 runs one at a time" : "");
    return -1;
}
