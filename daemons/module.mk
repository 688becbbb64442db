# daemons/ - the production daemons and their tools.
#
# libqchandaemons.a holds what the programs share (settings, queue paths,
# I/O helpers, signals, queue creation); each program is its own files:
#   qmail-send   daemons/send_*.c      qmail-todo   daemons/todo_*.c
#   qchan-start  daemons/qchan_start.c qchan-queue  daemons/qchan_queue.c
#   qchan-clean  daemons/qchan_clean.c fakespawn    daemons/fakespawn_main.c
INC_daemons = $(INC_fakespawn) -Idaemons
QD_LIB := $(BUILD)/libqchandaemons.a

# The installation's layout, fixed at build time as qmail's conf-qmail
# and conf-split are: make [QMAIL_HOME=/var/qmail] [CONF_SPLIT=23]
# [CONF_BIGTODO=0].  They are every program's defaults and all a set-id
# program uses (qd_env.h); make install puts the programs in
# $(QMAIL_HOME)/bin.  qd_conf.h is rewritten only when a value changes,
# so a changed value rebuilds what depends on it and nothing else.
QMAIL_HOME ?= /var/qmail
CONF_SPLIT ?= 23
CONF_BIGTODO ?= 0
QD_CONF_H := $(BUILD)/conf/qd_conf.h

##- qd-conf-always (regenerates the settings header when they change)
.PHONY: qd-conf-always
$(QD_CONF_H): qd-conf-always
	@mkdir -p $(dir $@)
	@case '$(QMAIL_HOME)' in /*) ;; *) echo "QMAIL_HOME=$(QMAIL_HOME):" \
	  "expected an absolute path" >&2; exit 1;; esac; \
	case '$(QMAIL_HOME)' in *[\"\\]*) echo "QMAIL_HOME=$(QMAIL_HOME):" \
	  "a quote or backslash in the path" >&2; exit 1;; esac; \
	case '$(CONF_SPLIT)' in ''|*[!0-9]*) echo "CONF_SPLIT=$(CONF_SPLIT):" \
	  "expected a number from 1 to 1000000" >&2; exit 1;; esac; \
	case '$(CONF_BIGTODO)' in 0|1) ;; *) echo "CONF_BIGTODO=$(CONF_BIGTODO):" \
	  "expected 0 or 1" >&2; exit 1;; esac; \
	printf '%s\n' '/* qd_conf.h - written by daemons/module.mk */' \
	  '#define QD_CONF_HOME "$(QMAIL_HOME)"' \
	  '#define QD_CONF_SPLIT $(CONF_SPLIT)' \
	  '#define QD_CONF_BIGTODO $(CONF_BIGTODO)' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/obj/daemons/qd_env.o: $(QD_CONF_H)
$(BUILD)/obj/daemons/qd_env.o: CFLAGS += -I$(BUILD)/conf
QD_LIB_SRC := $(wildcard daemons/qd_*.c)
HOST_LIBS := $(QD_LIB) $(HOST_LIBS)

$(QD_LIB): $(call obj,$(QD_LIB_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

QD_SEND_SRC := $(wildcard daemons/send_*.c)
QD_TODO_SRC := $(wildcard daemons/todo_*.c)

QD_PROGRAMS := $(BUILD)/bin/qmail-send $(BUILD)/bin/qmail-todo \
               $(BUILD)/bin/qchan-start $(BUILD)/bin/qchan-queue \
               $(BUILD)/bin/qchan-clean $(BUILD)/bin/fakespawn
PROGRAMS += $(QD_PROGRAMS)

# The programs link with the libraries they use, named here: HOST_LIBS
# grows as later fragments are read, after these rules' prerequisites
# were expanded.
QD_LINK_LIBS := $(QD_LIB) $(FAKE_LIB)

# qd-link - link program $@ from objects $(1)
qd-link = @mkdir -p $(dir $@); \
	$(CC) $(LDFLAGS) $(1) -o $@ $(QD_LINK_LIBS) $(CORE_LIB) $(LDLIBS)

$(BUILD)/bin/qmail-send: $(call obj,$(QD_SEND_SRC)) $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$(call obj,$(QD_SEND_SRC)))

$(BUILD)/bin/qmail-todo: $(call obj,$(QD_TODO_SRC)) $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$(call obj,$(QD_TODO_SRC)))

$(BUILD)/bin/qchan-%: $(BUILD)/obj/daemons/qchan_%.o $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$<)

$(BUILD)/bin/fakespawn: $(BUILD)/obj/daemons/fakespawn_main.o $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$<)

# build/testbin: the daemons as tests run them.  Its qmail-send and
# qmail-todo have the test-only clock knobs (QCHAN_TIME_SCALE,
# QCHAN_TIME_EPOCH) and memory knobs (QCHAN_ALLOC_FAIL,
# QCHAN_TODO_ALLOC_FAIL) compiled in: qd_clock.c and qd_alloc.c once
# more with -DQCHAN_TEST_KNOBS, linked before the library
# so the library's production clock is not pulled in.  The other
# programs are copies of bin/'s: qchan-start starts the siblings in its
# own directory.  make install takes bin/ only.
QD_TESTBIN := $(BUILD)/testbin
QD_CLOCK_KNOBS := $(BUILD)/obj/daemons/qd_clock-knobs.o
PROGRAMS += $(patsubst $(BUILD)/bin/%,$(QD_TESTBIN)/%,$(QD_PROGRAMS))

QD_CLOCK_KNOBS += $(BUILD)/obj/daemons/qd_alloc-knobs.o

$(BUILD)/obj/daemons/%-knobs.o: daemons/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_daemons) -DQCHAN_TEST_KNOBS -MMD -MP -c $< -o $@

$(QD_TESTBIN)/qmail-send: $(call obj,$(QD_SEND_SRC)) $(QD_CLOCK_KNOBS) $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$(call obj,$(QD_SEND_SRC)) $(QD_CLOCK_KNOBS))

$(QD_TESTBIN)/qmail-todo: $(call obj,$(QD_TODO_SRC)) $(QD_CLOCK_KNOBS) $(QD_LINK_LIBS) $(CORE_LIB)
	$(call qd-link,$(call obj,$(QD_TODO_SRC)) $(QD_CLOCK_KNOBS))

$(QD_TESTBIN)/%: $(BUILD)/bin/%
	@mkdir -p $(dir $@)
	cp -f $< $@

.PHONY: daemons
## daemons: build only the daemons and their tools
daemons: $(QD_PROGRAMS)

# the pattern rule above would make these intermediate and delete them
.SECONDARY: $(call obj,$(wildcard daemons/qchan_*.c) daemons/fakespawn_main.c)
include daemons/install.mk

# make crosscheck: the burst scenario through the simulator and through
# the daemons at a slower time scale than make check's (closer to the
# simulator's instantaneous queue operations; about 3 minutes)
.PHONY: crosscheck
## crosscheck: burst through the simulator and the daemons at a slower time scale (3 min)
crosscheck: all
	QCHAN_BUILD=$(BUILD) QCHAN_BURST_SCALE=20 $(PYTHON) -m pytest -q -s \
	  tests/e2e/test_sim_vs_daemons.py
