package org.ringipc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the report as
 * {@code {"env": {...}, "results": [{"transport": T, "metric": M, "chunk_bytes": N, "value": X,
 * "min": .., "max": .., "runs": .., "rounds": [..]}, ...]}}, where {@code value} is the median of the
 * rounds and {@code rounds} every round's figure in the order measured, and
 * when a transport could not run here {@code "skipped": [{"transport": T, "reason": R}, ...]}, and
 * for the {@link Headline} ratios whose two sides ran {@code "headline": [{"id": I, "a": T, "b": T,
 * "metric": M, "chunk_bytes": N, "ratio": X, "min": .., "max": .., "runs": .., "bound": "at_least"
 * or "at_most", "target": Y, "met": B}, ...]}, each ratio the median of the per-round ratios.
 * Each result also has {@code "placement_ns"}: per round, the {@link Placement} probes just
 * before and just after it ({@code [before, after]}, -1: none); a headline ratio's {@code runs} counts the rounds it kept (both sides under the
 * run's typical placement) of {@code "rounds_measured"}; {@code "placement_probes_ns"} lists
 * every probe.
 * The field names and the transport and metric names are a contract with the report's readers.
 */
public final class JsonReport {

    private JsonReport() {
    }

    /** Writes {@code results} and {@code env} to {@code file}, replacing it. */
    public static void write(Path file, Env env, Results results) throws IOException {
        Files.writeString(file, render(env, results));
    }

    /** The report as JSON text. */
    public static String render(Env env, Results results) {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\n  \"env\": ");
        value(out, env.asMap());
        out.append(",\n  \"results\": [");
        String sep = "\n";
        for (Map.Entry<Results.Key, Summary> e : results.summaries().entrySet()) {
            Results.Key k = e.getKey();
            Summary s = e.getValue();
            out.append(sep).append("    {\"transport\": ");
            string(out, k.transport().id());
            out.append(", \"metric\": ");
            string(out, k.metric().id());
            out.append(", \"chunk_bytes\": ").append(k.chunkBytes());
            out.append(", \"value\": ").append(number(s.median()));
            out.append(", \"min\": ").append(number(s.min()));
            out.append(", \"max\": ").append(number(s.max()));
            out.append(", \"runs\": ").append(s.runs());
            // every round's figure, in the order measured, for whoever wants more than the median
            out.append(", \"rounds\": [");
            String roundSep = "";
            for (double v : results.rounds(k.transport(), k.metric(), k.chunkBytes())) {
                out.append(roundSep).append(number(v));
                roundSep = ", ";
            }
            out.append("], \"placement_ns\": [");
            roundSep = "";
            for (long[] p : results.placements(k.transport(), k.metric(), k.chunkBytes())) {
                out.append(roundSep).append('[').append(p[0]).append(", ").append(p[1]).append(']');
                roundSep = ", ";
            }
            out.append("]}");
            sep = ",\n";
        }
        out.append("\n  ]");
        java.util.List<Headline.Measured> headline = Headline.measure(results);
        if (!headline.isEmpty()) {
            out.append(",\n  \"headline\": [");
            String hSep = "\n";
            for (Headline.Measured m : headline) {
                Headline.Target t = m.target();
                out.append(hSep).append("    {\"id\": ");
                string(out, t.id());
                out.append(", \"a\": ");
                string(out, t.a().id());
                out.append(", \"b\": ");
                string(out, t.b().id());
                out.append(", \"metric\": ");
                string(out, t.metric().id());
                out.append(", \"chunk_bytes\": ").append(t.chunk());
                out.append(", \"ratio\": ").append(number(m.ratio().median()));
                out.append(", \"min\": ").append(number(m.ratio().min()));
                out.append(", \"max\": ").append(number(m.ratio().max()));
                out.append(", \"runs\": ").append(m.ratio().runs());
                out.append(", \"rounds_measured\": ").append(m.rounds());
                out.append(", \"bound\": ");
                string(out, t.bound().name().toLowerCase(Locale.ROOT));
                out.append(", \"target\": ").append(number(t.target()));
                out.append(", \"met\": ").append(m.met()).append('}');
                hSep = ",\n";
            }
            out.append("\n  ]");
        }
        if (!results.probes().isEmpty()) {
            out.append(",\n  \"placement_probes_ns\": [");
            String pSep = "";
            for (long p : results.probes()) {
                out.append(pSep).append(p);
                pSep = ", ";
            }
            out.append("]");
        }
        if (!results.skipped().isEmpty()) {
            // transports that could not run here (the C lanes without a C compiler), and why
            out.append(",\n  \"skipped\": [");
            String skipSep = "\n";
            for (Map.Entry<Transport, String> e : results.skipped().entrySet()) {
                out.append(skipSep).append("    {\"transport\": ");
                string(out, e.getKey().id());
                out.append(", \"reason\": ");
                string(out, e.getValue());
                out.append('}');
                skipSep = ",\n";
            }
            out.append("\n  ]");
        }
        out.append("\n}\n");
        return out.toString();
    }

    private static void value(StringBuilder out, Object v) {
        switch (v) {
            case null -> out.append("null");
            case Number n -> out.append(n instanceof Double || n instanceof Float ? number(n.doubleValue()) : n.toString());
            case Boolean b -> out.append(b);
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    string(out, String.valueOf(e.getKey()));
                    out.append(": ");
                    value(out, e.getValue());
                    if (it.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                Iterator<?> it = list.iterator();
                while (it.hasNext()) {
                    value(out, it.next());
                    if (it.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append(']');
            }
            default -> string(out, v.toString());
        }
    }

    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
