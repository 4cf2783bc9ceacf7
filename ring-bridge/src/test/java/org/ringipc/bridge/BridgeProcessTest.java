package org.ringipc.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two bridge JVMs, two embedded media drivers, localhost UDP: real processes only. */
class BridgeProcessTest {

    private static final long TOTAL = 256L << 20;

    @TempDir
    Path dir;

    private Process bridge(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), BridgeCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(args[0] + ".log").toFile()).start();
    }

    @Test
    void twoHundredFiftySixMebibytesArriveWithTheSameCrcAndEofTravelsEndToEnd() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String channel = "aeron:udp?endpoint=localhost:40" + (200 + (int) (ProcessHandle.current().pid() % 300));
        try (SharedRing local = SharedRing.create(a, 1 << 20)) {
            Process receiver = bridge("receive", channel, b.toString(), "--capacity", "1048576");
            Process sender = bridge("send", a.toString(), channel);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!b.toFile().exists() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                CompletableFuture<long[]> remote = CompletableFuture.supplyAsync(() -> {
                    try (SharedRing ring = SharedRing.open(b); RingSource src = ring.source()) {
                        CRC32 crc = new CRC32();
                        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                        long total = 0;
                        for (int n; (n = src.read(buf.clear())) >= 0; ) {
                            crc.update(buf.flip());
                            total += n;
                        }
                        return new long[] {total, crc.getValue()};
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                CRC32 sent = new CRC32();
                ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
                long x = 0x9E3779B97F4A7C15L;
                try (RingSink sink = local.sink()) {
                    for (long done = 0; done < TOTAL; done += chunk.capacity()) {
                        chunk.clear();
                        while (chunk.hasRemaining()) {
                            x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
                            chunk.putLong(x);
                        }
                        chunk.flip();
                        sent.update(chunk.duplicate());
                        sink.write(chunk);
                    }
                }
                long[] got = remote.get(120, TimeUnit.SECONDS);
                assertEquals(TOTAL, got[0], "bytes that arrived");
                assertEquals(sent.getValue(), got[1], "CRC32 of what arrived");
                assertTrue(receiver.waitFor(20, TimeUnit.SECONDS), "receiver exits after EOF");
                assertTrue(sender.waitFor(20, TimeUnit.SECONDS), "sender exits after EOF");
                assertEquals(0, receiver.exitValue(), "receiver exit status");
                assertEquals(0, sender.exitValue(), "sender exit status");
            } finally {
                receiver.destroyForcibly();
                sender.destroyForcibly();
            }
        }
    }
}
