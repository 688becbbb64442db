# advise_p95.gp - qchan advise: each channel's p95 latency in the current
# configuration and in the proposed one, with 95% intervals over the
# replications (the same seeds for both).  From advise.csv (i, channel,
# current_mean, current_low, current_high, proposed_mean, proposed_low,
# proposed_high).  qchan advise (via -e) sets datadir, scenario, reps
# and proposal (what is proposed, or that the current is best).
load plotdir . "/common.gp"
set title sprintf("%s: p95 latency per channel, current and proposed (%d seeds, 95%% interval)\nproposal: %s", \
    scenario, reps, proposal) noenhanced
set xlabel "channel"
set ylabel "p95 latency (s)"
set key outside right top box opaque noenhanced
set offsets 0.5, 0.5, 0, graph 0.05
set xtics () noenhanced
set terminal pngcairo size 1000,560 font ",10"
set output datadir . "/advise_p95.png"
f = datadir . "/advise.csv"
plot f skip 1 using ($1 - 0.12):3:4:5:xtic(2) with yerrorbars pt 7 ps 1.3 \
       lw 1.5 lc rgb "#7f7f7f" title "current", \
     f skip 1 using ($1 + 0.12):6:7:8 with yerrorbars pt 5 ps 1.3 lw 1.5 \
       lc rgb "#1f77b4" title "proposed"
set terminal svg size 1000,560 font ",10"
set output datadir . "/advise_p95.svg"
replot
