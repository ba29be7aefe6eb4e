package org.latentbridge.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The report charts: a readable PNG and a CSV holding exactly the plotted numbers. */
class ChartsTests {

    @Test
    void lineChartWritesAPngAndItsData(@TempDir Path dir) throws Exception {
        Path png = Charts.lines(dir, "recall", "recall vs anchors", "anchors", "ratio", true, new Charts.Lines()
            .add("orthogonal", new double[] {500, 1000, 2000}, new double[] {0.8, 0.9, 0.95})
            .add("linear", new double[] {500, 1000, 2000}, new double[] {0.7, 0.85, 0.94}));
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a decodable PNG");
        assertEquals(900, image.getWidth());
        List<String> csv = Files.readAllLines(dir.resolve("recall.csv"));
        assertEquals(7, csv.size(), csv.toString());
        assertEquals("\"linear\",2000.0,0.94", csv.get(6));
    }

    @Test
    void barChartWritesAPngAndItsData(@TempDir Path dir) throws Exception {
        Path png = Charts.bars(dir, "latency", "latency", "ms", List.of("native", "latent_knn"), Map.of("p50", new double[] {2.0, 2.1}));
        assertNotNull(ImageIO.read(png.toFile()));
        assertEquals(List.of("series,category,value", "\"p50\",\"native\",2.0", "\"p50\",\"latent_knn\",2.1"),
            Files.readAllLines(dir.resolve("latency.csv")));
    }

    @Test
    void mismatchedSeriesAreRejected(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new Charts.Lines().add("x", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
            () -> Charts.bars(dir, "b", "t", "y", List.of("a", "b"), Map.of("s", new double[] {1})));
    }
}
