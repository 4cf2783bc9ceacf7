package org.ringipc.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Starts {@link StressChild} (or other child) JVMs with this JVM's java and class path, and reads their summaries. */
final class Children {

    static final Path WORK = Path.of(System.getProperty("stress.workdir", "target/stress-work"));

    /**
     * A path in {@link #WORK} with nothing at it: an earlier run's file (say, one a test left
     * scribbled, which create refuses to replace) is deleted, so a second {@code mvn verify} without
     * {@code clean} passes too.
     */
    static Path freshPath(String name) throws IOException {
        Files.createDirectories(WORK);
        Path path = WORK.resolve(name);
        Files.deleteIfExists(path);
        return path;
    }

    private Children() {
    }

    /** A child JVM and the file its stdout goes to. */
    record Child(Process process, Path out) {

        /** Waits for it to exit, killing it after {@code seconds}; fails the test on a timeout. */
        int await(long seconds) throws InterruptedException, IOException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("child did not finish within " + seconds + " s (a hang): " + Files.readString(out));
            }
            return process.exitValue();
        }

        /** Waits (bounded) until the child printed a line starting with {@code prefix}. */
        void awaitLine(String prefix, long seconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (Files.readAllLines(out).stream().anyMatch(l -> l.startsWith(prefix))) {
                    return;
                }
                if (!process.isAlive() && Files.readAllLines(out).stream().noneMatch(l -> l.startsWith(prefix))) {
                    fail("child exited before printing " + prefix + ": " + Files.readString(out));
                }
                Thread.sleep(20);
            }
            fail("child did not print " + prefix + " within " + seconds + " s");
        }

        /** {@code kill -9}. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        /** The key=value pairs of the last line starting with {@code prefix}. */
        Map<String, String> summary(String prefix) throws IOException {
            List<String> lines = Files.readAllLines(out);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(prefix + " ") && lines.get(i).contains("=")) {
                    Map<String, String> map = new HashMap<>();
                    String rest = lines.get(i).substring(prefix.length() + 1);
                    for (String pair : rest.split(" (?=[a-zA-Z]+=)")) {
                        int eq = pair.indexOf('=');
                        map.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    return map;
                }
            }
            fail("no " + prefix + " summary in " + out + ": " + String.join("\n", lines));
            return Map.of();
        }
    }

    static Child start(String name, String... args) throws IOException {
        return start(StressChild.class, name, args);
    }

    /** Starts {@code main} (a class with a main method on this class path) in a JVM of its own. */
    static Child start(Class<?> main, String name, String... args) throws IOException {
        Files.createDirectories(WORK);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = WORK.resolve(name + ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(WORK.resolve(name + ".err").toFile())
                .start();
        return new Child(process, out);
    }

    static long num(Map<String, String> summary, String key) {
        return Long.parseLong(summary.get(key));
    }
}
