# daemons/ - the production daemons and their tools.
#
# libqchandaemons.a holds what the programs share (settings, queue paths,
# I/O helpers, signals, queue creation); each program is its own files:
#   qmail-send   daemons/send_*.c      qmail-todo   daemons/todo_*.c
#   qchan-start  daemons/qchan_start.c qchan-queue  daemons/qchan_queue.c
#   qchan-clean  daemons/qchan_clean.c fakespawn    daemons/fakespawn_main.c
INC_daemons = $(INC_fakespawn) -Idaemons
QD_LIB := $(BUILD)/libqchandaemons.a
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
