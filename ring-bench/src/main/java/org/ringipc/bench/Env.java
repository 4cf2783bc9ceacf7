package org.ringipc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the figures were taken: they mean little without it.
 *
 * @param jdk      the Java runtime's version and vendor
 * @param jvmFlags the flags the harness JVM was started with (its children get the same)
 * @param cpuModel the first "model name" in /proc/cpuinfo
 * @param cpus     the processors this JVM may use
 * @param kernel   the kernel release
 * @param load     /proc/loadavg's 1, 5 and 15 minute load when the run began: above the core
 *                 count, something else competes for the cores and spinning transports suffer
 * @param mode     "quick" or "full"
 * @param rounds   how many interleaved rounds each figure is the median of
 * @param started  when the run began
 * @param pinning  where the two ends of a lane ran ({@link Affinity}): e.g. "harness end on CPU 0,
 *                 peer end on CPU 1", or "not pinned (...)"
 */
public record Env(String jdk, List<String> jvmFlags, String cpuModel, int cpus, String kernel,
                  String load, String mode, int rounds, Instant started, String pinning) {

    /** This machine and JVM, for a run of the given mode and round count, unpinned. */
    public static Env capture(String mode, int rounds) {
        return capture(mode, rounds, "not pinned");
    }

    /** This machine and JVM, for a run of the given mode and round count, with its ends placed as {@code pinning} says. */
    public static Env capture(String mode, int rounds, String pinning) {
        return new Env(
                Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ", " + System.getProperty("java.vm.name") + ")",
                List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                cpuModel(Path.of("/proc/cpuinfo")),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                loadAverage(Path.of("/proc/loadavg")), mode, rounds, Instant.now(), pinning);
    }

    /** This record with {@code where} as where the ends ran. */
    public Env withPinning(String where) {
        return new Env(jdk, jvmFlags, cpuModel, cpus, kernel, load, mode, rounds, started, where);
    }

    /** The fields in report order, as text. */
    public Map<String, Object> asMap() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("jdk", jdk);
        m.put("jvm_flags", jvmFlags);
        m.put("cpu_model", cpuModel);
        m.put("cpus", cpus);
        m.put("kernel", kernel);
        m.put("load_average", load);
        m.put("mode", mode);
        m.put("rounds", rounds);
        m.put("started", started.toString());
        m.put("pinning", pinning);
        return m;
    }

    static String loadAverage(Path loadavg) {
        try {
            String[] f = Files.readString(loadavg).strip().split("\\s+");
            return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String cpuModel(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
