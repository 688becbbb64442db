# throughput.gp - deliveries per second per channel (successes, and all
# attempts that ended in the interval, dashed) from series.csv
# (common.gp: the data files).
load plotdir . "/common.gp"
set title sprintf("%s: throughput per channel", label)
set ylabel "deliveries completed per second"
set terminal @png_terminal
set output datadir . "/throughput.png"
plot for [i=1:nchan] seriesfile(i) skip 1 using (logtime($1)):2 with lines lw 2 \
       lc rgb chancolour(i) title word(channels, i) . " delivered", \
     for [i=1:nchan] seriesfile(i) skip 1 using (logtime($1)):3 with lines lw 1 dt 2 \
       lc rgb chancolour(i) title word(channels, i) . " deferred+failed"
set terminal @svg_terminal
set output datadir . "/throughput.svg"
replot
