package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ringipc.stress.Children.num;

/** Faults: processes killed with SIGKILL, ring files damaged while closed, header fields fuzzed. */
class FaultInjectionTest {

    private static Path freshRing(String name, int capacity) throws IOException {
        Path file = Children.freshPath(name);
        SharedRing.create(file, capacity).close();
        return file;
    }

    @Test
    void writerKilledInTheMiddleOfALargeWriteLeavesOnlyWholeBytesThenEofAndCanBeTakenOver() throws Exception {
        Path file = freshRing("kill-writer.ring", 1 << 16);
        Children.Child reader = Children.start("kill-writer-reader", "read", file.toString(), "1");
        reader.awaitLine("READER ready", 30);
        Children.Child writer = Children.start("kill-writer-writer", "big", file.toString(), "7");
        writer.awaitLine("WRITER ready", 30);
        Thread.sleep(1500);     // the reader pauses 1 ms per read: the writer waits inside an 8 MiB write
        writer.kill();
        long killed = System.nanoTime();
        assertEquals(0, reader.await(30), "reader exit code");
        double eofSeconds = (System.nanoTime() - killed) / 1e9;
        Map<String, String> r = reader.summary("READER");
        assertEquals(0, num(r, "lost"));
        assertEquals(0, num(r, "dup"));
        assertEquals(0, num(r, "corrupt"));
        assertTrue(num(r, "records") > 0, "the reader saw records before the kill");
        FaultTable.row("writer process killed in the middle of a large write",
                "kill -9 of a writer blocked inside one 8 MiB write into a 64 KiB ring, reader slowed 1 ms per read",
                String.format("reader: %d whole records, %d bytes, 0 lost/dup/corrupt, %d trailing bytes of the cut record, EOF %.2f s after the kill",
                        num(r, "records"), num(r, "bytes"), num(r, "partial"), eofSeconds));

        // takeover: a new writer claims the dead writer's end, a new reader gets its stream
        Children.Child writer2 = Children.start("takeover-writer", "write", file.toString(), "2", "9");
        writer2.awaitLine("WRITER ready", 30);
        Children.Child reader2 = Children.start("takeover-reader", "read", file.toString());
        assertEquals(0, writer2.await(60), "takeover writer exit code");
        assertEquals(0, reader2.await(60), "takeover reader exit code");
        Map<String, String> w2 = writer2.summary("WRITER");
        Map<String, String> r2 = reader2.summary("READER");
        assertEquals(num(w2, "records"), num(r2, "records"));
        assertEquals(0, num(r2, "lost") + num(r2, "dup") + num(r2, "corrupt"));
        FaultTable.row("takeover after the writer's kill", "a new writer process opens the ring and streams 2 s to a new reader", "takes the producer end over from the dead pid; "
                + num(r2, "records") + " records to a new reader, 0 lost/dup/corrupt");
    }

    @Test
    void readerKilledMakesTheWriterFailWithBrokenPipe() throws Exception {
        Path file = freshRing("kill-reader.ring", 1 << 16);
        Children.Child reader = Children.start("kill-reader-reader", "read", file.toString());
        reader.awaitLine("READER ready", 30);
        Children.Child writer = Children.start("kill-reader-writer", "write", file.toString(), "600", "3");
        writer.awaitLine("WRITER ready", 30);
        Thread.sleep(1000);
        reader.kill();
        long killed = System.nanoTime();
        assertEquals(3, writer.await(30), "writer exit code (3: an IOException)");
        double seconds = (System.nanoTime() - killed) / 1e9;
        Map<String, String> w = writer.summary("WRITER");
        assertTrue(w.get("error").startsWith("broken pipe"), w.toString());
        FaultTable.row("reader process killed", "kill -9 of the reader while the writer streams", String.format(
                "writer: IOException \"%s\" %.2f s after the kill", w.get("error"), seconds));

        Children.Child reader2 = Children.start("takeover-reader2", "read", file.toString());
        reader2.awaitLine("READER ready", 30);
        assertEquals(0, reader2.await(30), "takeover reader exit code (0: it reached EOF)");
        FaultTable.row("takeover after the reader's kill", "a new reader process opens the ring",
                "takes the consumer end over from the dead pid; drains the " + num(reader2.summary("READER"), "bytes")
                        + " bytes left, then EOF");
    }

    @Test
    void damagedFilesAreRefusedWithAClearError() throws Exception {
        Path good = freshRing("damaged-template.ring", 4096);
        long size = Files.size(good);
        record Damage(String name, long length, byte fill, boolean random) {
        }
        for (Damage d : List.of(
                new Damage("truncated to 0 bytes", 0, (byte) 0, false),
                new Damage("truncated to 100 bytes (inside the header)", 100, (byte) 0, false),
                new Damage("truncated by one byte", size - 1, (byte) 0, false),
                new Damage("grown by one page", size + 4096, (byte) 0, false),
                new Damage("zeroed", size, (byte) 0, false),
                new Damage("all 0xFF", size, (byte) 0xFF, false),
                new Damage("random garbage", size, (byte) 0, true))) {
            Path file = Children.WORK.resolve("damaged.ring");
            Files.copy(good, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (d.length() <= size && (d.fill() != 0 || d.random() || d.name().equals("zeroed"))) {
                    byte[] bytes = new byte[(int) size];
                    if (d.random()) {
                        new SplittableRandom(1).nextBytes(bytes);
                    } else {
                        java.util.Arrays.fill(bytes, d.fill());
                    }
                    ch.write(ByteBuffer.wrap(bytes), 0);
                } else if (d.length() < size) {
                    ch.truncate(d.length());
                } else {
                    ch.write(ByteBuffer.wrap(new byte[1]), d.length() - 1);
                }
            }
            RingFormatException e = assertThrows(RingFormatException.class, () -> SharedRing.open(file), d.name());
            FaultTable.row("damaged ring file", d.name() + " while closed, then open", "open refuses: " + e.getMessage().replace(file.toAbsolutePath().toString(), "FILE"));
        }
    }

    /** Every named field of the header, with its offset and size. */
    private static Map<String, long[]> headerFields() {
        Map<String, long[]> fields = new TreeMap<>();
        for (MemoryLayout block : RingLayout.HEADER.memberLayouts()) {
            for (MemoryLayout field : ((StructLayout) block).memberLayouts()) {
                if (field.name().isPresent() && field instanceof ValueLayout) {
                    String b = block.name().orElseThrow();
                    String f = field.name().get();
                    fields.put(b + "." + f, new long[] {RingLayout.offset(b, f), field.byteSize()});
                }
            }
        }
        return fields;
    }

    @Test
    void randomBytesInEveryHeaderFieldAreRefusedOrAcceptedNeverACrash() throws Exception {
        Path good = freshRing("fuzz-template.ring", 4096);
        try (SharedRing ring = SharedRing.open(good); RingSink sink = ring.sink(); RingSource source = ring.source()) {
            sink.write(ByteBuffer.allocate(3000));      // positions past zero, data in the ring
            source.read(ByteBuffer.allocate(1000));
        }
        byte[] template = Files.readAllBytes(good);
        SplittableRandom random = new SplittableRandom(2024);
        int perField = 40;
        for (Map.Entry<String, long[]> field : headerFields().entrySet()) {
            int offset = (int) field.getValue()[0];
            int width = (int) field.getValue()[1];
            int refused = 0;
            int accepted = 0;
            int opsFailedCleanly = 0;
            String sample = "";
            for (int i = 0; i < perField; i++) {
                byte[] bytes = template.clone();
                ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
                switch (i) {
                    case 0 -> { for (int k = 0; k < width; k++) bytes[offset + k] = 0; }
                    case 1 -> { for (int k = 0; k < width; k++) bytes[offset + k] = (byte) 0xFF; }
                    case 2 -> { if (width == 8) view.putLong(offset, Long.MAX_VALUE); else view.putInt(offset, Integer.MAX_VALUE); }
                    case 3 -> { if (width == 8) view.putLong(offset, Long.MIN_VALUE); else view.putInt(offset, Integer.MIN_VALUE); }
                    default -> { for (int k = 0; k < width; k++) bytes[offset + k] = (byte) random.nextInt(); }
                }
                Path file = Children.WORK.resolve("fuzz.ring");
                Files.write(file, bytes);
                SharedRing ring;
                try {
                    ring = SharedRing.open(file);
                } catch (RingFormatException e) {
                    refused++;
                    sample = e.getMessage().replace(file.toAbsolutePath().toString(), "FILE");
                    continue;
                }
                accepted++;
                try (ring) {
                    ring.stats();
                    try (RingSink sink = ring.sink(); RingSource source = ring.source()) {
                        sink.tryWrite(ByteBuffer.allocate(100));
                        source.tryRead(ByteBuffer.allocate(8192));
                    } catch (IOException | IllegalStateException e) {
                        opsFailedCleanly++;
                        sample = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                }
            }
            FaultTable.row("header field " + field.getKey() + " (" + width + " bytes at " + offset + ")",
                    perField + " values (0, all ones, max, min, random) written while closed, then open, stats, write, read",
                    "refused " + refused + ", accepted " + accepted
                            + (opsFailedCleanly > 0 ? " (" + opsFailedCleanly + " opened but refused sink/source or their I/O cleanly)" : "")
                            + (sample.isEmpty() ? "" : "; e.g. \"" + sample + "\""));
        }
    }
}
