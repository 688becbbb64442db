# sweep_drain.gp - a sweep's drain time and p95 latency against the swept
# value, each with its 95% confidence interval over the replications,
# from sweep.csv.  qchan sweep (via -e) sets datadir, scenario, name (the
# setting), unit (its unit, for the axis), reps, chan (whose latency) and
# chosen (the chosen value, "" for none).
load plotdir . "/common.gp"
set title sprintf("%s: drain time against %s (%d seeds each, 95%% confidence interval)", scenario, name, reps)
set xlabel sprintf("%s (%s)", name, unit)
set ylabel "drain time (s)"
set y2label sprintf("p95 latency of %s (s)", chan)
set y2range [0:*]
set y2tics nomirror
set border 11
set offsets graph 0.02, graph 0.02, 0, 0
if (chosen ne "") {
  set arrow from real(chosen), graph 0 to real(chosen), graph 1 nohead dt 3 lw 1.5 lc rgb "#2ca02c"
}
set terminal @png_terminal
set output datadir . "/sweep_drain.png"
plot datadir . "/sweep.csv" skip 1 using 1:2:3 with yerrorlines lw 2 pt 7 \
       lc rgb "#000000" title "drain time (mean, 95% CI)", \
     datadir . "/sweep.csv" skip 1 using 1:4:5 axes x1y2 with yerrorlines \
       lw 1.5 dt 2 pt 6 lc rgb "#9467bd" title sprintf("p95 latency of %s", chan), \
     datadir . "/sweep.csv" skip 1 using 1:($6 > 0 ? $2 : NaN) with points \
       pt 2 ps 2 lw 2 lc rgb "#d62728" title "a limit was hit", \
     datadir . "/sweep.csv" skip 1 using 1:($7 > 0 ? $2 : NaN) with points \
       pt 4 ps 2.5 lw 2 lc rgb "#2ca02c" \
       title (chosen eq "" ? "no value chosen" : sprintf("chosen: %s=%s", name, chosen))
set terminal @svg_terminal
set output datadir . "/sweep_drain.svg"
replot
