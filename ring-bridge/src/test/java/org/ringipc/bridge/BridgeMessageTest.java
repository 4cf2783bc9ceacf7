package org.ringipc.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.mmap.SharedMessageRing;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message ring to a message ring through two bridge JVMs: each message arrives whole, as one. */
class BridgeMessageTest {

    @TempDir
    Path dir;

    /** Messages, their bytes, and a CRC32 over each message's length and then its bytes. */
    private record Tally(long messages, long bytes, long crc) {
    }

    private static void add(CRC32 crc, int length, ByteBuffer message) {
        crc.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        crc.update(message);
    }

    @Test
    void twoHundredFiftySixMebibytesOfMessagesArriveOneForOneWithTheSameCrc() throws Exception {
        long total = 256L << 20;
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = Bridges.channel().replace("|term-length=65536", "");
        try (SharedMessageRing local = SharedMessageRing.create(a, 1 << 20)) {
            Bridges.Bridge receiver = Bridges.start(dir, "receive", "receive", channel, b.toString(),
                    "--messages", "--capacity", "1048576", "--json");
            Bridges.Bridge sender = Bridges.start(dir, "send", "send", a.toString(), channel, "--messages", "--json");
            try {
                Bridges.awaitFile(b);
                CompletableFuture<Tally> remote = Bridges.async(() -> {
                    try (SharedMessageRing ring = SharedMessageRing.open(b); MessageSource src = ring.source()) {
                        CRC32 crc = new CRC32();
                        long[] count = new long[2];
                        while (src.take(msg -> {
                            add(crc, (int) msg.byteSize(), msg.asByteBuffer());
                            count[0]++;
                            count[1] += msg.byteSize();
                        }) >= 0) {
                            // one message per take until EOF
                        }
                        return new Tally(count[0], count[1], crc.getValue());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });

                // lengths from 1 byte to 64 KiB, and now and then one as large as the ring allows,
                // so that Aeron fragments and reassembles most of them
                SplittableRandom random = new SplittableRandom(42);
                int largest = local.maxMessageLength();
                ByteBuffer buf = ByteBuffer.allocateDirect(largest);
                CRC32 crc = new CRC32();
                long messages = 0;
                long bytes = 0;
                try (MessageSink sink = local.sink()) {
                    while (bytes < total) {
                        int length = random.nextInt(50) == 0 ? largest : 1 + random.nextInt(64 * 1024);
                        buf.clear().limit(length);
                        while (buf.remaining() >= Long.BYTES) {
                            buf.putLong(random.nextLong());
                        }
                        while (buf.hasRemaining()) {
                            buf.put((byte) random.nextInt());
                        }
                        buf.flip();
                        add(crc, length, buf.duplicate());
                        sink.write(buf);
                        messages++;
                        bytes += length;
                    }
                }
                Tally got = remote.get(180, TimeUnit.SECONDS);
                assertEquals(messages, got.messages(), "messages that arrived");
                assertEquals(bytes, got.bytes(), "bytes that arrived");
                assertEquals(crc.getValue(), got.crc(), "CRC32 over each message's length and bytes");
                assertEquals(0, receiver.exitWithin(20), "receiver exit status");
                assertEquals(0, sender.exitWithin(20), "sender exit status");
                assertEquals(messages, sender.stat("messages"), "messages the sender reports");
                assertEquals(messages, receiver.stat("messages"), "messages the receiver reports");
                assertTrue(receiver.stat("bytesReceived") >= bytes, "the driver's bytesReceived: " + receiver.stdout());
            } finally {
                receiver.dispose("receiver");
                sender.dispose("sender");
            }
        }
    }
}
