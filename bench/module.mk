# bench/ - benchmarks; `make bench` builds and runs them (never in check).
# bench/RESULTS.md says what they measure and what they found.
INC_bench = $(INC_core)
BENCH_SCHED := $(BUILD)/bench/sched_bench
BENCH_LOOP := $(BUILD)/bench/minimal_loop
BENCH_FLOOR := $(BUILD)/bench/spawn_floor
BENCH_QFLOOR := $(BUILD)/bench/queue_floor
BENCH_NOFSYNC := $(BUILD)/bench/nofsync.so
# BENCH_RUNS: runs per figure (medians); the 10M run takes BENCH_RUNS_10M
BENCH_RUNS ?= 5
BENCH_RUNS_10M ?= 3
BENCH_RUNS_EXT4 ?= 3
BENCH_SIZES ?= 100k,1m,10m
BENCH_MSGS ?= 10000

$(BENCH_SCHED): bench/sched_bench.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_bench) $< -o $@ $(LDFLAGS) $(CORE_LIB) $(LDLIBS)

$(BENCH_LOOP): bench/minimal_loop.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_bench) $< -o $@ $(LDFLAGS) -lm

$(BENCH_FLOOR): bench/spawn_floor.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_bench) $< -o $@ $(LDFLAGS) $(CORE_LIB) $(LDLIBS)

$(BENCH_QFLOOR): bench/queue_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC_bench) $< -o $@ $(LDFLAGS)

$(BENCH_NOFSYNC): bench/nofsync.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared $< -o $@

.PHONY: bench-sched bench-sim bench-daemons bench-fit
## bench-sched: the scheduler alone, nanoseconds per decision
bench-sched: $(BENCH_SCHED)
	$(BENCH_SCHED)

## bench-sim: the simulator at 100k, 1M, 10M messages against the minimal loop
bench-sim: $(BENCH_LOOP) $(BUILD)/bin/qchan
	$(PYTHON) bench/run_sim.py --build $(BUILD) --runs $(BENCH_RUNS) \
	  --runs-10m $(BENCH_RUNS_10M) --sizes $(BENCH_SIZES)

## bench-daemons: the daemons' throughput and latency against the spawn and queue floors
bench-daemons: $(BENCH_FLOOR) $(BENCH_QFLOOR) $(BENCH_NOFSYNC) $(QD_PROGRAMS)
	$(PYTHON) bench/run_daemons.py --build $(BUILD) --runs $(BENCH_RUNS) \
	  --runs-ext4 $(BENCH_RUNS_EXT4) --msgs $(BENCH_MSGS)

## bench-fit: qchan fit's speed on the 100k day's log (lines and MB a second)
bench-fit: $(BUILD)/bin/qchan
	$(PYTHON) bench/run_fit.py --build $(BUILD) --runs $(BENCH_RUNS)

# one after the other even under make -j: they time things
## bench: all four benchmarks, one after the other (never part of check)
bench:
	@$(MAKE) --no-print-directory bench-sched
	@$(MAKE) --no-print-directory bench-sim
	@$(MAKE) --no-print-directory bench-fit
	@$(MAKE) --no-print-directory bench-daemons
