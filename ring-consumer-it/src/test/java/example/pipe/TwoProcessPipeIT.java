package example.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's program ({@link Pipe}, README's example) as two real JVMs on one ring file, built
 * against ringipc as a user's build gets it: ring-mmap as the one dependency, ring-core with it,
 * picocli not. Once on the class path, once on the module path (module {@code example.pipe}
 * requiring {@code org.ringipc.mmap}), each with the native-access flag README gives for that
 * path; both processes must exit 0 with nothing at all on stderr. A control run without the flag
 * shows that the check sees the JDK's restricted-method warning.
 */
class TwoProcessPipeIT {

    @TempDir
    Path dir;

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** target/classes, then ring-mmap and ring-core as the build resolved them. */
    private static List<String> paths() throws IOException {
        List<String> paths = new ArrayList<>();
        paths.add(System.getProperty("consumer.classes"));
        String resolved = Files.readString(Path.of(System.getProperty("consumer.classpath"))).strip();
        paths.addAll(List.of(resolved.split(File.pathSeparator)));
        return paths;
    }

    private record Exit(int status, String out, String err) {
    }

    private static Process start(List<String> command, Path err) throws IOException {
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }

    private static Exit finish(Process p, Path err) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a process did not finish: " + p.info());
        return new Exit(p.exitValue(), out, Files.readString(err));
    }

    /** Starts the reader, waits for its "ready" (the ring file exists), runs the writer; returns both. */
    private List<Exit> exchange(List<String> java, String name) throws Exception {
        Path file = dir.resolve(name);
        Path readerErr = dir.resolve(name + ".reader.err");
        Path writerErr = dir.resolve(name + ".writer.err");
        List<String> read = new ArrayList<>(java);
        read.addAll(List.of("read", file.toString()));
        Process reader = start(read, readerErr);
        BufferedReader lines = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertEquals("ready", first, "reader's first line; stderr: " + Files.readString(readerErr));
        List<String> write = new ArrayList<>(java);
        write.addAll(List.of("write", file.toString()));
        Exit writer = finish(start(write, writerErr), writerErr);
        String rest = lines.readLine();
        assertTrue(reader.waitFor(60, TimeUnit.SECONDS), "the reader did not finish");
        Exit readerExit = new Exit(reader.exitValue(), rest, Files.readString(readerErr));
        return List.of(readerExit, writer);
    }

    private static void assertCleanExchange(List<Exit> exits) {
        Exit reader = exits.get(0);
        Exit writer = exits.get(1);
        assertEquals("", writer.err(), "writer's stderr");
        assertEquals(0, writer.status(), "writer's exit status");
        assertEquals("", reader.err(), "reader's stderr");
        assertEquals("read 1000 lines, all in order", reader.out());
        assertEquals(0, reader.status(), "reader's exit status");
    }

    @Test
    void twoProcessesExchangeLinesOnTheClassPathWithoutAWarning() throws Exception {
        List<String> java = List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, paths()), "example.pipe.Pipe");
        assertCleanExchange(exchange(java, "class-path"));
    }

    @Test
    void twoProcessesExchangeLinesOnTheModulePathWithoutAWarning() throws Exception {
        List<String> java = List.of(JAVA, "--enable-native-access=org.ringipc.mmap",
                "-p", String.join(File.pathSeparator, paths()), "-m", "example.pipe/example.pipe.Pipe");
        assertCleanExchange(exchange(java, "module-path"));
    }

    @Test
    void withoutTheFlagTheJdkWarnsSoTheStderrCheckCanFail() throws Exception {
        List<String> java = List.of(JAVA, "-p", String.join(File.pathSeparator, paths()),
                "-m", "example.pipe/example.pipe.Pipe");
        List<Exit> exits = exchange(java, "no-flag");
        assertEquals("read 1000 lines, all in order", exits.get(0).out());
        String err = exits.get(0).err() + exits.get(1).err();
        assertFalse(err.isEmpty(), "no warning without --enable-native-access");
        assertTrue(err.contains("restricted method") && err.contains("org.ringipc.mmap"), err);
    }

    @Test
    void readmeShowsThisProgramWordForWord() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("consumer.readme")));
        String program = Files.readString(Path.of(System.getProperty("consumer.sources"), "example", "pipe", "Pipe.java"));
        assertTrue(readme.contains("```java\n" + program + "```\n"), "README.md does not show " + program);
        assertTrue(readme.contains("module example.pipe { requires org.ringipc.mmap; }"), "README.md names no module-info");
    }
}
