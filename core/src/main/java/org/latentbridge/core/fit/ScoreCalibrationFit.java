package org.latentbridge.core.fit;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Fits a {@link ScoreCalibration} from anchors alone. For each held-out query, the top similarities of its translation
 * against the target anchors ({@code x}) are paired rank by rank with the top similarities of the query itself against
 * the source anchors ({@code y}): what a native search would have scored at that rank. The held-out queries are split
 * with a seeded shuffle; every form is fitted on one half and judged on the other by the mean absolute error of the
 * rank-paired points, the best kept (ties to the simpler form) and refitted on every held-out query.
 */
public final class ScoreCalibrationFit {
    /** Top similarities compared per query: the top of the ranking is what a merged search sorts. */
    public static final int TOP_RANKS = 20;
    /** Fewest held-out queries a calibration is fitted from: fewer give no evidence for the form. */
    public static final int MIN_QUERIES = 20;
    /** Most knots a calibration keeps: enough for a smooth map of a cosine range, small enough to store and report. */
    public static final int MAX_KNOTS = 32;
    /** Held-out errors within this (cosine units) count as tied: the simpler form wins. */
    public static final double ERROR_TIE = 1e-4;
    /** A range of similarities narrower than this is no spread to calibrate. */
    static final double MIN_SPREAD = 1e-9;
    /**
     * Most held-out queries a fit compares: the error of a calibration with a few dozen knots is stable long before, and
     * the cost is bounded whatever the number of anchors.
     */
    public static final int MAX_QUERIES = 1000;
    /**
     * Most anchors the held-out queries are compared with (the bank): with more shared anchors, a seeded sample of this
     * many stands for them, so the comparisons cost the same at 20,000 anchors as at 4,000.
     */
    public static final int MAX_BANK = 4000;
    /** Queries whose similarities to the bank are computed at once: bounds the block of similarities held in memory. */
    private static final int QUERY_BLOCK = 256;

    private ScoreCalibrationFit() {}

    /**
     * The {@code topRanks} highest cosines of each query (row of {@code queries}) against the rows of {@code bank},
     * highest first, leaving out bank row {@code exclude[i]} for query {@code i} (-1 for none): the query itself when it
     * is in the bank. Products run on {@link MatrixKernels} in blocks of queries, so memory stays at a block times the bank.
     */
    public static double[][] topCosines(float[] queries, int[] exclude, float[] bank, int dims, int topRanks, int parallelism) {
        int nq = queries.length / dims, nb = bank.length / dims;
        if (exclude.length != nq) {
            throw new IllegalArgumentException("[exclude] has [" + exclude.length + "] entries for [" + nq + "] queries");
        }
        int kept = Math.min(topRanks, nb - 1);
        if (kept < 1) {
            throw new IllegalArgumentException("a bank of [" + nb + "] vectors has no neighbours to compare");
        }
        float[] bankT = unitRowsTransposed(bank, 0, nb, dims);
        double[][] out = new double[nq][];
        for (int from = 0; from < nq; from += QUERY_BLOCK) {
            int to = Math.min(nq, from + QUERY_BLOCK), b = to - from;
            double[] sim = new double[b * nb];
            MatrixKernels.transposeProduct(unitRowsTransposed(queries, from, to, dims), b, bankT, nb, 0, dims, sim, parallelism);
            for (int i = 0; i < b; i++) {
                out[from + i] = top(sim, i * nb, nb, exclude[from + i], kept);
            }
        }
        return out;
    }

    /** The {@code k} largest of {@code sim[off .. off + n)} leaving out index {@code skip}, highest first. */
    static double[] top(double[] sim, int off, int n, int skip, int k) {
        double[] best = new double[k]; // ascending: best[0] is the smallest kept
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j++) {
            double s = sim[off + j];
            if (j == skip || s <= best[0]) {
                continue;
            }
            int p = 0;
            while (p + 1 < k && best[p + 1] < s) {
                best[p] = best[p + 1];
                p++;
            }
            best[p] = s;
        }
        double[] out = new double[k];
        for (int r = 0; r < k; r++) {
            out[r] = best[k - 1 - r];
        }
        return out;
    }

    /** Rows {@code from .. to} of {@code m} scaled to unit length, transposed ({@code dims x rows}) for {@link MatrixKernels}. */
    static float[] unitRowsTransposed(float[] m, int from, int to, int dims) {
        int rows = to - from;
        float[] t = new float[rows * dims];
        float[] row = new float[dims];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, (from + r) * dims, row, 0, dims);
            Vectors.normalizeInPlace(row);
            for (int c = 0; c < dims; c++) {
                t[c * rows + r] = row[c];
            }
        }
        return t;
    }

    /**
     * Fits the calibration of {@code translated[i][r]} (query {@code i}'s r-th highest translated similarity) onto
     * {@code nativeScores[i][r]} (its r-th highest native similarity).
     *
     * @throws IllegalArgumentException with fewer than {@link #MIN_QUERIES} queries, rows of different lengths, or
     *                                  similarities without spread on either side
     */
    public static ScoreCalibration fit(double[][] translated, double[][] nativeScores, long seed) {
        int q = translated.length;
        if (nativeScores.length != q) {
            throw new IllegalArgumentException("[" + q + "] translated and [" + nativeScores.length + "] native queries differ in number");
        }
        if (q < MIN_QUERIES) {
            throw new IllegalArgumentException("a score calibration needs at least [" + MIN_QUERIES + "] held-out queries, got [" + q
                + "]; use more anchors or a larger [holdout]");
        }
        int ranks = translated[0].length;
        for (int i = 0; i < q; i++) {
            if (translated[i].length != ranks || nativeScores[i].length != ranks) {
                throw new IllegalArgumentException("held-out query [" + i + "] has [" + translated[i].length + "] translated and ["
                    + nativeScores[i].length + "] native similarities, expected [" + ranks + "] of each");
            }
        }
        checkSpread(translated, "translated");
        checkSpread(nativeScores, "native");

        List<Integer> order = new ArrayList<>(q);
        for (int i = 0; i < q; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int half = q / 2;
        int[] fitRows = order.subList(0, half).stream().mapToInt(Integer::intValue).toArray();
        int[] evalRows = order.subList(half, q).stream().mapToInt(Integer::intValue).toArray();
        int[] allRows = order.stream().mapToInt(Integer::intValue).toArray();

        double uncalibrated = error(null, translated, nativeScores, evalRows);
        ScoreCalibration.Form best = ScoreCalibration.Form.IDENTITY;
        double bestError = uncalibrated;
        for (ScoreCalibration.Form form : ScoreCalibration.Form.values()) {
            if (form == ScoreCalibration.Form.IDENTITY) {
                continue;
            }
            double[][] knots = knots(form, translated, nativeScores, fitRows);
            if (knots == null) {
                continue;
            }
            double e = error(knots, translated, nativeScores, evalRows);
            // forms are in order of complexity: a later form must beat the best so far by more than the tie
            if (e < bestError - ERROR_TIE) {
                best = form;
                bestError = e;
            }
        }
        if (best == ScoreCalibration.Form.IDENTITY) {
            return new ScoreCalibration(best, new double[0], new double[0], ranks, q, uncalibrated, uncalibrated);
        }
        double[][] knots = knots(best, translated, nativeScores, allRows);
        if (knots == null) { // the half fitted, so all rows fit too; kept for safety against a degenerate refit
            return new ScoreCalibration(ScoreCalibration.Form.IDENTITY, new double[0], new double[0], ranks, q, uncalibrated,
                uncalibrated);
        }
        return new ScoreCalibration(best, knots[0], knots[1], ranks, q, bestError, uncalibrated);
    }

    private static void checkSpread(double[][] scores, String side) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] row : scores) {
            for (double s : row) {
                if (Double.isFinite(s) == false) {
                    throw new IllegalArgumentException("a " + side + " similarity is not finite: [" + s + "]");
                }
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        if (max - min < MIN_SPREAD) {
            throw new IllegalArgumentException("the " + side + " similarities of the held-out queries have no spread (all [" + min
                + "]): there is no scale to calibrate");
        }
    }

    /** Mean |g(x) - y| over the rank-paired points of {@code rows}; {@code knots} null is the identity. */
    static double error(double[][] knots, double[][] x, double[][] y, int[] rows) {
        ScoreCalibration g = knots == null ? ScoreCalibration.IDENTITY
            : new ScoreCalibration(ScoreCalibration.Form.ISOTONIC, knots[0], knots[1], 0, 0, 0, 0);
        double sum = 0;
        long count = 0;
        for (int i : rows) {
            for (int r = 0; r < x[i].length; r++) {
                sum += Math.abs(g.apply(x[i][r]) - y[i][r]);
                count++;
            }
        }
        return sum / count;
    }

    /** The knots {@code {x, y}} of {@code form} fitted on {@code rows}, or null when the form cannot be fitted there. */
    static double[][] knots(ScoreCalibration.Form form, double[][] x, double[][] y, int[] rows) {
        int ranks = x[0].length, m = rows.length * ranks;
        double[] px = new double[m], py = new double[m];
        int p = 0;
        for (int i : rows) {
            for (int r = 0; r < ranks; r++) {
                px[p] = x[i][r];
                py[p] = y[i][r];
                p++;
            }
        }
        double[][] k = switch (form) {
            case AFFINE -> affine(px, py);
            case QUANTILE -> quantile(px, py);
            case ISOTONIC -> isotonic(px, py);
            case IDENTITY -> throw new IllegalArgumentException("the identity has no knots");
        };
        return k == null || k[0].length < 2 ? null : k;
    }

    /** Least squares {@code y = a + b x}, {@code b} clamped at 0 (monotone), as two knots at the ends of the x range. */
    private static double[][] affine(double[] x, double[] y) {
        int m = x.length;
        double mx = 0, my = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            mx += x[i];
            my += y[i];
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        mx /= m;
        my /= m;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < m; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (max - min < MIN_SPREAD || sxx <= 0) {
            return null;
        }
        double slope = Math.max(0, sxy / sxx);
        double intercept = my - slope * mx;
        return new double[][] {{min, max}, {intercept + slope * min, intercept + slope * max}};
    }

    /** Matching quantiles of the pooled translated and native similarities: the top of one distribution onto the other's. */
    private static double[][] quantile(double[] x, double[] y) {
        double[] xs = x.clone(), ys = y.clone();
        Arrays.sort(xs);
        Arrays.sort(ys);
        int m = xs.length, k = Math.min(MAX_KNOTS, m);
        double[] kx = new double[k], ky = new double[k];
        int kept = 0;
        for (int i = 0; i < k; i++) {
            int idx = (int) Math.round((double) i * (m - 1) / (k - 1));
            if (kept > 0 && xs[idx] <= kx[kept - 1]) {
                ky[kept - 1] = Math.max(ky[kept - 1], ys[idx]); // same abscissa: keep the higher quantile's ordinate
                continue;
            }
            kx[kept] = xs[idx];
            ky[kept] = ys[idx];
            kept++;
        }
        return new double[][] {Arrays.copyOf(kx, kept), Arrays.copyOf(ky, kept)};
    }

    /**
     * Pool-adjacent-violators on the points sorted by {@code x}: blocks whose mean {@code y} rises strictly; each block
     * becomes a knot at its mean {@code x} and mean {@code y}, so the map rises strictly between knots and keeps the order
     * of translated scores. More than {@link #MAX_KNOTS} blocks are merged into that many groups of about equal weight.
     */
    private static double[][] isotonic(double[] x, double[] y) {
        int m = x.length;
        Integer[] idx = new Integer[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> x[a] != x[b] ? Double.compare(x[a], x[b]) : Double.compare(y[a], y[b]));
        double[] w = new double[m], sx = new double[m], sy = new double[m];
        int blocks = 0;
        for (int i = 0; i < m; i++) {
            w[blocks] = 1;
            sx[blocks] = x[idx[i]];
            sy[blocks] = y[idx[i]];
            blocks++;
            while (blocks > 1 && sy[blocks - 2] / w[blocks - 2] >= sy[blocks - 1] / w[blocks - 1]) {
                w[blocks - 2] += w[blocks - 1];
                sx[blocks - 2] += sx[blocks - 1];
                sy[blocks - 2] += sy[blocks - 1];
                blocks--;
            }
        }
        int groups = Math.min(MAX_KNOTS, blocks);
        double[] kx = new double[groups], ky = new double[groups];
        int kept = 0, b = 0;
        double total = 0;
        for (int i = 0; i < blocks; i++) {
            total += w[i];
        }
        double seen = 0;
        for (int g = 0; g < groups; g++) {
            double gw = 0, gx = 0, gy = 0;
            double until = total * (g + 1) / groups;
            // every group takes at least one block and leaves one for each later group; the last takes the rest
            while (b < blocks && (gw == 0 || g == groups - 1 || (seen + w[b] <= until + 1e-9 && blocks - b > groups - g - 1))) {
                gw += w[b];
                gx += sx[b];
                gy += sy[b];
                seen += w[b];
                b++;
            }
            if (gw == 0) {
                break;
            }
            double cx = gx / gw, cy = gy / gw;
            if (kept > 0 && cx <= kx[kept - 1]) {
                ky[kept - 1] = Math.max(ky[kept - 1], cy); // tied abscissae: one knot, rising
                continue;
            }
            kx[kept] = cx;
            ky[kept] = cy;
            kept++;
        }
        return new double[][] {Arrays.copyOf(kx, kept), Arrays.copyOf(ky, kept)};
    }
}
