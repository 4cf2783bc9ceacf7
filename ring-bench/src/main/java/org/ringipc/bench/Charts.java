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
 * transports differ by orders of magnitude.
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
                .xAxisTitle("percentile").yAxisTitle("ns (log)").build();
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

    private static XYChart bulk(String title, BenchConfig config, Results results, List<Transport> transports) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("chunk size, KiB (log)").yAxisTitle("MB/s (log)").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        for (Transport t : transports) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int chunk : config.chunkSizes()) {
                Optional<Double> v = results.median(t, Metric.THROUGHPUT, chunk);
                if (v.isPresent()) {
                    xs.add(chunk / 1024.0);
                    ys.add(v.get());
                }
            }
            if (!xs.isEmpty()) {
                var series = chart.addSeries(t.id(), xs, ys);
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setLineColor(color(t));
                series.setMarkerColor(color(t));
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data", List.of(1.0), List.of(1.0));
        }
        return chart;
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
