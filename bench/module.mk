# bench/ - benchmarks; `make bench` builds and runs them (never in check).
BENCH_SCHED := $(BUILD)/bench/sched_bench

$(BENCH_SCHED): bench/sched_bench.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS) $(CORE_LIB) $(LDLIBS)

.PHONY: bench-sched
bench-sched: $(BENCH_SCHED)
	$(BENCH_SCHED)

bench: bench-sched
