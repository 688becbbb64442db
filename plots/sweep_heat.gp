# sweep_heat.gp - a two-setting sweep with goals: a heat map of the
# minimised figure (mean over the replications) over the grid, the
# region that meets every goal outlined, the chosen setting ringed.
# From sweep_goal.csv (i0, i1, value0, value1, figure_mean, figure_low,
# figure_high, feasible, chosen) and sweep_feasible.csv (the region's
# edges, x, y, dx, dy in grid cells).  qchan sweep (via -e) sets datadir,
# scenario, xname, yname (the settings), reps, figure, goals and chosen.
load plotdir . "/common.gp"
set title sprintf("%s: %s over the grid (mean of %d seeds)\noutlined: meets %s", \
    scenario, figure, reps, goals) noenhanced
set xlabel xname noenhanced
set ylabel yname noenhanced
set yrange [*:*]
set border 15
set tics out
set grid noxtics noytics
set key below box opaque noenhanced
set cblabel figure noenhanced
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b")
set autoscale xfix
set autoscale yfix
set offsets 0, 0, 0, 0
f = datadir . "/sweep_goal.csv"
set terminal pngcairo size 1000,750 font ",10"
set output datadir . "/sweep_heat.png"
plot f skip 1 using 1:2:5 with image notitle, \
     f skip 1 using 1:(NaN):xtic(3) with points notitle, \
     f skip 1 using (NaN):2:ytic(4) with points notitle, \
     datadir . "/sweep_feasible.csv" skip 1 using 1:2:3:4 with vectors \
       nohead lw 3 lc rgb "#d62728" title "meets every goal", \
     f skip 1 using 1:($9 > 0 ? $2 : NaN) with points pt 6 ps 3 lw 2.5 \
       lc rgb "#2ca02c" title (chosen eq "" ? "none chosen" : "chosen: " . chosen)
set terminal svg size 1000,750 font ",10"
set output datadir . "/sweep_heat.svg"
replot
