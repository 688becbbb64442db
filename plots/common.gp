# common.gp - what every qchan picture shares.
#
# Loaded by the other scripts.  The caller (qchan run, via -e) sets:
#   datadir   the run's output directory (series.csv, fds.csv; pictures go
#             there too)
#   scenario  the scenario's name, for titles
#   variant   a label for the run ("" for a plain run; compare sets it)
#   channels  channel names in channel order: "local remote suppl0 ..."
#   nproc     rows per sample in fds.csv
# Channel colours are fixed by channel number, so "remote" has the same
# colour in every picture of every run.
colours = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 " . \
          "#7f7f7f #bcbd22 #17becf #393b79 #637939 #8c6d31 #843c39 #7b4173"
chancolour(i) = word(colours, (i - 1) % words(colours) + 1)
nchan = words(channels)
label = (variant eq "") ? scenario : scenario . " (" . variant . ")"
set datafile separator ","
set key outside right top box opaque
set grid
set xlabel "simulated time (s)"
set yrange [0:*]
set border 3
set tics nomirror
