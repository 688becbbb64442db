# compare_throughput.gp - deliveries per second per channel, one line per
# channel and variant, from each variant's series.csv.
load plotdir . "/compare_common.gp"
set title sprintf("%s: throughput per channel, %s (line style: variant)", scenario, vnames)
set ylabel "deliveries completed per second"
set terminal @png_terminal
set output datadir . "/compare_throughput.png"
plot for [v=1:nvar] for [k=1:nused] vfile(v) skip 1 every nchan::(ch(k)-1) \
       using (logtime($1)):($11 > 0 ? $3 / $11 : NaN) with lines lw 2 dt v \
       lc rgb chancolour(ch(k)) title word(channels, ch(k)) . ", " . vlabel(v)
set terminal @svg_terminal
set output datadir . "/compare_throughput.svg"
replot
