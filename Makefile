# qchan - one entry point: build, sim, check, bench, fuzz.
#
# Each folder that builds code owns a fragment `<folder>/module.mk` that adds
# to the variables below; this file holds the rules they share.  A variant
# build (sanitizers) is the same tree compiled into another BUILD directory.

SHELL := /bin/bash
CC := gcc
BUILD ?= build
PYTHON := /usr/bin/python3
# make install: the programs go into $(QMAIL_HOME)/bin (daemons/install.mk),
# the manual pages and the pictures' gnuplot scripts under $(PREFIX)/share
PREFIX ?= /usr/local
SANFLAGS ?=
OPT ?= -O2
# Link-time optimisation in the default build: the core's small functions
# (queue, message table) inline into the scheduler and the hosts across
# files -- about a tenth fewer instructions in a big simulation
# (bench/RESULTS.md).  Variant builds (sanitizers) turn it off with LTO=.
LTO ?= -flto=auto
AR := gcc-ar
CFLAGS := -std=c11 -Wall -Wextra -Werror $(OPT) $(LTO) -g \
          -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(SANFLAGS)
LDFLAGS := $(SANFLAGS) $(OPT) $(LTO)
LDLIBS := -lgsl -lgslcblas -ljansson -lm

# Debian packages.  What building and drawing need (make, make sim, make
# install: `make deps-build`), and what the tests need on top (make check:
# `make deps`).  Each is installed when missing and run as root; as another
# user the step prints the one apt-get line and stops.
DEB_BUILD_PACKAGES := gcc make libgsl-dev gnuplot-nox libjansson-dev libpng-dev
DEB_PACKAGES := clang libclang-rt-14-dev libcunit1-dev python3-pytest \
                valgrind git mandoc groff parallel \
                slurm-wlm munge

# The layers, lowest first:  lib < core < fakespawn < sim, fit, daemons < cli
# A source sees only its own folder's headers and those of the layers
# below: each folder's fragment sets INC_<folder> (recursive `=`, read
# in any order), so an upward #include does not compile; `make layers`
# checks the archives for upward calls.
INC_core = $(INC_lib) -Icore
INC_tests = $(INC_cli) -Itests/unit

UTIL_SRC := $(wildcard lib/*.c)
UTIL_LIB := $(BUILD)/libqchanutil.a
CORE_SRC := $(wildcard core/*.c)
# the core and the utility layer under it: what every program links
CORE_LIB := $(BUILD)/libqchancore.a $(UTIL_LIB)
# Libraries other folders add, most dependent first (link order).
HOST_LIBS :=
PROGRAMS :=
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

.PHONY: all deps deps-build check check-slurm fresh-check unit unit-asan unit-valgrind e2e fuzz fuzz-check fuzz-long \
        sim bench clean regress golden docs-pictures help layers
## all: build the libraries and every program into $(BUILD) (the default)
all: $(CORE_LIB) programs

# make help: a line for each target, from the `## target: what` lines
# beside the rules in this file and the folders' fragments
## help: this list
help:
	@tools/make_help.sh Makefile $(sort $(wildcard */module.mk */*.mk))

# Libraries first (each prepends itself to HOST_LIBS), programs last.
include lib/module.mk
-include $(wildcard fakespawn/module.mk sim/module.mk daemons/module.mk fit/module.mk)
-include $(wildcard cli/module.mk bench/module.mk man/module.mk)

programs: $(PROGRAMS)

# Every compilation waits for the build's packages (checked once a make),
# and sees the include path of the folder its source is in (its layer).
$(BUILD)/obj/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_$(firstword $(subst /, ,$*))) -MMD -MP -c $< -o $@

$(BUILD)/libqchancore.a: $(call obj,$(CORE_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(HOST_LIBS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_tests) -MMD -MP -MF $@.d $< -o $@ $(LDFLAGS) $(HOST_LIBS) $(CORE_LIB) -lcunit $(LDLIBS)

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- tests
## deps-build: install the Debian packages the build needs (as root)
deps-build:
	@tools/deps.sh $(DEB_BUILD_PACKAGES)

## deps: install the Debian packages the build and the tests need (as root)
deps:
	@tools/deps.sh $(DEB_BUILD_PACKAGES) $(DEB_PACKAGES)

## unit: build and run the CUnit tests (tests/unit)
unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

## unit-asan: the unit tests built with AddressSanitizer and UBSan (build/asan)
unit-asan:
	$(MAKE) BUILD=build/asan OPT=-O1 LTO= \
	  SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" unit

## unit-valgrind: the unit tests under valgrind, leaks counted as errors
unit-valgrind: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
	  QCHAN_UNDER_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect,possible $$t; done

# make fresh-check: the README's two commands (make sim SCENARIO=burst,
# make check) from clean clones of HEAD in build/fresh, in both orders;
# FRESH_CHROOT=BASE runs each order in a copy of a debootstrapped Debian
# tree, where the commands must install their packages themselves
# (tools/fresh_check.sh --help).
# FRESH_ORDERS="sim,check" runs one order only (CI: its own clean clone
# already ran check, then sim).
FRESH_CHROOT ?=
FRESH_ORDERS ?= sim,check check,sim
## fresh-check: the README's commands from clean clones, in both orders
fresh-check:
	@tools/fresh_check.sh $(if $(FRESH_CHROOT),--chroot $(FRESH_CHROOT)) --orders "$(FRESH_ORDERS)"

# make layers: no archive calls a layer above it, no host calls another
# (tools/layer_check.sh; the include paths per folder stop most of it
# at compile time already)
## layers: check that no layer's archive calls a higher layer or a peer
layers: $(CORE_LIB) $(HOST_LIBS)
	@tools/layer_check.sh $(BUILD)

## e2e: the end-to-end tests (pytest, tests/e2e) on the built programs
e2e: all
	$(PYTHON) -m pytest -q tests/e2e

## check: everything CI runs: build, layers, unit (plain, asan, valgrind), fuzz, man, e2e, slurm
check: deps
	$(MAKE) all
	$(MAKE) layers
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) unit-valgrind
	$(MAKE) fuzz-check
	$(MAKE) man-check
	$(MAKE) e2e
	$(MAKE) check-slurm

## check-slurm: an emitted sweep on a one-node Slurm cluster the test starts and stops (about 50 s)
check-slurm: all
	$(PYTHON) -m pytest -q tests/slurm

# ---------------------------------------------------------------- fuzzing
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
# PROTO_RECORD_MAX: the decoders' record limit (10000) lowered, so that an
# over-long record is a few hundred bytes of input and not ten thousand
# bytes decoded twice per run (see core/proto.h)
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 \
               -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
               -Ilib -Icore -Ifakespawn -Isim -Ifit -I$(BUILD)/conf \
               -DPROTO_RECORD_MAX=500 \
               -fsanitize=address,undefined -fno-sanitize-recover=all

# The code the targets fuzz is compiled once, with the fuzzer's coverage
# instrumentation (-fsanitize=fuzzer-no-link keeps libFuzzer's main out),
# into one archive each target links: the utility layer, the core, and
# the scenario reader, spawner models and log fitting on top.  A target
# is its own file and includes only headers.
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(UTIL_SRC) $(CORE_SRC) \
              $(FAKE_SRC) $(SIM_SRC) $(FIT_SRC))
FUZZ_LIB := build/fuzz/libfuzzed.a

# The flags in a file rewritten only when they change: objects built
# with other flags (another PROTO_RECORD_MAX) are rebuilt, not mixed.
FUZZ_FLAGS := build/fuzz/cflags
##- fuzz-flags-always (rewrites build/fuzz/cflags when the flags change)
.PHONY: fuzz-flags-always
$(FUZZ_FLAGS): fuzz-flags-always
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_CFLAGS)' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

build/fuzz/obj/%.o: %.c $(FUZZ_FLAGS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# sim_plot.c includes the settings header sim/module.mk writes
build/fuzz/obj/sim/sim_plot.o: $(SIM_CONF_H)

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(FUZZ_FLAGS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -MMD -MP -MF $@.d \
	  $< $(FUZZ_LIB) -o $@ -lgsl -lgslcblas -lm

-include $(shell find build/fuzz -name '*.d' 2>/dev/null)

# ASan's quarantine at 16 MB instead of 256 (why: tools/fuzz_long.sh)
fuzz-run = set -e; for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	  mkdir -p build/fuzz/corpus/$$n; seed=tests/fuzz/corpus/$$n; \
	  echo "== fuzz $$n ($(1) s)"; \
	  ASAN_OPTIONS=$${ASAN_OPTIONS-quarantine_size_mb=16} \
	  $$f -max_total_time=$(1) -print_final_stats=0 build/fuzz/corpus/$$n \
	    $$( [ -d $$seed ] && echo $$seed ) 2>build/fuzz/$$n.log \
	    || { tail -40 build/fuzz/$$n.log; exit 1; }; done

## fuzz-check: each fuzz target for 5 seconds (part of check)
fuzz-check: $(FUZZ_BIN)
	@! grep -n '^#include ".*\.c"' $(FUZZ_SRC) || \
	  { echo "a fuzz target includes a .c file: link it instead"; exit 1; }
	@$(call fuzz-run,5)

## fuzz: each fuzz target for 60 seconds
fuzz: $(FUZZ_BIN)
	@$(call fuzz-run,60)

## fuzz-long: each target to 10^7 runs or FUZZ_LONG_SECONDS (120) each, FUZZ_LONG_JOBS (1) at once; prints runs and crashes
FUZZ_LONG_SECONDS ?= 120
FUZZ_LONG_JOBS ?= 1
fuzz-long: $(FUZZ_BIN)
	@tools/fuzz_long.sh -j $(FUZZ_LONG_JOBS) $(FUZZ_LONG_SECONDS) $(FUZZ_BIN)

## clean: remove build/
clean:
	rm -rf build

# ---------------------------------------------------------------- simulator
# make sim SCENARIO=burst [SEED=N] [OUT=DIR]: run scenarios/SCENARIO.scn,
# print the summary, leave data, qmail.log and pictures in OUT.
SCENARIO ?= burst
OUT ?= $(BUILD)/sim/$(SCENARIO)
## sim: run scenarios/$(SCENARIO).scn and draw it (SCENARIO=burst SEED= OUT=)
sim: $(BUILD)/bin/qchan
	@test -f scenarios/$(SCENARIO).scn || { echo "no scenario scenarios/$(SCENARIO).scn; there are:"; \
	  ls scenarios/*.scn | sed 's|scenarios/||; s|\.scn$$||; s|^|  |'; exit 2; }
	@$(BUILD)/bin/qchan run scenarios/$(SCENARIO).scn --out $(OUT) --log \
	  $(if $(SEED),--seed $(SEED)); rc=$$?; \
	  echo "data, qmail.log and pictures are in $(OUT)/"; exit $$rc

# ---------------------------------------------------------------- compare
# make regress [BASE=rev]: build qchan at BASE (default HEAD) in a
# temporary worktree, run the shipped scenarios with it and with this
# tree's qchan, print what changed; exit 1 when something got worse
# (docs/compare.md).  REGRESS_SCENARIOS, REGRESS_THRESHOLD, ... see
# tools/regress.sh --help.
# QCHAN=PATH: use that program as it is (the tests pass a sanitizer
# build's, which a plain make must not relink).
BASE ?= HEAD
REGRESS_WORK ?= build/regress
QCHAN ?= $(BUILD)/bin/qchan
## regress: the shipped scenarios with BASE's qchan and this tree's; exit 1 if worse
regress: $(QCHAN)
	@tools/regress.sh --base '$(BASE)' --new $(QCHAN) --work $(REGRESS_WORK)

# make golden: rewrite tests/golden/<scenario>.json (the summary.json of
# every shipped scenario) after an intended change; review the diff.
GOLDEN_DIR ?= tests/golden
## golden: rewrite tests/golden/*.json after an intended change
golden: $(QCHAN)
	@mkdir -p $(GOLDEN_DIR) $(BUILD)/golden
	@set -e; for s in scenarios/*.scn; do n=$$(basename $$s .scn); \
	  $(QCHAN) run $$s --no-plots --out $(BUILD)/golden/$$n \
	    >$(BUILD)/golden/$$n.txt 2>&1 || [ $$? = 1 ] \
	    || { cat $(BUILD)/golden/$$n.txt; exit 1; }; \
	  cp $(BUILD)/golden/$$n/summary.json $(GOLDEN_DIR)/$$n.json; \
	  echo "$(GOLDEN_DIR)/$$n.json"; done

# make docs-pictures: the README's pictures under docs/pictures/ (the
# burst run's queue depth, and burst with concurrencyremote 20 against 60).
PICS := $(BUILD)/docs-pictures
## docs-pictures: redraw the README's pictures under docs/pictures
docs-pictures: $(BUILD)/bin/qchan
	@mkdir -p docs/pictures $(PICS)
	@$(BUILD)/bin/qchan run scenarios/burst.scn --out $(PICS)/burst \
	  >$(PICS)/burst.txt 2>&1 || { cat $(PICS)/burst.txt; exit 1; }
	@test -f $(PICS)/burst/queue.png || { grep -h pictures $(PICS)/burst.txt; exit 1; }
	@cp $(PICS)/burst/queue.png docs/pictures/burst-queue.png
	@$(BUILD)/bin/qchan compare scenarios/burst.scn --set concurrencyremote=20 \
	  --vs --set concurrencyremote=60 --out $(PICS)/compare \
	  >$(PICS)/compare.txt 2>&1 || { cat $(PICS)/compare.txt; exit 1; }
	@test -f $(PICS)/compare/compare_queue.png || { grep -h pictures $(PICS)/compare.txt; exit 1; }
	@cp $(PICS)/compare/compare_queue.png docs/pictures/compare-burst-remote-20-60.png
	@echo "docs/pictures/burst-queue.png docs/pictures/compare-burst-remote-20-60.png"
