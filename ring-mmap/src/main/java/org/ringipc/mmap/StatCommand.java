package org.ringipc.mmap;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.ringipc.core.RingStats;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ring stat FILE [--json]}: the ioctl-style stats query, read from the file's header. */
@Command(name = "stat", description = "Print capacity, used, free, every counter, and who holds each end.")
final class StatCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file.")
    Path file;

    @Option(names = "--json", description = "One JSON object instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (SharedRing ring = SharedRing.open(file)) {
            RingStats s = ring.stats();
            fields.put("file", ring.path().toString());
            fields.put("capacity", s.capacity());
            fields.put("used", s.used());
            fields.put("free", s.free());
            fields.put("waitStrategy", ring.options().waitStrategy().name());
            fields.put("overflowPolicy", ring.options().overflowPolicy().name());
            fields.put("doorbell", ring.doorbellDescription());
            fields.put("bytesWritten", s.bytesWritten());
            fields.put("bytesRead", s.bytesRead());
            fields.put("bytesDropped", s.bytesDropped());
            fields.put("writes", s.writes());
            fields.put("reads", s.reads());
            fields.put("drops", s.drops());
            fields.put("producerSleeps", s.producerSleeps());
            fields.put("consumerSleeps", s.consumerSleeps());
            fields.put("producer", end(ring.producerEnd()));
            fields.put("consumer", end(ring.consumerEnd()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object(fields));
        } else {
            fields.forEach((k, v) -> out.printf("%-15s %s%n", k, v instanceof Map<?, ?> m ? describe(m) : v));
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> end(EndStatus e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", e.pid());
        m.put("alive", e.alive());
        m.put("state", e.state());
        return m;
    }

    private static String describe(Map<?, ?> end) {
        long pid = (Long) end.get("pid");
        if (pid == 0) {
            return "nobody (" + end.get("state") + ")";
        }
        return "pid " + pid + " (" + ((Boolean) end.get("alive") ? "alive" : "dead") + ", " + end.get("state") + ")";
    }

    /** Just enough JSON for flat maps of strings, numbers, booleans and nested maps. */
    static final class Json {
        private Json() {
        }

        static String object(Map<String, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            map.forEach((k, v) -> {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(string(k)).append(':');
                if (v instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> inner = (Map<String, ?>) m;
                    sb.append(object(inner));
                } else if (v instanceof Number || v instanceof Boolean) {
                    sb.append(v);
                } else {
                    sb.append(string(String.valueOf(v)));
                }
            });
            return sb.append('}').toString();
        }

        static String string(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
    }
}
