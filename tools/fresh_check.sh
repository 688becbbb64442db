#!/bin/bash
# fresh_check.sh - the README's two commands from a clean clone, in
# either order (make fresh-check).
#
#   tools/fresh_check.sh [--work DIR] [--chroot BASE] [--orders "sim,check check,sim"]
#
# For each order it clones this repository's HEAD into DIR/ORDER (default
# DIR build/fresh) and runs the README's commands there one after the
# other: `make sim SCENARIO=burst` must succeed (every expect holds),
# drain its 10,000 messages (summary.json) and leave its pictures, and
# `make check` must pass.
# Each step's transcript is kept in DIR/ORDER.STEP.log; a failing step's
# tail is printed.
#
# With --chroot BASE (a Debian tree made by `debootstrap --variant=minbase
# bookworm BASE`; needs root) each order runs in its own copy of BASE,
# with only make and the clone added: the commands themselves must
# install every other package.  Without it the clones build on this
# machine, with the packages it has: that proves the commands' order and
# a clean tree, not the installation.
#
# Exit: 0 every order passed, 1 a step failed, 2 the check could not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=build/fresh chroot_base= orders="sim,check check,sim"
while [ $# -gt 0 ]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --chroot) chroot_base=$2; shift 2 ;;
    --orders) orders=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case $work in /*) ;; *) work=$root/$work ;; esac

if [ -n "$chroot_base" ]; then
  [ "$(id -u)" = 0 ] || { echo "fresh-check: --chroot needs root" >&2; exit 2; }
  [ -x "$chroot_base/bin/sh" ] && [ -d "$chroot_base/var/lib/dpkg" ] || {
    echo "fresh-check: $chroot_base is not a Debian tree (debootstrap" \
         "--variant=minbase bookworm $chroot_base)" >&2; exit 2; }
fi

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[i]}" 2>/dev/null
  done
}
trap cleanup EXIT

# in_tree CMD - run CMD (a shell line) in the clone, directly or inside
# the chroot around it
in_tree() {
  if [ -n "$chroot_base" ]; then
    chroot "$top" /usr/bin/env -i HOME=/root TERM=dumb \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      /bin/sh -c "cd /root/qchan && $1"
  else
    (cd "$clone" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS /bin/sh -c "$1")
  fi
}

# prepare ORDER - a clean clone (in a fresh copy of the chroot): sets
# top (the order's directory) and clone (the clone in it)
prepare() {
  top=$work/$1
  # never remove a tree with something mounted in it (/dev is bound in)
  if grep -qF " $top/" /proc/mounts 2>/dev/null; then
    echo "fresh-check: $top has mounts left (umount them first)" >&2
    return 1
  fi
  rm -rf "$top"
  mkdir -p "$work"
  if [ -n "$chroot_base" ]; then
    cp -a "$chroot_base" "$top" || return 1
    cp /etc/resolv.conf "$top/etc/resolv.conf"
    mount -t proc proc "$top/proc" && mounted+=("$top/proc") || return 1
    mount --rbind /dev "$top/dev" && mounted+=("$top/dev") || return 1
    git clone -q "$root" "$top/root/qchan" || return 1
    chroot "$top" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive sh -c \
      'apt-get update -qq && apt-get install -y -qq make' \
      >"$top/root/qchan.make.log" 2>&1 || {
        tail -20 "$top/root/qchan.make.log"; return 1; }
    clone=$top/root/qchan
  else
    clone=$top
    git clone -q "$root" "$clone" || return 1
  fi
}

# step NAME - one README command in the clone, checked
step() {
  local name=$1 log=$work/$order.$1.log rc
  local t0=$SECONDS
  case $name in
    sim) in_tree "make sim SCENARIO=burst" >"$log" 2>&1 ;;
    check) in_tree "make check" >"$log" 2>&1 ;;
  esac
  rc=$?
  # make sim's exit 0 says every expect held; the summary says it drained
  if [ $rc = 0 ] && [ "$name" = sim ]; then
    [ -s "$clone/build/sim/burst/queue.svg" ] &&
      [ -s "$clone/build/sim/burst/queue.png" ] &&
      /usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if s["drained"] and s["messages"] == 10000 else 1)' \
        "$clone/build/sim/burst/summary.json" || rc=1
  fi
  if [ $rc != 0 ]; then
    echo "fresh-check: order $order: make $name FAILED (exit $rc; $log):"
    tail -30 "$log"
    return 1
  fi
  echo "fresh-check: order $order: make $name ok ($((SECONDS - t0)) s)"
}

fail=0
for order in $orders; do
  prepare "$order" || { echo "fresh-check: cannot prepare $order" >&2; exit 2; }
  for name in ${order//,/ }; do
    step "$name" || { fail=1; break; }
  done
  cleanup; mounted=()
done
exit $fail
