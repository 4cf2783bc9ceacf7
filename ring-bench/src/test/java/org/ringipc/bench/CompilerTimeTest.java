package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompilerTimeTest {

    @Test
    void aSliceIsQuietBelowOnePercentOfCompilerTime() {
        assertTrue(CompilerTime.quiet(0, 100_000_000));
        assertTrue(CompilerTime.quiet(999_999, 100_000_000));
        assertFalse(CompilerTime.quiet(1_000_000, 100_000_000));
    }

    @Test
    void readsTheCompilerThreadsOfThisJvmAndOfAChildJvmOnLinux() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        assertTrue(CompilerTime.self().nanos() > 0, "this JVM has compiled something by now");
        assertEquals(0, CompilerTime.of(Integer.MAX_VALUE + 1L), "no such process reads 0");

        // a child JVM that compiles for a while: its compiler time shows up through with(peer)
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.ringipc.bench.CompilerTimeTest$Busy").redirectErrorStream(true).start();
        try {
            long compiled = 0;
            for (int i = 0; i < 200 && compiled == 0; i++) {
                TimeUnit.MILLISECONDS.sleep(25);
                compiled = CompilerTime.of(child.pid());
            }
            assertTrue(compiled > 0, "the child JVM's compiler threads are read");
            long withChild = CompilerTime.with(List.of(child.toHandle())).nanos();
            assertTrue(withChild > compiled, "with(peer) adds the peer's compilers (read later, so no less) to this JVM's");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** A JVM that keeps its JIT busy: many distinct hot methods, through lambdas. */
    static final class Busy {
        public static void main(String[] args) {
            long sink = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1_000; i++) {
                    sink += String.valueOf(i).hashCode() + Long.toHexString(sink).length();
                }
            }
            System.out.println(sink);
        }
    }
}
