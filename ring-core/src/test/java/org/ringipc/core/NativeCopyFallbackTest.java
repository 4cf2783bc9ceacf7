package org.ringipc.core;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without native access, a ring that would copy natively copies in Java, silently: no JVM warning,
 * the same bytes. Forks a JVM (about half a second each) with ring-core on the class path, once
 * without {@code --enable-native-access} and once with it, the control that shows the fork can tell.
 */
class NativeCopyFallbackTest {

    /** The forked JVM: a default allocated ring (native copy by default), 256 KiB through it. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            int n = 256 * 1024;
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (i * 7 + (i >>> 9));
            }
            try (Arena arena = Arena.ofConfined(); Ring ring = Ring.allocate(1 << 20)) {
                ring.sink().write(MemorySegment.ofArray(bytes));
                MemorySegment out = arena.allocate(n);
                long done = 0;
                RingSource source = ring.source();
                while (done < n) {
                    done += source.read(out.asSlice(done));
                }
                boolean intact = Arrays.equals(bytes, out.toArray(ValueLayout.JAVA_BYTE));
                System.out.println("available=" + NativeCopy.AVAILABLE + " nativeCopy=" + ring.nativeCopy()
                        + " copies=" + ring.nativeCopies() + " intact=" + intact);
            }
        }
    }

    private record Run(String out, String err) {
    }

    private static Run fork(String... jvmFlags) throws IOException, InterruptedException {
        // surefire puts ring-core on the module path (test classes patched in): the child gets both
        // paths as one class path, so ring-core is in its unnamed module there
        List<String> path = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                path.addAll(Arrays.asList(value.split(File.pathSeparator)));
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, path), Child.class.getName()));
        Path err = Files.createTempFile("ringipc-native-copy-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
            String errText = Files.readString(err);
            assertEquals(0, p.exitValue(), "child failed: " + out + "\n" + errText);
            return new Run(out, errText);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void withoutNativeAccessARingCopiesInJavaAndTheJvmPrintsNoWarning() throws Exception {
        Run run = fork();
        assertEquals("available=false nativeCopy=false copies=0 intact=true", run.out(), run.err());
        assertFalse(run.err().contains("WARNING"), "a library must not make the JVM warn:\n" + run.err());
    }

    @Test
    void withNativeAccessTheSameChildCopiesNatively() throws Exception {
        // the control: the fork above can see native copy when it is there
        Run run = fork("--enable-native-access=ALL-UNNAMED");
        assertEquals("available=true nativeCopy=true copies=1 intact=true", run.out(), run.err());
        assertFalse(run.err().contains("WARNING"), run.err());
    }
}
