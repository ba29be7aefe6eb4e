package org.latentbridge.testing;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG charts for the benchmark reports (XChart, rendered headless). Each chart is written beside a CSV of the same
 * numbers, so a figure in BENCHMARKS.md can always be checked against its data.
 */
public final class Charts {
    private static final int WIDTH = 900, HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** Lines of (x, y) points, one per series, in insertion order. */
    public static final class Lines {
        private final Map<String, double[][]> series = new LinkedHashMap<>();

        public Lines add(String name, double[] x, double[] y) {
            if (x.length != y.length || x.length == 0) {
                throw new IllegalArgumentException("series [" + name + "] has " + x.length + " x and " + y.length + " y values");
            }
            series.put(name, new double[][] {x.clone(), y.clone()});
            return this;
        }
    }

    /** A line chart to {@code dir/name.png} and its data to {@code dir/name.csv}; {@code logX} for counts spanning decades. */
    public static Path lines(Path dir, String name, String title, String xTitle, String yTitle, boolean logX, Lines lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        StringBuilder csv = new StringBuilder("series,x,y\n");
        lines.series.forEach((series, xy) -> {
            chart.addSeries(series, xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE);
            for (int i = 0; i < xy[0].length; i++) {
                csv.append(quote(series)).append(',').append(xy[0][i]).append(',').append(xy[1][i]).append('\n');
            }
        });
        return save(dir, name, chart, csv);
    }

    /** Grouped bars: one group per category, one bar per series (e.g. p50 and p99 per search kind). */
    public static Path bars(Path dir, String name, String title, String yTitle, List<String> categories, Map<String, double[]> series) {
        boolean manyLabels = categories.size() > 4;
        // many long category labels read best vertical, with the room they need below the plot
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(manyLabels ? HEIGHT + 320 : HEIGHT).title(title)
            .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(manyLabels ? 90 : 0);
        StringBuilder csv = new StringBuilder("series,category,value\n");
        series.forEach((s, values) -> {
            if (values.length != categories.size()) {
                throw new IllegalArgumentException("series [" + s + "] has " + values.length + " values for " + categories.size()
                    + " categories");
            }
            chart.addSeries(s, categories, Arrays.stream(values).boxed().toList());
            for (int i = 0; i < values.length; i++) {
                csv.append(quote(s)).append(',').append(quote(categories.get(i))).append(',').append(values[i]).append('\n');
            }
        });
        return save(dir, name, chart, csv);
    }

    private static Path save(Path dir, String name, Chart<?, ?> chart, StringBuilder csv) {
        try {
            Files.createDirectories(dir);
            Path png = dir.resolve(name + ".png");
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.writeString(dir.resolve(name + ".csv"), csv);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + name + " to " + dir, e);
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
