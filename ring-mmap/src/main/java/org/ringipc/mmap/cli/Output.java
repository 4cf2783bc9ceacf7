package org.ringipc.mmap.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** How the subcommands print a set of named figures: aligned text for people, one JSON object for scripts. */
final class Output {

    private Output() {
    }

    /** Prints {@code fields} as one JSON object or as {@code name value} lines, and flushes. */
    static void print(PrintWriter out, Map<String, ?> fields, boolean json) {
        if (json) {
            out.println(Json.object(fields));
        } else {
            fields.forEach((k, v) -> out.printf(Locale.ROOT, "%-15s %s%n", k, v instanceof Map<?, ?> m ? describeEnd(m) : v));
        }
        out.flush();
    }

    /** A ring end as {@code stat} shows it: {@code pid 123 (alive, open)} or {@code nobody (none)}. */
    private static String describeEnd(Map<?, ?> end) {
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
                } else if (v instanceof Double d) {
                    sb.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
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
