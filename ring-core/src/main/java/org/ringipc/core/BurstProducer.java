package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulated DMA engine: a device that drops a burst into a ring every {@code interval}, whether or
 * not the consumer keeps up. Each burst is {@linkplain RingSink#offer offered} whole and never waits;
 * one that does not fit is dropped and counted, here and in the ring's stats ({@code drops},
 * {@code bytesDropped}), the way a DMA engine whose consumer fell behind overruns. Every burst carries
 * a sequence number, its length and a CRC32C (see {@code BurstLayout}), so {@link BurstVerifier} can
 * tell received, missing and damaged bursts apart.
 *
 * <pre>{@code
 * try (Ring ring = Ring.allocate(1 << 16)) {
 *     BurstProducer dma = BurstProducer.start(ring.sink());   // 512 bytes every 50 ms
 *     Future<BurstReport> report = executor.submit(() -> BurstVerifier.verify(ring.source()));
 *     ...
 *     dma.close();                                            // the verifier sees EOF
 *     assert report.get().gaps() == dma.burstsDropped();
 * }
 * }</pre>
 *
 * <p>On a {@link MessageRing} (or a shared one) each burst is one message, offered whole with
 * {@link MessageSink#offer(MemorySegment)}: the natural model of a DMA descriptor. A burst must then
 * fit in the ring's {@link MessageSink#maxMessageLength()}; {@link BurstVerifier#verify(MessageSource)}
 * checks such a stream.
 *
 * <p>From {@code start} on, the sink belongs to the engine's daemon thread (a sink is used by one
 * thread at a time): do not use it elsewhere; {@link #close()} closes it. The counters may be read
 * from any thread. If the sink fails (broken pipe: the consumer is gone) the engine stops and
 * {@link #failure()} says why.
 */
public final class BurstProducer implements AutoCloseable {

    /** The default burst: 512 bytes, header included. */
    public static final int DEFAULT_BURST_BYTES = 512;
    /** The default period between bursts: 50 ms. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);
    /** How long {@link #close()} waits for room for the end-of-stream marker before closing anyway. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** How often the end-of-stream marker looks for room in a full ring. */
    private static final long MARKER_RETRY_NANOS = 200_000;

    private final Target sink;
    private final MemorySegment burst;
    private final ScheduledExecutorService engine;
    /** The next sequence number; touched only by the engine thread. */
    private long sequence;
    // single writer (the engine thread), read by anyone: volatile stores of thread-confined counts
    private volatile long sent;
    private volatile long dropped;
    private volatile IOException failure;
    /**
     * Why {@link #close()} closed the sink under the end-of-stream marker's wait, or null: the
     * marker's write then fails on a sink closed by us, and the failure says this instead.
     */
    private volatile String abandoned;
    private boolean closed;
    /** The periodic bursts; cancelled by {@link #close()} before the end-of-stream marker is queued. */
    private ScheduledFuture<?> bursts;

    /** One all-or-nothing write that never waits. */
    @FunctionalInterface
    private interface WholeWrite {
        boolean write(MemorySegment record) throws IOException;
    }

    /**
     * Where the bursts go: a byte ring's sink (bursts follow each other in its byte stream) or a
     * message ring's sink (one burst per message).
     *
     * @param offer  a burst, never waiting; a refusal is counted as a drop by the ring
     * @param marker the end-of-stream marker, never waiting and counting no drop: false when it does not fit now
     * @param sink   closed last
     */
    private record Target(WholeWrite offer, WholeWrite marker, java.io.Closeable sink) implements java.io.Closeable {
        static Target of(RingSink sink) {
            return new Target(sink::offer, sink::tryWriteWhole, sink);
        }

        static Target of(MessageSink sink) {
            return new Target(sink::offer, record -> {
                MemorySegment slot = sink.tryClaim((int) record.byteSize());
                if (slot == null) {
                    return false;
                }
                MemorySegment.copy(record, 0, slot, 0, record.byteSize());
                sink.commit();
                return true;
            }, sink);
        }

        @Override
        public void close() throws IOException {
            sink.close();
        }
    }

    private BurstProducer(Target sink, int burstBytes) {
        this.sink = sink;
        this.burst = MemorySegment.ofArray(new byte[burstBytes]);
        this.engine = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("ringipc-dma").unstarted(task));
    }

    /**
     * Starts the engine with the defaults: {@value #DEFAULT_BURST_BYTES} bytes every 50 ms.
     *
     * @param sink the ring end the bursts go into; the engine's thread uses it from now on
     * @return the running engine
     */
    public static BurstProducer start(RingSink sink) {
        return start(sink, DEFAULT_BURST_BYTES, DEFAULT_INTERVAL);
    }

    /**
     * Starts the engine: the first burst goes at once, then one every {@code interval} (at a fixed
     * rate, as a device clock would).
     *
     * @param sink the ring end the bursts go into; the engine's thread uses it from now on
     * @param interval the time between burst starts; positive
     * @param burstBytes bytes per burst, its 16-byte header included: 16 .. 2^24
     * @return the running engine
     * @throws IllegalArgumentException naming the argument when {@code burstBytes} or {@code interval}
     *                                  is out of range
     */
    public static BurstProducer start(RingSink sink, int burstBytes, Duration interval) {
        Objects.requireNonNull(sink, "sink");
        return start(Target.of(sink), burstBytes, interval);
    }

    /**
     * Starts the engine on a message ring with the defaults: one {@value #DEFAULT_BURST_BYTES}-byte
     * message every 50 ms.
     *
     * @param sink the message ring end the bursts go into; the engine's thread uses it from now on
     * @return the running engine
     * @throws IllegalArgumentException when the default burst is longer than the ring's largest message
     */
    public static BurstProducer start(MessageSink sink) {
        return start(sink, DEFAULT_BURST_BYTES, DEFAULT_INTERVAL);
    }

    /**
     * Starts the engine on a message ring: each burst is one message of {@code burstBytes} bytes; the
     * first goes at once, then one every {@code interval}. A burst that does not fit now is dropped
     * and counted (here and as a drop in the ring's stats), whatever the ring's overflow policy.
     *
     * @param sink the message ring end the bursts go into; the engine's thread uses it from now on
     * @param burstBytes bytes per burst, its 16-byte header included: 16 .. 2^24 and at most the
     *                   ring's {@link MessageSink#maxMessageLength()}
     * @param interval the time between burst starts; positive
     * @return the running engine
     * @throws IllegalArgumentException naming the argument when {@code burstBytes} or {@code interval}
     *                                  is out of range
     */
    public static BurstProducer start(MessageSink sink, int burstBytes, Duration interval) {
        Objects.requireNonNull(sink, "sink");
        if (burstBytes > sink.maxMessageLength()) {
            throw new IllegalArgumentException("burstBytes=" + burstBytes + " is longer than the ring's largest message"
                    + " (maxMessageLength=" + sink.maxMessageLength() + "): each burst is one message");
        }
        return start(Target.of(sink), burstBytes, interval);
    }

    private static BurstProducer start(Target sink, int burstBytes, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (burstBytes < BurstLayout.HEADER_BYTES || burstBytes > BurstLayout.MAX_BURST_BYTES) {
            throw new IllegalArgumentException("burstBytes=" + burstBytes + " is not in "
                    + BurstLayout.HEADER_BYTES + " .. " + BurstLayout.MAX_BURST_BYTES + " (a burst holds a 16-byte header)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval=" + interval + " is not positive");
        }
        BurstProducer dma = new BurstProducer(sink, burstBytes);
        dma.bursts = dma.engine.scheduleAtFixedRate(dma::fire, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return dma;
    }

    /** One burst: on the engine thread. Throwing stops the schedule. */
    private void fire() {
        BurstLayout.encode(burst, sequence++);
        try {
            if (sink.offer().write(burst)) {
                sent = sent + 1;
            } else {
                dropped = dropped + 1;
            }
        } catch (IOException e) {
            failure = e;
            throw new IllegalStateException("DMA engine stopped: " + e.getMessage(), e);
        }
    }

    /** Last step, on the engine thread: the end-of-stream marker, then the sink closes. */
    private void finish() {
        try (sink) {
            if (failure == null) {
                byte[] marker = new byte[BurstLayout.HEADER_BYTES];
                BurstLayout.encodeEnd(MemorySegment.ofArray(marker), sequence);
                writeMarker(MemorySegment.ofArray(marker));
            }
        } catch (IOException e) {
            if (failure == null) {
                // volatile: close() stored why before it closed the sink under us
                String why = abandoned;
                failure = why == null ? e : new IOException("end-of-stream marker not written: " + why, e);
            }
        }
    }

    /**
     * Writes the marker whole as soon as it fits, with {@code tryWriteWhole}: unlike a burst it must
     * not be dropped (under {@link OverflowPolicy#DROP} a blocking write would discard it, and every
     * burst dropped after the last one received would go uncounted as a gap); unlike {@code offer} a
     * wait for room counts no drop; and unlike {@code tryWrite} it never goes in part, so a
     * {@link #close()} that gives up and closes the sink under it leaves no torn marker for the
     * verifier to call a corrupt burst. Ends when the marker is in, when the sink is closed (an
     * IOException), or on interruption (an InterruptedIOException).
     */
    private void writeMarker(MemorySegment marker) throws IOException {
        while (!sink.marker().write(marker)) {
            if (Thread.currentThread().isInterrupted()) {
                // not a quiet return: close() interrupts (shutdownNow) right after it closed the sink
                // under us, and a check that lands between a "no room" answer and the closed sink's
                // exception would otherwise report a clean stop with no marker written
                throw new java.io.InterruptedIOException("interrupted while the end-of-stream marker waited for room");
            }
            LockSupport.parkNanos(this, MARKER_RETRY_NANOS);
        }
    }

    /**
     * Bursts that went into the ring.
     *
     * @return the count of bursts written
     */
    public long burstsSent() {
        return sent;
    }

    /**
     * Bursts that did not fit and were dropped (each also counted as a drop in the ring's stats).
     *
     * @return the count of bursts dropped
     */
    public long burstsDropped() {
        return dropped;
    }

    /**
     * The error that stopped the engine early (e.g. "broken pipe"), or null while it runs or after a
     * clean stop. A {@link #close()} that gave up on the end-of-stream marker (no room for
     * {@link #CLOSE_TIMEOUT}, or interrupted) leaves an error that says so.
     *
     * @return the error, or null
     */
    public IOException failure() {
        return failure;
    }

    /**
     * Stops the engine after the burst in progress, writes an end-of-stream marker (waiting up to
     * {@link #CLOSE_TIMEOUT} for room: it tells the verifier how many bursts were produced, so drops
     * after the last received burst count as gaps too), then closes the sink, so the source sees EOF.
     * The marker waits for room under {@link OverflowPolicy#DROP} too: it is not a burst. Idempotent;
     * call it from one thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // cancel first: the engine may run finish the moment it is queued, and a burst due before
        // shutdown() would then find the sink closed; a burst already running completes first
        // (one thread), and a cancelled periodic task never runs again
        bursts.cancel(false);
        engine.execute(this::finish);
        engine.shutdown();
        boolean interrupted = false;
        try {
            if (!engine.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                abandoned = "no room for it in the ring within " + CLOSE_TIMEOUT.toMillis()
                        + " ms (the consumer did not read); bursts dropped after the last one read go uncounted";
                closeSinkQuietly();  // an asynchronous close ends the marker's wait for room
                engine.shutdownNow();
                engine.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            abandoned = "close() was interrupted while the marker waited for room";
            closeSinkQuietly();
            engine.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeSinkQuietly() {
        try {
            sink.close();
        } catch (IOException ignored) {
            // the sink is going away either way
        }
    }
}
