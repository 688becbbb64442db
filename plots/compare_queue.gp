# compare_queue.gp - messages waiting in each channel's queue, one line
# per channel and variant, from each variant's series.csv.
load plotdir . "/compare_common.gp"
set title sprintf("%s: queue depth per channel, %s (line style: variant)", scenario, vnames)
set ylabel "messages queued"
set terminal @png_terminal
set output datadir . "/compare_queue.png"
plot for [v=1:nvar] for [k=1:nused] vfile(v) skip 1 every nchan::(ch(k)-1) \
       using (logtime($1)):8 with steps lw 2 dt v \
       lc rgb chancolour(ch(k)) title word(channels, ch(k)) . ", " . vlabel(v)
set terminal @svg_terminal
set output datadir . "/compare_queue.svg"
replot
