package org.ringipc.mmap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

import org.ringipc.core.RingLayout;

/**
 * One run of a C program built by this module ({@code ringcat-write}, {@code ringcat-read}), plain or
 * under AddressSanitizer/UBSan: a real process with its stdin and stdout piped to the test and its
 * stderr in a file, shown when something fails.
 */
final class CProgram implements AutoCloseable {

    /** Where the build put the programs: target/ (plain) or target/asan/. */
    enum Build {
        PLAIN(""), ASAN("asan");

        final String dir;

        Build(String dir) {
            this.dir = dir;
        }

        Path program(String name) {
            Path target = Path.of(System.getProperty("ringc.target", "target"));
            return (dir.isEmpty() ? target : target.resolve(dir)).resolve(name);
        }
    }

    private final Process process;
    private final Path stderr;
    private final String name;

    private CProgram(Process process, Path stderr, String name) {
        this.process = process;
        this.stderr = stderr;
        this.name = name;
    }

    static CProgram start(Build build, String name, Path ring, String... args) throws IOException {
        Path program = build.program(name);
        if (!Files.isExecutable(program)) {
            throw new AssertionError(program + " was not built (the compile phase runs src/build/build-c.sh)");
        }
        Path err = Files.createTempFile("ringipc-c-", ".err");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(program.toString(), ring.toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        // leak checks need ptrace, which a container may refuse; every other ASan/UBSan check stays on
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0");
        pb.environment().put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
        return new CProgram(pb.start(), err, (build.dir.isEmpty() ? "" : build.dir + "/") + name);
    }

    long pid() {
        return process.pid();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    /** Reads stdout to its end on another thread: {count, crc32}. */
    CompletableFuture<long[]> drainStdout() {
        return CompletableFuture.supplyAsync(() -> {
            CRC32 crc = new CRC32();
            long count = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = stdout()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    crc.update(buf, 0, n);
                    count += n;
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            return new long[] {count, crc.getValue()};
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    /** The exit status; fails the test (with stderr) when it does not exit in time. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(this + " still running after " + timeout + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** Waits for exit status 0 and a stderr free of sanitizer reports. */
    void assertCleanExit(Duration timeout) throws InterruptedException {
        int status = waitFor(timeout);
        String err = stderr();
        if (status != 0 || err.contains("Sanitizer") || err.contains("runtime error")) {
            throw new AssertionError(this + " exited " + status + "; stderr:\n" + err);
        }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** Polls until the condition holds; fails naming what was awaited (and the program's stderr). */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + "; " + this + " alive=" + isAlive()
                        + " stderr:\n" + stderr());
            }
            Thread.sleep(1);
        }
    }

    /** A read-only view of a ring file's header, for what the tests observe in the signal block. */
    static final class HeaderView implements AutoCloseable {
        private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
        private final Arena arena = Arena.ofShared();
        private final MemorySegment header;

        HeaderView(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                header = ch.map(FileChannel.MapMode.READ_ONLY, 0, RingLayout.HEADER_BYTES, arena);
            }
        }

        int signal(String field) {
            // volatile: another process writes these words
            return (int) INT.getVolatile(header, RingLayout.offset("signal", field));
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
