package org.ringipc.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of either bridge in the middle of a stream: the rings' peers (a writer before the sending
 * bridge, a reader after the receiving one) see it within a second, the other bridge says what
 * happened in one line and exits 1, and what arrived is an exact prefix of what was written.
 */
class BridgePeerDeathTest {

    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path dir;

    /** Time and error of the moment an endless writer failed. */
    private record WriterEnd(long atNanos, IOException error) {
    }

    /** Writes the stream until a write fails. */
    private static CompletableFuture<WriterEnd> endlessWriter(SharedRing ring) {
        return Bridges.async(() -> {
            Bridges.Stream stream = new Bridges.Stream();
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocateDirect(64 * 1024);
            try (RingSink sink = ring.sink()) {
                while (true) {
                    sink.write(stream.next(chunk));
                }
            } catch (IOException e) {
                return new WriterEnd(System.nanoTime(), e);
            }
        });
    }

    /** Time of EOF and what came before it. */
    private record ReaderEnd(long atNanos, Bridges.Got got) {
    }

    private static CompletableFuture<ReaderEnd> reader(Path file) throws InterruptedException {
        Bridges.awaitFile(file);
        return Bridges.async(() -> {
            try (SharedRing ring = SharedRing.open(file); RingSource src = ring.source()) {
                Bridges.Got got = Bridges.readAll(src, 64 * 1024, 0);
                return new ReaderEnd(System.nanoTime(), got);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void awaitFlowing(SharedRing local) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (local.stats().bytesRead() < (4 << 20)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stream did not start flowing within 60 s: " + local.stats());
            }
            Thread.sleep(10);
        }
    }

    private static void assertOneLine(List<String> lines, String start) {
        assertEquals(1, lines.size(), "one line on stderr: " + lines);
        assertTrue(lines.get(0).startsWith(start), lines.get(0));
    }

    @Test
    void killingTheSendingBridgeBreaksTheLocalWritersPipeWithinASecondAndEndsTheRemoteStream() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = Bridges.channel();
        try (SharedRing local = SharedRing.create(a, 64 * 1024)) {
            Bridges.Bridge receiver = Bridges.start(dir, "receive", "receive", channel, b.toString(), "--json");
            Bridges.Bridge sender = Bridges.start(dir, "send", "send", a.toString(), channel, "--json");
            try {
                CompletableFuture<ReaderEnd> remote = reader(b);
                CompletableFuture<WriterEnd> writer = endlessWriter(local);
                awaitFlowing(local);

                sender.kill();
                long killed = System.nanoTime();

                WriterEnd w = writer.get(10, TimeUnit.SECONDS);
                assertTrue(w.error().getMessage().contains("broken pipe"), w.error().toString());
                assertTrue(w.atNanos() - killed < ONE_SECOND,
                        "the writer saw the dead bridge after " + (w.atNanos() - killed) / 1_000_000 + " ms");

                assertEquals(1, receiver.exitWithin(20), "the receiving bridge's exit status");
                assertOneLine(receiver.stderrLines(), "bridge receive: the sending bridge went away without EOF");
                assertTrue(receiver.stdout().contains("\"outcome\":\"sender-gone\""), receiver.stdout());

                Bridges.Got got = remote.get(10, TimeUnit.SECONDS).got();
                assertTrue(got.bytes() > 0, "bytes arrived before the kill");
                assertEquals(Bridges.Stream.crcOfPrefix(got.bytes()), got.crc(),
                        "the " + got.bytes() + " bytes that arrived are the stream's first bytes");
            } finally {
                receiver.dispose("receiver");
                sender.dispose("sender");
            }
        }
    }

    @Test
    void killingTheReceivingBridgeGivesTheRemoteReaderEofWithinASecondAndBreaksTheLocalWritersPipe() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = Bridges.channel();
        try (SharedRing local = SharedRing.create(a, 64 * 1024)) {
            Bridges.Bridge receiver = Bridges.start(dir, "receive", "receive", channel, b.toString(), "--json");
            Bridges.Bridge sender = Bridges.start(dir, "send", "send", a.toString(), channel, "--json");
            try {
                CompletableFuture<ReaderEnd> remote = reader(b);
                CompletableFuture<WriterEnd> writer = endlessWriter(local);
                awaitFlowing(local);

                receiver.kill();
                long killed = System.nanoTime();

                ReaderEnd r = remote.get(10, TimeUnit.SECONDS);
                assertTrue(r.atNanos() - killed < ONE_SECOND,
                        "the reader saw EOF " + (r.atNanos() - killed) / 1_000_000 + " ms after the kill");
                assertEquals(Bridges.Stream.crcOfPrefix(r.got().bytes()), r.got().crc(),
                        "the " + r.got().bytes() + " bytes before EOF are the stream's first bytes");

                assertEquals(1, sender.exitWithin(20), "the sending bridge's exit status");
                assertOneLine(sender.stderrLines(), "bridge send: the receiving bridge went away");
                assertTrue(sender.stdout().contains("\"outcome\":\"receiver-gone\""), sender.stdout());

                WriterEnd w = writer.get(10, TimeUnit.SECONDS);
                assertTrue(w.error().getMessage().contains("broken pipe"), w.error().toString());
            } finally {
                receiver.dispose("receiver");
                sender.dispose("sender");
            }
        }
    }
}
