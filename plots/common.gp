# common.gp - what every qchan picture shares.
#
# Loaded by the other scripts.  The caller (qchan run, through a pipe) sets:
#   datadir   the run's output directory (the pictures go there)
#   plotdata  the directory of the pictures' data: one file per line
#             drawn, which qchan run writes from series.csv and fds.csv
#             and removes after drawing (sim/sim_plot.c):
#               series-N.csv  channel N: time, delivered per second,
#                             deferred+failed per second, in flight,
#                             limit, queued
#               fds-N.csv     process N (qmail-send, qmail-todo, then
#                             each channel's spawner): time, descriptors
#             A series longer than a picture shows (about a pixel per
#             sample) has its samples merged: counts summed into the rates,
#             levels at their maximum, so no peak is lost.
#   scenario  the scenario's name, for titles
#   variant   a label for the run ("" for a plain run; compare sets it)
#   channels  channel names in channel order: "local remote suppl0 ..."
# and may set:
#   origin            the run's time 0 on a log's clock (Unix seconds; a
#                     scenario's `clock` line): the time axis shows that
#                     clock (UTC), through logtime($1) in every time plot
#   window_from, window_to
#                     the observed window (seconds after time 0), shaded
#
# Enhanced text is off in every picture, here and only here (the
# terminals below): titles and keys hold names such as FD_SETSIZE and
# spawn-suppl0, never markup.  Scripts draw with
#   set terminal @png_terminal ... set terminal @svg_terminal
# Channel colours are fixed by channel number, so "remote" has the same
# colour in every picture of every run.
seriesfile(i) = sprintf("%s/series-%d.csv", plotdata, i)
fdsfile(i) = sprintf("%s/fds-%d.csv", plotdata, i)
terminal(kind, w, h) = sprintf("%s size %d,%d font \",10\" noenhanced", kind, w, h)
png_terminal = terminal("pngcairo", 1100, 600)
svg_terminal = terminal("svg", 1100, 600)
colours = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 " . \
          "#7f7f7f #bcbd22 #17becf #393b79 #637939 #8c6d31 #843c39 #7b4173"
chancolour(i) = word(colours, (i - 1) % words(colours) + 1)
nchan = words(channels)
label = (variant eq "") ? scenario : scenario . " (" . variant . ")"
set datafile separator ","
set key outside right top box opaque
set grid
if (!exists("origin")) origin = 0
logtime(x) = x + origin
if (origin > 0) {
  set xdata time
  set format x "%H:%M:%S"
  set xlabel sprintf("log time (UTC) from %s%s", \
    strftime("%Y-%m-%d %H:%M:%S", origin), \
    exists("window_from") ? "; shaded: the observed window" : "")
} else {
  set xlabel "simulated time (s)"
}
if (exists("window_from")) {
  set object 1 rect from logtime(window_from), graph 0 to logtime(window_to), graph 1 \
    fc rgb "#eeeeee" fs solid 1.0 noborder behind
}
set yrange [0:*]
set border 3
set tics nomirror
