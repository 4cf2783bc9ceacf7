package org.ringipc.mmap.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.ringipc.core.RingStats;
import org.ringipc.mmap.SharedRing;

/**
 * {@code ring stat FILE --watch}: samples the ring's counters every interval and prints the
 * differences as rates, one line each, like {@code vmstat}. The first line covers the first
 * interval (not the time since the ring was made); MB is 10^6 bytes. Rates divide by the time that
 * really passed between samples, so a late wake-up does not inflate them.
 *
 * <p>When the file at the path is replaced ({@code ring create --force}, or any rename over it), the
 * watch moves to the new ring and says so on stderr, as {@code tail -F} follows a rotated log; its
 * rates start afresh there. While the path holds nothing, or something that is not a ring, it goes
 * on watching the ring it has.
 */
final class StatWatch {

    /** The header comes back every this many lines, as vmstat's does. */
    static final int HEADER_EVERY = 20;
    private static final String HEADER_FORMAT = "%9s %9s %10s %10s %9s %11s %9s %9s%n";
    private static final String LINE_FORMAT = "%9.2f %9.2f %10.0f %10.0f %9.0f %11d %9.0f %9.0f%n";

    private final Path file;
    private final Duration interval;
    private final long lines;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The ring watched now: the caller's, or one this watch opened after a replacement (and closes). */
    private SharedRing ring;
    private boolean ownsRing;
    private Object fileKey;
    /** The last notice printed about the path, so a lasting condition is reported once. */
    private String lastNotice;

    StatWatch(SharedRing ring, Duration interval, long lines, boolean json, PrintWriter out, PrintWriter err) {
        this.ring = ring;
        this.file = ring.path();
        this.interval = interval;
        this.lines = lines;
        this.json = json;
        this.out = out;
        this.err = err;
        this.fileKey = fileKey(file);
    }

    /** The identity of the file at {@code path} (device and inode on Linux), or null when there is none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Moves to the ring now at the path when the file was replaced.
     *
     * @return true when the watch moved to another ring
     */
    private boolean followReplacement() {
        Object key = fileKey(file);
        if (key == null) {
            notice(file + " is gone; still watching the ring it held");
            return false;
        }
        if (Objects.equals(key, fileKey)) {
            return false;
        }
        SharedRing next;
        try {
            next = SharedRing.openReadOnly(file);
        } catch (NoSuchFileException e) {
            return false;  // replaced and removed again between the two looks: the next sample sees
        } catch (IOException e) {
            notice(file + " was replaced by something that is not a ring (" + e.getMessage()
                    + "); still watching the old ring");
            return false;
        }
        if (ownsRing) {
            ring.close();
        }
        ring = next;
        ownsRing = true;
        fileKey = key;
        lastNotice = null;
        err.println("ring stat: " + file + " was replaced; watching the new ring");
        err.flush();
        return true;
    }

    private void notice(String message) {
        if (!message.equals(lastNotice)) {
            lastNotice = message;
            err.println("ring stat: " + message);
            err.flush();
        }
    }

    /** Prints {@code lines} lines, or fewer when {@code signal} asks to stop. */
    void run(StopSignal signal) throws InterruptedException {
        try {
            RingStats before = ring.stats();
            long beforeNanos = System.nanoTime();
            long next = beforeNanos;
            for (long line = 0; line < lines; line++) {
                next += interval.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0 && signal.await(Duration.ofNanos(wait)) || signal.stopRequested()) {
                    return;
                }
                if (followReplacement()) {
                    // no rate across two rings: this line shows the new ring's used bytes and no
                    // rates yet, the next one its rates
                    before = ring.stats();
                }
                RingStats now = ring.stats();
                long nowNanos = System.nanoTime();
                print(line, rates(before, now, (nowNanos - beforeNanos) / 1e9));
                before = now;
                beforeNanos = nowNanos;
            }
        } finally {
            if (ownsRing) {
                ring.close();
            }
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
