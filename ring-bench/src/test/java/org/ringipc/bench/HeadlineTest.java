package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HeadlineTest {

    private static final Env ENV = new Env("25", List.of(), "cpu", 2, "Linux", "0.10 0.20 0.30", "quick", 3, Instant.EPOCH, "not pinned");

    private static void rounds(Results r, Transport t, Metric m, int chunk, double... values) {
        for (double v : values) {
            r.add(t, m, chunk, v);
        }
    }

    private static Map<String, Headline.Measured> byId(Results r) {
        return Headline.measure(r).stream().collect(Collectors.toMap(m -> m.target().id(), Function.identity()));
    }

    @Test
    void aRatioIsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
        Results r = new Results();
        // the host's minute moves both sides of a round together: round 2 is slow for both
        rounds(r, Transport.RING_SPIN, Metric.THROUGHPUT, 65536, 10_000, 2_000, 12_000);
        rounds(r, Transport.RAW_RING, Metric.THROUGHPUT, 65536, 10_500, 2_100, 30_000);
        Headline.Measured m = byId(r).get("bulk_ring_spin_vs_raw_ring");
        // per round: 0.952, 0.952, 0.4; the ratio of the medians would be 10,000 / 10,500 as well,
        // but with round 3 moved to the middle it would not: check the per-round summary itself
        assertEquals(10_000 / 10_500.0, m.ratio().median(), 1e-9);
        assertEquals(0.4, m.ratio().min(), 1e-9);
        assertEquals(3, m.ratio().runs());
        assertTrue(m.met(), "0.95x meets at least 0.9x");

        Results swing = new Results();
        rounds(swing, Transport.RING_SPIN, Metric.THROUGHPUT, 65536, 5_000, 20_000, 6_000);
        rounds(swing, Transport.RAW_RING, Metric.THROUGHPUT, 65536, 5_000, 21_000, 30_000);
        // medians 6,000 / 21,000 = 0.29x; per-round ratios 1.0, 0.95, 0.2 give 0.95x
        Headline.Measured s = byId(swing).get("bulk_ring_spin_vs_raw_ring");
        assertEquals(20_000 / 21_000.0, s.ratio().median(), 1e-9);
        assertTrue(s.met());
    }

    @Test
    void roundsUnderAnAtypicalPlacementAreLeftOutOfTheRatio() {
        Results r = new Results();
        // most of the run sees the CPUs far apart (a line round trip near 440 ns)
        for (long probe : new long[] {440, 450, 430, 420, 445}) {
            r.placement(probe);
            r.add(Transport.PIPE, Metric.THROUGHPUT, 65536, 3_000);
        }
        // two rounds of messages run while the host has the CPUs close (100 ns): JCTools gains more
        double[][] rounds = {{100, 10e6, 50e6}, {110, 11e6, 44e6}, {440, 12e6, 15e6}};
        for (double[] round : rounds) {
            r.placement((long) round[0]);
            r.add(Transport.MESSAGE_RING, Metric.MESSAGES, 32, round[1]);
            r.add(Transport.JCTOOLS, Metric.MESSAGES, 32, round[2]);
        }
        Headline.Measured m = byId(r).get("messages_message_ring_vs_jctools");
        // all three rounds would give 0.25x; the one round under the typical placement gives 0.8x
        assertEquals(0.8, m.ratio().median(), 1e-9);
        assertEquals(1, m.ratio().runs());
        assertEquals(3, m.rounds());
        // each round's probes: the one before it, and the next one (none yet after the last)
        assertEquals(List.of("[100, 110]", "[110, 440]", "[440, -1]"),
                r.placements(Transport.JCTOOLS, Metric.MESSAGES, 32).stream().map(java.util.Arrays::toString).toList());
        String text = TextReport.render(ENV, BenchConfig.quick(), r);
        assertTrue(text.contains("Placement: cache-line round trip between the two CPUs 435 ns [100-450] over 8 probes,"
                + " 2 outside half to twice the median"), text);
        assertTrue(JsonReport.render(ENV, r).contains("\"runs\": 1, \"rounds_measured\": 3"));

        // the host may move the CPUs in the middle of a measurement: the probe after it counts too
        Results moved = new Results();
        for (long probe : new long[] {440, 450, 430, 420, 445}) {
            moved.placement(probe);
        }
        moved.add(Transport.MESSAGE_RING, Metric.MESSAGES, 32, 12e6);
        moved.add(Transport.JCTOOLS, Metric.MESSAGES, 32, 15e6);
        moved.placement(440);
        moved.add(Transport.MESSAGE_RING, Metric.MESSAGES, 32, 20e6);
        moved.add(Transport.JCTOOLS, Metric.MESSAGES, 32, 100e6);
        moved.placement(100);
        Headline.Measured after = byId(moved).get("messages_message_ring_vs_jctools");
        assertEquals(0.8, after.ratio().median(), 1e-9);
        assertEquals(1, after.ratio().runs());
        assertEquals(2, after.rounds());

        // when every round of a ratio ran atypically, it keeps them all rather than show nothing
        Results close = new Results();
        close.placement(440);
        close.placement(445);
        close.placement(100);
        close.add(Transport.MESSAGE_RING, Metric.MESSAGES, 32, 10e6);
        close.add(Transport.JCTOOLS, Metric.MESSAGES, 32, 50e6);
        Headline.Measured c = byId(close).get("messages_message_ring_vs_jctools");
        assertEquals(0.2, c.ratio().median(), 1e-9);
        assertEquals(1, c.ratio().runs());
    }

    @Test
    void atMostTargetsAreMetFromBelowAndMissedAbove() {
        Results r = new Results();
        rounds(r, Transport.RING_BLOCK, Metric.RTT_P50, 1, 1_100, 1_150, 1_000);
        rounds(r, Transport.RING_SPIN, Metric.RTT_P50, 1, 1_000, 1_000, 1_000);
        rounds(r, Transport.SHM_LIMIT, Metric.RTT_P50, 1, 400, 450, 420);
        Map<String, Headline.Measured> m = byId(r);
        assertEquals(1.1, m.get("rtt_ring_block_vs_ring_spin").ratio().median(), 1e-9);
        assertTrue(m.get("rtt_ring_block_vs_ring_spin").met());
        assertEquals(1_000 / 420.0, m.get("rtt_ring_spin_vs_shm_limit").ratio().median(), 1e-9);
        assertFalse(m.get("rtt_ring_spin_vs_shm_limit").met(), "2.38x is above at most 2x");
    }

    @Test
    void aTargetWithASideMissingOrNotPositiveIsLeftOut() {
        Results r = new Results();
        rounds(r, Transport.MESSAGE_RING, Metric.MESSAGES, 32, 15e6, 16e6);
        Map<String, Headline.Measured> m = byId(r);
        assertFalse(m.containsKey("messages_message_ring_vs_agrona"));
        rounds(r, Transport.AGRONA, Metric.MESSAGES, 32, 0, 10e6);
        Headline.Measured agrona = byId(r).get("messages_message_ring_vs_agrona");
        assertEquals(1, agrona.ratio().runs(), "the round with a 0 on one side is left out");
        assertEquals(1.6, agrona.ratio().median(), 1e-9);
        assertTrue(agrona.met());
    }

    @Test
    void theTableAndTheJsonGiveEachRatioItsTargetAndVerdict() {
        Results r = new Results();
        rounds(r, Transport.MESSAGE_RING, Metric.MESSAGES, 32, 12e6, 12e6, 12e6);
        rounds(r, Transport.AGRONA, Metric.MESSAGES, 32, 10e6, 10e6, 10e6);
        rounds(r, Transport.JCTOOLS, Metric.MESSAGES, 32, 10e6, 12e6, 8e6);
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        assertTrue(table.contains("Headline ratios"), table);
        assertTrue(table.matches("(?s).*32-byte messages: message-ring / agrona +1\\.20x \\[1\\.20x-1\\.20x] +3/3 +≥ 1\\.50x +missed.*"), table);
        assertTrue(table.matches("(?s).*32-byte messages: message-ring / jctools +1\\.20x \\[1\\.00x-1\\.50x] +3/3 +≥ 1\\.00x +met.*"), table);
        String json = JsonReport.render(ENV, r);
        assertTrue(json.contains("\"headline\": [\n    {\"id\": \"messages_message_ring_vs_agrona\", \"a\": \"message-ring\", "
                + "\"b\": \"agrona\", \"metric\": \"messages_per_s\", \"chunk_bytes\": 32, \"ratio\": 1.200, \"min\": 1.200, "
                + "\"max\": 1.200, \"runs\": 3, \"rounds_measured\": 3, \"bound\": \"at_least\", \"target\": 1.500, \"met\": false}"), json);
        assertTrue(json.contains("\"id\": \"messages_message_ring_vs_jctools\""), json);
        assertFalse(json.contains("bulk_ring_spin_vs_raw_ring"), "a ratio whose sides did not run is not reported");
    }

    @Test
    void theRunOrderListsEveryTransportOnceWithTheTwoSidesOfEachRatioClose() {
        List<Transport> order = BenchConfig.RUN_ORDER;
        assertEquals(Transport.values().length, order.size());
        assertEquals(Transport.values().length, order.stream().distinct().count());
        assertEquals(order, BenchConfig.quick().transports());
        assertEquals(order, BenchConfig.full().transports());
        for (Headline.Target t : Headline.TARGETS) {
            int gap = Math.abs(order.indexOf(t.a()) - order.indexOf(t.b()));
            assertTrue(gap <= 3, t.id() + ": " + t.a().id() + " and " + t.b().id() + " are " + gap + " apart in the run order");
        }
    }
}
