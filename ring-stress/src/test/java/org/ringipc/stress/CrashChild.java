package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.RingStats;
import org.ringipc.mmap.FutexDoorbell;
import org.ringipc.mmap.SharedRing;

import static org.ringipc.stress.CrashFiles.BUFFER;
import static org.ringipc.stress.CrashFiles.BUFFER_OFFSET;
import static org.ringipc.stress.CrashFiles.CUR_GEN;
import static org.ringipc.stress.CrashFiles.CUR_NEXT;
import static org.ringipc.stress.CrashFiles.DUPS;
import static org.ringipc.stress.CrashFiles.GAPS;
import static org.ringipc.stress.CrashFiles.LAST_DELIVERY;
import static org.ringipc.stress.CrashFiles.MAX_PAYLOAD;
import static org.ringipc.stress.CrashFiles.MAX_RECORD;
import static org.ringipc.stress.CrashFiles.PARSED;
import static org.ringipc.stress.CrashFiles.RECORDS;
import static org.ringipc.stress.CrashFiles.RECORD_HEADER;
import static org.ringipc.stress.CrashFiles.RECORD_OVERHEAD;
import static org.ringipc.stress.CrashFiles.TORN;

/**
 * A writer or reader of the crash campaign ({@link CrashCampaignTest}): a JVM that takes an end of a
 * shared ring file over (its predecessor was killed with {@code kill -9}) and keeps streaming,
 * continuing the bookkeeping its predecessor left in a mapped progress file ({@link CrashFiles}).
 * It prints {@code ready t=NANOTIME} once it holds its end, and a summary when it ends normally.
 *
 * <pre>
 *   writer bytes|messages RING WRITER_PROGRESS GEN SEED GO
 *       records of generation GEN, each written whole (byte ring: tryWriteWhole in a retry loop;
 *       message ring: write), until the test sets the stop word; then closes: WRITER done records=
 *   reader|poller bytes|messages RING WRITER_PROGRESS READER_PROGRESS SEED GO
 *       until EOF after the last writer's graceful close: READER eof records= dups= gaps= torn=
 *       (a poller reads a message ring with poll in a spin loop instead of take)
 * </pre>
 * Each first prints {@code standby} and waits until the file GO exists.
 *
 * <p>Both sides pause now and then (the writer: the ring runs empty; the reader: it fills), so that
 * kills land on both states. A writer whose reader died gets "broken pipe", which is final for that
 * end as for a pipe: it closes its end and opens a new one, and goes on with the same generation.
 */
public final class CrashChild {

    /** Most messages one take hands over before releasing the tail: bounds a killed reader's duplicates. */
    static final int BATCH = 8;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean messages = switch (args[1]) {
            case "bytes" -> false;
            case "messages" -> true;
            default -> throw new IllegalArgumentException("kind=" + args[1] + " is not bytes or messages");
        };
        Path ring = Path.of(args[2]);
        standby(Path.of(args[6]));
        MemorySegment writerFile = CrashFiles.map(Path.of(args[3]), CrashFiles.WRITER_FILE_BYTES);
        int code = switch (args[0]) {
            case "writer" -> write(messages, ring, writerFile, Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "reader", "poller" -> read(messages, args[0].equals("poller"), ring, writerFile,
                    CrashFiles.map(Path.of(args[4]), CrashFiles.READER_FILE_BYTES), Long.parseLong(args[5]));
            default -> throw new IllegalArgumentException("role=" + args[0] + " is not writer or reader");
        };
        System.out.flush();
        System.exit(code);
    }

    /**
     * Waits, started and loaded, until the test creates {@code go}: a replacement is ready before
     * its predecessor dies, so its JVM start-up is not part of the takeover.
     */
    private static void standby(Path go) throws InterruptedException {
        System.out.println("standby");
        System.out.flush();
        while (!Files.exists(go)) {
            Thread.sleep(1);
        }
    }

    private static int write(boolean messages, Path path, MemorySegment progress, int gen, long seed)
            throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        MemorySegment record = Arena.ofAuto().allocate(MAX_RECORD, Long.BYTES);
        long seq = 0;
        long reopens = 0;
        try (Ends ring = new Ends(messages, path)) {
            ring.openSink();
            ready();
            long pauseAt = System.nanoTime() + pauseGap(random);
            while (CrashFiles.word(progress, CrashFiles.STOP) == 0) {
                int size = CrashFiles.putRecord(record, gen, seq, random.nextInt(MAX_PAYLOAD + 1));
                // head cannot move but by us: the test compares it with the head after a kill to
                // tell whether the record in flight reached the ring
                CrashFiles.attempt(progress, gen, ring.stats().bytesWritten(), seq + 1);
                while (!ring.put(record.asSlice(0, size))) {
                    reopens++;
                    Thread.sleep(5);
                    ring.openSink();
                }
                CrashFiles.confirm(progress, gen, ++seq);
                if (System.nanoTime() >= pauseAt) {
                    Thread.sleep(5 + random.nextInt(60));  // the reader drains the ring and waits
                    pauseAt = System.nanoTime() + pauseGap(random);
                }
            }
            ring.closeSink();
            CrashFiles.setWord(progress, CrashFiles.DONE_GEN, gen + 1);
        }
        System.out.println("WRITER done records=" + seq + " reopens=" + reopens);
        return 0;
    }

    private static int read(boolean messages, boolean poll, Path path, MemorySegment writer, MemorySegment progress,
                            long seed)
            throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Books books = new Books(progress);
        try (Ends ring = new Ends(messages, path)) {
            ring.openSource();
            ready();
            long pauseAt = System.nanoTime() + pauseGap(random);
            // the byte stream's bytes below the tail are in the progress file's buffer: those of
            // [parsed, tail) are a record begun, copied out by us or by a reader killed since
            long position = ring.stats().bytesRead();
            MemorySegment buffer = progress.asSlice(BUFFER_OFFSET, BUFFER);
            ByteBuffer view = buffer.asByteBuffer();
            MemorySegment record = MemorySegment.ofArray(new byte[MAX_RECORD]);
            if (!messages && (position < books.s[PARSED] || position - books.s[PARSED] > BUFFER)) {
                throw new IllegalStateException("reader bookkeeping parsed=" + books.s[PARSED]
                        + " does not fit the ring's tail=" + position);
            }
            while (true) {
                int n;
                if (messages && poll) {
                    n = ring.source.poll(books::accept, BATCH);
                    if (n == 0) {
                        Thread.onSpinWait();
                    }
                } else if (messages) {
                    n = ring.source.take(books::accept, BATCH, 20, TimeUnit.MILLISECONDS);
                } else {
                    int index = (int) (position % BUFFER);
                    int room = Math.min(BUFFER - (int) (position - books.s[PARSED]), BUFFER - index);
                    n = ring.bytes.read(view.slice(index, room), 20, TimeUnit.MILLISECONDS);
                    if (n > 0) {
                        position += n;
                        if (!parse(books, buffer, record, position)) {
                            System.out.println("READER torn at=" + books.s[PARSED]);
                            return 4;
                        }
                    }
                }
                if (n < 0) {
                    // EOF: the writer closed its end (for good, or to reopen it after a broken
                    // pipe) or died; only the last writer's graceful close ends the campaign
                    if (CrashFiles.word(writer, CrashFiles.DONE_GEN) != 0) {
                        break;
                    }
                    Thread.sleep(1);
                }
                if (System.nanoTime() >= pauseAt) {
                    Thread.sleep(20 + random.nextInt(130));  // the writer fills the ring and waits
                    pauseAt = System.nanoTime() + pauseGap(random);
                }
            }
        }
        long[] s = books.s;
        System.out.println("READER eof records=" + s[RECORDS] + " dups=" + s[DUPS] + " gaps=" + s[GAPS]
                + " torn=" + s[TORN]);
        return 0;
    }

    /** Accepts every whole record of [parsed, position); false when the stream holds a record that is not whole. */
    private static boolean parse(Books books, MemorySegment buffer, MemorySegment record, long position) {
        while (position - books.s[PARSED] >= RECORD_HEADER) {
            long start = books.s[PARSED];
            copyOut(buffer, start, record, RECORD_HEADER);
            int length = CrashFiles.length(record);
            if (length < 0 || length > MAX_PAYLOAD) {
                return false;
            }
            int size = RECORD_OVERHEAD + length;
            if (position - start < size) {
                return true;
            }
            copyOut(buffer, start, record, size);
            if (!books.accept(record.asSlice(0, size), start + size)) {
                return false;
            }
        }
        return true;
    }

    private static void copyOut(MemorySegment buffer, long position, MemorySegment dst, int length) {
        int index = (int) (position % BUFFER);
        int first = Math.min(length, BUFFER - index);
        MemorySegment.copy(buffer, index, dst, 0, first);
        if (first < length) {
            MemorySegment.copy(buffer, 0, dst, first, length - first);
        }
    }

    private static long pauseGap(SplittableRandom random) {
        return TimeUnit.MILLISECONDS.toNanos(random.nextInt(400));
    }

    private static void ready() {
        System.out.println("ready t=" + System.nanoTime());
        System.out.flush();
    }

    /**
     * The reader's bookkeeping, mirrored in its progress file after every record: per generation the
     * records delivered (a generation's records come in order), duplicates, gaps, torn records.
     */
    private static final class Books {
        private final MemorySegment file;
        final long[] s;

        Books(MemorySegment file) {
            this.file = file;
            this.s = CrashFiles.readerState(file);
        }

        void accept(MemorySegment message) {
            accept(message, 0);
        }

        /** Books one delivered record ending at stream position {@code end}; false when it is not whole. */
        boolean accept(MemorySegment record, long end) {
            boolean whole = CrashFiles.whole(record);
            if (!whole) {
                s[TORN]++;
            } else {
                int gen = CrashFiles.gen(record);
                long seq = CrashFiles.seq(record);
                long have = CrashFiles.delivered(file, s, gen);
                if (seq < have) {
                    s[DUPS]++;  // handed to a reader that was killed before it released the tail
                } else {
                    if (seq > have || gen < s[CUR_GEN]) {
                        s[GAPS]++;
                        System.out.println("GAP gen=" + gen + " seq=" + seq + " expected=" + have
                                + " currentGen=" + s[CUR_GEN]);
                    }
                    if (gen > s[CUR_GEN]) {
                        CrashFiles.setDelivered(file, (int) s[CUR_GEN], s[CUR_NEXT]);
                        s[CUR_GEN] = gen;
                    }
                    if (gen == s[CUR_GEN]) {
                        s[CUR_NEXT] = seq + 1;
                    }
                    s[RECORDS]++;
                }
            }
            s[PARSED] = end;
            s[LAST_DELIVERY] = System.nanoTime();
            CrashFiles.commit(file, s);
            return whole;
        }
    }

    /** The ring file seen through the API of its kind, and the end this process holds. */
    private static final class Ends implements AutoCloseable {
        private final SharedRing shared;
        private final MessageRing ring;
        private RingSink sink;
        private MessageSink messageSink;
        RingSource bytes;
        MessageSource source;

        Ends(boolean messages, Path path) throws IOException {
            if (messages) {
                // no SharedMessageRing yet: map the file and claim ends by the owner word
                MemorySegment memory;
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), Arena.ofAuto());
                }
                this.shared = null;
                this.ring = MessageRing.attach(memory, new FutexDoorbell());
            } else {
                this.shared = SharedRing.open(path);
                this.ring = null;
            }
        }

        RingStats stats() {
            return ring != null ? ring.stats() : shared.stats();
        }

        /** Opens (again) the producer end, closing the one held. */
        void openSink() throws IOException {
            closeSink();
            if (ring != null) {
                messageSink = ring.sink();
            } else {
                sink = shared.sink();
            }
        }

        void closeSink() throws IOException {
            if (sink != null) {
                sink.close();
                sink = null;
            }
            if (messageSink != null) {
                messageSink.close();
                messageSink = null;
            }
        }

        void openSource() {
            if (ring != null) {
                source = ring.source();
            } else {
                bytes = shared.source();
            }
        }

        /** Publishes the whole record, waiting for room; false on a broken pipe (the reader died). */
        boolean put(MemorySegment record) throws IOException {
            try {
                if (messageSink != null) {
                    messageSink.write(record);
                    return true;
                }
                for (int idle = 0; !sink.tryWriteWhole(record); idle++) {
                    if (idle < 64) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(20_000);
                    }
                }
                return true;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("broken pipe")) {
                    return false;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            if (ring != null) {
                ring.close();
            } else {
                shared.close();
            }
        }
    }
}
