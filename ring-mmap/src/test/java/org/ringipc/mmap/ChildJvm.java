package org.ringipc.mmap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on the test class path, running a main class of the tests: the other process of a
 * cross-process test. Its stdout is read line by line; its stderr goes to a file shown on failure.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final Path errFile;

    private ChildJvm(Process process, Path errFile) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.errFile = errFile;
    }

    /** The java of this JVM with native access, on this JVM's class path. */
    static List<String> javaCommand(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        return startUnder(List.of(), main, args);
    }

    /** As {@link #start}, run by {@code prefix} (e.g. {@code unshare -Urpf --mount-proc}). */
    static ChildJvm startUnder(List<String> prefix, Class<?> main, String... args) throws IOException {
        Path err = Files.createTempFile("ringipc-child-", ".err");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(javaCommand(main, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        return new ChildJvm(pb.start(), err);
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** The next stdout line, waiting at most {@code timeout}; fails the test with the child's stderr. */
    String readLine(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!out.ready()) {
            if (!process.isAlive() && !out.ready()) {
                String line = out.readLine();
                if (line != null) {
                    return line;
                }
                throw new AssertionError("child exited with " + process.exitValue() + " before printing; stderr:\n" + stderr());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("child printed nothing within " + timeout + "; stderr:\n" + stderr());
            }
            Thread.sleep(2);
        }
        return out.readLine();
    }

    /** Waits for the exit status; fails the test after {@code timeout}. */
    int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child still running after " + timeout + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** kill -9: the child gets no chance to close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * kill -9 from a daemon thread {@code delay} from now, so that the caller can block meanwhile.
     *
     * @return set to {@link System#nanoTime()} just before the kill; 0 until then
     */
    java.util.concurrent.atomic.AtomicLong killAfter(Duration delay) {
        java.util.concurrent.atomic.AtomicLong killedAt = new java.util.concurrent.atomic.AtomicLong();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(delay);
                killedAt.set(System.nanoTime());
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return killedAt;
    }

    String stderr() throws IOException {
        return Files.readString(errFile);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        out.close();
        Files.deleteIfExists(errFile);
    }
}
