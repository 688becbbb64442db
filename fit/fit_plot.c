/*
 * fit_plot.c - pictures of the observed day, and of a simulated replay
 * over it: overlay.gp and its PNG/SVG pictures in the output directory.
 *
 *	fit_plot(dir, simdir, s, note, cap)
 *		write dir/overlay.gp; when gnuplot is installed run it:
 *		dir/overlay-throughput.{png,svg} and overlay-inflight.{png,svg},
 *		per channel, observed solid and (with simdir, a `qchan run
 *		--out` directory holding series.csv) simulated dashed.
 *		0 drawn, 1 no gnuplot (note says how to get it), -1 failed
 *		(note says why; gnuplot's words are in dir/gnuplot.log)
 *
 * The script is written rather than shipped so that it matches this
 * log's channels and sample, and so that an administrator can rerun it
 * by hand against any later run:
 *	gnuplot -e "sim='RUN/series.csv'" DIR/overlay.gp
 * Channel colours are those of plots/common.gp, so a channel looks the
 * same here as in qchan run's pictures.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fit_out.h"
#include "path.h"

/* one_plot - the plot command of one picture */
static void one_plot(FILE *f, const char *name, const char *title,
                     const char *ylabel, const char *obs_using,
                     const char *sim_using)
{
    fprintf(f,
        "set ylabel \"%s\"\n"
        "set title sprintf(\"%%s: %s, observed (solid)%%s\", label, "
        "sim eq \"\" ? \"\" : \" and simulated (dashed)\")\n"
        "do for [fmt in \"png svg\"] {\n"
        "  if (fmt eq \"png\") { set terminal pngcairo size 1100,600 "
        "font \",10\" noenhanced } else { set terminal svg size "
        "1100,600 font \",10\" noenhanced }\n"
        "  set output dir . \"/overlay-%s.\" . fmt\n"
        "  if (sim eq \"\") {\n"
        "    plot for [i=1:nchan] obs skip 1 every nchan::(i-1) using 1:(%s)"
        " with steps lw 2 lc rgb chancolour(i) title word(channels, i) . "
        "\" observed\"\n"
        "  } else {\n"
        "    plot for [i=1:nchan] obs skip 1 every nchan::(i-1) using 1:(%s)"
        " with steps lw 2 lc rgb chancolour(i) title word(channels, i) . "
        "\" observed\", \\\n"
        "         for [i=1:nchan] sim skip 1 every nchan::(i-1) using 1:(%s)"
        " with lines lw 1.5 dt 2 lc rgb chancolour(i) title word(channels, "
        "i) . \" simulated\"\n"
        "  }\n"
        "  unset output\n"
        "}\n",
        ylabel, title, name, obs_using, obs_using, sim_using);
}

/* write_script - dir/overlay.gp */
static int write_script(const char *path, const struct fit_sum *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    char name[QC_CHAN_NAME_MAX];
    fprintf(f, "# overlay.gp - written by qchan fit: the log's day per "
               "channel, and a simulated\n# replay over it.  Run: gnuplot "
               "-e \"sim='RUN/series.csv'\" overlay.gp\n"
               "if (!exists(\"dir\")) dir = \".\"\n"
               "if (!exists(\"sim\")) sim = \"\"\n"
               "label = \"qchan fit\"\nobs = dir . \"/observed.csv\"\n"
               "sample = %.6g\nchannels = \"", s->sample);
    for (int c = 0; c < s->nchan; c++)
        fprintf(f, "%s%s", c ? " " : "", qc_channel_name(c, name));
    fputs("\"\nnchan = words(channels)\n"
          "colours = \"#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b "
          "#e377c2 #7f7f7f #bcbd22 #17becf #393b79 #637939 #8c6d31 #843c39 "
          "#7b4173\"\n"
          "chancolour(i) = word(colours, (i - 1) % words(colours) + 1)\n"
          "set datafile separator \",\"\nset key outside right top box "
          "opaque\nset grid\nset border 3\nset tics nomirror\n"
          "set yrange [0:*]\nset xlabel \"time since the start of the hour "
          "of the log's first line (s)\"\n", f);
    one_plot(f, "throughput", "throughput per channel",
             "attempts answered per second",
             "($3 + $4 + $5) / sample", "$11 > 0 ? ($3 + $4 + $5) / $11 : NaN");
    one_plot(f, "inflight", "deliveries in flight per channel",
             "deliveries in flight", "$6", "$6");
    return fclose(f) == 0 ? 0 : -1;
}

/* fit_plot - the script, and the pictures when gnuplot is there */
int fit_plot(const char *dir, const char *simdir, const struct fit_sum *s,
             char *note, size_t cap)
{
    char script[4200], log[4200], vars[8800];
    snprintf(script, sizeof script, "%.4000s/overlay.gp", dir);
    if (write_script(script, s) < 0) {
        snprintf(note, cap, "cannot write %s", script);
        return -1;
    }
    if (!path_has_program("gnuplot")) {
        snprintf(note, cap, "no pictures: gnuplot is not installed "
                 "(apt-get install gnuplot-nox); %s is ready for it", script);
        return 1;
    }
    if (strchr(dir, '\'') || (simdir && strchr(simdir, '\''))) {
        snprintf(note, cap, "no pictures: a path contains \"'\"");
        return -1;
    }
    snprintf(vars, sizeof vars, "dir='%.4000s'; sim='%.4000s%s'", dir,
             simdir ? simdir : "", simdir ? "/series.csv" : "");
    snprintf(log, sizeof log, "%.4000s/gnuplot.log", dir);
    if (fit_gnuplot(script, vars, log, note, cap) < 0)
        return -1;
    snprintf(note, cap, "pictures: %s/overlay-throughput.png, "
             "%s/overlay-inflight.png (and .svg)", dir, dir);
    return 0;
}

/* fit_gnuplot - run gnuplot -e vars script, its words into log */
int fit_gnuplot(const char *script, const char *vars, const char *log,
                char *note, size_t cap)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(note, cap, "no pictures: cannot fork");
        return -1;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
        snprintf(note, cap, "gnuplot failed; see %s", log);
        return -1;
    }
    return 0;
}
