# sweep_goal.gp - a one-setting sweep with goals: the minimised figure
# against the setting, with its 95% interval over the replications; the
# settings that meet every goal filled, the others open, the chosen one
# ringed.  From sweep_goal.csv (i0, value, figure_mean, figure_low,
# figure_high, feasible, chosen).  qchan sweep (via -e) sets datadir,
# scenario, name (the setting), unit, reps, figure (the minimised
# metric's name), goals (the goals, "; "-separated) and chosen ("" none).
load plotdir . "/common.gp"
set title sprintf("%s: %s against %s (%d seeds each, 95%% interval)\ngoals: %s", \
    scenario, figure, name, reps, goals) noenhanced
set xlabel sprintf("%s (%s)", name, unit) noenhanced
set ylabel figure noenhanced
set yrange [*:*]
set key outside right top box opaque noenhanced
set offsets 0.5, 0.5, graph 0.05, graph 0.05
set xtics () noenhanced
set terminal pngcairo size 1100,600 font ",10"
set output datadir . "/sweep_goal.png"
f = datadir . "/sweep_goal.csv"
plot f skip 1 using 1:3:4:5:xtic(2) with yerrorbars lw 1.5 pt 6 ps 1.2 \
       lc rgb "#7f7f7f" title "mean, 95% interval", \
     f skip 1 using 1:($6 > 0 ? $3 : NaN) with points pt 7 ps 1.4 \
       lc rgb "#1f77b4" title "meets every goal", \
     f skip 1 using 1:($6 > 0 ? NaN : $3) with points pt 2 ps 1.4 lw 2 \
       lc rgb "#d62728" title "misses a goal", \
     f skip 1 using 1:($7 > 0 ? $3 : NaN) with points pt 4 ps 3 lw 2 \
       lc rgb "#2ca02c" title (chosen eq "" ? "none chosen" : "chosen: " . chosen)
set terminal svg size 1100,600 font ",10"
set output datadir . "/sweep_goal.svg"
replot
