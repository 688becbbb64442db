/*
 * sim_compare_report.c - the comparison for people and for programs.
 *
 *	sim_compare_text(out, scn, vars, res, nvar, rows, n)
 *	sim_compare_json(out, scn, vars, res, nvar, rows, n)
 *	sim_compare_csv(out, vars, nvar, rows, n)
 *
 * All three give the same rows in the same order (the text and the CSV
 * from one lib/table); the JSON and the CSV add nothing the text lacks
 * but the raw numbers.  No wall-clock figure appears, so the
 * same comparison gives the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "sim_compare.h"
#include "table.h"

/* cell - a value (with its limit), "-" for none */
static const char *cell(const struct sim_cmp_row *r, size_t i, char *buf,
                        size_t cap)
{
    if (isnan(r->v[i]))
        snprintf(buf, cap, "-");
    else if (r->has_limit && !isnan(r->limit[i]))
        snprintf(buf, cap, "%.*f/%.0f", r->decimals, r->v[i], r->limit[i]);
    else
        snprintf(buf, cap, "%.*f", r->decimals, r->v[i]);
    return buf;
}

/* diff - variant i against A */
static const char *diff(const struct sim_cmp_row *r, size_t i, char *buf,
                        size_t cap)
{
    double a = r->v[0], b = r->v[i];
    if (isnan(a) && isnan(b))
        snprintf(buf, cap, "0");
    else if (isnan(a) || isnan(b))
        snprintf(buf, cap, "n/a");
    else if (a == b)
        snprintf(buf, cap, "0");
    else if (a != 0)
        snprintf(buf, cap, "%+.*f (%+.1f%%)", r->decimals, b - a,
                 100.0 * (b - a) / fabs(a));
    else
        snprintf(buf, cap, "%+.*f", r->decimals, b - a);
    return buf;
}

/* better - "B", "A=C", "=" (all equal) or "" (no better side) */
static const char *better(const struct sim_cmp_row *r,
                          const struct sim_cmp_variant *vars, size_t nvar,
                          char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!r->differs)
        return "=";
    size_t len = 0;
    for (size_t i = 0; i < nvar; i++)
        if (r->best & (1u << i))
            len += (size_t)snprintf(buf + len, cap - len, "%s%s",
                                    len ? "=" : "", vars[i].label);
    return buf;
}

/* the rows as one table: the printed one (a heading per section,
 * values with their limits, differences against A, the better side)
 * and compare.csv (section, metric, unit, the values, the limits,
 * differs, better) */
struct cmp_table {
    struct table t;
    struct table_col cols[5 + 3 * SIM_CMP_MAX];
    char keys[2 * SIM_CMP_MAX][16];
    char heads[SIM_CMP_MAX][32];
};

enum { CT_SECTION, CT_LABEL, CT_METRIC, CT_UNIT, CT_VALUES };

/* col - a column */
static struct table_col col(const char *key, const char *head,
                            enum table_type type, int width, int flags)
{
    return (struct table_col){key, head, "", type, 0, TABLE_SIG(12), width,
                              TABLE_AUTO, 0, flags};
}

/* section_head - "channel remote", "process qmail-send", "the whole run" */
static const char *section_head(const char *section, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s %s",
             strcmp(section, "run") == 0 ? "the whole"
             : strchr(section, '-') || strcmp(section, "qmailr") == 0 ||
                     strcmp(section, "system") == 0
                 ? "process"
                 : "channel",
             section);
    return buf;
}

/* cmp_table - the table of the rows */
static void cmp_table(struct cmp_table *ct, const struct sim_cmp_variant *vars,
                      size_t nvar, const struct sim_cmp_row *rows, size_t n)
{
    struct table_col *c = ct->cols;
    size_t diffs = CT_VALUES + nvar, limits = diffs + nvar - 1;
    size_t differs = limits + nvar, best = differs + 1;
    c[CT_SECTION] = col("section", NULL, TABLE_STR, 0, TABLE_GROUP);
    c[CT_LABEL] = col("what", "", TABLE_STR, 28, TABLE_TEXTONLY);
    c[CT_METRIC] = col("metric", NULL, TABLE_STR, 0, TABLE_NOTEXT);
    c[CT_UNIT] = col("unit", NULL, TABLE_STR, 0, TABLE_NOTEXT);
    for (size_t i = 0; i < nvar; i++) {
        c[CT_VALUES + i] = col(vars[i].label, NULL, TABLE_NUM, 14, 0);
        c[CT_VALUES + i].align = TABLE_RIGHT;
        snprintf(ct->keys[i], sizeof ct->keys[i], "%s_limit", vars[i].label);
        c[limits + i] = col(ct->keys[i], NULL, TABLE_NUM, 0, TABLE_NOTEXT);
    }
    for (size_t i = 1; i < nvar; i++) {
        snprintf(ct->heads[i], sizeof ct->heads[i], "%s-%s", vars[i].label,
                 vars[0].label);
        c[diffs + i - 1] = col(ct->heads[i], NULL, TABLE_STR, 22,
                               TABLE_TEXTONLY);
        c[diffs + i - 1].align = TABLE_RIGHT;
    }
    c[differs] = col("differs", NULL, TABLE_BOOL, 0, TABLE_NOTEXT);
    c[best] = col("better", "better", TABLE_STR, 0, 0);
    c[best].gap = 2;
    table_init(&ct->t, c, best + 1);
    struct table *t = &ct->t;
    char buf[1024];
    for (size_t k = 0; k < n && table_row(t) == 0; k++) {
        const struct sim_cmp_row *r = &rows[k];
        table_str(t, CT_SECTION, r->section);
        table_show(t, CT_SECTION, section_head(r->section, buf, sizeof buf));
        snprintf(buf, sizeof buf, "%s%s%s", r->what,
                 r->has_limit && !strchr(r->what, '/') ? " / limit" : "",
                 strcmp(r->unit, "s") == 0 ? " (s)" : "");
        table_str(t, CT_LABEL, buf);
        table_str(t, CT_METRIC, r->metric);
        table_str(t, CT_UNIT, r->unit);
        for (size_t i = 0; i < nvar; i++) {
            table_num(t, CT_VALUES + i, r->v[i]);
            table_show(t, CT_VALUES + i, cell(r, i, buf, sizeof buf));
            if (r->has_limit)
                table_num(t, limits + i, r->limit[i]);
        }
        for (size_t i = 1; i < nvar; i++)
            table_str(t, diffs + i - 1, diff(r, i, buf, sizeof buf));
        table_bool(t, differs, r->differs);
        table_str(t, best, better(r, vars, nvar, buf, sizeof buf));
    }
}

/* sim_compare_csv - compare.csv: a line per row */
int sim_compare_csv(FILE *out, const struct sim_cmp_variant *vars,
                    size_t nvar, const struct sim_cmp_row *rows, size_t n)
{
    struct cmp_table ct;
    cmp_table(&ct, vars, nvar, rows, n);
    int rc = table_write_csv(&ct.t, out);
    table_free(&ct.t);
    return rc;
}

/* sim_compare_text - the side-by-side table */
void sim_compare_text(FILE *out, const char *scenario,
                      const struct sim_cmp_variant *vars,
                      const struct sim_sweep_res *res, size_t nvar,
                      const struct sim_cmp_row *rows, size_t n)
{
    char buf[1024];
    fprintf(out, "qchan compare: scenario %s, seed %llu, %zu variants "
            "(common random numbers: same traffic, same destination "
            "behaviour)\n", scenario, (unsigned long long)res[0].seed, nvar);
    for (size_t i = 0; i < nvar; i++) {
        sim_compare_desc(&vars[i], buf, sizeof buf);
        fprintf(out, "  %-2s %s\n", vars[i].label, buf);
    }
    fputc('\n', out);
    struct cmp_table ct;
    cmp_table(&ct, vars, nvar, rows, n);
    table_write_text(&ct.t, out, 0);
    table_free(&ct.t);
    size_t ndiff = 0;
    for (size_t k = 0; k < n; k++)
        ndiff += rows[k].differs;
    fprintf(out, "(-: no value: not drained, or no final outcome; a channel's "
            "drain time is its last final outcome)\n\n");
    for (size_t i = 0; i < nvar; i++) {
        char hits[1024];
        sim_sweep_hits_text(&res[i], hits, sizeof hits);
        fprintf(out, "%-2s limits reached: %s; expect: ", vars[i].label,
                hits[0] ? hits : "none");
        if (res[i].expects_failed)
            fprintf(out, "%u of %u failed", res[i].expects_failed,
                    res[i].nexpects);
        else
            fprintf(out, "all %u hold", res[i].nexpects);
        if (res[i].nviolations)
            fprintf(out, "; %u INVARIANTS BROKEN (a bug in qchan)",
                    res[i].nviolations);
        fputc('\n', out);
    }
    if (ndiff == 0)
        fprintf(out, "\nno differences: the variants behave the same in all "
                "%zu rows\n", n);
    else
        fprintf(out, "\n%zu of %zu rows differ\n", ndiff, n);
}


/* json_variant - one variant's header */
static void json_variant(FILE *out, const struct sim_cmp_variant *v,
                         const struct sim_sweep_res *r)
{
    json_write_member(out, "    {", "label", v->label);
    fputs(", \"settings\": [", out);
    for (size_t k = 0; k < v->job->nsets; k++) {
        fputs(k ? ", " : "", out);
        json_write_str(out, v->job->sets[k]);
    }
    json_write_member(out, "], ", "control_dir", v->job->control_dir);
    json_write_member(out, ", ", "dir", v->label);
    fprintf(out, ", \"seed\": %llu, \"drained\": %s, \"drain_time\": ",
            (unsigned long long)r->seed, r->drained ? "true" : "false");
    json_write_num(out, r->drained ? r->drain_time : NAN, 6);
    fprintf(out, ", \"expects\": %u, \"expects_failed\": %u, "
            "\"violations\": %u, \"limits_hit\": ", r->nexpects,
            r->expects_failed, r->nviolations);
    char hits[1024];
    sim_sweep_hits_text(r, hits, sizeof hits);
    json_write_str(out, hits);
    fputs(", \"limits\": ", out);
    sim_sweep_hits_json(out, r);
    fputc('}', out);
}

/* sim_compare_json - compare.json */
void sim_compare_json(FILE *out, const char *scenario,
                      const struct sim_cmp_variant *vars,
                      const struct sim_sweep_res *res, size_t nvar,
                      const struct sim_cmp_row *rows, size_t n)
{
    static const char *const dirs[] = {"lower", "higher", "none"};
    size_t ndiff = 0;
    fputs("{\n  \"scenario\": ", out);
    json_write_str(out, scenario);
    fputs(",\n  \"variants\": [\n", out);
    for (size_t i = 0; i < nvar; i++) {
        json_variant(out, &vars[i], &res[i]);
        fputs(i + 1 < nvar ? ",\n" : "\n", out);
    }
    fputs("  ],\n  \"rows\": [\n", out);
    for (size_t k = 0; k < n; k++) {
        const struct sim_cmp_row *r = &rows[k];
        ndiff += r->differs;
        json_write_member(out, "    {", "section", r->section);
        json_write_member(out, ", ", "metric", r->metric);
        json_write_member(out, ", ", "what", r->what);
        json_write_member(out, ", ", "unit", r->unit);
        fprintf(out, ", \"better_is\": \"%s\", \"values\": [", dirs[r->dir]);
        for (size_t i = 0; i < nvar; i++) {
            fputs(i ? ", " : "", out);
            json_write_num(out, r->v[i], r->decimals ? 6 : 0);
        }
        fputs("]", out);
        if (r->has_limit) {
            fputs(", \"limits\": [", out);
            for (size_t i = 0; i < nvar; i++) {
                fputs(i ? ", " : "", out);
                json_write_num(out, r->limit[i], 0);
            }
            fputs("]", out);
        }
        fputs(", \"diff\": [", out);
        for (size_t i = 0; i < nvar; i++) {
            fputs(i ? ", " : "", out);
            double d = isnan(r->v[i]) && isnan(r->v[0]) ? 0
                                                        : r->v[i] - r->v[0];
            json_write_num(out, d, r->decimals ? 6 : 0);
        }
        fprintf(out, "], \"differs\": %s, \"better\": [",
                r->differs ? "true" : "false");
        int first = 1;
        for (size_t i = 0; i < nvar; i++)
            if (r->best & (1u << i)) {
                fputs(first ? "" : ", ", out);
                json_write_str(out, vars[i].label);
                first = 0;
            }
        fputs(k + 1 < n ? "]},\n" : "]}\n", out);
    }
    fprintf(out, "  ],\n  \"rows_differing\": %zu\n}\n", ndiff);
}
