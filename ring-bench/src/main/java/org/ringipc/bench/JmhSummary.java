package org.ringipc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a JMH CSV result file ({@code -rf csv -rff FILE}) of {@link MessageBenchmark} and
 * {@link ByteRingBenchmark} into the two tables the comparison needs: messages taken per second
 * by message size and implementation, and megabytes taken per second by chunk size and ring. The
 * figures are the consumer's counters ({@code messagesTaken}, {@code bytesTaken}), not JMH's
 * primary score, which counts calls, empty and full ones included.
 *
 * <pre>
 * java -cp ring-bench/target/ring-bench.jar org.ringipc.bench.JmhSummary jmh.csv
 * </pre>
 */
public final class JmhSummary {

    private JmhSummary() {
    }

    /** Entry point: prints the tables of the CSV file named by the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JmhSummary JMH_RESULT.csv   (from ./ring jmh -rf csv -rff JMH_RESULT.csv ...)");
            System.exit(2);
        }
        System.out.print(render(Files.readAllLines(Path.of(args[0]))));
    }

    /** The tables, from the lines of a JMH CSV result; an {@link IllegalArgumentException} when it is not one. */
    static String render(List<String> csv) {
        if (csv.isEmpty() || !csv.getFirst().startsWith("\"Benchmark\"")) {
            throw new IllegalArgumentException("not a JMH CSV result: the first line should start with \"Benchmark\"");
        }
        List<String> header = fields(csv.getFirst());
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : csv.subList(1, csv.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < f.size(); i++) {
                row.put(header.get(i), f.get(i));
            }
            rows.add(row);
        }
        StringBuilder out = new StringBuilder();
        pivot(out, rows, "MessageBenchmark.messages:messagesTaken", "Param: size", "Param: impl", "agrona", 1,
                "Messages taken per second by message size (bytes), JMH MessageBenchmark");
        pivot(out, rows, "ByteRingBenchmark.bytes:bytesTaken", "Param: chunkBytes", "Param: ring", "locked-ring", 1e6,
                "MB (10^6 B) taken per second by chunk size (bytes), JMH ByteRingBenchmark");
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no messagesTaken or bytesTaken rows: run MessageBenchmark or ByteRingBenchmark");
        }
        return out.toString();
    }

    /**
     * One table: a row per {@code rowParam} value, a column per {@code columnParam} value, each
     * cell the score of {@code benchmark} divided by {@code unit}, and a last column per other
     * implementation's ratio to {@code base}.
     */
    private static void pivot(StringBuilder out, List<Map<String, String>> rows, String benchmark, String rowParam,
                              String columnParam, String base, double unit, String title) {
        Map<Integer, Map<String, Double>> table = new TreeMap<>();
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, String> row : rows) {
            if (!row.getOrDefault("Benchmark", "").endsWith(benchmark)) {
                continue;
            }
            String column = row.get(columnParam);
            columns.add(column);
            table.computeIfAbsent(Integer.parseInt(row.get(rowParam)), k -> new LinkedHashMap<>())
                    .put(column, number(row.get("Score")) / unit);
        }
        if (table.isEmpty()) {
            return;
        }
        List<String> ratios = columns.stream().filter(c -> !c.equals(base) && columns.contains(base))
                .map(c -> c + "/" + base).toList();
        List<String[]> lines = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of(rowParam.substring("Param: ".length())));
        head.addAll(columns);
        head.addAll(ratios);
        lines.add(head.toArray(String[]::new));
        for (Map.Entry<Integer, Map<String, Double>> e : table.entrySet()) {
            List<String> cells = new ArrayList<>(List.of(Integer.toString(e.getKey())));
            Map<String, Double> byColumn = e.getValue();
            for (String c : columns) {
                Double v = byColumn.get(c);
                cells.add(v == null ? "-" : String.format(Locale.ROOT, "%,.0f", v));
            }
            Double b = byColumn.get(base);
            for (String r : ratios) {
                Double v = byColumn.get(r.substring(0, r.indexOf('/')));
                cells.add(v == null || b == null ? "-" : String.format(Locale.ROOT, "%.2fx", v / b));
            }
            lines.add(cells.toArray(String[]::new));
        }
        out.append(out.isEmpty() ? "" : "\n").append(title).append('\n');
        int[] width = new int[head.size()];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                out.append(String.format(Locale.ROOT, i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s", l[i]));
            }
            out.append('\n');
        }
    }

    /** A CSV number; JMH writes them with the default locale, so a decimal comma is accepted too. */
    private static double number(String s) {
        String t = s.strip();
        if (t.indexOf(',') >= 0 && t.indexOf('.') < 0) {
            t = t.replace(',', '.');
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Score=" + s + " is not a number", e);
        }
    }

    /** The fields of one CSV line: comma-separated, double quotes around a field, "" for a quote. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
