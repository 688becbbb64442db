#!/bin/sh
# deps.sh - the Debian packages a make target needs, installed when missing
# (make deps-build before any compilation, make deps for make check).
#
#	tools/deps.sh PACKAGE...
#
# One dpkg-query answers for every package, so the step costs about a
# tenth of a second when everything is there (it runs before every build).
# Missing packages are installed with apt-get when run as root; as another
# user it prints the one apt-get line to run and exits 1.  Without
# dpkg-query (not a Debian system) it checks nothing and exits 0: the
# compiler then names what is missing.
command -v dpkg-query >/dev/null 2>&1 || exit 0
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" \
            2>/dev/null | awk '$2 == "ii" { print $1 }')
missing=
for p in "$@"; do
    printf '%s\n' "$installed" | grep -qxF "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing Debian packages; run as root:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq$missing
