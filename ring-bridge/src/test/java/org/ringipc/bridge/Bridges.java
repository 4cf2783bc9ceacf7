package org.ringipc.bridge;

import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/** Test helpers: bridge JVMs as real child processes, and a checked stream through rings. */
final class Bridges {

    private Bridges() {
    }

    /** A bridge JVM with its stdout (the --json line) and stderr in files under {@code dir}. */
    record Bridge(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        List<String> stderrLines() throws IOException {
            return Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
        }

        int exitWithin(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError("bridge pid " + process.pid() + " still runs after " + seconds + " s");
            }
            return process.exitValue();
        }

        /** The counter {@code name} from the --json line. */
        long stat(String name) throws IOException {
            Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(stdout());
            if (!m.find()) {
                throw new AssertionError("no " + name + " in the bridge's JSON: " + stdout());
            }
            return Long.parseLong(m.group(1));
        }

        /** Stops it if it still runs and prints its output, for the test report. */
        void dispose(String name) throws IOException {
            process.destroyForcibly();
            System.out.println("--- " + name + " stdout: " + stdout() + "--- " + name + " stderr: " + stderrLines());
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /**
     * Runs {@code task} on a thread of its own: blocking ring ends would starve the common pool
     * (one thread on two cores).
     */
    static <T> CompletableFuture<T> async(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, r -> Thread.ofPlatform().daemon().start(r));
    }

    static Bridge start(Path dir, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), BridgeCommand.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Bridge(p, out, err);
    }

    /** A UDP channel on a localhost port free now, with small terms so little hides in Aeron's buffers. */
    static String channel() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return "aeron:udp?endpoint=localhost:" + s.getLocalPort() + "|term-length=65536";
        }
    }

    static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " was not created within 30 s");
            }
            Thread.sleep(10);
        }
    }

    /** Pseudo-random bytes (xorshift), with the CRC32 of what was produced. */
    static final class Stream {
        private long x = 0x9E3779B97F4A7C15L;
        final CRC32 crc = new CRC32();
        long bytes;

        /** Fills {@code buf} from position to limit and flips it. */
        ByteBuffer next(ByteBuffer buf) {
            buf.clear();
            while (buf.remaining() >= Long.BYTES) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                buf.putLong(x);
            }
            buf.flip();
            crc.update(buf.duplicate());
            bytes += buf.remaining();
            return buf;
        }

        /** The CRC32 of the first {@code n} bytes of the stream. */
        static long crcOfPrefix(long n) {
            Stream s = new Stream();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            CRC32 crc = new CRC32();
            for (long done = 0; done < n; done += chunk.capacity()) {
                s.next(chunk);
                crc.update(chunk.limit((int) Math.min(chunk.capacity(), n - done)));
            }
            return crc.getValue();
        }

        /** Writes {@code total} bytes in 64 KiB chunks, then closes the sink. */
        void writeAll(RingSink sink, long total) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            try (sink) {
                while (bytes < total) {
                    sink.write(next(chunk));
                }
            }
        }
    }

    /** What a reader got before EOF. */
    record Got(long bytes, long crc) {
    }

    /** Reads until EOF, sleeping {@code pauseMillis} after each read of at most {@code bufferBytes}. */
    static Got readAll(RingSource source, int bufferBytes, long pauseMillis) throws IOException, InterruptedException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocateDirect(bufferBytes);
        long total = 0;
        try (source) {
            for (int n; (n = source.read(buf.clear())) >= 0; ) {
                crc.update(buf.flip());
                total += n;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        }
        return new Got(total, crc.getValue());
    }
}
