package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs each transport for a few milliseconds: it must deliver every byte and report every figure. */
class SmokeTest {

    private static final BenchConfig TINY = BenchConfig.quick().withRounds(1)
            .withTimes(Duration.ofMillis(5), Duration.ofMillis(20)).withChunkSizes(List.of(4096, 65536));

    @ParameterizedTest
    @EnumSource(names = {"RING", "MESSAGE_RING", "LOCKED_RING", "AGRONA", "JCTOOLS", "NIO_PIPE"})
    @Timeout(60)
    void inProcessLaneDeliversEveryByteItWasGiven(Transport transport) throws Exception {
        for (int chunk : List.of(32, 4096, 1 << 20)) {
            if (transport == Transport.MESSAGE_RING && chunk > 4096) {
                continue;
            }
            InProcessBench.Delivery d = InProcessBench.run(InProcessBench.factory(transport), chunk, 2_000_000);
            assertTrue(d.bytes() > 0 && d.bytes() % chunk == 0, transport + " " + chunk + ": " + d);
            assertTrue(d.nanos() > 0, d.toString());
        }
    }

    @Test
    @Timeout(60)
    void theMessageBlockGivesEveryInProcessTransportOneFigureARound() throws Exception {
        Results results = new Results();
        List<Transport> block = List.of(Transport.AGRONA, Transport.MESSAGE_RING, Transport.JCTOOLS);
        InProcessBench.messages(block, TINY, results);
        InProcessBench.messages(block, TINY, results);
        for (Transport t : block) {
            List<Double> rounds = results.rounds(t, Metric.MESSAGES, TINY.messageBytes());
            assertEquals(2, rounds.size(), t + ": " + rounds);
            assertTrue(rounds.stream().allMatch(r -> r > 0), t + ": " + rounds);
        }
    }

    @Test
    void eachRoundMeetsTheInProcessTransportsInItsOwnOrder() {
        List<Transport> order = List.of(Transport.PIPE, Transport.AGRONA, Transport.RING_SPIN, Transport.MESSAGE_RING);
        assertEquals(List.of(Transport.AGRONA, Transport.MESSAGE_RING), BenchMain.inProcess(order, 0));
        assertEquals(List.of(Transport.AGRONA, Transport.MESSAGE_RING), BenchMain.inProcess(order, 1));
        assertEquals(List.of(Transport.MESSAGE_RING, Transport.AGRONA), BenchMain.inProcess(order, 2));
    }

    @ParameterizedTest
    @EnumSource(names = {"RING_SPIN", "RING_SPIN_MEMCPY", "RING_BLOCK", "PIPE", "UNIX_SOCKET", "SHM_LIMIT", "COPY_LIMIT", "TCP_LOOPBACK", "RAW_RING",
        "BRIDGE_UDP", "MESSAGE_RING_SPIN", "MESSAGE_RING_BLOCK"})
    @Timeout(300)
    void crossProcessTransportReportsEveryFigure(Transport transport) throws Exception {
        Results results = new Results();
        CrossProcessBench.round(transport, TINY, results);
        boolean rtt = transport != Transport.COPY_LIMIT;
        boolean bulk = transport != Transport.SHM_LIMIT;
        if (rtt) {
            double p50 = results.median(transport, Metric.RTT_P50, 1).orElseThrow();
            double p999 = results.median(transport, Metric.RTT_P999, 1).orElseThrow();
            assertTrue(p50 > 0 && p50 <= p999, transport + " p50=" + p50 + " p99.9=" + p999);
        }
        if (bulk) {
            for (int chunk : TINY.chunkSizes()) {
                assertTrue(results.median(transport, Metric.THROUGHPUT, chunk).orElseThrow() > 0, transport + " " + chunk);
            }
        }
        // the transports whose shared ring headers count sleeps (bridge-udp's ends are rings too)
        boolean ring = transport == Transport.RING_SPIN || transport == Transport.RING_SPIN_MEMCPY
                || transport == Transport.RING_BLOCK
                || transport == Transport.BRIDGE_UDP || transport == Transport.MESSAGE_RING_SPIN
                || transport == Transport.MESSAGE_RING_BLOCK;
        if (rtt && transport != Transport.SHM_LIMIT) {
            double idle = results.median(transport, Metric.RTT_IDLE_P50, 1).orElseThrow();
            assertTrue(idle > 0, transport + " idle p50=" + idle);
        }
        int expected = (rtt ? 4 : 0) + (bulk ? TINY.chunkSizes().size() : 0) + (rtt && bulk ? 2 : 0) + (ring ? 2 : 0);
        assertEquals(expected, results.summaries().size(), results.summaries().keySet().toString());
    }

    @ParameterizedTest
    @EnumSource(names = {"RING_SPIN", "PIPE", "RAW_RING"})
    @Timeout(120)
    void onePeerJvmServesEveryRoundOfItsTransportAndEndsWhenTheRunDoes(Transport transport) throws Exception {
        Results results = new Results();
        Process peer;
        try (CrossProcessBench.Peers peers = new CrossProcessBench.Peers()) {
            for (int round = 0; round < 3; round++) {
                CrossProcessBench.round(transport, TINY, results, peers);
            }
            CrossProcess.Session session = peers.session(transport, TINY);
            peer = session.peer();
            assertEquals(3, session.roundsStarted());
            assertTrue(peer.isAlive(), "the peer idles between rounds");
        }
        assertEquals(0, peer.waitFor(), "the peer ends cleanly once the run closes its control FIFO");
        assertEquals(3, results.summary(transport, Metric.RTT_P50, 1).orElseThrow().runs());
        for (int chunk : TINY.chunkSizes()) {
            assertEquals(3, results.summary(transport, Metric.THROUGHPUT, chunk).orElseThrow().runs());
        }
    }

    @org.junit.jupiter.api.Test
    @Timeout(120)
    void ringSpinNeverSleepsAndRingBlockSleepsInTheFutexWhenThePeerIdles() throws Exception {
        Results results = new Results();
        CrossProcessBench.round(Transport.RING_SPIN, TINY, results);
        CrossProcessBench.round(Transport.RING_BLOCK, TINY, results);
        assertEquals(0.0, results.median(Transport.RING_SPIN, Metric.SLEEPS_PER_RTT, 1).orElseThrow());
        assertEquals(0.0, results.median(Transport.RING_SPIN, Metric.SLEEPS_PER_IDLE_RTT, 1).orElseThrow());
        // after a 200 µs pause the BLOCK peer has spun 20 µs, yielded to 60 µs and gone to sleep
        double blockSleeps = results.median(Transport.RING_BLOCK, Metric.SLEEPS_PER_IDLE_RTT, 1).orElseThrow();
        assertTrue(blockSleeps > 0, "ring-block sleeps per idle round trip = " + blockSleeps);
    }

    @Test
    @Timeout(120)
    void aWholeRunPrintsTheTableAndWritesJsonAndPng(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var progress = new java.io.ByteArrayOutputStream();
        BenchConfig config = TINY.withTransports(List.of(Transport.PIPE, Transport.COPY_LIMIT, Transport.AGRONA));
        BenchMain.run(config, dir.resolve("r.json"), new java.io.PrintStream(out, true), new java.io.PrintStream(progress, true));
        assertTrue(out.toString().contains("Round trip of 1 byte"), out.toString());
        assertTrue(progress.toString().contains("round 1/1"), progress.toString());
        String json = java.nio.file.Files.readString(dir.resolve("r.json"));
        assertTrue(json.contains("\"transport\": \"agrona\", \"metric\": \"messages_per_s\""), json);
        // the machine's CPUs, not the one the pinned harness thread may use
        assertTrue(json.contains("\"cpus\": " + Runtime.getRuntime().availableProcessors() + ","), json);
        assertTrue(java.nio.file.Files.size(dir.resolve("r.png")) > 1000);
    }
}
