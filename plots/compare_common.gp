# compare_common.gp - what every compare picture shares.
#
# Loaded by compare_*.gp.  qchan compare (via -e) sets, besides what
# common.gp needs (datadir, scenario, channels):
#   nvar            the number of variants
#   dir1, dir2 ...  each variant's subdirectory of datadir (series.csv)
#   label1 ...      "A: concurrencyremote=20"
#   used            channel numbers (1-based) that carried mail: "2 3"
# and for a replay its clock (origin, window_from, window_to), which
# common.gp draws the time axis with as it does for qchan run.
# The channel gives the colour (common.gp's palette, the same in every
# picture); the variant gives the dash pattern: A solid, B dashed, ...
load plotdir . "/common.gp"
png_terminal = terminal("pngcairo", 1200, 650)
svg_terminal = terminal("svg", 1200, 650)
vfile(v) = datadir . "/" . value(sprintf("dir%d", v)) . "/series.csv"
vlabel(v) = value(sprintf("label%d", v))
ch(k) = int(word(used, k))
nused = words(used)
vnames = ""
do for [v=1:nvar] { vnames = vnames . (v > 1 ? " vs " : "") . value(sprintf("dir%d", v)) }
