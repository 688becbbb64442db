#!/bin/bash
# layer_check.sh BUILD - fail when a layer's archive calls a layer above
# it, or a host calls another host.
#
# The layers, lowest first (docs/architecture.md):
#   lib < core < fakespawn < sim, fit, daemons
# cli is the top (the qchan program), so nothing can call it from an
# archive.  For each archive, every symbol it leaves undefined (nm -u)
# must not be defined by an archive of its own rank or higher other than
# itself.  gcc-nm reads the link-time-optimisation objects of the
# default build as well as plain ones.
set -euo pipefail
build=${1:-build}
nm=${NM:-gcc-nm}

# rank archive: the archives in order; peers share a rank
ranks=(
  "0 libqchanutil.a"
  "1 libqchancore.a"
  "2 libqchanfake.a"
  "3 libqchansim.a"
  "3 libqchanfit.a"
  "3 libqchandaemons.a"
)
declare -A layer=(
  [libqchanutil.a]=lib [libqchancore.a]=core [libqchanfake.a]=fakespawn
  [libqchansim.a]=sim [libqchanfit.a]=fit [libqchandaemons.a]=daemons
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for e in "${ranks[@]}"; do
  a=${e#* }
  [ -f "$build/$a" ] || { echo "layer_check: no $build/$a (build first)" >&2; exit 2; }
  "$nm" --defined-only "$build/$a" 2>/dev/null |
    awk 'NF == 3 && $2 ~ /^[TDBRCVW]$/ { print $3 }' | sort -u >"$tmp/$a.def"
  "$nm" -u "$build/$a" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u >"$tmp/$a.und"
done

bad=0
for e in "${ranks[@]}"; do
  r=${e%% *}; a=${e#* }
  for f in "${ranks[@]}"; do
    r2=${f%% *}; b=${f#* }
    [ "$a" = "$b" ] && continue
    [ "$r2" -lt "$r" ] && continue
    up=$(comm -12 "$tmp/$a.und" "$tmp/$b.def")
    if [ -n "$up" ]; then
      what=$([ "$r2" = "$r" ] && echo "its peer" || echo "the higher layer")
      echo "layer_check: ${layer[$a]} ($a) calls $what ${layer[$b]}:" \
           $(echo "$up" | head -8 | tr '\n' ' ')
      bad=1
    fi
  done
done
[ "$bad" = 0 ] && echo "layers: lib < core < fakespawn < sim, fit, daemons: no upward or sideways calls"
exit "$bad"
