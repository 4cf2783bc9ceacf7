package org.ringipc.stress;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ringipc.core.OverflowPolicy;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ringipc.stress.Children.num;

/**
 * Multi-process soaks: real writer and reader JVMs on one shared ring file. The length comes from
 * {@code -Dsoak.seconds} (10 in {@code mvn verify}; e.g. {@code -Dsoak.seconds=300} for a long run).
 * The report line (SOAK ...) also goes to {@code target/stress-work/soak-report.txt}.
 */
class SoakTest {

    private static final int SECONDS = Integer.getInteger("soak.seconds", 10);

    private static void report(String line) throws java.io.IOException {
        System.out.println(line);
        java.nio.file.Files.writeString(Children.WORK.resolve("soak-report.txt"), line + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void writerAndReaderProcessesStreamRecordsWithNothingLostDuplicatedOrCorrupt() throws Exception {
        Path file = Children.freshPath("soak.ring");
        SharedRing.create(file, 1 << 16).close();
        Children.Child reader = Children.start("soak-reader", "read", file.toString());
        reader.awaitLine("READER ready", 30);
        Children.Child writer = Children.start("soak-writer", "write", file.toString(), String.valueOf(SECONDS), "42");
        assertEquals(0, writer.await(SECONDS + 60L), "writer exit code");
        assertEquals(0, reader.await(60), "reader exit code");
        Map<String, String> w = writer.summary("WRITER");
        Map<String, String> r = reader.summary("READER");
        double mbs = num(r, "bytes") / 1e6 / Double.parseDouble(r.get("seconds"));
        report(String.format("SOAK %d s: records=%d bytes=%d MB/s=%.1f lost=%s duplicated=%s corrupt=%s partial=%s"
                        + " (writer: %s chunks of 1..16384 bytes, %s random pauses; reader: %s random pauses)",
                SECONDS, num(r, "records"), num(r, "bytes"), mbs, r.get("lost"), r.get("dup"), r.get("corrupt"),
                r.get("partial"), w.get("chunks"), w.get("pauses"), r.get("pauses")));
        assertEquals(0, num(r, "lost"), "lost records");
        assertEquals(0, num(r, "dup"), "duplicated records");
        assertEquals(0, num(r, "corrupt"), "corrupt records");
        assertEquals(0, num(r, "partial"), "bytes of an unfinished record at EOF");
        assertEquals(num(w, "records"), num(r, "records"), "records written vs read");
        assertEquals(num(w, "bytes"), num(r, "bytes"), "bytes written vs read");
        assertTrue(num(w, "pauses") > 0 && num(r, "pauses") > 0, "the random pauses did not happen: " + w + " " + r);
        assertTrue(num(w, "chunks") > num(w, "records") / 10, "the writer did not write in small random chunks: " + w);
    }

    @Test
    void dmaProducerAgainstASlowConsumerAccountsForEveryBurst() throws Exception {
        Path file = Children.freshPath("overflow.ring");
        SharedRing.create(file, 4096, RingOptions.defaults()
                .withWaitStrategy(WaitStrategy.BLOCK).withOverflowPolicy(OverflowPolicy.DROP)).close();
        Children.Child consumer = Children.start("overflow-consumer", "consume", file.toString(), "20");
        Thread.sleep(500);
        int seconds = Math.max(5, SECONDS / 3);
        // 512-byte bursts every 2 ms against reads 20 ms apart into a 4 KiB ring: about half must drop
        Children.Child dma = Children.start("overflow-dma", "dma", file.toString(), String.valueOf(seconds), "512", "2000");
        assertEquals(0, dma.await(seconds + 60L), "dma exit code");
        assertEquals(0, consumer.await(60), "consumer exit code");
        Map<String, String> d = dma.summary("DMA");
        Map<String, String> c = consumer.summary("CONSUME");
        long sent = num(d, "sent");
        long dropped = num(d, "dropped");
        report(String.format("OVERFLOW %d s: produced=%d consumed=%d dropped=%d ringDrops=%s gaps=%s corrupt=%s",
                seconds, sent + dropped, num(c, "bursts"), dropped, d.get("ringDrops"), c.get("gaps"), c.get("corrupt")));
        assertTrue(dropped > 0, "the slowed consumer must cause drops");
        assertEquals(sent, num(c, "bursts"), "produced = consumed + dropped");
        assertEquals(dropped, num(c, "gaps"), "gaps the consumer saw = the producer's drop counter");
        assertEquals(0, num(c, "corrupt"), "corrupt bursts");
    }
}
