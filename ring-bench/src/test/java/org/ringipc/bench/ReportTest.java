package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final Env ENV = new Env("25 \"test\"", List.of("--enable-native-access=ALL-UNNAMED"),
            "Test CPU", 2, "Linux 6.0", "0.10 0.20 0.30", "quick", 3, Instant.parse("2025-01-01T00:00:00Z"),
            "harness end on CPU 0, peer end on CPU 1");

    private static Results sample() {
        Results r = new Results();
        for (double v : new double[] {100, 300, 200}) {
            r.add(Transport.RING_SPIN, Metric.RTT_P50, 1, v);
        }
        r.add(Transport.PIPE, Metric.RTT_P50, 1, 10_000);
        r.add(Transport.SHM_LIMIT, Metric.RTT_P50, 1, 100);
        r.add(Transport.PIPE, Metric.THROUGHPUT, 65536, 1_000);
        r.add(Transport.RING_SPIN, Metric.THROUGHPUT, 65536, 20_000);
        r.add(Transport.COPY_LIMIT, Metric.THROUGHPUT, 65536, 40_000);
        r.add(Transport.AGRONA, Metric.MESSAGES, 32, 10e6);
        r.add(Transport.MESSAGE_RING, Metric.MESSAGES, 32, 15e6);
        return r;
    }

    @Test
    void everyTransportAndMetricHasItsContractName() {
        assertEquals(List.of("ring-spin", "ring-block", "pipe", "unix-socket", "tcp-loopback", "bridge-udp", "shm-limit",
                        "copy-limit", "ring", "message-ring", "locked-ring", "agrona", "jctools", "nio-pipe", "raw-ring",
                        "message-ring-spin", "message-ring-block", "c-ring", "c-to-java", "java-to-c", "ring-spin-memcpy"),
                java.util.Arrays.stream(Transport.values()).map(Transport::id).toList());
        assertEquals(List.of("rtt_p50_ns", "rtt_p99_ns", "rtt_p999_ns", "rtt_max_ns", "throughput_mb_s", "messages_per_s",
                        "rtt_idle_p50_ns", "rtt_idle_p99_ns", "sleeps_per_rtt", "sleeps_per_idle_rtt"),
                java.util.Arrays.stream(Metric.values()).map(Metric::id).toList());
        assertEquals(Transport.UNIX_SOCKET, Transport.byId("unix-socket"));
        assertThrows(IllegalArgumentException.class, () -> Transport.byId("carrier-pigeon"));
    }

    @Test
    void jsonHasEnvAndOneResultPerFigureWithTheMedianAsValue() {
        String json = JsonReport.render(ENV, sample());
        assertTrue(json.startsWith("{\n  \"env\": {\"jdk\": \"25 \\\"test\\\"\", \"jvm_flags\": [\"--enable-native-access=ALL-UNNAMED\"]"), json);
        assertTrue(json.contains("\"cpu_model\": \"Test CPU\""), json);
        assertTrue(json.contains("\"kernel\": \"Linux 6.0\", \"load_average\": \"0.10 0.20 0.30\""), json);
        assertTrue(json.contains("\"pinning\": \"harness end on CPU 0, peer end on CPU 1\""), json);
        assertTrue(TextReport.render(ENV, BenchConfig.quick(), sample())
                .contains("Pinning: harness end on CPU 0, peer end on CPU 1\n"));
        assertTrue(json.contains("{\"transport\": \"ring-spin\", \"metric\": \"rtt_p50_ns\", \"chunk_bytes\": 1, "
                + "\"value\": 200.000, \"min\": 100.000, \"max\": 300.000, \"runs\": 3, "
                + "\"rounds\": [100.000, 300.000, 200.000], \"placement_ns\": [[-1, -1], [-1, -1], [-1, -1]]}"), json);
        assertTrue(json.contains("{\"transport\": \"copy-limit\", \"metric\": \"throughput_mb_s\", \"chunk_bytes\": 65536, \"value\": 40000.000"), json);
        assertTrue(json.contains("\"metric\": \"messages_per_s\", \"chunk_bytes\": 32, \"value\": 10000000.000"), json);
        Matcher m = Pattern.compile("\\{\"transport\": ").matcher(json);
        int count = 0;
        while (m.find()) {
            count++;
        }
        assertEquals(8, count);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
        assertEquals(json.chars().filter(c -> c == '[').count(), json.chars().filter(c -> c == ']').count());
    }

    @Test
    void tableWarnsWhenTheMachineWasBusyAtTheStart() {
        Env busy = new Env("25", List.of(), "cpu", 2, "Linux", "3.50 1.00 0.50", "quick", 3, Instant.EPOCH, "not pinned");
        assertTrue(TextReport.render(busy, BenchConfig.quick(), sample()).contains("WARNING: the load average"));
        assertTrue(!TextReport.render(ENV, BenchConfig.quick(), sample()).contains("WARNING"));
    }

    @Test
    void jsonEscapesControlCharactersAndQuotes() {
        StringBuilder out = new StringBuilder();
        JsonReport.string(out, "a\"b\\c\nd\u0001");
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", out.toString());
    }

    @Test
    void tableShowsEnvironmentMediansSpreadsAndRatiosToPipeAndLimit() {
        String table = TextReport.render(ENV, BenchConfig.quick(), sample());
        assertTrue(table.contains("CPU Test CPU x2, kernel Linux 6.0, load average 0.10 0.20 0.30"), table);
        assertTrue(table.contains("JVM flags --enable-native-access=ALL-UNNAMED"), table);
        String rtt = line(table, "ring-spin", "200 [100-300]");
        assertTrue(rtt.contains("50x"), rtt);     // pipe 10,000 / 200
        assertTrue(rtt.contains("2.00x"), rtt);   // 200 / shm-limit 100
        String bulk = line(table, "ring-spin", "20,000");
        assertTrue(bulk.contains("20x"), bulk);   // pipe 1,000
        assertTrue(bulk.contains("50%"), bulk);   // of copy-limit 40,000
        String messages = line(table, "message-ring", "15,000,000");
        assertTrue(messages.contains("1.50x"), messages);
    }

    @Test
    void crossProcessTablesShowEachRingAgainstTheRawRingOfTheSameRun() {
        Results r = sample();
        r.add(Transport.RAW_RING, Metric.RTT_P50, 1, 160);
        r.add(Transport.RAW_RING, Metric.THROUGHPUT, 65536, 25_000);
        r.add(Transport.TCP_LOOPBACK, Metric.THROUGHPUT, 65536, 2_000);
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        assertTrue(table.contains("this/raw-ring"), table);
        assertTrue(line(table, "ring-spin", "200 [100-300]").contains("1.25x"), table);   // 200 / raw 160
        assertTrue(line(table, "ring-spin", "20,000").contains("0.80x"), table);          // 20,000 / raw 25,000
        assertTrue(line(table, "raw-ring", "25,000").contains("1.00x"), table);
        assertTrue(line(table, "tcp-loopback", "2,000").contains("2.00x"), table);        // pipe 1,000
    }

    @Test
    void messageRingAndCLanesShowTheirRatioToShmLimitAndToTheNativeRingOfTheSameRun() {
        Results r = sample();
        r.add(Transport.MESSAGE_RING_SPIN, Metric.RTT_P50, 1, 120);
        r.add(Transport.C_RING, Metric.RTT_P50, 1, 150);
        r.add(Transport.C_TO_JAVA, Metric.RTT_P50, 1, 300);
        r.add(Transport.C_RING, Metric.THROUGHPUT, 65536, 10_000);
        r.add(Transport.C_TO_JAVA, Metric.THROUGHPUT, 65536, 5_000);
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        assertTrue(table.contains("this/c-ring"), table);
        String message = line(table, "message-ring-spin", "120");
        assertTrue(message.contains("0.80x") && message.contains("1.20x"), message);   // / c-ring 150, / shm-limit 100
        assertTrue(line(table, "ring-spin", "200 [100-300]").contains("1.33x"), table);     // 200 / c-ring 150
        assertTrue(line(table, "c-to-java", "5,000").contains("0.50x"), table);             // / c-ring 10,000
        assertTrue(line(table, "ring-spin", "20,000").contains("2.00x"), table);            // / c-ring 10,000
    }

    @Test
    void ringSpinMemcpySitsRightBelowRingSpinInBothCrossProcessTablesWithItsOwnRatios() {
        Results r = sample();
        for (double v : new double[] {210, 250, 230}) {
            r.add(Transport.RING_SPIN_MEMCPY, Metric.RTT_P50, 1, v);
        }
        r.add(Transport.RING_SPIN_MEMCPY, Metric.THROUGHPUT, 65536, 60_000);
        r.add(Transport.RING_BLOCK, Metric.THROUGHPUT, 65536, 15_000);
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        List<String> lines = table.lines().toList();
        String spinRtt = line(table, "ring-spin", "200 [100-300]");
        String memcpyRtt = line(table, "ring-spin-memcpy", "230 [210-250]");
        assertEquals(lines.indexOf(spinRtt) + 1, lines.indexOf(memcpyRtt), "side by side:\n" + table);
        assertTrue(memcpyRtt.contains("2.30x"), memcpyRtt);   // 230 / shm-limit 100
        String spinBulk = line(table, "ring-spin", "20,000");
        String memcpyBulk = line(table, "ring-spin-memcpy", "60,000");
        assertEquals(lines.indexOf(spinBulk) + 1, lines.indexOf(memcpyBulk), "side by side:\n" + table);
        assertTrue(memcpyBulk.contains("60x"), memcpyBulk);   // / pipe 1,000
        assertTrue(lines.indexOf(memcpyBulk) < lines.indexOf(line(table, "ring-block", "15,000")), table);
        String json = JsonReport.render(ENV, r);
        assertTrue(json.contains("{\"transport\": \"ring-spin-memcpy\", \"metric\": \"throughput_mb_s\", \"chunk_bytes\": 65536, "
                + "\"value\": 60000.000"), json);
    }

    @Test
    void withoutCRingTheTablesHaveNoCRingColumn() {
        String table = TextReport.render(ENV, BenchConfig.quick(), sample());
        assertTrue(!table.contains("c-ring"), table);
    }

    @Test
    void skippedTransportsGetOneLinePerReasonInTheTableAndAnEntryEachInTheJson() {
        Results r = sample();
        r.skip(Transport.C_RING, "ring-c/target/cring-peer is not built");
        r.skip(Transport.C_TO_JAVA, "ring-c/target/cring-peer is not built");
        r.skip(Transport.C_RING, "ring-c/target/cring-peer is not built");
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        assertEquals(List.of("Skipped c-ring, c-to-java: ring-c/target/cring-peer is not built"),
                table.lines().filter(l -> l.contains("Skipped")).toList(), table);
        String json = JsonReport.render(ENV, r);
        assertTrue(json.contains("\"skipped\": [\n    {\"transport\": \"c-ring\", \"reason\": \"ring-c/target/cring-peer is not built\"},\n"
                + "    {\"transport\": \"c-to-java\", \"reason\": "), json);
        assertTrue(!JsonReport.render(ENV, sample()).contains("skipped"));
    }

    @Test
    void tableShowsTheIdleRoundTripWithItsRatioToPipeAndTheSleepsPerRoundTrip() {
        Results r = sample();
        r.add(Transport.RING_BLOCK, Metric.RTT_P50, 1, 400);
        r.add(Transport.RING_BLOCK, Metric.SLEEPS_PER_RTT, 1, 0.25);
        r.add(Transport.RING_BLOCK, Metric.RTT_IDLE_P50, 1, 5_000);
        r.add(Transport.RING_BLOCK, Metric.SLEEPS_PER_IDLE_RTT, 1, 1.0);
        r.add(Transport.PIPE, Metric.RTT_IDLE_P50, 1, 12_500);
        String table = TextReport.render(ENV, BenchConfig.quick(), r);
        assertTrue(line(table, "ring-block", "400").contains("0.25"), table);
        assertTrue(table.contains("after the peer idled 200 µs"), table);
        String idle = line(table, "ring-block", "5,000");
        assertTrue(idle.contains("2.50x") && idle.endsWith("1.00"), idle);   // pipe 12,500 / 5,000
    }

    @Test
    void pngGoesBesideTheJson(@TempDir Path dir) throws Exception {
        assertEquals(dir.resolve("bench.png"), BenchMain.pngBeside(dir.resolve("bench.json")));
        Path png = dir.resolve("bench.png");
        Charts.write(png, ENV, BenchConfig.quick(), sample());
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertEquals("\u0089PNG", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void bulkPanelsLabelTheMeasuredChunkSizesAndDrawEachPointsMinMax() {
        Results r = new Results();
        for (double v : new double[] {9_000, 10_000, 30_000}) {
            r.add(Transport.RING_SPIN, Metric.THROUGHPUT, 65536, v);
        }
        r.add(Transport.PIPE, Metric.THROUGHPUT, 4096, 1_000);
        var chart = Charts.bulk("bulk", BenchConfig.quick(), r, List.of(Transport.RING_SPIN, Transport.PIPE));
        assertEquals("4 KiB", Charts.chunkLabel(Charts.log2Kib(4096)));
        assertEquals("64 KiB", Charts.chunkLabel(Charts.log2Kib(65536)));
        assertEquals("1 MiB", Charts.chunkLabel(Charts.log2Kib(1 << 20)));
        assertEquals("5.7 KiB", Charts.chunkLabel(2.5));
        var whisker = chart.getSeriesMap().get("ring-spin min-max 65536");
        assertEquals(Math.log10(9_000), whisker.getYData()[0], 1e-9);
        assertEquals(Math.log10(30_000), whisker.getYData()[1], 1e-9);
        assertEquals(whisker.getXData()[0], whisker.getXData()[1]);
        var median = chart.getSeriesMap().get("ring-spin");
        assertEquals(Math.log10(10_000), median.getYData()[0], 1e-9);
        assertEquals(whisker.getXData()[0], median.getXData()[0], "the whisker stands on its point");
        assertTrue(chart.getSeriesMap().containsKey("pipe min-max 4096"));
    }

    @Test
    void logAxisLabelsCarryTheirValueToTwoDigits() {
        assertEquals("1,000", Charts.powerOfTenLabel(3.0));
        assertEquals("3,200", Charts.powerOfTenLabel(3.5));
        assertEquals("10,000", Charts.powerOfTenLabel(4.0));
        assertEquals("1,800", Charts.powerOfTenLabel(3.25));
    }

    @Test
    void theEnvironmentLineNamesJdkCpuKernelLoadAndDate() {
        assertEquals("JDK 25 \"test\", Test CPU, 2 CPUs, Linux 6.0, load 0.10 0.20 0.30, 2025-01-01",
                Charts.environmentLine(ENV));
    }

    @Test
    void optionsPickModeRoundsAndTransports() {
        BenchMain.Options o = BenchMain.Options.parse(new String[] {"--quick", "--rounds", "5", "--only", "pipe, ring-spin", "--json", "x.json"});
        assertEquals("quick", o.config.mode());
        assertEquals(5, o.config.rounds());
        assertEquals(List.of(Transport.PIPE, Transport.RING_SPIN), o.config.transports());
        assertEquals(Path.of("x.json"), o.json);
        assertEquals("full", BenchMain.Options.parse(new String[0]).config.mode());
        var e = assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--rounds", "0"}));
        assertEquals("--rounds=0 is not a positive integer", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Options.parse(new String[] {"--json"}));
        assertEquals(List.of(Transport.RING_SPIN_MEMCPY),
                BenchMain.Options.parse(new String[] {"--only", "ring-spin-memcpy"}).config.transports());
        assertTrue(BenchMain.USAGE.contains(" ring-spin-memcpy "), BenchMain.USAGE);
        assertTrue(BenchMain.Options.parse(new String[0]).pin, "ends are pinned unless told not to");
        assertTrue(!BenchMain.Options.parse(new String[] {"--quick", "--no-pin"}).pin);
    }

    private static String line(String table, String first, String containing) {
        return table.lines().filter(l -> l.startsWith(first + " ") && l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + first + " line with " + containing + " in\n" + table));
    }
}
