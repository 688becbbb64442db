# sweep_fds.gp - the peak descriptors of each process (the highest over
# the replications, solid) and its limit (dashed) against the swept value,
# from sweep_fds.csv.  qchan sweep sets nprocs (rows per value), procs
# (their names), pchan (channel number + 1 of a spawner, 0 otherwise: the
# spawner takes its channel's colour), draw (the rows to draw), and one
# dashed line per distinct limit: nlims, limK (the row to draw it from),
# limtK (its legend), limcK (the row whose colour it takes, 0: dark grey).
load plotdir . "/common.gp"
greys = "#000000 #777777 #444444 #aaaaaa"
pcolour(j) = int(word(pchan, j)) > 0 ? chancolour(int(word(pchan, j))) : word(greys, (j - 1) % 4 + 1)
pj(k) = int(word(draw, k))
limcolour(g) = value(sprintf("limc%d", g)) > 0 ? pcolour(value(sprintf("limc%d", g))) : "#555555"
ndraw = words(draw)
set title sprintf("%s: peak descriptors per process against the limits, by %s", scenario, name)
set xlabel sprintf("%s (%s)", name, unit)
set ylabel "descriptors open at the peak"
set offsets graph 0.02, graph 0.02, graph 0.05, 0
set terminal @png_terminal
set output datadir . "/sweep_fds.png"
plot for [k=1:ndraw] datadir . "/sweep_fds.csv" skip 1 every nprocs::(pj(k)-1) \
       using 1:3 with linespoints lw 2 pt 7 lc rgb pcolour(pj(k)) \
       title word(procs, pj(k)) . " peak", \
     for [g=1:nlims] datadir . "/sweep_fds.csv" skip 1 \
       every nprocs::(value(sprintf("lim%d", g))-1) using 1:4 with lines \
       lw 1.5 dt 2 lc rgb limcolour(g) title value(sprintf("limt%d", g))
set terminal @svg_terminal
set output datadir . "/sweep_fds.svg"
replot
