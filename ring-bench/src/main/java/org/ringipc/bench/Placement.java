package org.ringipc.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far apart the host has placed the two CPUs right now: the median round trip of one cache
 * line between a thread on each (the harness's and the peer's CPU when the run is pinned). On a
 * shared guest the host moves vCPUs: this machine's line round trip is about 440 ns with its
 * vCPUs far apart and about 100-200 ns at times when they sit close, and every cross-core figure
 * moves several-fold with it. A probe costs about a millisecond.
 */
final class Placement {

    /** Round trips per probe. */
    static final int ROUND_TRIPS = 2_000;
    /** Slots apart in the array: 16 longs, 128 bytes, so the two words never share a line (or a prefetched pair). */
    private static final int PAD = 16;

    private Placement() {
    }

    /**
     * The median line round trip, ns, between the calling thread and a thread on the run's peer
     * CPU (anywhere, unpinned). Busy-waits on both sides for about a millisecond.
     */
    static long probeNanos() throws InterruptedException {
        AtomicLongArray line = new AtomicLongArray(3 * PAD);
        final int ping = PAD;
        final int pong = 2 * PAD;
        Thread echo = Thread.ofPlatform().daemon().name("placement-echo").start(() -> {
            Affinity.pinPeerEnd();
            // answer each ping with the same value; -1 ends
            long last = 0;
            while (true) {
                long v;
                while ((v = line.getAcquire(ping)) == last) {
                    Thread.onSpinWait();
                }
                if (v < 0) {
                    return;
                }
                // release: the echo is seen after the ping it answers
                line.setRelease(pong, v);
                last = v;
            }
        });
        long[] rtt = new long[ROUND_TRIPS];
        try {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                long v = i + 1;
                long t0 = System.nanoTime();
                // release/acquire pair with the echo thread's acquire/release: one line each way
                line.setRelease(ping, v);
                while (line.getAcquire(pong) != v) {
                    Thread.onSpinWait();
                }
                rtt[i] = System.nanoTime() - t0;
            }
        } finally {
            line.setRelease(ping, -1);
            echo.join();
        }
        java.util.Arrays.sort(rtt);
        return rtt[ROUND_TRIPS / 2];
    }

    /** {@code Placement [SECONDS]}: a probe every 250 ms, one line per probe: seconds since start and ns. */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        Affinity.plan().ifPresent(Affinity::begin);
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) {
            long ns = probeNanos();
            System.out.printf(java.util.Locale.ROOT, "%7.2f %6d%n", (System.nanoTime() - start) / 1e9, ns);
            Thread.sleep(250);
        }
    }
}
