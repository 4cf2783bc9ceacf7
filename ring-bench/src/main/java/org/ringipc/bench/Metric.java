package org.ringipc.bench;

/**
 * What a figure measures. {@link #id()} is the name written to the JSON report; those names are a
 * contract with whoever reads the report, so never rename one.
 */
public enum Metric {
    RTT_P50("rtt_p50_ns"),
    RTT_P99("rtt_p99_ns"),
    RTT_P999("rtt_p999_ns"),
    RTT_MAX("rtt_max_ns"),
    THROUGHPUT("throughput_mb_s"),
    MESSAGES("messages_per_s");

    private final String id;

    Metric(String id) {
        this.id = id;
    }

    /** The metric's name in the JSON report, for example {@code rtt_p50_ns}. */
    public String id() {
        return id;
    }

    /** True for the latency metrics, where smaller is better. */
    public boolean isLatency() {
        return this != THROUGHPUT && this != MESSAGES;
    }
}
