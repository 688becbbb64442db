# inflight.gp - deliveries in flight per channel (solid) against the
# channel's limit in force (dashed) from series.csv.
load plotdir . "/common.gp"
set title sprintf("%s: deliveries in flight against the limit", label) noenhanced
set ylabel "deliveries in flight"
set terminal pngcairo size 1100,600 font ",10"
set output datadir . "/inflight.png"
plot for [i=1:nchan] datadir . "/series.csv" skip 1 every nchan::(i-1) \
       using 1:6 with steps lw 2 lc rgb chancolour(i) \
       title word(channels, i) . " in flight", \
     for [i=1:nchan] datadir . "/series.csv" skip 1 every nchan::(i-1) \
       using 1:7 with steps lw 1 dt 2 lc rgb chancolour(i) \
       title word(channels, i) . " limit"
set terminal svg size 1100,600 font ",10"
set output datadir . "/inflight.svg"
replot
