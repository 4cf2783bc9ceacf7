package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.mmap.cli.RingCommand;

/**
 * {@code ring stat} needs read permission only, so a monitoring user can look at a ring it may
 * not write. Real {@code ring} processes run as a user that may read the ring file but not write
 * it: nobody (uid 65534, through setpriv) when the tests run as root, whom no file mode stops,
 * else this user with the file's write bits taken away. {@code ring write} run the same way is
 * refused, which shows the user really lacks write permission.
 */
class ReadOnlyStatTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private record Exit(int status, String out, String err) {
    }

    /** The ring command's classes (no test classes, no JUnit) copied where any user may read them. */
    private String readableClassPath() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("junit") || entry.contains("opentest4j") || entry.contains("apiguardian")
                    || entry.endsWith("test-classes")) {
                continue;
            }
            Path source = Path.of(entry);
            Path target = copy.resolve((n++) + "-" + source.getFileName());
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, target.resolve(source.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            entries.add(target.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Exit run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ring did not finish: " + command);
        return new Exit(p.exitValue(), out, err);
    }

    /** {@code ring ARGS} as a user who may read the ring file but not write it. */
    private static List<String> asReader(String classPath, String... args) {
        List<String> java = new ArrayList<>(ChildJvm.javaCommand(RingCommand.class, args));
        java.set(java.indexOf("-cp") + 1, classPath);
        if (!ROOT) {
            return java;
        }
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        command.addAll(java);
        return command;
    }

    @Test
    void statNeedsOnlyReadPermissionAndWriteIsRefused() throws Exception {
        Path ring = dir.resolve("ring");
        assertEquals(0, RingCommand.run(new String[] {"create", ring.toString(), "--capacity", "4k"},
                new java.io.PrintWriter(System.out), new java.io.PrintWriter(System.err)));
        String classPath = readableClassPath();
        // readable by everyone, writable by no one but root (who is not the user below)
        Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("r--r--r--"));

        Exit stat = run(asReader(classPath, "stat", ring.toString(), "--json"));
        assertEquals(0, stat.status(), stat.err());
        assertEquals("", stat.err());
        assertTrue(stat.out().contains("\"capacity\": 4096") || stat.out().contains("\"capacity\":4096"), stat.out());

        Exit write = run(asReader(classPath, "write", ring.toString()));
        assertEquals(1, write.status(), "write by a user without write permission: " + write.err());
        assertEquals(1, write.err().lines().count(), write.err());
        assertTrue(write.err().contains("permission"), write.err());
    }
}
