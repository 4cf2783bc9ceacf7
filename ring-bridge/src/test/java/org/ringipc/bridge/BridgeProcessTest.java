package org.ringipc.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two bridge JVMs, two embedded media drivers, localhost UDP: real processes only. */
class BridgeProcessTest {

    @TempDir
    Path dir;

    /** Reads ring {@code file} (once a bridge created it) on another thread, pausing after each read. */
    private static CompletableFuture<Bridges.Got> remoteReader(Path file, int bufferBytes, long pauseMillis)
            throws InterruptedException {
        Bridges.awaitFile(file);
        return Bridges.async(() -> {
            try (SharedRing ring = SharedRing.open(file); RingSource src = ring.source()) {
                return Bridges.readAll(src, bufferBytes, pauseMillis);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void twoHundredFiftySixMebibytesArriveWithTheSameCrcAndEofTravelsEndToEnd() throws Exception {
        long total = 256L << 20;
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = Bridges.channel().replace("|term-length=65536", "");
        try (SharedRing local = SharedRing.create(a, 1 << 20)) {
            Bridges.Bridge receiver = Bridges.start(dir, "receive", "receive", channel, b.toString(), "--json");
            Bridges.Bridge sender = Bridges.start(dir, "send", "send", a.toString(), channel, "--json");
            try {
                CompletableFuture<Bridges.Got> remote = remoteReader(b, 64 * 1024, 0);
                Bridges.Stream sent = new Bridges.Stream();
                sent.writeAll(local.sink(), total);
                Bridges.Got got = remote.get(180, TimeUnit.SECONDS);
                assertEquals(total, got.bytes(), "bytes that arrived");
                assertEquals(sent.crc.getValue(), got.crc(), "CRC32 of what arrived");
                assertEquals(0, receiver.exitWithin(20), "receiver exit status");
                assertEquals(0, sender.exitWithin(20), "sender exit status");
                assertEquals(total, sender.stat("bytes"), "bytes the sender reports");
                assertEquals(total, receiver.stat("bytes"), "bytes the receiver reports");
                assertTrue(sender.stdout().contains("\"outcome\":\"eof\""), sender.stdout());
                // the driver's counters: what went over UDP, framing included, and the loss/retransmit ones
                assertTrue(receiver.stat("bytesReceived") >= total, receiver.stdout());
                assertTrue(sender.stat("bytesSent") >= total, sender.stdout());
                for (String counter : new String[] {"naksSent", "naksReceived", "retransmitsSent", "retransmittedBytes",
                        "lossGapFills"}) {
                    assertTrue(sender.stat(counter) >= 0 && receiver.stat(counter) >= 0, counter);
                }
            } finally {
                receiver.dispose("receiver");
                sender.dispose("sender");
            }
        }
    }

    @Test
    void aSlowRemoteReaderMakesTheLocalWriterWaitAndNothingIsLost() throws Exception {
        long total = 8L << 20;
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = Bridges.channel();
        try (SharedRing local = SharedRing.create(a, 64 * 1024)) {
            Bridges.Bridge receiver = Bridges.start(dir, "receive", "receive", channel, b.toString(),
                    "--capacity", "65536", "--json");
            Bridges.Bridge sender = Bridges.start(dir, "send", "send", a.toString(), channel, "--json");
            try {
                // about 4 MB/s: 4 KiB, then 1 ms asleep
                CompletableFuture<Bridges.Got> remote = remoteReader(b, 4096, 1);
                Bridges.Stream sent = new Bridges.Stream();
                sent.writeAll(local.sink(), total);
                long writerSleeps = local.stats().producerSleeps();
                Bridges.Got got = remote.get(120, TimeUnit.SECONDS);
                assertEquals(total, got.bytes(), "bytes that arrived");
                assertEquals(sent.crc.getValue(), got.crc(), "CRC32 of what arrived");
                assertTrue(writerSleeps > 0, "the local writer slept waiting for room: producerSleeps=" + writerSleeps);
                assertEquals(0, local.stats().drops(), "drops in the local ring");
                assertEquals(0, receiver.exitWithin(20), "receiver exit status");
                assertEquals(0, sender.exitWithin(20), "sender exit status");
                assertTrue(sender.stat("backPressureEvents") > 0, "the publication was back-pressured: " + sender.stdout());
                assertTrue(receiver.stat("backPressureEvents") > 0, "the receiver waited for room: " + receiver.stdout());
            } finally {
                receiver.dispose("receiver");
                sender.dispose("sender");
            }
        }
    }
}
