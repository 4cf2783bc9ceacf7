package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ringipc.mmap.CliTest.ring;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.BurstReport;
import org.ringipc.core.BurstVerifier;
import org.ringipc.core.MessageSource;
import org.ringipc.core.OverflowPolicy;
import org.ringipc.core.RingOptions;

/**
 * The DMA engine and its verifier on message rings, and {@code ring read}/{@code ring consume}
 * serving several ring files from one thread; every command in its own child JVM, as in {@link CliTest}.
 */
class FanInCliTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void dmaAndConsumeOnAMessageRingSendEachBurstAsOneMessageAndCountEveryDropAsAGap() throws Exception {
        Path ring = dir.resolve("dma-messages");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "4k").assertOk();  // 7 bursts of 500

        CliTest.Cli consumer = CliTest.Cli.start(dir, null, null, "consume", ring.toString(), "--delay", "200ms", "--json");
        CliTest.Cli dma = CliTest.Cli.start(dir, null, null, "dma", ring.toString(), "--burst", "500",
                "--duration", "1500ms", "--json");
        Map<String, Object> sent = CliTest.Json.parse(dma.finish().assertOk().out());
        Map<String, Object> got = CliTest.Json.parse(consumer.finish().assertOk().out());

        long dropped = (Long) sent.get("dropped");
        assertTrue(dropped > 0, "a consumer at 5 bursts/s behind a 20 bursts/s engine drops: " + sent);
        assertEquals(0L, got.get("corrupt"), "corrupt: " + got);
        assertEquals(dropped, got.get("gaps"), "gaps == the engine's dropped bursts: " + got);
        assertEquals(dropped, got.get("drops"), "the ring counted the same drops: " + got);
        assertEquals(sent.get("bursts"), got.get("bursts"));
        assertEquals(sent.get("bytes"), got.get("bytes"));
        Map<String, Object> stat = CliTest.Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals((Long) sent.get("bursts") + 1, stat.get("writes"), "one message per burst, one end marker");
    }

    @Test
    void dmaRefusesABurstLongerThanTheMessageRingsLargestMessageAsABadCommandLine() throws Exception {
        Path ring = dir.resolve("small");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "4k").assertOk();
        CliTest.Result r = ring(dir, "dma", ring.toString(), "--burst", "4k");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--burst=4096 is longer than the largest message"), r.err());
        assertTrue(r.err().contains("maxMessageLength=2040"), r.err());
    }

    @Test
    void aDmaEngineInAnotherJvmFeedsTheVerifierHereOverASharedMessageRingUnderDrop() throws Exception {
        Path file = dir.resolve("engine");
        RingOptions drop = RingOptions.defaults().withOverflowPolicy(OverflowPolicy.DROP);
        try (SharedMessageRing ring = SharedMessageRing.create(file, 4096, drop)) {
            CliTest.Cli dma = CliTest.Cli.start(dir, null, null, "dma", file.toString(), "--burst", "256",
                    "--interval", "2ms", "--duration", "3s", "--json");
            BurstReport report;
            try (MessageSource source = ring.source()) {
                // nobody reads yet: the ring fills and the engine drops
                long deadline = System.nanoTime() + CliTest.TIMEOUT.toNanos();
                while (ring.stats().drops() < 5) {
                    assertTrue(System.nanoTime() < deadline, "the engine never filled the ring: " + ring.stats());
                    Thread.sleep(10);
                }
                report = BurstVerifier.verify(source);
            }
            Map<String, Object> sent = CliTest.Json.parse(dma.finish().assertOk().out());
            long dropped = (Long) sent.get("dropped");
            assertTrue(dropped > 0, "the stalled reader made the engine drop: " + sent);
            assertEquals(new BurstReport((Long) sent.get("bursts"), (Long) sent.get("bytes"), dropped, 0), report);
            assertEquals(dropped, ring.stats().drops(), "the ring's header counted each drop");
            assertEquals(dropped * (256 + 8), ring.stats().bytesDropped(), "a drop counts the record's framed bytes");
        }
    }

    @Test
    void consumeServesARingOfEachKindFromOneProcessAndReportsEachFileOnceBothEnded() throws Exception {
        Path bytes = dir.resolve("bytes");
        Path messages = dir.resolve("messages");
        ring(dir, "create", bytes.toString(), "--capacity", "1m").assertOk();
        ring(dir, "create", messages.toString(), "--messages", "--capacity", "1m").assertOk();

        CliTest.Cli consumer = CliTest.Cli.start(dir, null, null, "consume", bytes.toString(), messages.toString(), "--json");
        CliTest.Cli shortDma = CliTest.Cli.start(dir, null, null, "dma", bytes.toString(), "--interval", "10ms",
                "--duration", "3s", "--json");
        CliTest.Cli longDma = CliTest.Cli.start(dir, null, null, "dma", messages.toString(), "--interval", "10ms",
                "--duration", "5s", "--burst", "1k", "--json");
        Map<String, Object> sentBytes = CliTest.Json.parse(shortDma.finish().assertOk().out());
        Map<String, Object> sentMessages = CliTest.Json.parse(longDma.finish().assertOk().out());
        List<String> lines = consumer.finish().assertOk().out().lines().toList();

        assertEquals(2, lines.size(), "one JSON object per file: " + lines);
        Map<String, Object> gotBytes = CliTest.Json.parse(lines.get(0));
        Map<String, Object> gotMessages = CliTest.Json.parse(lines.get(1));
        assertEquals(bytes.toString(), gotBytes.get("file"));
        assertEquals(messages.toString(), gotMessages.get("file"));
        for (var pair : List.of(List.of(sentBytes, gotBytes), List.of(sentMessages, gotMessages))) {
            Map<String, Object> sent = pair.get(0);
            Map<String, Object> got = pair.get(1);
            assertTrue((Long) sent.get("bursts") > 0, "bursts sent: " + sent);
            assertEquals(sent.get("bursts"), got.get("bursts"), "every burst arrived: " + got);
            assertEquals(sent.get("bytes"), got.get("bytes"));
            // a stall of the consumer (a loaded machine) may make the engine drop: each drop is a gap
            assertEquals(sent.get("dropped"), got.get("gaps"), "gaps == the engine's drops: " + got);
            assertEquals(sent.get("dropped"), got.get("drops"), "the ring counted the same drops: " + got);
            assertEquals(0L, got.get("corrupt"));
            assertEquals(false, got.get("interrupted"));
        }
    }

    @Test
    void readOfSeveralRingsWritesEachLineWholeTaggedWithItsFileAndGoesOnAfterOneEnds() throws Exception {
        Path bytes = dir.resolve("b");
        Path messages = dir.resolve("m");
        ring(dir, "create", bytes.toString(), "--capacity", "4k").assertOk();   // lines split at the wrap
        ring(dir, "create", messages.toString(), "--messages", "--capacity", "4k").assertOk();
        List<String> byteLines = lines("byte ring line ", 3000);
        List<String> messageLines = lines("message ", 3000);
        Path byteInput = Files.write(dir.resolve("b.txt"), byteLines);
        Path messageInput = Files.write(dir.resolve("m.txt"), messageLines);
        Path output = dir.resolve("out.txt");

        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", "--tag", bytes.toString(), messages.toString());
        // one writer after the other: the byte ring's EOF must not end the reader
        CliTest.Cli.start(dir, byteInput, null, "write", bytes.toString()).finish().assertOk();
        CliTest.Cli.start(dir, messageInput, null, "write", messages.toString()).finish().assertOk();
        reader.finish().assertOk();

        List<String> fromBytes = new ArrayList<>();
        List<String> fromMessages = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            if (line.startsWith(bytes + "\t")) {
                fromBytes.add(line.substring(bytes.toString().length() + 1));
            } else if (line.startsWith(messages + "\t")) {
                fromMessages.add(line.substring(messages.toString().length() + 1));
            } else {
                throw new AssertionError("a line without its file's tag: " + line);
            }
        }
        assertEquals(byteLines, fromBytes, "every line of the byte ring, whole and in order");
        assertEquals(messageLines, fromMessages, "every message, in order");
    }

    @Test
    void readOfSeveralRingsWithoutTagsInterleavesWholeLinesOnly() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ring(dir, "create", a.toString(), "--capacity", "4k").assertOk();
        ring(dir, "create", b.toString(), "--capacity", "4k").assertOk();
        List<String> aLines = lines("first ring, a longer line that the ring splits now and then, number ", 2000);
        List<String> bLines = lines("second ", 2000);
        Path output = dir.resolve("out.txt");

        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", a.toString(), b.toString());
        CliTest.Cli writerA = CliTest.Cli.start(dir, Files.write(dir.resolve("a.txt"), aLines), null, "write", a.toString());
        CliTest.Cli writerB = CliTest.Cli.start(dir, Files.write(dir.resolve("b.txt"), bLines), null, "write", b.toString());
        writerA.finish().assertOk();
        writerB.finish().assertOk();
        reader.finish().assertOk();

        List<String> out = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertEquals(aLines, out.stream().filter(l -> l.startsWith("first ")).toList());
        assertEquals(bLines, out.stream().filter(l -> l.startsWith("second ")).toList());
        assertEquals(aLines.size() + bLines.size(), out.size(), "no line torn in two");
    }

    @Test
    void aTagGoesInsideEachU32FramedRecord() throws Exception {
        Path ring = dir.resolve("framed");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "4k").assertOk();
        Path input = Files.write(dir.resolve("in.txt"), List.of("one", "", "three"));
        Path output = dir.resolve("out.bin");
        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", "--tag", "--framing", "u32", ring.toString());
        CliTest.Cli.start(dir, input, null, "write", ring.toString()).finish().assertOk();
        reader.finish().assertOk();

        java.nio.ByteBuffer framed = java.nio.ByteBuffer.wrap(Files.readAllBytes(output)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<String> records = new ArrayList<>();
        while (framed.hasRemaining()) {
            byte[] record = new byte[framed.getInt()];
            framed.get(record);
            records.add(new String(record, StandardCharsets.UTF_8));
        }
        assertEquals(List.of(ring + "\tone", ring + "\t", ring + "\tthree"), records);
    }

    private static List<String> lines(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(prefix + i);
        }
        return lines;
    }
}
