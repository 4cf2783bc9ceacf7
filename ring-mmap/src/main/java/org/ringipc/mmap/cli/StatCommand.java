package org.ringipc.mmap.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ringipc.core.RingStats;
import org.ringipc.mmap.EndStatus;
import org.ringipc.mmap.SharedRing;
import org.ringipc.mmap.SharedMessageRing;
import org.ringipc.mmap.RingKind;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ring stat FILE [--json] [--watch [INTERVAL] [--count N]]}: the ioctl-style stats query,
 * read from the file's header; with {@code --watch}, a line of rates per interval like
 * {@code vmstat} (see {@link StatWatch}).
 */
@Command(name = "stat", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = {
        "Print capacity, used, free, every counter, and who holds each end.",
        "With --watch: one line per interval with rates (MB/s written and read, writes/s, reads/s,"
                + " drops/s, used bytes, sleeps/s of each end), a header every 20 lines, until Ctrl+C or --count lines.",
        "A ring file replaced under --watch (e.g. by 'ring create --force') is followed, with a note on stderr."})
final class StatCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file.")
    Path file;

    @Option(names = "--json", description = "One JSON object instead of a table (with --watch: one per line).")
    boolean json;

    @Option(names = "--watch", arity = "0..1", paramLabel = "INTERVAL", fallbackValue = "1s",
            converter = Sizes.PositiveDurations.class,
            description = "Print rates every INTERVAL (default when given without a value: 1s), e.g. 500ms, 2s.")
    Duration watch;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N lines (default: until Ctrl+C).")
    Long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (count != null && watch == null) {
            throw new ParameterException(spec.commandLine(), "--count=" + count + " needs --watch");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count=" + count + " is not at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (RingKind.of(file) == RingKind.MESSAGES) {
            if (watch != null) {
                throw new ParameterException(spec.commandLine(), "--watch reads byte rings only; " + file + " holds a message ring");
            }
            try (SharedMessageRing ring = SharedMessageRing.open(file)) {
                Output.print(out, fields(RingKind.MESSAGES, ring.path(), ring.stats(), ring.options(),
                        ring.doorbellDescription(), ring.producerEnd(), ring.consumerEnd()), json);
            }
            return 0;
        }
        // read permission is enough to look: a monitoring user need not be able to write the ring
        try (SharedRing ring = SharedRing.openReadOnly(file)) {
            if (watch != null) {
                try (StopSignal signal = StopSignal.install()) {
                    new StatWatch(ring, watch, count == null ? Long.MAX_VALUE : count, json, out, spec.commandLine().getErr()).run(signal);
                }
                return 0;
            }
            Output.print(out, fields(ring), json);
        }
        return 0;
    }

    /** Everything {@code stat} shows, by name, in display order. */
    static Map<String, Object> fields(SharedRing ring) {
        return fields(RingKind.BYTES, ring.path(), ring.stats(), ring.options(), ring.doorbellDescription(),
                ring.producerEnd(), ring.consumerEnd());
    }

    /** Everything {@code stat} shows for a ring of either kind (a message ring counts framed bytes and messages). */
    static Map<String, Object> fields(RingKind kind, Path path, RingStats s, org.ringipc.core.RingOptions options,
                                      String doorbell, EndStatus producer, EndStatus consumer) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("file", path.toString());
        fields.put("kind", kind.word());
        fields.put("capacity", s.capacity());
        fields.put("used", s.used());
        fields.put("free", s.free());
        fields.put("waitStrategy", options.waitStrategy().name());
        fields.put("overflowPolicy", options.overflowPolicy().name());
        fields.put("doorbell", doorbell);
        fields.put("bytesWritten", s.bytesWritten());
        fields.put("bytesRead", s.bytesRead());
        fields.put("bytesDropped", s.bytesDropped());
        fields.put("writes", s.writes());
        fields.put("reads", s.reads());
        fields.put("drops", s.drops());
        fields.put("producerSleeps", s.producerSleeps());
        fields.put("consumerSleeps", s.consumerSleeps());
        fields.put("streams", s.streams());
        fields.put("lostRecords", s.lostRecords());
        fields.put("lostBytes", s.lostBytes());
        fields.put("producer", end(producer));
        fields.put("consumer", end(consumer));
        return fields;
    }

    private static Map<String, Object> end(EndStatus e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", e.pid());
        m.put("alive", e.alive());
        m.put("state", e.state());
        return m;
    }
}
