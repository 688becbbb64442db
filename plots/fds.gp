# fds.gp - descriptors open per process (qmail-send, qmail-todo, each
# channel's spawner) against nofile and FD_SETSIZE, from fds.csv.
# Spawners take their channel's colour.
load plotdir . "/common.gp"
set title sprintf("%s: descriptors per process against the limits", label)
set ylabel "descriptors open"
set yrange [0:*]
set terminal @png_terminal
set output datadir . "/fds.png"
plot fdsfile(1) skip 1 using (logtime($1)):2 with steps lw 2 \
       lc rgb "black" title "qmail-send", \
     fdsfile(2) skip 1 using (logtime($1)):2 with steps lw 2 \
       lc rgb "#999999" title "qmail-todo", \
     for [i=1:nchan] fdsfile(i + 2) skip 1 using (logtime($1)):2 with steps lw 2 \
       lc rgb chancolour(i) title "spawn-" . word(channels, i), \
     fdsetsize with lines lw 1 dt 2 lc rgb "#cc0000" \
       title sprintf("FD_SETSIZE %d", fdsetsize), \
     nofile with lines lw 1 dt 3 lc rgb "#000000" \
       title sprintf("nofile %d", nofile)
set terminal @svg_terminal
set output datadir . "/fds.svg"
replot
