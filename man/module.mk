# man/ - the manual pages (mdoc): qchan(1), qchan-scenario(5), and the
# daemons' and tools' pages in section 8.
#
# make man-check (part of make check): every page lints clean (mandoc
# -Tlint -W warning, groff -mandoc -ww -z) and names every option of its
# programs' --help (tools/man_check.py).  make install puts the pages
# under $(DESTDIR)$(MANDIR)/manN.
MAN_PAGES := $(wildcard man/*.[1-8])
MANDIR ?= $(PREFIX)/share/man

.PHONY: man-check install-man
## man-check: lint the manual pages and check they name every --help option
man-check: $(PROGRAMS)
	@$(PYTHON) tools/man_check.py --bin $(BUILD)/bin --man man

install: install-man
## install-man: the manual pages under $(DESTDIR)$(MANDIR)
install-man:
	@set -e; for p in $(MAN_PAGES); do d='$(DESTDIR)$(MANDIR)'/man$${p##*.}; \
	  mkdir -p "$$d"; cp "$$p" "$$d/"; chmod 0644 "$$d/$${p##*/}"; \
	  echo "install: $$d/$${p##*/}"; done
