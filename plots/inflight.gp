# inflight.gp - deliveries in flight per channel (solid) against the
# channel's limit in force (dashed) from series.csv.
load plotdir . "/common.gp"
set title sprintf("%s: deliveries in flight against the limit", label)
set ylabel "deliveries in flight"
set terminal @png_terminal
set output datadir . "/inflight.png"
plot for [i=1:nchan] seriesfile(i) skip 1 using (logtime($1)):4 with steps lw 2 \
       lc rgb chancolour(i) title word(channels, i) . " in flight", \
     for [i=1:nchan] seriesfile(i) skip 1 using (logtime($1)):5 with steps lw 1 dt 2 \
       lc rgb chancolour(i) title word(channels, i) . " limit"
set terminal @svg_terminal
set output datadir . "/inflight.svg"
replot
