# daemons/install.mk - make install [DESTDIR=DIR] [QMAIL_HOME=/var/qmail]
#                      [FORCE=1]
#
# Puts qmail-send and qmail-todo (under qmail's names) and qchan-start,
# qchan-queue, qchan-clean, fakespawn and qchan into
# $(DESTDIR)$(QMAIL_HOME)/bin with qmail's modes and, as root when
# qmail's users exist, owners (daemons/install.sh).  An original
# qmail-send or qmail-todo is kept: install refuses to overwrite it
# unless FORCE=1, which moves it to NAME.qmail-orig.  docs/install.md
# shows switching an installation over and back.  QMAIL_HOME (with
# CONF_SPLIT and CONF_BIGTODO) is compiled into the programs
# (daemons/module.mk): the set-id qchan-queue knows no other queue.
DESTDIR ?=
FORCE ?=

.PHONY: install
## install: the programs into $(DESTDIR)$(QMAIL_HOME)/bin (and the manual pages)
install: $(QD_PROGRAMS) $(BUILD)/bin/qchan
	@sh daemons/install.sh $(BUILD)/bin '$(DESTDIR)$(QMAIL_HOME)/bin' '$(FORCE)'
