package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ring} launcher script itself, run in the integration-test phase after the package
 * phase built {@code ring-mmap/target/ring.jar}: it must find a JDK 25+ with no JAVA_HOME (or an
 * old one), see the fresh jar as up to date (no Maven build inside {@code mvn verify}), and print
 * nothing on stderr that the user did not ask for: no "WARNING" about restricted methods or Unsafe.
 */
class LauncherIT {

    private static Path launcher;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @BeforeAll
    static void findLauncher() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        launcher = module.getParent().resolve("ring");
        assertTrue(Files.isExecutable(launcher), "the launcher script: " + launcher);
        assertTrue(Files.isRegularFile(module.resolve("target/ring.jar")), "the package phase built target/ring.jar");
    }

    /** {@code ./ring ARGS} with no JAVA_HOME and only the system folders on the PATH (whose java may be older than 25). */
    private CliTest.Cli ring(Path in, Path out, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().putAll(env);
        return CliTest.Cli.start(pb, dir, in, out);
    }

    private CliTest.Result quiet(CliTest.Result r) {
        r.assertOk();
        assertEquals("", r.err(), "the launcher is quiet: no build, no warning");
        return r;
    }

    @Test
    void launcherRoundTripsBytesThroughWriteAndReadQuietly() throws Exception {
        Path ring = dir.resolve("pipe");
        Path input = CliTest.randomFile(dir.resolve("in.bin"), 3 << 20, 11);
        Path output = dir.resolve("out.bin");

        quiet(ring(null, null, Map.of(), "create", ring.toString(), "--capacity", "16k").finish());
        CliTest.Cli reader = ring(null, output, Map.of(), "read", ring.toString());
        CliTest.Cli writer = ring(input, null, Map.of(), "write", ring.toString());
        quiet(writer.finish());
        quiet(reader.finish());
        assertEquals(CliTest.sha256(input), CliTest.sha256(output));

        Map<String, Object> stat = CliTest.Json.parse(quiet(ring(null, null, Map.of(), "stat", ring.toString(), "--json").finish()).out());
        assertEquals(3L << 20, stat.get("bytesWritten"));
    }

    @Test
    void launcherPassesOverAJavaHomeOlderThan25() throws Exception {
        Path old = Files.list(Path.of("/usr/lib/jvm"))
                .filter(p -> p.getFileName().toString().matches(".*-(8|11|17|21|22|23|24)-.*") && Files.isExecutable(p.resolve("bin/java")))
                .findFirst().orElse(null);
        assumeTrue(old != null, "no JDK older than 25 installed here");
        CliTest.Result r = quiet(ring(null, null, Map.of("JAVA_HOME", old.toString()), "--version").finish());
        assertTrue(r.out().startsWith("ring "), r.out());
    }

    @Test
    void launcherRunsTheDmaEngineAndConsumerWithoutWarnings() throws Exception {
        Path ring = dir.resolve("dma");
        quiet(ring(null, null, Map.of(), "create", ring.toString(), "--capacity", "64k").finish());
        CliTest.Cli consumer = ring(null, null, Map.of(), "consume", ring.toString(), "--json");
        CliTest.Cli dma = ring(null, null, Map.of(), "dma", ring.toString(), "--interval", "10ms", "--duration", "500ms", "--json");
        Map<String, Object> sent = CliTest.Json.parse(quiet(dma.finish()).out());
        Map<String, Object> got = CliTest.Json.parse(quiet(consumer.finish()).out());
        assertEquals(sent.get("bursts"), got.get("bursts"));
        assertEquals(0L, got.get("corrupt"));
    }

    @Test
    void launcherReportsAMissingFileInOneLineAndExitsNonZero() throws Exception {
        CliTest.Result r = ring(null, null, Map.of(), "stat", dir.resolve("nothing-here").toString()).finish();
        assertEquals(1, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("nothing-here"), r.err());
        assertFalse(r.err().contains("WARNING"), r.err());
    }
}
