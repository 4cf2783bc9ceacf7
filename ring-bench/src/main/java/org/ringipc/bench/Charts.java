package org.ringipc.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report as pictures, one PNG of four panels: round-trip percentiles, cross-process bulk by
 * chunk size, in-process bulk by chunk size, small-message rates. Axes are logarithmic: the
 * transports differ by orders of magnitude. The first panel's axis title carries the environment
 * line (JDK, CPU, cores, kernel, load, date); the bulk panels show the min-max of the rounds.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Charts() {
    }

    /** Writes the PNG to {@code file} (".png" is added when missing). */
    public static void write(Path file, Env env, BenchConfig config, Results results) throws IOException {
        List<Chart<?, ?>> charts = new ArrayList<>();
        charts.add(latency(env, results));
        charts.add(bulk("Bulk between two processes (median MB/s)", config, results,
                TextReport.CROSS_BULK));
        charts.add(bulk("Bulk between two threads (median MB/s)", config, results,
                List.of(Transport.RING, Transport.LOCKED_RING, Transport.AGRONA, Transport.JCTOOLS, Transport.NIO_PIPE, Transport.COPY_LIMIT)));
        charts.add(messages(config, results));
        BitmapEncoder.saveBitmap(charts, 2, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart latency(Env env, Results results) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("1-byte round trip between processes (median ns, " + env.mode() + ", " + env.rounds() + " rounds)")
                .xAxisTitle("percentile        (" + environmentLine(env) + ")").yAxisTitle("ns (log)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisLogarithmic(true);
        // bars start at the axis minimum, which a log axis must keep above zero
        chart.getStyler().setYAxisMin(10.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.DARK_GRAY);
        chart.getStyler().setLabelsRotation(90);
        List<String> percentiles = List.of("p50", "p99", "p99.9");
        for (Transport t : TextReport.CROSS) {
            List<Double> ys = new ArrayList<>();
            for (Metric m : List.of(Metric.RTT_P50, Metric.RTT_P99, Metric.RTT_P999)) {
                results.median(t, m, 1).ifPresent(ys::add);
            }
            if (ys.size() == percentiles.size()) {
                chart.addSeries(t.id(), percentiles, ys).setFillColor(color(t));
            }
        }
        placeholderWhenEmpty(chart);
        return chart;
    }

    /**
     * Bandwidth by chunk size, each point the median with a min-max whisker over the rounds. Both
     * axes are logarithmic, drawn as linear axes over log2(KiB) and log10(MB/s): XChart labels a
     * log axis at powers of ten only, which left one or two labels on a panel and ticks at
     * 10/100/1000 KiB where no data sit. Here the x ticks sit at powers of two, the measured
     * chunk sizes among them, and the y ticks carry their MB/s to two digits.
     */
    static XYChart bulk(String title, BenchConfig config, Results results, List<Transport> transports) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("chunk size (log scale)").yAxisTitle("MB/s (log scale)").build();
        style(chart.getStyler());
        List<Integer> chunks = config.chunkSizes();
        // XChart shows no tick label at all once one is blank: every tick gets its value
        chart.setCustomXAxisTickLabelsFormatter(Charts::chunkLabel);
        chart.setCustomYAxisTickLabelsFormatter(Charts::powerOfTenLabel);
        int smallest = chunks.stream().mapToInt(Integer::intValue).min().orElseThrow();
        chart.getStyler().setXAxisMin(log2Kib(smallest) - 0.5);
        chart.getStyler().setXAxisMax(log2Kib(config.largestChunk()) + 0.5);
        int shown = 0;
        for (Transport t : transports) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            // side by side around the chunk size, so that whiskers of one chunk do not hide each other
            double offset = (shown - (transports.size() - 1) / 2.0) * 0.06;
            for (int chunk : chunks) {
                Optional<Summary> v = results.summary(t, Metric.THROUGHPUT, chunk);
                if (v.isPresent()) {
                    double x = log2Kib(chunk) + offset;
                    xs.add(x);
                    ys.add(Math.log10(v.get().median()));
                    var whisker = chart.addSeries(t.id() + " min-max " + chunk,
                            List.of(x, x), List.of(Math.log10(v.get().min()), Math.log10(v.get().max())));
                    whisker.setMarker(SeriesMarkers.NONE);
                    whisker.setLineColor(color(t));
                    whisker.setShowInLegend(false);
                }
            }
            if (!xs.isEmpty()) {
                var series = chart.addSeries(t.id(), xs, ys);
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setLineColor(color(t));
                series.setMarkerColor(color(t));
                shown++;
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data", List.of(log2Kib(smallest)), List.of(0.0));
        }
        return chart;
    }

    /** The x coordinate of a chunk size on a bulk panel. */
    static double log2Kib(int chunkBytes) {
        return Math.log(chunkBytes / 1024.0) / Math.log(2);
    }

    /** An x tick's label: the chunk size at x = log2(KiB), as "4 KiB", "64 KiB", "1 MiB". */
    static String chunkLabel(double x) {
        double kib = Math.pow(2, x);
        double value = kib >= 1024 ? kib / 1024 : kib;
        String unit = kib >= 1024 ? " MiB" : " KiB";
        double whole = Math.rint(value);
        return (Math.abs(value - whole) < 1e-6 ? String.format(java.util.Locale.ROOT, "%.0f", whole)
                : String.format(java.util.Locale.ROOT, "%.1f", value)) + unit;
    }

    /** A y tick's label on a log10 axis: 10^y to two significant digits ("1,000", "3,200"). */
    static String powerOfTenLabel(double y) {
        double rounded = new java.math.BigDecimal(Math.pow(10, y)).round(new java.math.MathContext(2)).doubleValue();
        return String.format(java.util.Locale.ROOT, "%,.0f", rounded);
    }

    /** One line saying where the figures were taken: JDK, CPU, cores, kernel, load, date. */
    static String environmentLine(Env env) {
        String jdk = env.jdk().contains(" (") ? env.jdk().substring(0, env.jdk().indexOf(" (")) : env.jdk();
        return "JDK " + jdk + ", " + env.cpuModel() + ", " + env.cpus() + " CPUs, " + env.kernel()
                + ", load " + env.load() + ", " + env.started().toString().substring(0, 10);
    }

    private static CategoryChart messages(BenchConfig config, Results results) {
        int size = config.messageBytes();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(size + "-byte messages between two threads (median million messages/s)")
                .xAxisTitle("transport").yAxisTitle("million messages/s").build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.DARK_GRAY);
        chart.getStyler().setLabelsRotation(0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.0");
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (Transport t : List.of(Transport.RING, Transport.MESSAGE_RING, Transport.LOCKED_RING,
                Transport.AGRONA, Transport.JCTOOLS, Transport.NIO_PIPE)) {
            results.median(t, Metric.MESSAGES, size).ifPresent(v -> {
                names.add(t.id());
                rates.add(v / 1e6);
            });
        }
        if (!names.isEmpty()) {
            chart.addSeries("messages/s", names, rates);
        }
        placeholderWhenEmpty(chart);
        return chart;
    }

    /** One colour per transport, the same in every panel. */
    static Color color(Transport t) {
        return PALETTE[t.ordinal() % PALETTE.length];
    }

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0x17becf), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x2ca02c),
        new Color(0x7f7f7f), new Color(0x1f4e9c), new Color(0x8c564b), new Color(0xd62728), new Color(0xbcbd22),
        new Color(0xe377c2), new Color(0xffbb78), new Color(0x393b79), new Color(0x637939),
    };

    private static void placeholderWhenEmpty(CategoryChart chart) {
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data", List.of("-"), List.of(1.0));
        }
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(15f));
    }
}
