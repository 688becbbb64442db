#!/bin/sh
# install.sh - put qchan's daemons into a qmail home (make install).
#
#	daemons/install.sh BUILDBIN BINDIR FORCE
#
# Copies the programs of BUILDBIN into BINDIR with qmail's modes (hier.c):
#	qmail-send, qmail-todo	0711 root:qmail	(qmail's own names)
#	qchan-start		0700 root:qmail	(as qmail-start)
#	qchan-queue		04711 qmailq:qmail (as qmail-queue: it writes
#				the queue as qmailq for whoever runs it)
#	qchan-clean		0711 root:qmail	(as qmail-clean)
#	fakespawn, qchan	0755 root:qmail	(tools)
# Owners are set only when running as root and the users and the group
# exist; otherwise it says so and leaves the files the installer's.
#
# qmail-send and qmail-todo replace qmail's programs.  An existing file
# that is not qchan's (every qchan program reads QCHAN_HOME; qmail's do
# not) is an original:
# it is kept unless FORCE is 1, and then moved to NAME.qmail-orig (never
# over an earlier NAME.qmail-orig), so `mv NAME.qmail-orig NAME` switches
# back.  Exit 0 done, 1 refused or failed.
set -e
buildbin=$1 bindir=$2 force=$3
[ -n "$buildbin" ] && [ -n "$bindir" ] || {
    echo "usage: install.sh BUILDBIN BINDIR FORCE" >&2; exit 1; }

owners=no
if [ "$(id -u)" = 0 ] && getent group qmail >/dev/null &&
   getent passwd root >/dev/null && getent passwd qmailq >/dev/null; then
    owners=yes
fi

ours() { grep -q 'QCHAN_HOME' "$1" 2>/dev/null; }

# refuse before touching anything
for name in qmail-send qmail-todo; do
    t=$bindir/$name
    if [ -e "$t" ] && ! ours "$t" && [ "$force" != 1 ]; then
        echo "install: $t is not qchan's (qmail's original?); not" \
             "overwriting it. FORCE=1 keeps it as $t.qmail-orig" >&2
        exit 1
    fi
done

mkdir -p "$bindir"
put() {   # name mode owner
    name=$1 mode=$2 owner=$3 t=$bindir/$1
    if [ "${name#qmail-}" != "$name" ] && [ -e "$t" ] && ! ours "$t"; then
        if [ -e "$t.qmail-orig" ]; then
            echo "install: $t.qmail-orig exists already: keeping it," \
                 "replacing $t" >&2
        else
            mv "$t" "$t.qmail-orig"
            echo "install: kept the original as $t.qmail-orig"
        fi
    fi
    rm -f "$t.new"
    cp "$buildbin/$name" "$t.new"
    if [ $owners = yes ]; then chown "$owner:qmail" "$t.new"; fi
    chmod "$mode" "$t.new"
    mv -f "$t.new" "$t"
    echo "install: $t $mode"
}
put qmail-send 0711 root
put qmail-todo 0711 root
put qchan-start 0700 root
put qchan-queue 4711 qmailq
put qchan-clean 0711 root
put fakespawn 0755 root
put qchan 0755 root
if [ $owners = no ]; then
    echo "install: owners not set (needs root and qmail's users and group" \
         "qmail, qmailq): the files belong to $(id -un)"
fi
