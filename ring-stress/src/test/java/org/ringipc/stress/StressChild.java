package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.ringipc.core.BurstProducer;
import org.ringipc.core.BurstReport;
import org.ringipc.core.BurstVerifier;
import org.ringipc.core.RecordLayout;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

/**
 * The far end of the soak and fault tests: a JVM of its own that opens a shared ring file and
 * writes or reads it. Each run prints one summary line (WRITER ... or READER ...) on stdout.
 *
 * <p>Records: {@code seq (8) | length (4) | payload (length) | CRC32C of the previous fields (4)},
 * big-endian; payload bytes come from the sequence number, lengths from the seed.
 *
 * <pre>
 *   write FILE SECONDS SEED     records in random chunks with random pauses, then close: WRITER records= bytes= chunks= pauses=
 *   big FILE SEED               records in 8 MiB blocking writes until killed
 *   read FILE [DELAY_MILLIS]    until EOF, in reads of random size, pausing DELAY after each read (or at
 *                               random when 0), checking every record: READER records= bytes= lost= dup= corrupt= partial= pauses=
 *   dma FILE SECONDS BURST INTERVAL_MICROS   BurstProducer for SECONDS: DMA sent= dropped=
 *   consume FILE DELAY_MILLIS   BurstVerifier over a source slowed by DELAY per read: CONSUME bursts= gaps= corrupt=
 *   scribble FILE OFFSET WIDTH VALUE SECONDS   a hostile peer: stores VALUE (4 or 8 bytes) at OFFSET of the
 *                               file, again and again, for SECONDS or until killed: SCRIBBLE stores=
 *   scribble-length FILE VALUE SECONDS         the same into the length word of the record at the
 *                               consumer's tail (a message ring): SCRIBBLE stores=
 * </pre>
 */
public final class StressChild {

    static final int MAX_PAYLOAD = 2000;
    static final int OVERHEAD = 16;

    private StressChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        int code = switch (args[0]) {
            case "write" -> write(file, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "big" -> big(file, Long.parseLong(args[2]));
            case "read" -> read(file, args.length > 2 ? Integer.parseInt(args[2]) : 0);
            case "dma" -> dma(file, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "consume" -> consume(file, Integer.parseInt(args[2]));
            case "scribble" -> scribble(file, Long.parseLong(args[2]), Integer.parseInt(args[3]),
                    Long.parseLong(args[4]), Integer.parseInt(args[5]), false);
            case "scribble-length" -> scribble(file, 0, Integer.BYTES, Long.parseLong(args[2]),
                    Integer.parseInt(args[3]), true);
            default -> throw new IllegalArgumentException("command=" + args[0]);
        };
        System.out.flush();
        System.exit(code);
    }

    /** Appends record {@code seq} with a payload of {@code length} bytes. */
    static void putRecord(ByteBuffer out, long seq, int length) {
        int start = out.position();
        out.putLong(seq).putInt(length);
        for (int i = 0; i < length; i++) {
            out.put((byte) (seq * 31 + i));
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), start, 12 + length);
        out.putInt((int) crc.getValue());
    }

    private static int write(Path file, int seconds, long seed) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long records = 0;
        long bytes = 0;
        long chunks = 0;
        long pauses = 0;
        ByteBuffer staging = ByteBuffer.allocate(1 << 16);
        try (SharedRing ring = SharedRing.open(file); RingSink sink = ring.sink()) {
            System.out.println("WRITER ready");
            System.out.flush();
            // as a FIFO's open for writing waits for a reader: writing to no reader is a broken pipe
            for (int i = 0; i < 3000 && !ring.consumerEnd().state().equals("open"); i++) {
                Thread.sleep(10);
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                staging.clear();
                while (staging.remaining() >= MAX_PAYLOAD + OVERHEAD) {
                    putRecord(staging, records++, random.nextInt(MAX_PAYLOAD + 1));
                }
                staging.flip();
                while (staging.hasRemaining()) {
                    int chunk = Math.min(staging.remaining(), 1 + random.nextInt(random.nextBoolean() ? 64 : 16384));
                    ByteBuffer slice = staging.slice(staging.position(), chunk);
                    bytes += sink.write(slice);
                    chunks++;
                    staging.position(staging.position() + chunk);
                    if (random.nextInt(400) == 0) {
                        pauses++;
                        Thread.sleep(1 + random.nextInt(3));
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("WRITER records=" + records + " bytes=" + bytes + " error=" + e.getMessage());
            return 3;
        }
        System.out.println("WRITER records=" + records + " bytes=" + bytes + " chunks=" + chunks + " pauses=" + pauses);
        return 0;
    }

    private static int big(Path file, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer block = ByteBuffer.allocate(8 << 20);
        long records = 0;
        try (SharedRing ring = SharedRing.open(file); RingSink sink = ring.sink()) {
            System.out.println("WRITER ready");
            System.out.flush();
            while (true) {
                block.clear();
                while (block.remaining() >= MAX_PAYLOAD + OVERHEAD) {
                    putRecord(block, records++, random.nextInt(MAX_PAYLOAD + 1));
                }
                block.flip();
                sink.write(block);
            }
        } catch (IOException e) {
            System.out.println("WRITER records=" + records + " error=" + e.getMessage());
            return 3;
        }
    }

    private static int read(Path file, int delayMillis) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom();
        Verifier verifier = new Verifier();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long pauses = 0;
        long t0;
        try (SharedRing ring = SharedRing.open(file); RingSource source = ring.source()) {
            System.out.println("READER ready");
            System.out.flush();
            t0 = System.nanoTime();
            while (true) {
                buffer.clear().limit(1 + random.nextInt(buffer.capacity()));
                int n = source.read(buffer);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                verifier.accept(buffer);
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                } else if (random.nextInt(500) == 0) {
                    pauses++;               // a random stall of the consumer: the writer fills the ring and sleeps
                    Thread.sleep(1 + random.nextInt(3));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("READER records=%d bytes=%d lost=%d dup=%d corrupt=%d partial=%d pauses=%d seconds=%.2f%n",
                verifier.records, verifier.bytes, verifier.lost, verifier.dup, verifier.corrupt,
                verifier.pending(), pauses, seconds);
        return 0;
    }

    private static int dma(Path file, int seconds, int burst, int intervalMicros) throws Exception {
        try (SharedRing ring = SharedRing.open(file)) {
            BurstProducer dma = BurstProducer.start(ring.sink(), burst, Duration.ofNanos(intervalMicros * 1000L));
            Thread.sleep(seconds * 1000L);
            dma.close();
            System.out.println("DMA sent=" + dma.burstsSent() + " dropped=" + dma.burstsDropped()
                    + " ringDrops=" + ring.stats().drops());
        }
        return 0;
    }

    private static int consume(Path file, int delayMillis) throws Exception {
        try (SharedRing ring = SharedRing.open(file); RingSource source = ring.source()) {
            BurstReport report = BurstVerifier.verify(new SlowSource(source, delayMillis));
            System.out.println("CONSUME bursts=" + report.bursts() + " bytes=" + report.bytes()
                    + " gaps=" + report.gaps() + " corrupt=" + report.corrupt());
        }
        return 0;
    }

    /**
     * A hostile peer: maps the file without any of the ring's checks and keeps storing {@code value}
     * at {@code offset} (or, with {@code atTailRecord}, into the length word of the record at the
     * consumer's tail), because the honest side rewrites its own fields between two scribbles.
     * Opaque stores: a hostile peer promises no ordering, only that the store is not optimised away.
     */
    private static int scribble(Path file, long offset, int width, long value, int seconds, boolean atTailRecord)
            throws IOException {
        long stores = 0;
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file,
                     StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment map = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena);
            long tailOffset = RingLayout.offset("consumer", "tail");
            int capacity = map.get(ValueLayout.JAVA_INT, RingLayout.offset("identity", "capacity"));
            System.out.println("SCRIBBLE ready");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                long at = offset;
                if (atTailRecord) {
                    long tail = (long) LONG.getOpaque(map, tailOffset);
                    at = RingLayout.HEADER_BYTES + (tail & (capacity - 1)) + RecordLayout.LENGTH_OFFSET;
                }
                if (width == Long.BYTES) {
                    LONG.setOpaque(map, at, value);
                } else {
                    INT.setOpaque(map, at, (int) value);
                }
                stores++;
                Thread.onSpinWait();
            }
        }
        System.out.println("SCRIBBLE stores=" + stores);
        return 0;
    }

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Re-frames the byte stream into records and checks each one. */
    static final class Verifier {
        private final ByteBuffer pending = ByteBuffer.allocate(1 << 20);
        long records;
        long bytes;
        long lost;
        long dup;
        long corrupt;
        private long expected;

        void accept(ByteBuffer data) {
            bytes += data.remaining();
            if (corrupt > 0) {
                return;             // framing lost: count bytes only
            }
            pending.put(data);
            pending.flip();
            while (pending.remaining() >= 12) {
                int start = pending.position();
                long seq = pending.getLong(start);
                int length = pending.getInt(start + 8);
                if (length < 0 || length > MAX_PAYLOAD) {
                    corrupt++;
                    break;
                }
                if (pending.remaining() < length + OVERHEAD) {
                    break;
                }
                CRC32C crc = new CRC32C();
                crc.update(pending.array(), start, 12 + length);
                if ((int) crc.getValue() != pending.getInt(start + 12 + length)) {
                    corrupt++;
                    break;
                }
                if (seq > expected) {
                    lost += seq - expected;
                } else if (seq < expected) {
                    dup++;
                }
                expected = seq + 1;
                records++;
                pending.position(start + length + OVERHEAD);
            }
            pending.compact();
        }

        /** Bytes of a record not yet complete. */
        int pending() {
            return pending.position();
        }
    }

    /** A source whose reads each wait first: the consumer slowed on purpose. */
    record SlowSource(RingSource source, int delayMillis) implements RingSource {
        private void pause() throws IOException {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override public int read(ByteBuffer dst) throws IOException { pause(); return source.read(dst); }
        @Override public long read(MemorySegment dst) throws IOException { pause(); return source.read(dst); }
        @Override public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException { pause(); return source.read(dst, timeout, unit); }
        @Override public int tryRead(ByteBuffer dst) throws IOException { pause(); return source.tryRead(dst); }
        @Override public long drain(org.ringipc.core.SegmentHandler handler, long maxBytes) throws IOException { pause(); return source.drain(handler, maxBytes); }
        @Override public boolean isOpen() { return source.isOpen(); }
        @Override public void close() throws IOException { source.close(); }
    }
}
