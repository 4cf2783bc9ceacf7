package org.ringipc.mmap;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.ringipc.core.RingStats;

/**
 * {@code ring stat FILE --watch}: samples the ring's counters every interval and prints the
 * differences as rates, one line each, like {@code vmstat}. The first line covers the first
 * interval (not the time since the ring was made); MB is 10^6 bytes. Rates divide by the time that
 * really passed between samples, so a late wake-up does not inflate them.
 */
final class StatWatch {

    /** The header comes back every this many lines, as vmstat's does. */
    static final int HEADER_EVERY = 20;
    private static final String HEADER_FORMAT = "%9s %9s %10s %10s %9s %11s %9s %9s%n";
    private static final String LINE_FORMAT = "%9.2f %9.2f %10.0f %10.0f %9.0f %11d %9.0f %9.0f%n";

    private final SharedRing ring;
    private final Duration interval;
    private final long lines;
    private final boolean json;
    private final PrintWriter out;

    StatWatch(SharedRing ring, Duration interval, long lines, boolean json, PrintWriter out) {
        this.ring = ring;
        this.interval = interval;
        this.lines = lines;
        this.json = json;
        this.out = out;
    }

    /** Prints {@code lines} lines, or fewer when {@code signal} asks to stop. */
    void run(StopSignal signal) throws InterruptedException {
        RingStats before = ring.stats();
        long beforeNanos = System.nanoTime();
        long next = beforeNanos;
        for (long line = 0; line < lines; line++) {
            next += interval.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0 && signal.await(Duration.ofNanos(wait)) || signal.stopRequested()) {
                return;
            }
            RingStats now = ring.stats();
            long nowNanos = System.nanoTime();
            print(line, rates(before, now, (nowNanos - beforeNanos) / 1e9));
            before = now;
            beforeNanos = nowNanos;
        }
    }

    /** The rates over {@code seconds} between two snapshots, by column name. */
    static Map<String, Object> rates(RingStats a, RingStats b, double seconds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("writeMBps", (b.bytesWritten() - a.bytesWritten()) / 1e6 / seconds);
        r.put("readMBps", (b.bytesRead() - a.bytesRead()) / 1e6 / seconds);
        r.put("writesPerSec", (b.writes() - a.writes()) / seconds);
        r.put("readsPerSec", (b.reads() - a.reads()) / seconds);
        r.put("dropsPerSec", (b.drops() - a.drops()) / seconds);
        r.put("used", b.used());
        r.put("producerSleepsPerSec", (b.producerSleeps() - a.producerSleeps()) / seconds);
        r.put("consumerSleepsPerSec", (b.consumerSleeps() - a.consumerSleeps()) / seconds);
        return r;
    }

    private void print(long line, Map<String, Object> r) {
        if (json) {
            out.println(Output.Json.object(r));
        } else {
            if (line % HEADER_EVERY == 0) {
                out.printf(Locale.ROOT, HEADER_FORMAT, "MB/s-in", "MB/s-out", "writes/s", "reads/s", "drops/s", "used", "psleep/s", "csleep/s");
            }
            out.printf(Locale.ROOT, LINE_FORMAT, r.values().toArray());
        }
        out.flush();
    }
}
