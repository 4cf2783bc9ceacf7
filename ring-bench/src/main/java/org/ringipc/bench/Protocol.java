package org.ringipc.bench;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The two measurements every cross-process transport runs, both sides of each. The first byte of
 * every message is a marker: {@link #GO} means another one follows, {@link #STOP} ends the phase.
 * <ul>
 *   <li>Round trip (back to back, or after an idle pause of the peer): the harness sends 1 byte, the peer sends it back; the harness times each round
 *   trip into a histogram until its deadline, then sends {@code STOP}, which the peer echoes too.
 *   <li>Bulk: the harness streams chunks until its deadline, the last one marked {@code STOP}; the
 *   peer reads every chunk whole (a copy out, as a pipe reader makes) and then acknowledges with 1
 *   byte, so the harness's clock covers the delivery of every byte.
 * </ul>
 */
final class Protocol {

    static final byte GO = 1;
    static final byte STOP = 0;

    private Protocol() {
    }

    /**
     * The pause before each ping of an idle round-trip phase: longer than a BLOCK end spins and
     * yields before it sleeps (60 µs), so the ping finds the peer asleep, as a pipe reader is.
     */
    static final long IDLE_PAUSE_NANOS = 200_000;

    /** Harness side of a round-trip phase: records every round trip, in ns, until the deadline. */
    static Histogram pingUntil(Link link, long deadlineNanos) throws IOException {
        return pingUntil(link, deadlineNanos, 0);
    }

    /**
     * Harness side of a round-trip phase that leaves the peer idle for {@code pauseNanos} (when
     * positive) before each ping; the pause is not part of the round trip.
     */
    static Histogram pingUntil(Link link, long deadlineNanos, long pauseNanos) throws IOException {
        Histogram rtt = pings(link, deadlineNanos, pauseNanos);
        endPhase(link);
        return rtt;
    }

    /** A warm-up settles when a slice's median round trip is within this fraction of the previous slice's. */
    static final double SETTLED = 0.15;

    /**
     * When a warm-up slice ends its warm-up: it ran with the compilers of both JVMs quiet, and, for a
     * fresh peer, its rate ({@code current}) is within {@link #SETTLED} of the slice before
     * ({@code previous}; NaN for the first slice). A fresh JVM runs its loops interpreted for its
     * first few hundred ms, and two interpreted slices can agree with each other, but they do not
     * run with the compilers quiet; a peer reused from an earlier round has its code compiled, and
     * one quiet slice is enough.
     */
    static boolean warmedUp(boolean quiet, boolean freshPeer, double previous, double current) {
        return quiet && (!freshPeer || settled(previous, current));
    }

    /**
     * Harness side of a warm-up round-trip phase that lasts until the code is compiled and the rate
     * settled rather than for a fixed time: slices of {@code sliceNanos} repeat until one is
     * {@link #warmedUp} (by its median round trip), or until {@code capNanos} have passed.
     *
     * @return how many slices it took
     */
    static int warmUntilSettled(Link link, long sliceNanos, long capNanos, long pauseNanos, boolean freshPeer,
                                CompilerTime jit) throws IOException {
        long cap = System.nanoTime() + capNanos;
        double previous = Double.NaN;
        int slices = 0;
        while (true) {
            long compiled = jit.nanos();
            long begin = System.nanoTime();
            double p50 = pings(link, begin + sliceNanos, pauseNanos).getValueAtPercentile(50.0);
            boolean quiet = jit.quietSince(compiled, begin);
            slices++;
            if (warmedUp(quiet, freshPeer, previous, p50) || System.nanoTime() >= cap) {
                break;
            }
            previous = p50;
        }
        endPhase(link);
        return slices;
    }

    /** True when {@code current} is within {@link #SETTLED} of {@code previous} (NaN: not yet). */
    static boolean settled(double previous, double current) {
        return Math.abs(current - previous) <= SETTLED * previous;
    }

    private static Histogram pings(Link link, long deadlineNanos, long pauseNanos) throws IOException {
        Histogram rtt = new Histogram(3);
        long now;
        do {
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
            link.marker(GO);
            long start = System.nanoTime();
            link.send(1);
            link.receive(1);
            now = System.nanoTime();
            rtt.recordValue(now - start);
        } while (now < deadlineNanos);
        return rtt;
    }

    private static void endPhase(Link link) throws IOException {
        link.marker(STOP);
        link.send(1);
        link.receive(1);
    }

    /** Peer side of a round-trip phase: echoes every byte, the closing {@code STOP} included. */
    static long echo(Link link) throws IOException {
        long count = 0;
        byte marker;
        do {
            link.receive(1);
            marker = link.marker();
            link.send(1);
            count++;
        } while (marker != STOP);
        return count;
    }

    /**
     * Harness side of a bulk phase: streams {@code chunkBytes} chunks until the deadline and waits
     * for the peer's acknowledgement.
     *
     * @return megabytes (10^6 bytes) per second delivered
     */
    static double streamUntil(Link link, int chunkBytes, long durationNanos) throws IOException {
        long start = System.nanoTime();
        long bytes = sendUntil(link, chunkBytes, start + durationNanos);
        bytes += endStream(link, chunkBytes);
        long elapsed = System.nanoTime() - start;
        return megabytesPerSecond(bytes, elapsed);
    }

    /**
     * Harness side of a bulk warm-up phase (one phase for the peer, as {@link #streamUntil}) that
     * lasts until the code is compiled and the rate settled rather than for a fixed time: slices of
     * {@code sliceNanos} repeat until one is {@link #warmedUp} (by its send rate), or until
     * {@code capNanos}. A fresh peer meets its bulk read loop here for the first time (its round
     * trips warmed other code); its first slice runs interpreted code and, on a new ring, pays page
     * faults, so it rarely agrees with the second.
     *
     * @return how many slices it took
     */
    static int warmStreamUntilSettled(Link link, int chunkBytes, long sliceNanos, long capNanos, boolean freshPeer,
                                      CompilerTime jit) throws IOException {
        long cap = System.nanoTime() + capNanos;
        double previous = Double.NaN;
        int slices = 0;
        while (true) {
            long compiled = jit.nanos();
            long start = System.nanoTime();
            double rate = megabytesPerSecond(sendUntil(link, chunkBytes, start + sliceNanos), System.nanoTime() - start);
            boolean quiet = jit.quietSince(compiled, start);
            slices++;
            if (warmedUp(quiet, freshPeer, previous, rate) || System.nanoTime() >= cap) {
                break;
            }
            previous = rate;
        }
        endStream(link, chunkBytes);
        return slices;
    }

    /** Sends {@code GO} chunks until the deadline (at least one); returns the bytes sent. */
    private static long sendUntil(Link link, int chunkBytes, long deadlineNanos) throws IOException {
        long bytes = 0;
        do {
            link.marker(GO);
            link.send(chunkBytes);
            bytes += chunkBytes;
        } while (System.nanoTime() < deadlineNanos);
        return bytes;
    }

    /** Sends the {@code STOP} chunk and waits for the peer's acknowledgement; returns the bytes sent. */
    private static long endStream(Link link, int chunkBytes) throws IOException {
        link.marker(STOP);
        link.send(chunkBytes);
        link.receive(1);
        return chunkBytes;
    }

    /** Peer side of a bulk phase: reads whole chunks until the {@code STOP} one, then acknowledges. */
    static long drain(Link link, int chunkBytes) throws IOException {
        long bytes = 0;
        byte marker;
        do {
            link.receive(chunkBytes);
            marker = link.marker();
            bytes += chunkBytes;
        } while (marker != STOP);
        link.send(1);
        return bytes;
    }

    static double megabytesPerSecond(long bytes, long nanos) {
        return bytes * 1e3 / nanos;
    }
}
