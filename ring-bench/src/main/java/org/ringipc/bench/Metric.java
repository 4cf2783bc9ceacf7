package org.ringipc.bench;

/**
 * What a figure measures. {@link #id()} is the name written to the JSON report; those names are a
 * contract with whoever reads the report, so never rename one.
 */
public enum Metric {
    /** Median round trip of 1 byte, back to back. */
    RTT_P50("rtt_p50_ns"),
    /** 99th percentile round trip of 1 byte. */
    RTT_P99("rtt_p99_ns"),
    /** 99.9th percentile round trip of 1 byte. */
    RTT_P999("rtt_p999_ns"),
    /** Slowest round trip of 1 byte. */
    RTT_MAX("rtt_max_ns"),
    /** Bulk rate, megabytes (10^6 B) per second. */
    THROUGHPUT("throughput_mb_s"),
    /** Small-message rate between two threads. */
    MESSAGES("messages_per_s"),
    /**
     * Median round trip of 1 byte sent after the peer sat idle for {@link Protocol#IDLE_PAUSE_NANOS}:
     * long enough for a BLOCK end to stop spinning and sleep, so this is the wake-up path.
     */
    RTT_IDLE_P50("rtt_idle_p50_ns"),
    /** 99th percentile of the round trip after an idle pause. */
    RTT_IDLE_P99("rtt_idle_p99_ns"),
    SLEEPS_PER_RTT("sleeps_per_rtt"),
    /** Futex sleeps per round trip after an idle pause: about 1 when the BLOCK path really sleeps. */
    SLEEPS_PER_IDLE_RTT("sleeps_per_idle_rtt");

    private final String id;

    Metric(String id) {
        this.id = id;
    }

    /** The metric's name in the JSON report, for example {@code rtt_p50_ns}. */
    public String id() {
        return id;
    }

    /** The metric named {@code id} in the JSON report; an {@link IllegalArgumentException} names the bad name. */
    public static Metric byId(String id) {
        for (Metric m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric=" + id + " is not one of " + java.util.Arrays.stream(values()).map(Metric::id).toList());
    }

    /** True for the latency metrics, where smaller is better. */
    public boolean isLatency() {
        return this != THROUGHPUT && this != MESSAGES && this != SLEEPS_PER_RTT && this != SLEEPS_PER_IDLE_RTT;
    }
}
