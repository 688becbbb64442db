# compare_inflight.gp - deliveries in flight per channel, one line per
# channel and variant, from each variant's series.csv (the plateau of a
# line is its variant's limit).
load plotdir . "/compare_common.gp"
set title sprintf("%s: deliveries in flight per channel, %s (line style: variant)", scenario, vnames)
set ylabel "deliveries in flight"
set terminal @png_terminal
set output datadir . "/compare_inflight.png"
plot for [v=1:nvar] for [k=1:nused] vfile(v) skip 1 every nchan::(ch(k)-1) \
       using (logtime($1)):6 with steps lw 2 dt v \
       lc rgb chancolour(ch(k)) title word(channels, ch(k)) . ", " . vlabel(v)
set terminal @svg_terminal
set output datadir . "/compare_inflight.svg"
replot
