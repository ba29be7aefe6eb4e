package org.latentbridge.core.fit;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.latentbridge.core.fit.StoredValues.number;
import static org.latentbridge.core.fit.StoredValues.string;

/**
 * How documents translated at index time are translated, so that they compete with native documents of the target
 * field, and the evidence for it.
 *
 * <p>Why they need it: a translated vector agrees only partly with the native one, so its cosines to native queries run
 * lower than a native document's and the native documents around it win. Two things close most of the gap (measured on
 * the manual-page corpus, {@code TranslatedDocumentsIT}): a least-squares map ({@code linear}) instead of the query
 * side's (usually {@code orthogonal}): it predicts the expected native vector, whose dot product with any query is the
 * expected native score, where a rotation carries the source's own variation over as noise; and a larger weight of the
 * target mean, which every native vector of an anisotropic encoder shares, to lift the remaining shortfall.
 *
 * <p>Both are judged from anchors alone, as a mixed index would rank them: each held-out anchor's native target vector
 * {@code a_j} is the query, the other anchors' native vectors {@code a_i, i != j} the index, and its own document is the
 * translated {@code b_j}. The weight is the one (on a grid of 1/8) that gives the translated documents the highest mean
 * reciprocal rank there; it lands where the corpus's own queries find them best, while matching the mean top
 * similarities (reported as {@link #gapAfter}) stops short of it. The correction is {@link #applied} only when that rank
 * rises by more than {@link #MRR_GAIN} over the query map's (a pair the query map already serves, such as an exact
 * rotation, keeps it).
 *
 * @param method            the map documents are translated with

 * @param meanWeight        the weight fitted for documents, within {@code [0, Preprocessing.MAX_MEAN_WEIGHT]}
 * @param defaultMeanWeight the translator's own weight (the fit's {@code preprocess.mean_weight}), what documents had before
 * @param gapBefore         mean top similarity of translated minus native documents at the translator's own weight
 * @param gapAfter          the same gap at {@link #meanWeight}
 * @param documents         held-out anchors the weight was fitted on
 * @param topRanks          top similarities compared per document
 * @param mrrBefore         mean reciprocal rank of held-out documents translated by the query map, among native anchors
 * @param mrrAfter          the same with this correction
 */
public record DocumentCorrection(Method method, double meanWeight, double defaultMeanWeight, double gapBefore, double gapAfter,
                                 int documents, int topRanks, double mrrBefore, double mrrAfter) {

    /** Gain in held-out MRR the correction must bring to be applied: below it, rank noise of a few documents in a thousand. */
    public static final double MRR_GAIN = 0.005;

    /**
     * Most held-out documents the fit compares: the mean of top similarities is stable long before, and the cost is bounded.
     * The calibration's queries: both fits share one bank, where these rows come first.
     */
    public static final int MAX_DOCUMENTS = ScoreCalibrationFit.MAX_QUERIES;
    /** Grid of weights searched: steps of 1/8 up to the maximum. */
    private static final double GRID_STEP = 0.125;
    private static final int QUERY_BLOCK = 256;

    /** The map documents are translated with: least squares, the best of the methods for documents on the project's corpus. */
    public static final Method DOCUMENT_METHOD = Method.LINEAR;

    public DocumentCorrection {
        if (method == null) {
            throw new IllegalArgumentException("a document correction needs a [method]");
        }
        checkWeight("meanWeight", meanWeight);
        checkWeight("defaultMeanWeight", defaultMeanWeight);
        if (Double.isFinite(gapBefore) == false || Double.isFinite(gapAfter) == false || documents < 0 || topRanks < 0
            || (mrrBefore >= 0 && mrrBefore <= 1) == false || (mrrAfter >= 0 && mrrAfter <= 1) == false) {
            throw new IllegalArgumentException("a document correction needs finite gaps and non-negative counts, got gaps [" + gapBefore
                + ", " + gapAfter + "], documents [" + documents + "], top ranks [" + topRanks + "], mrr [" + mrrBefore + ", " + mrrAfter
            + "] (within [0, 1])");
        }
    }

    private static void checkWeight(String name, double w) {
        if (Double.isFinite(w) == false || w < 0 || w > Preprocessing.MAX_MEAN_WEIGHT) {
            throw new IllegalArgumentException("[" + name + "] must be within [0, " + Preprocessing.MAX_MEAN_WEIGHT + "], got [" + w + "]");
        }
    }

    /** Whether documents take the corrected map: it found the held-out documents better than the query map. */
    public boolean applied() {
        return mrrAfter > mrrBefore + MRR_GAIN;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", applied());
        m.put("method", method.apiName());
        m.put("mean_weight", meanWeight);
        m.put("default_mean_weight", defaultMeanWeight);
        m.put("top_gap_before", gapBefore);
        m.put("top_gap_after", gapAfter);
        m.put("documents", documents);
        m.put("top_ranks", topRanks);
        m.put("mrr_before", mrrBefore);
        m.put("mrr_after", mrrAfter);
        return m;
    }

    public static DocumentCorrection fromMap(Map<String, ?> m) {
        if (m == null) {
            throw new IllegalArgumentException("a document correction is missing");
        }
        String what = "document correction";
        return new DocumentCorrection(Method.fromApiName(string(m, what, "method")), number(m, what, "mean_weight"),
            number(m, what, "default_mean_weight"), number(m, what, "top_gap_before"), number(m, what, "top_gap_after"),
            (int) number(m, what, "documents"), (int) number(m, what, "top_ranks"), number(m, what, "mrr_before"),
            number(m, what, "mrr_after"));
    }

    /**
     * Fits the document mean weight of {@code documentMap}; {@code queryMap} is how documents were translated before, for
     * the gap reported as {@link #gapBefore}. Both maps are fitted without the held-out rows.
     *
     * @param sourceDocs  raw source vectors of held-out anchors, row-major
     * @param targetDocs  the same anchors' raw target vectors
     * @param selfRows    each held-out anchor's row in {@code bank}, left out of its own comparison
     * @param bank        raw target vectors of the shared anchors, or of a sample of them: the natives the documents rank among
     * @param anchors     how many shared anchors the bank stands for: a document's count of natives above it in a sample
     *                    is scaled up to that many, so its rank, and the mean reciprocal rank, keep the scale of all anchors
     */
    public static DocumentCorrection fit(SpaceTranslator queryMap, SpaceTranslator documentMap, float[] sourceDocs, float[] targetDocs,
                                         int[] selfRows, float[] bank, int anchors, int topRanks, int parallelism) {
        int dt = documentMap.targetDims();
        double own = documentMap.target().preprocessing().meanWeight();
        int h = Math.min(selfRows.length, MAX_DOCUMENTS);
        if (h < ScoreCalibrationFit.MIN_QUERIES) {
            throw new IllegalArgumentException("a document correction needs at least [" + ScoreCalibrationFit.MIN_QUERIES
                + "] held-out anchors, got [" + h + "]");
        }
        if (bank.length / dt < 2) {
            throw new IllegalArgumentException("a document correction needs at least two anchors to compare documents with");
        }
        int[] exclude = Arrays.copyOf(selfRows, h);
        float[] queryResiduals = residuals(queryMap, sourceDocs, h);
        float[] residuals = residuals(documentMap, sourceDocs, h);
        int steps = (int) Math.round(Preprocessing.MAX_MEAN_WEIGHT / GRID_STEP);
        double[] grid = new double[steps + 1];
        for (int g = 0; g <= steps; g++) {
            grid[g] = g * GRID_STEP;
        }
        float[] mean = documentMap.target().mean();
        Preprocessing queryPre = queryMap.target().preprocessing();
        double queryWeight = queryPre.center() ? queryPre.meanWeight() : 0;
        // nothing is added back without centring: the map alone is the correction
        boolean centred = documentMap.target().preprocessing().center();
        double[] weights = centred ? grid : new double[] {0};
        int nb = bank.length / dt;
        double rankScale = anchors > nb ? (anchors - 1.0) / (nb - 1) : 1;
        NativeRanking ranking = rankAmongNatives(Arrays.copyOf(targetDocs, h * dt), exclude, bank, dt, topRanks, rankScale,
            new float[][] {queryResiduals, residuals}, new double[][] {{queryWeight}, weights}, mean, parallelism);
        double nativeMean = ranking.meanTop();
        double before = meanTop(queryResiduals, mean, exclude, bank, dt, new double[] {queryWeight}, topRanks, parallelism)[0]
            - nativeMean;
        double mrrBefore = ranking.mrr()[0][0];
        double[] mrr = ranking.mrr()[1];
        int kept = Math.min(topRanks, bank.length / dt - 1);
        int best = 0;
        for (int g = 1; g < weights.length; g++) {
            if (mrr[g] > mrr[best]) { // ties keep the smaller weight
                best = g;
            }
        }
        double w = centred ? weights[best] : own;
        double after = meanTop(residuals, mean, exclude, bank, dt, new double[] {weights[best]}, topRanks, parallelism)[0] - nativeMean;
        return new DocumentCorrection(documentMap.method(), w, own, before, after, h, kept, mrrBefore, mrr[best]);
    }

    /**
     * What the native side gives, from one product of the native targets with the bank per block: the mean over documents
     * and ranks of each native target's top similarities against the bank but its own row, and for each set {@code s} of
     * residuals and weights the mean reciprocal rank of each translated document {@code r_j + w mean} for its own native
     * vector as the query, among the native vectors of the bank but its own (how a native query finds a translated
     * document among native ones; each count of natives above it scaled by {@code rankScale}). The native similarities do
     * not depend on {@code w}: one product and one sort serve all.
     */
    private static NativeRanking rankAmongNatives(float[] targets, int[] exclude, float[] bank, int dims, int topRanks, double rankScale,
                                                  float[][] residualSets, double[][] weightSets, float[] mean, int parallelism) {
        int h = targets.length / dims, nb = bank.length / dims, kept = Math.min(topRanks, nb - 1);
        float[] translated = new float[dims], query = new float[dims];
        double[][][] own = new double[residualSets.length][][];
        for (int s = 0; s < residualSets.length; s++) {
            own[s] = new double[weightSets[s].length][h];
            for (int j = 0; j < h; j++) {
                System.arraycopy(targets, j * dims, query, 0, dims);
                for (int g = 0; g < weightSets[s].length; g++) {
                    for (int c = 0; c < dims; c++) {
                        translated[c] = (float) (residualSets[s][j * dims + c] + weightSets[s][g] * mean[c]);
                    }
                    own[s][g][j] = Vectors.cosine(query, translated);
                }
            }
        }
        float[] bankT = ScoreCalibrationFit.unitRowsTransposed(bank, 0, nb, dims);
        double[][] sums = new double[residualSets.length][];
        for (int s = 0; s < sums.length; s++) {
            sums[s] = new double[weightSets[s].length];
        }
        double topSum = 0;
        double[] sorted = new double[nb];
        for (int from = 0; from < h; from += QUERY_BLOCK) {
            int to = Math.min(h, from + QUERY_BLOCK), b = to - from;
            double[] sim = new double[b * nb];
            MatrixKernels.transposeProduct(ScoreCalibrationFit.unitRowsTransposed(targets, from, to, dims), b, bankT, nb, 0, dims, sim,
                parallelism);
            for (int j = 0; j < b; j++) {
                for (double t : ScoreCalibrationFit.top(sim, j * nb, nb, exclude[from + j], kept)) {
                    topSum += t;
                }
                int others = 0;
                for (int i = 0; i < nb; i++) {
                    if (i != exclude[from + j]) {
                        sorted[others++] = sim[j * nb + i];
                    }
                }
                Arrays.sort(sorted, 0, others);
                for (int s = 0; s < sums.length; s++) {
                    for (int g = 0; g < sums[s].length; g++) {
                        // rank = 1 + natives scoring at least the translated document (an estimate of their number
                        // among all anchors when the bank is a sample of them)
                        int below = lowerBound(sorted, others, own[s][g][from + j]);
                        sums[s][g] += 1.0 / (1 + (others - below) * rankScale);
                    }
                }
            }
        }
        for (double[] set : sums) {
            for (int g = 0; g < set.length; g++) {
                set[g] /= h;
            }
        }
        return new NativeRanking(topSum / ((long) h * kept), sums);
    }

    /** The mean top native similarity, and the mean reciprocal ranks per residual set and weight. */
    private record NativeRanking(double meanTop, double[][] mrr) {}

    /** Index of the first of {@code a[0 .. n)} (ascending) that is at least {@code key}. */
    private static int lowerBound(double[] a, int n, double key) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Each document translated with no mean added back and not normalised: the part of the output that does not depend
     * on the weight (the output is this plus {@code w} times the target mean). Without centring, the output itself.
     */
    private static float[] residuals(SpaceTranslator map, float[] sourceDocs, int h) {
        int ds = map.sourceDims(), dt = map.targetDims();
        SpaceTranslator bare = map.target().preprocessing().center() ? map.withMeanWeight(0) : map;
        float[] out = new float[h * dt];
        float[] b = new float[ds];
        for (int j = 0; j < h; j++) {
            System.arraycopy(sourceDocs, j * ds, b, 0, ds);
            System.arraycopy(bare.translate(b, false), 0, out, j * dt, dt);
        }
        return out;
    }

    /**
     * For each weight {@code w}: the mean over documents and ranks of the top cosines of {@code r_j + w mean} against the
     * bank. The cosine's numerator is {@code r_j.a + w mean.a} and its denominator {@code |r_j + w mean| |a|}, so one
     * product of residuals with the bank serves every weight.
     */
    private static double[] meanTop(float[] residuals, float[] mean, int[] exclude, float[] bank, int dims, double[] weights, int topRanks,
                                    int parallelism) {
        int h = residuals.length / dims, nb = bank.length / dims, k = Math.min(topRanks, nb - 1);
        float[] bankT = ScoreCalibrationFit.unitRowsTransposed(bank, 0, nb, dims);
        double[] meanDot = new double[nb];
        float[] row = new float[dims];
        for (int i = 0; i < nb; i++) {
            for (int c = 0; c < dims; c++) {
                row[c] = bankT[c * nb + i];
            }
            meanDot[i] = Vectors.dot(row, mean);
        }
        double mm = Vectors.dot(mean, mean);
        double[] sums = new double[weights.length];
        double[] scores = new double[nb];
        for (int from = 0; from < h; from += QUERY_BLOCK) {
            int to = Math.min(h, from + QUERY_BLOCK), b = to - from;
            float[] rt = new float[b * dims];
            double[] rr = new double[b], rm = new double[b];
            for (int j = 0; j < b; j++) {
                System.arraycopy(residuals, (from + j) * dims, row, 0, dims);
                rr[j] = Vectors.dot(row, row);
                rm[j] = Vectors.dot(row, mean);
                for (int c = 0; c < dims; c++) {
                    rt[c * b + j] = row[c];
                }
            }
            double[] dots = new double[b * nb];
            MatrixKernels.transposeProduct(rt, b, bankT, nb, 0, dims, dots, parallelism);
            for (int j = 0; j < b; j++) {
                for (int g = 0; g < weights.length; g++) {
                    double w = weights[g];
                    double norm = Math.sqrt(Math.max(0, rr[j] + 2 * w * rm[j] + w * w * mm));
                    if (norm == 0) {
                        continue;
                    }
                    for (int i = 0; i < nb; i++) {
                        scores[i] = (dots[j * nb + i] + w * meanDot[i]) / norm;
                    }
                    for (double s : ScoreCalibrationFit.top(scores, 0, nb, exclude[from + j], k)) {
                        sums[g] += s;
                    }
                }
            }
        }
        for (int g = 0; g < sums.length; g++) {
            sums[g] /= (double) h * k;
        }
        return sums;
    }
}
