/*
 * metric.h - the one name of each measure qchan reports: its key (in
 * JSON and CSV), its header (in printed tables) and its unit.
 *
 * A run's summary (summary.json, the printed summary), a comparison
 * (compare.json, compare.csv, its table), a sweep (sweep.json,
 * sweep.csv, sweep_fds.csv, its table) and a log's measure (qchan fit's
 * observed.json, its report, the replay check's check.json and table)
 * name a measure from this list, so p95 latency is latency_p95 in every
 * file and "p95 (s)" in every table.  Each entry expands to the first
 * three members of a struct table_col (lib/table.h) -- key, header,
 * unit -- so a column is written
 *
 *	{METRIC_LATENCY_P95, TABLE_NUM, 3, 6, ...}
 *
 * A sweep's per-point interval of a measure is KEY_mean and KEY_half in
 * sweep.csv (the mean and the half width of the 95% interval):
 * METRIC_MEAN(METRIC_DRAIN_TIME) is drain_time_mean with drain time's
 * header and unit.  METRIC_KEY, METRIC_HEAD and METRIC_UNIT take one
 * member out.  Here
 * and not in lib/ because the words are qmail's (deliveries, channels,
 * spawners); here and not in a host because run and fit, peers, print
 * the same measures.  docs/scenarios.md lists them for readers.
 */
#ifndef METRIC_H
#define METRIC_H

/* variadic: an entry is three arguments once expanded */
#define METRIC_KEY(...) METRIC_KEY_(__VA_ARGS__)
#define METRIC_KEY_(k, h, u) k
#define METRIC_HEAD(...) METRIC_HEAD_(__VA_ARGS__)
#define METRIC_HEAD_(k, h, u) h
#define METRIC_UNIT(...) METRIC_UNIT_(__VA_ARGS__)
#define METRIC_UNIT_(k, h, u) u
#define METRIC_MEAN(...) METRIC_KEY(__VA_ARGS__) "_mean", \
        METRIC_HEAD(__VA_ARGS__), METRIC_UNIT(__VA_ARGS__)
#define METRIC_HALF(...) METRIC_KEY(__VA_ARGS__) "_half", \
        METRIC_HEAD(__VA_ARGS__), METRIC_UNIT(__VA_ARGS__)

/* the whole run */
#define METRIC_DRAIN_TIME "drain_time", "drain time", "s"
#define METRIC_END_TIME "end_time", "end", "s"
#define METRIC_MESSAGES "messages", "messages", "messages"
#define METRIC_RECIPIENTS "recipients", "recipients", "recipients"
#define METRIC_EVENTS "events", "events", "events"
#define METRIC_TODO_PENDING "todo_pending", "waiting for todo", "messages"
#define METRIC_EXPECTS_FAILED "expects_failed", "expect lines failed", \
        "lines"

/* per channel */
#define METRIC_CHANNEL "channel", "channel", ""
#define METRIC_CONCURRENCY "concurrency", "limit", "deliveries"
#define METRIC_MAX_CONCURRENCY "max_concurrency", "highest limit", \
        "deliveries"
#define METRIC_MAX_INFLIGHT "max_inflight", "peak in flight", "deliveries"
#define METRIC_ATTEMPTS "attempts", "attempts", "attempts"
#define METRIC_DELIVERED "delivered", "delivered", "recipients"
#define METRIC_DEFERRED "deferred", "deferred", "attempts"
#define METRIC_FAILED "failed", "failed", "recipients"
#define METRIC_PENDING "pending", "pending", "recipients"
#define METRIC_SPAWN_ERRORS "spawn_errors", "spawn errors", "attempts"
#define METRIC_LATENCY_P50 "latency_p50", "p50", "s"
#define METRIC_LATENCY_P95 "latency_p95", "p95", "s"
#define METRIC_LATENCY_P99 "latency_p99", "p99", "s"
#define METRIC_MAX_QUEUE "max_queue", "peak queue", "messages"

/* per process (qmailr counts processes against nproc, system the
 * descriptors of the machine against file-max) */
#define METRIC_PROCESS "process", "process", ""
#define METRIC_FD_PEAK "fd_peak", "fd peak", "descriptors"
#define METRIC_FD_HIGHEST "fd_highest", "highest fd", "descriptors"
#define METRIC_FD_LIMIT "fd_limit", "fd limit", "descriptors"
#define METRIC_EXHAUSTED "exhausted", "limit reached", ""

/* a sweep's point */
#define METRIC_LIMIT_RUNS "limit_runs", "limit hit", "replications"

/* a log (qchan fit) and its replays */
#define METRIC_LOST "lost", "lost", "attempts"
#define METRIC_ATTEMPT_P50 "attempt_p50", "attempt p50", "s"
#define METRIC_ATTEMPT_P95 "attempt_p95", "attempt p95", "s"
#define METRIC_AT_LIMIT "at_limit_fraction", "time at limit", ""
#define METRIC_BURST_CLEAR "burst_clear_time", "busiest burst clear", "s"
#define METRIC_INFLIGHT_ERROR "inflight_hourly_error", \
        "in-flight hourly error", ""
#define METRIC_THROUGHPUT_ERROR "throughput_hourly_error", \
        "throughput hourly error", ""

#endif
