package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.ringipc.core.MessageRing;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingStats;
import org.ringipc.mmap.FutexDoorbell;
import org.ringipc.mmap.SharedRing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The crash campaign: a writer and a reader process stream records through one ring file (a byte
 * ring, then a message ring); at random moments one of them is killed with {@code kill -9} (with
 * the ring full, empty or in between) and a new process takes its end over and keeps streaming,
 * continuing the dead one's bookkeeping ({@link CrashChild}, {@link CrashFiles}). At the end the
 * last writer closes gracefully and the reader must see EOF. Then, per writer generation:
 * <ul>
 *   <li>nothing lost but the one record in flight when a writer was killed: the reader got every
 *       record whose write returned, and the one in flight exactly when the ring accepted it (byte
 *       ring); on the message ring a record in flight whose head was published but never delivered
 *       is what the consumer skipped and counted, so their number equals {@code lostRecords};</li>
 *   <li>nothing duplicated but what a killed reader had been handed and not yet released;</li>
 *   <li>nothing torn (CRC32C and payload), no gaps, no {@code RingCorruptedException};</li>
 *   <li>no stall: the reader delivers within 1 s of a replacement's "ready" line.</li>
 * </ul>
 *
 * <p>Each replacement is started ahead and waits ({@code standby}) until its predecessor is killed,
 * so that the takeover and the stall are measured without a JVM start-up in them.
 *
 * <p>{@code mvn verify} kills about 50 times ({@code -Dcrash.kills}); the long form:
 * <pre>
 * mvn -B -ntp -pl ring-core,ring-mmap,ring-stress -am verify -Djcstress.skip=true -Dtest=CrashCampaignTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcrash.kills=1000
 * </pre>
 * It writes one line to {@code ring-stress/target/stress-work/crash-report.txt} (kills, records,
 * lost, duplicates, max stall, per ring kind; "in progress: ..." while it runs).
 * {@code -Dcrash.poll=true} makes the message ring's readers spin on {@code poll} instead of
 * {@code take}; {@code -Dcrash.seed=N} repeats a run's choices.
 */
class CrashCampaignTest {

    private static final int KILLS = Integer.getInteger("crash.kills", 50);
    private static final int CAPACITY = 1 << 16;
    private static final boolean POLL = Boolean.getBoolean("crash.poll");
    private static final long STALL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A fresh JVM's start-up on a busy 2-core machine (it overlaps the streaming: see Standby). */
    private static final int START_SECONDS = 180;

    @Test
    void writersAndReadersKilledAtRandomAreTakenOverWithNothingLostDuplicatedOrTorn() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Campaign bytes = new Campaign(false, KILLS / 2, new SplittableRandom(seed));
        Campaign messages = new Campaign(true, KILLS - KILLS / 2, new SplittableRandom(seed + 1));
        List<AssertionError> failures = new ArrayList<>();
        for (Campaign campaign : List.of(bytes, messages)) {
            try {
                campaign.run();
            } catch (AssertionError e) {
                failures.add(e);
            } finally {
                campaign.stopChildren();
            }
        }
        String line = String.format("kills=%d records=%d lost=%d duplicates=%d maxStallMs=%.1f | %s | %s | seed=%d%n",
                bytes.kills() + messages.kills(), bytes.records + messages.records, bytes.lost + messages.lost,
                bytes.dups + messages.dups, Math.max(bytes.maxStallNanos, messages.maxStallNanos) / 1e6,
                bytes.summary(), messages.summary(), seed);
        Files.writeString(Children.WORK.resolve("crash-report.txt"), line);
        System.out.print("crash campaign: " + line);
        if (!failures.isEmpty()) {
            AssertionError first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** One ring kind's campaign: its files, its live children, and what it counted. */
    private static final class Campaign {
        private final boolean messages;
        private final String kind;
        private final int plannedKills;
        private final SplittableRandom random;
        private final boolean[] reached = new boolean[CrashFiles.MAX_GENS];
        private final List<Children.Child> children = new ArrayList<>();
        private Path ring;
        private Path writerPath;
        private Path readerPath;
        private MemorySegment writerFile;
        private MemorySegment readerFile;
        private SharedRing byteObserver;
        private MessageRing messageObserver;
        private Children.Child writer;
        private Children.Child reader;
        /** Started and waiting: the next writer and reader ({@link CrashChild} standby). */
        private Standby nextWriter;
        private Standby nextReader;
        private int gen;
        private int writers;
        private int readers;
        long writerKills;
        long readerKills;
        long killsFull;
        long killsEmpty;
        long maxStallNanos;
        long records;
        long lost;
        long dups;
        long lostRecords;

        Campaign(boolean messages, int kills, SplittableRandom random) {
            this.messages = messages;
            this.kind = messages ? "messages" : "bytes";
            this.plannedKills = kills;
            this.random = random;
        }

        long kills() {
            return writerKills + readerKills;
        }

        String summary() {
            return String.format("%s: kills=%d (writer %d, reader %d; ring full %d, empty %d) records=%d lost=%d"
                            + " lostRecords=%d dups=%d maxStallMs=%.1f", kind, kills(), writerKills, readerKills,
                    killsFull, killsEmpty, records, lost, lostRecords, dups, maxStallNanos / 1e6);
        }

        void run() throws Exception {
            ring = Children.freshPath("crash-" + kind + ".ring");
            writerPath = Children.freshPath("crash-" + kind + ".writer");
            readerPath = Children.freshPath("crash-" + kind + ".reader");
            writerFile = CrashFiles.map(writerPath, CrashFiles.WRITER_FILE_BYTES);
            readerFile = CrashFiles.map(readerPath, CrashFiles.READER_FILE_BYTES);
            if (messages) {
                Files.write(ring, new byte[0]);
                MemorySegment memory;
                try (FileChannel ch = FileChannel.open(ring, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.allocate(1), MessageRing.requiredBytes(CAPACITY) - 1);
                    memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), Arena.ofAuto());
                }
                // this handle formats the ring and then only reads its stats: it opens no end
                messageObserver = MessageRing.format(memory, CAPACITY, RingOptions.defaults(), new FutexDoorbell());
            } else {
                SharedRing.create(ring, CAPACITY).close();
                byteObserver = SharedRing.open(ring);
            }
            try {
                writer = startWriter().activate();
                awaitReady(writer);
                reader = startReader().activate();
                awaitReady(reader);
                nextWriter = startWriter();
                nextReader = startReader();
                for (int k = 0; k < plannedKills; k++) {
                    Thread.sleep(20 + random.nextInt(300));
                    killOne(random.nextBoolean());
                    Files.writeString(Children.WORK.resolve("crash-report.txt"), "in progress: " + summary() + "\n");
                }
                CrashFiles.setWord(writerFile, CrashFiles.STOP, 1);
                assertEquals(0, writer.await(60), () -> kind + " writer: " + err(writer));
                assertEquals(0, reader.await(60), () -> kind + " reader: " + err(reader));
                assertTrue(Files.readString(reader.out()).contains("READER eof"), kind + " reader saw no EOF");
                verify(stats());
            } finally {
                if (byteObserver != null) {
                    byteObserver.close();
                }
                if (messageObserver != null) {
                    messageObserver.close();
                }
            }
        }

        private RingStats stats() {
            return messages ? messageObserver.stats() : byteObserver.stats();
        }

        private void killOne(boolean killWriter) throws Exception {
            assertAlive(writer);
            assertAlive(reader);
            RingStats before = stats();
            if (before.used() == 0) {
                killsEmpty++;
            } else if (before.free() < CrashFiles.MAX_RECORD + 16) {
                killsFull++;
            }
            Children.Child replacement;
            if (killWriter) {
                writer.kill();
                writerKills++;
                // no producer now: head is where the dead writer left it
                long head = stats().bytesWritten();
                reached[gen] = CrashFiles.attempted(writerFile, gen) > CrashFiles.confirmed(writerFile, gen)
                        && head > CrashFiles.headBefore(writerFile, gen);
                gen++;
                writer = nextWriter.activate();
                replacement = writer;
                nextWriter = startWriter();
            } else {
                reader.kill();
                readerKills++;
                reader = nextReader.activate();
                replacement = reader;
                nextReader = startReader();
            }
            long ready = awaitReady(replacement);
            maxStallNanos = Math.max(maxStallNanos, awaitDelivery(ready));
        }

        /**
         * Nanoseconds from {@code ready} to the reader's first delivery after it, as the reader's
         * progress file shows it (polled: an upper bound, by at most one poll period).
         */
        private long awaitDelivery(long ready) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                long last = CrashFiles.readerState(readerFile)[CrashFiles.LAST_DELIVERY];
                if (last > ready) {
                    return last - ready;
                }
                assertAlive(writer);
                assertAlive(reader);
                Thread.sleep(1);
            }
            fail(kind + ": the reader delivered nothing for 30 s after a replacement was ready (a stall)");
            return 0;
        }

        private void verify(RingStats stats) throws IOException {
            long[] state = CrashFiles.readerState(readerFile);
            long ringLost = 0;
            for (int g = 0; g <= gen; g++) {
                long confirmed = CrashFiles.confirmed(writerFile, g);
                long attempted = CrashFiles.attempted(writerFile, g);
                long delivered = CrashFiles.delivered(readerFile, state, g);
                String where = kind + " generation " + g + ": confirmed=" + confirmed + " attempted=" + attempted
                        + " delivered=" + delivered + " inFlightReachedHead=" + reached[g];
                assertTrue(attempted - confirmed <= 1 && attempted >= confirmed, where);
                if (g == gen) {
                    assertEquals(confirmed, attempted, where + " (the last writer closed gracefully)");
                }
                // nothing lost that a writer saw written, nothing delivered that was never started
                assertTrue(confirmed <= delivered && delivered <= attempted, where);
                if (!reached[g]) {
                    // the record in flight never moved head: it never entered the ring
                    assertEquals(confirmed, delivered, where);
                } else if (!messages) {
                    // a byte ring publishes a record whole with its head: once there, it is delivered
                    assertEquals(attempted, delivered, where);
                }
                if (delivered < attempted) {
                    lost++;
                    if (reached[g]) {
                        ringLost++;  // head covered it, the reader never got it: the consumer skipped it
                    }
                }
                records += delivered;
            }
            dups = state[CrashFiles.DUPS];
            lostRecords = stats.lostRecords();
            assertEquals(0, state[CrashFiles.GAPS], kind + ": records out of sequence (GAP lines in the readers' .out)");
            assertEquals(records, state[CrashFiles.RECORDS], kind + ": records booked by the readers");
            assertEquals(0, state[CrashFiles.TORN], kind + ": torn records (CRC32C or payload)");
            assertTrue(lost <= writerKills, kind + ": lost=" + lost + " > writer kills=" + writerKills);
            assertEquals(ringLost, lostRecords, kind + ": records in flight that reached head and were never"
                    + " delivered, against the ring's lostRecords");
            // at-least-once on a consumer crash: a reader killed between handing records out and
            // releasing the tail leaves them to its successor. The message reader takes at most BATCH
            // per release; the byte reader copies into its progress file before the release, so none.
            long dupBound = messages ? readerKills * CrashChild.BATCH : 0;
            assertTrue(dups <= dupBound, kind + ": duplicates=" + dups + " > bound=" + dupBound);
            assertTrue(maxStallNanos < STALL_LIMIT_NANOS, kind + ": max stall " + maxStallNanos / 1e6 + " ms");
            for (Children.Child child : children) {
                String err = err(child);
                assertFalse(err.contains("RingCorruptedException"), kind + " " + child.out() + ": " + err);
            }
        }

        /** The writer of the next generation, started and waiting. */
        private Standby startWriter() throws IOException {
            String name = "crash-" + kind + "-writer-" + writers;
            Path go = Children.freshPath(name + ".go");
            Children.Child child = Children.start(CrashChild.class, name, "writer", kind, ring.toString(),
                    writerPath.toString(), Integer.toString(writers++), Long.toString(random.nextLong()), go.toString());
            children.add(child);
            return new Standby(child, go);
        }

        private Standby startReader() throws IOException {
            String name = "crash-" + kind + "-reader-" + readers++;
            Path go = Children.freshPath(name + ".go");
            Children.Child child = Children.start(CrashChild.class, name, POLL && messages ? "poller" : "reader",
                    kind, ring.toString(), writerPath.toString(), readerPath.toString(),
                    Long.toString(random.nextLong()), go.toString());
            children.add(child);
            return new Standby(child, go);
        }

        /** A child JVM started ahead, waiting for its go file. */
        private record Standby(Children.Child child, Path go) {
            Children.Child activate() throws Exception {
                child.awaitLine("standby", START_SECONDS);
                Files.createFile(go);
                return child;
            }
        }

        /** Waits for the child's "ready t=" line and returns that time (System.nanoTime, shared by processes). */
        private long awaitReady(Children.Child child) throws Exception {
            child.awaitLine("ready", START_SECONDS);
            return Children.num(child.summary("ready"), "t");
        }

        private void assertAlive(Children.Child child) throws IOException {
            if (!child.process().isAlive()) {
                fail(kind + ": " + child.out() + " exited by itself with " + child.process().exitValue() + ": "
                        + Files.readString(child.out()) + err(child));
            }
        }

        private static String err(Children.Child child) {
            try {
                return Files.readString(Path.of(child.out().toString().replaceFirst("\\.out$", ".err")));
            } catch (IOException e) {
                return "(no stderr: " + e.getMessage() + ")";
            }
        }

        /** Kills whatever is still running (after a failure). */
        void stopChildren() throws InterruptedException {
            for (Children.Child child : children) {
                if (child.process().isAlive()) {
                    child.kill();
                }
            }
        }
    }
}
