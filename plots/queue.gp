# queue.gp - messages waiting in each channel's queue (due or not, not
# yet taken by a pass) from series.csv.
load plotdir . "/common.gp"
set title sprintf("%s: queue depth per channel", label)
set ylabel "messages queued"
set terminal @png_terminal
set output datadir . "/queue.png"
plot for [i=1:nchan] seriesfile(i) skip 1 using (logtime($1)):6 with steps lw 2 \
       lc rgb chancolour(i) title word(channels, i)
set terminal @svg_terminal
set output datadir . "/queue.svg"
replot
