# sim/ - the discrete-event simulator (libqchansim.a), used by `qchan run`.
INC_sim = $(INC_fakespawn) -Isim
SIM_SRC := $(wildcard sim/*.c)
SIM_LIB := $(BUILD)/libqchansim.a
HOST_LIBS := $(SIM_LIB) $(HOST_LIBS)

$(SIM_LIB): $(call obj,$(SIM_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# The pictures' gnuplot scripts: make install copies plots/*.gp into
# PLOTSDIR, and that path is compiled into sim_plot.c as where an
# installed qchan finds them (QCHAN_PLOTS overrides it; a qchan in its
# build tree uses the tree's plots/).  sim_conf.h is rewritten only when
# the value changes.
PLOTSDIR ?= $(PREFIX)/share/qchan/plots
# qchan-png.so (sim/preload/png_fast.c), preloaded into the gnuplot
# processes that draw the pictures: cheaper PNG encoding, same pixels.
# qchan finds it in its build tree's lib/ or in PNGLIBDIR after make
# install; without it the pictures are the same, drawn more slowly.  It
# runs inside gnuplot, so it is built without the sanitizers and LTO.
PNGLIBDIR ?= $(PREFIX)/lib/qchan
SIM_PNG_SO := $(BUILD)/lib/qchan-png.so
PROGRAMS += $(SIM_PNG_SO)
SIM_CONF_H := $(BUILD)/conf/sim_conf.h

$(SIM_PNG_SO): sim/preload/png_fast.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -g -fPIC -shared $< -o $@ -ldl -lpng16

##- sim-conf-always (regenerates the simulator's settings header when they change)
.PHONY: sim-conf-always install-plots
$(SIM_CONF_H): sim-conf-always
	@mkdir -p $(dir $@)
	@case '$(PLOTSDIR)' in /*) ;; *) echo "PLOTSDIR=$(PLOTSDIR):" \
	  "expected an absolute path" >&2; exit 1;; esac; \
	case '$(PLOTSDIR)' in *[\"\\]*) echo "PLOTSDIR=$(PLOTSDIR):" \
	  "a quote or backslash in the path" >&2; exit 1;; esac; \
	case '$(PNGLIBDIR)' in /*) ;; *) echo "PNGLIBDIR=$(PNGLIBDIR):" \
	  "expected an absolute path" >&2; exit 1;; esac; \
	case '$(PNGLIBDIR)' in *[\"\\]*) echo "PNGLIBDIR=$(PNGLIBDIR):" \
	  "a quote or backslash in the path" >&2; exit 1;; esac; \
	printf '%s\n' '/* sim_conf.h - written by sim/module.mk */' \
	  '#define SIM_CONF_PLOTS "$(PLOTSDIR)"' \
	  '#define SIM_CONF_PNGLIB "$(PNGLIBDIR)/qchan-png.so"' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/obj/sim/sim_plot.o: $(SIM_CONF_H)
$(BUILD)/obj/sim/sim_plot.o: CFLAGS += -I$(BUILD)/conf

install: install-plots
## install-plots: the pictures' gnuplot scripts under $(DESTDIR)$(PLOTSDIR), qchan-png.so in $(DESTDIR)$(PNGLIBDIR)
install-plots: $(SIM_PNG_SO)
	@set -e; d='$(DESTDIR)$(PLOTSDIR)'; mkdir -p "$$d"; \
	  for p in plots/*.gp; do cp "$$p" "$$d/"; chmod 0644 "$$d/$${p##*/}"; done; \
	  echo "install: $$d/*.gp"; d='$(DESTDIR)$(PNGLIBDIR)'; mkdir -p "$$d"; \
	  cp $(SIM_PNG_SO) "$$d/"; chmod 0644 "$$d/qchan-png.so"; \
	  echo "install: $$d/qchan-png.so"
