package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Pinning the ends of a lane: the calling thread, and child processes started while pinned. */
class AffinityTest {

    /** The CPUs a process may run on, from its "Cpus_allowed_list" (e.g. "0-1" or "0,2"). */
    private static List<Integer> allowedOf(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                List<Integer> cpus = new ArrayList<>();
                for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                    String[] range = part.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                    for (int c = from; c <= to; c++) {
                        cpus.add(c);
                    }
                }
                return cpus;
            }
        }
        throw new AssertionError("no Cpus_allowed_list in " + status);
    }

    /** What {@code cat /proc/self/status} says about the CPUs it was started on, started as {@code side}. */
    private static List<Integer> childAllowed(Affinity.Side side) throws IOException, InterruptedException {
        Process p = Affinity.start(new ProcessBuilder("cat", "/proc/self/status"), side);
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor());
        return allowedOf(status);
    }

    @Test
    void aPinnedThreadRunsOnItsCpuAndChildrenStartWhereTheirSideSays() throws Exception {
        Affinity.Pinning plan = Affinity.plan().orElse(null);
        assumeTrue(plan != null, "needs Linux and two CPUs");
        // on a thread of its own, so that the test's thread keeps its mask whatever happens
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                assertTrue(Affinity.begin(plan));
                assertEquals(List.of(plan.harness()), Affinity.allowed());
                assertEquals(List.of(plan.peer()), childAllowed(Affinity.Side.PEER));
                assertEquals(List.of(plan.harness()), childAllowed(Affinity.Side.HARNESS));
                assertEquals(plan.all(), childAllowed(Affinity.Side.ANY));
                // starting a child left the calling thread pinned where it was
                assertEquals(List.of(plan.harness()), Affinity.allowed());
                Affinity.end();
                assertEquals(plan.all(), Affinity.allowed());
                // unpinned, children start with this thread's mask
                assertEquals(plan.all(), childAllowed(Affinity.Side.PEER));
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                Affinity.end();
            }
        });
        done.get();
    }

    @Test
    void theEnvironmentTellsAPeerWhichCpuToTake() throws Exception {
        Affinity.Pinning plan = Affinity.plan().orElse(null);
        assumeTrue(plan != null, "needs Linux and two CPUs");
        CompletableFuture<String> env = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                Affinity.begin(plan);
                Process p = Affinity.start(new ProcessBuilder("sh", "-c", "echo $" + Affinity.PEER_CPU_ENV), Affinity.Side.ANY);
                env.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
                p.waitFor();
            } catch (Throwable t) {
                env.completeExceptionally(t);
            } finally {
                Affinity.end();
            }
        });
        assertEquals(Integer.toString(plan.peer()), env.get());
    }
}
