package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One round of one cross-process transport: its round trips, then its bulk rates, against a peer
 * JVM that {@link Peers} keeps for every round of the run (started at the transport's first round).
 */
final class CrossProcessBench {

    private CrossProcessBench() {
    }

    /**
     * The peer JVMs of a run, one per linked transport, kept across rounds so that a round after the
     * first measures compiled code on both sides, as a long-running application would; each idles
     * in a blocking read between its rounds. Closing ends them all.
     */
    static final class Peers implements java.io.Closeable {
        private final java.util.Map<Transport, CrossProcess.Session> sessions = new java.util.EnumMap<>(Transport.class);
        private final java.util.Map<Transport, java.util.concurrent.Future<CrossProcess.Session>> starting =
                new java.util.EnumMap<>(Transport.class);
        private java.util.concurrent.ExecutorService starter;

        /**
         * Starts the peer JVMs of {@code transports} now, several at once, so that their start-up
         * overlaps the harness's own untimed warm-up instead of adding to the first round; each
         * then waits, idle, for its first round. A start that fails is reported when its
         * transport is measured, as a lazy start's would be.
         */
        void prestart(List<Transport> transports, BenchConfig config) {
            if (starter == null) {
                starter = java.util.concurrent.Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon()
                        .name("peer-start").unstarted(r));
            }
            for (Transport t : transports) {
                if (linked(t) && !sessions.containsKey(t) && !starting.containsKey(t)) {
                    starting.put(t, starter.submit(() -> CrossProcess.start(t, phases(config), config.largestChunk())));
                }
            }
        }

        /**
         * Waits until every peer started ahead is up, and then until their compilers, {@code others}'
         * and this JVM's have been quiet for 100 ms (at most 5 s), so that no start-up work overlaps a
         * timed run.
         * A start that failed is left for its transport's turn.
         */
        void awaitStarted(List<ProcessHandle> others) throws IOException {
            for (var pending : List.copyOf(starting.entrySet())) {
                try {
                    sessions.put(pending.getKey(), await(pending.getValue()));
                    starting.remove(pending.getKey());
                } catch (IOException | RuntimeException e) {
                    // reported when the transport is measured
                }
            }
            List<ProcessHandle> all = new ArrayList<>(others);
            sessions.values().forEach(s -> all.add(s.peer().toHandle()));
            CompilerTime jit = CompilerTime.with(all);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long slice = TimeUnit.MILLISECONDS.toNanos(100);
            while (System.nanoTime() < deadline) {
                long before = jit.nanos();
                long begin = System.nanoTime();
                java.util.concurrent.locks.LockSupport.parkNanos(slice);
                if (jit.quietSince(before, begin)) {
                    return;
                }
            }
        }

        /** Whether {@code t} runs against a peer this class keeps (not a limit, not a lane timed by C). */
        static boolean linked(Transport t) {
            return switch (t) {
                case SHM_LIMIT, COPY_LIMIT, C_RING, C_TO_JAVA -> false;
                case JAVA_TO_C -> NativeLanes.unavailable(NativeLanes.programDir()).isEmpty();
                default -> t.scope() == Transport.Scope.CROSS_PROCESS;
            };
        }

        CrossProcess.Session session(Transport transport, BenchConfig config) throws IOException {
            CrossProcess.Session s = sessions.get(transport);
            if (s == null) {
                java.util.concurrent.Future<CrossProcess.Session> pending = starting.remove(transport);
                s = pending == null ? CrossProcess.start(transport, phases(config), config.largestChunk()) : await(pending);
                sessions.put(transport, s);
            }
            return s;
        }

        private static CrossProcess.Session await(java.util.concurrent.Future<CrossProcess.Session> pending)
                throws IOException {
            try {
                return pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while a peer JVM started");
            } catch (java.util.concurrent.ExecutionException e) {
                switch (e.getCause()) {
                    case IOException io -> throw io;
                    case RuntimeException re -> throw re;
                    default -> throw new IOException(e.getCause());
                }
            }
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            // peers started ahead and never measured (an interrupted run) are closed too
            for (var pending : starting.entrySet()) {
                try {
                    sessions.putIfAbsent(pending.getKey(), await(pending.getValue()));
                } catch (IOException | RuntimeException e) {
                    // it never started: nothing to close
                }
            }
            starting.clear();
            if (starter != null) {
                starter.shutdownNow();
            }
            // every peer told first, then each waited for: their JVMs exit side by side
            // (a failure of one, of whatever kind, must not leave the others running or their folders behind)
            for (CrossProcess.Session s : sessions.values()) {
                try {
                    s.requestEnd();
                } catch (IOException | RuntimeException e) {
                    first = chain(first, e);
                }
            }
            for (CrossProcess.Session s : sessions.values()) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    first = chain(first, e);
                }
            }
            sessions.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    /** {@code e} (as an IOException), or {@code first} with {@code e} added as suppressed. */
    private static IOException chain(IOException first, Exception e) {
        if (first == null) {
            return e instanceof IOException io ? io : new IOException("closing a peer failed", e);
        }
        first.addSuppressed(e);
        return first;
    }

    /** Measures {@code transport} once, with a peer JVM of its own, and adds its figures to {@code results}. */
    static void round(Transport transport, BenchConfig config, Results results) throws IOException {
        try (Peers peers = new Peers()) {
            round(transport, config, results, peers);
        }
    }

    /** Measures {@code transport} once, reusing its peer from {@code peers}, and adds its figures to {@code results}. */
    static void round(Transport transport, BenchConfig config, Results results, Peers peers) throws IOException {
        switch (transport) {
            case SHM_LIMIT -> shmLimit(config, results);
            case COPY_LIMIT -> {
                for (int chunk : config.chunkSizes()) {
                    CopyLimit.measure(chunk, config.warmup().toNanos());
                    results.add(transport, Metric.THROUGHPUT, chunk, CopyLimit.measure(chunk, config.measure().toNanos()));
                }
            }
            case C_RING, C_TO_JAVA -> NativeLanes.round(transport, config, results, NativeLanes.programDir());
            case JAVA_TO_C -> {
                java.util.Optional<String> why = NativeLanes.unavailable(NativeLanes.programDir());
                if (why.isPresent()) {
                    results.skip(transport, why.get());
                } else {
                    linked(transport, config, results, peers.session(transport, config));
                }
            }
            default -> linked(transport, config, results, peers.session(transport, config));
        }
    }

    /**
     * The peer's script for one round: a handshake, then a warm-up and a timed run of each
     * measurement (back to back round trips, round trips after an idle pause, bulk by chunk size).
     */
    static List<String> phases(BenchConfig config) {
        List<String> phases = new ArrayList<>(List.of("rtt", "rtt", "rtt", "rtt", "rtt"));
        for (int chunk : config.chunkSizes()) {
            phases.add("bulk:" + chunk);
            phases.add("bulk:" + chunk);
        }
        return phases;
    }

    private static void linked(Transport transport, BenchConfig config, Results results, CrossProcess.Session session)
            throws IOException {
        // a fresh peer JVM runs its wait loops interpreted at first: it must warm past that
        boolean fresh = session.roundsStarted() == 0;
        session.startRound();
        Link link = session.link();
        CompilerTime jit = CompilerTime.with(session.peer().toHandle());
        Protocol.pingUntil(link, 0);
        // warm until both JVMs' compilers are quiet and the busy round trip settles, at most warmCap
        Protocol.warmUntilSettled(link, config.warmup().toNanos(), warmCap(config), 0, fresh, jit);
        long sleeps = link.sleeps();
        Histogram busy = Protocol.pingUntil(link, System.nanoTime() + config.measure().toNanos());
        addRtt(results, transport, busy);
        addSleeps(results, transport, Metric.SLEEPS_PER_RTT, link, sleeps, busy);
        Protocol.warmUntilSettled(link, config.warmup().toNanos(), warmCap(config),
                Protocol.IDLE_PAUSE_NANOS, fresh, jit);
        sleeps = link.sleeps();
        Histogram idle = Protocol.pingUntil(link, System.nanoTime() + config.measure().toNanos(),
                Protocol.IDLE_PAUSE_NANOS);
        results.add(transport, Metric.RTT_IDLE_P50, 1, idle.getValueAtPercentile(50.0));
        results.add(transport, Metric.RTT_IDLE_P99, 1, idle.getValueAtPercentile(99.0));
        addSleeps(results, transport, Metric.SLEEPS_PER_IDLE_RTT, link, sleeps, idle);
        for (int chunk : config.chunkSizes()) {
            // a fresh peer's bulk loop is cold: warm until the compilers are quiet and the rate settles,
            // at most warmCap
            Protocol.warmStreamUntilSettled(link, chunk, config.warmup().toNanos(), warmCap(config),
                    fresh, jit);
            results.add(transport, Metric.THROUGHPUT, chunk,
                    Protocol.streamUntil(link, chunk, config.measure().toNanos()));
        }
    }

    /**
     * The longest a warm-up phase may last however busy the compilers stay: ten warm-up lengths,
     * and at least 1 s (a fresh JVM's wait loops run interpreted for a few hundred ms).
     */
    static long warmCap(BenchConfig config) {
        return Math.max(TimeUnit.SECONDS.toNanos(1), 10 * config.warmup().toNanos());
    }

    private static void shmLimit(BenchConfig config, Results results) throws IOException {
        var dir = CrossProcess.tempDir("shm");
        try (Arena arena = Arena.ofConfined()) {
            ShmPingPong line = ShmPingPong.map(dir.resolve("line"), arena);
            Process peer = CrossProcess.launch(Transport.SHM_LIMIT, List.of(Transport.SHM_LIMIT.id(), dir.toString()));
            try {
                line.pingUntil(0);
                line.pingUntil(System.nanoTime() + config.warmup().toNanos());
                addRtt(results, Transport.SHM_LIMIT, line.pingUntil(System.nanoTime() + config.measure().toNanos()));
            } finally {
                line.stop();
                waitOrKill(peer);
            }
        } finally {
            CrossProcess.deleteTree(dir);
        }
    }

    static void addRtt(Results results, Transport transport, Histogram rtt) {
        results.add(transport, Metric.RTT_P50, 1, rtt.getValueAtPercentile(50.0));
        results.add(transport, Metric.RTT_P99, 1, rtt.getValueAtPercentile(99.0));
        results.add(transport, Metric.RTT_P999, 1, rtt.getValueAtPercentile(99.9));
        results.add(transport, Metric.RTT_MAX, 1, rtt.getMaxValue());
    }

    /**
     * Sleeps per round trip since {@code before}, for the transports whose headers count them; the
     * phase's closing STOP round trip counts too.
     */
    private static void addSleeps(Results results, Transport transport, Metric metric, Link link, long before,
                                  Histogram rtt) {
        if (before >= 0) {
            results.add(transport, metric, 1, (double) (link.sleeps() - before) / (rtt.getTotalCount() + 1));
        }
    }

    private static void waitOrKill(Process peer) {
        try {
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroyForcibly();
        }
    }
}
