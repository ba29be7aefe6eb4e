package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Spectrum;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.match.FunctionalMap;
import org.latentbridge.core.match.GraphBasis;
import org.latentbridge.core.match.LinearAssignment;
import org.latentbridge.core.match.Neighbours;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.metrics.RetrievalMetrics;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceFrame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fits one matrix from a handful of paired anchors plus pools of unpaired vectors on each side
 * ({@link Method#FUNCTIONAL_MAP}, {@link Method#GROMOV_WASSERSTEIN}); docs/architecture.md §3.7.
 *
 * <p>Both methods work on unit rows in each model's frame (centred on its pool) and end in an orthogonal map, stored as an
 * ordinary {@link LinearTranslator}.
 * <ul>
 *   <li>{@code functional_map}: a k-NN graph and its Laplacian eigenbasis on each side (pool and anchors), a functional
 *       map between the bases estimated from the pairs' similarity profiles and refined by spectral upsampling, and the
 *       point map it gives as the first correspondence. Then {@link #ROUNDS} Procrustes refits on soft targets:
 *       each source pool vector's target is the softmax-weighted mean (temperature {@link #TEMPERATURE}) of its nearest
 *       target-pool vectors under the current map; the known pairs carry a share of the weight chosen by
 *       {@link #FOLDS}-fold cross-validation on them. Soft targets, because the pools need not hold the same items.</li>
 *   <li>{@code gromov_wasserstein}: for pools of the same items whose pairing is unknown. The Gromov-Wasserstein problem
 *       between the pools' cosine matrices, linearised around the current matching, is a linear assignment problem whose
 *       scores are {@code x_i^T M y_j} with {@code M} the cross-covariance of the matched pairs; starting from a matching
 *       of the pools' similarity profiles to the known pairs, it alternates the assignment and {@code M} until the
 *       matching settles, then fits Procrustes on every recovered pair.</li>
 * </ul>
 * Held-out metrics come from the same folds: each pair is translated by the map fitted without it and ranked among the
 * other pairs' targets and the target pool.
 */
public final class PoolFit {
    /** Fewest paired anchors: below this neither method found the alignment on real encoders. */
    public static final int MIN_PAIRS = 5;
    /** Fewest vectors in each pool: a neighbour graph needs enough points to have a shape. */
    public static final int MIN_POOL = 200;
    /** Pool vectors per side the refinement rounds use (a seeded sample beyond this): each round costs a pool-by-pool product. */
    public static final int MAX_WORK_POOL = 5_000;
    /**
     * Pool vectors per side the assignment route uses: each round solves a dense assignment problem of this size. Beyond it
     * each side is sampled on its own, and two samples of pools of the same items are no longer the same items.
     */
    public static final int MAX_ASSIGNMENT_POOL = 3_000;
    /** Share of the dimensions a pool's vectors must span. */
    public static final double MIN_RANK_SHARE = 0.5;
    /** Mutual-match share below which the report says the pools were not aligned. */
    public static final double RECOVERED_SHARE = 0.2;
    /** How many times the MRR of a random ranking the pairs' cross-validated MRR must be. */
    public static final double CHANCE_FACTOR = 10;

    static final int GRAPH_NEIGHBOURS = 10;
    static final int BASIS_SIZE = 40;
    static final int BASIS_START = 10;
    static final int ZOOM_STEP = 2;
    static final double COMMUTATIVITY = 1.0;
    static final int ROUNDS = 40;
    static final int SOFT_NEIGHBOURS = 60;
    static final double TEMPERATURE = 0.1;
    static final int FOLDS = 5;
    static final double[] PAIR_WEIGHTS = {0.05, 0.2, 0.5};
    /** Pool vectors per side, and rounds, of each cross-validation fit: the choice needs a ranking, not the final map. */
    static final int CV_POOL = 1_000;
    static final int CV_ROUNDS = 5;
    static final int ASSIGNMENT_ROUNDS = 10;
    static final int CANDIDATE_POOL = 2_000;

    private PoolFit() {}

    /** The problem in each model's frame: unit rows of the pairs and of the (sampled) pools. */
    private record Problem(SpaceFrame sourceFrame, SpaceFrame targetFrame, int ds, int dt, List<String> shared, float[] xPairs,
                           float[] yPairs, float[] xRawPairs, float[] yRawPairs, float[] xPool, float[] yPool, float[] yRawPool) {
        int pairs() {
            return shared.size();
        }

        int sourcePool() {
            return xPool.length / ds;
        }

        int targetPool() {
            return yPool.length / dt;
        }

        /** This problem with at most {@code cap} pool vectors per side (a seeded sample). */
        Problem sample(int cap, long seed) {
            int[] s = sampleIndices(sourcePool(), cap, seed), t = sampleIndices(targetPool(), cap, seed + 1);
            return new Problem(sourceFrame, targetFrame, ds, dt, shared, xPairs, yPairs, xRawPairs, yRawPairs, gather(xPool, ds, s),
                gather(yPool, dt, t), gather(yRawPool, dt, t));
        }
    }

    static FitResult fit(AnchorSet source, AnchorSet target, UnpairedPools pools, FitOptions options, String selection) {
        return MatrixKernels.inPool(options.products(), () -> fitHere(source, target, pools, options, selection));
    }

    private static FitResult fitHere(AnchorSet source, AnchorSet target, UnpairedPools pools, FitOptions options, String selection) {
        long start = System.nanoTime();
        Method method = options.method();
        boolean assignment = method == Method.GROMOV_WASSERSTEIN;
        int total = 4, par = options.parallelism();
        options.progress().phase("prepare", 0, total);
        Problem p = prepare(source, target, pools, options, assignment ? MAX_ASSIGNMENT_POOL : MAX_WORK_POOL);
        int k = p.pairs();

        TranslatorFitter.checkCancelled(options);
        options.progress().phase("method " + method.apiName() + ": cross-validation", 1, total);
        Spectra spectra = assignment ? null : Spectra.of(p, options);
        int[] fold = new int[k];
        for (int i = 0; i < k; i++) {
            fold[i] = i % FOLDS;
        }
        double[] weights = assignment ? new double[] {PAIR_WEIGHTS[1]} : PAIR_WEIGHTS;
        float[][] heldOutTranslations = new float[weights.length][k * p.dt];
        Problem cvProblem = assignment ? p.sample(CV_POOL / 2, options.seed() + 1) : p.sample(CV_POOL, options.seed() + 1);
        for (int f = 0; f < Math.min(FOLDS, k); f++) {
            TranslatorFitter.checkCancelled(options);
            options.progress().phase("method " + method.apiName() + ": cross-validation fold " + (f + 1) + " of " + Math.min(FOLDS, k),
                1, total);
            boolean[] train = new boolean[k];
            for (int i = 0; i < k; i++) {
                train[i] = fold[i] != f;
            }
            double[] start0 = assignment ? null : initialMap(p, spectra, train, options);
            for (int w = 0; w < weights.length; w++) {
                double[] map = assignment ? assign(cvProblem, train, weights[w], options, null)
                    : refine(cvProblem, start0, train, weights[w], CV_ROUNDS, options, null);
                LinearTranslator t = translator(method, p, map, k);
                for (int i = 0; i < k; i++) {
                    if (train[i] == false) {
                        System.arraycopy(t.translate(Arrays.copyOfRange(p.xRawPairs, i * p.ds, (i + 1) * p.ds), true), 0,
                            heldOutTranslations[w], i * p.dt, p.dt);
                    }
                }
            }
        }
        float[] candidates = sampleRows(p.yRawPool, p.dt, CANDIDATE_POOL, options.seed() + 2);
        HeldOutMetrics[] cv = new HeldOutMetrics[weights.length];
        int best = 0;
        for (int w = 0; w < weights.length; w++) {
            cv[w] = heldOut(heldOutTranslations[w], p.yRawPairs, candidates, p.dt, par);
            if (cv[w].mrr() > cv[best].mrr() + 1e-12) {
                best = w;
            }
        }
        double pairWeight = weights[best];
        TranslatorFitter.checkQuality(options, method, Map.of(method, cv[best]));

        TranslatorFitter.checkCancelled(options);
        boolean[] all = new boolean[k];
        Arrays.fill(all, true);
        double[] w;
        if (assignment) {
            options.progress().phase("method gromov_wasserstein: assignment", 2, total);
            w = assign(p, all, pairWeight, options, round -> options.progress().phase("method gromov_wasserstein: assignment round "
                + round + " of " + ASSIGNMENT_ROUNDS, 2, total));
        } else {
            double[] w0 = initialMap(p, spectra, all, options);
            w = refine(p, w0, all, pairWeight, ROUNDS, options, round -> options.progress().phase("method functional_map: refit round "
                + round + " of " + ROUNDS, 2, total));
        }
        options.progress().phase("report", 3, total);
        int mutual = mutualMatches(p, w, par);
        double share = (double) mutual / Math.min(p.sourcePool(), p.targetPool());
        // two checks: the pools must agree (mutual matches), and the pairs, each translated by a map fitted without it,
        // must be found far above chance among the target candidates
        int rankedAmong = candidates.length / p.dt + k - 1;
        double chanceMrr = harmonic(rankedAmong) / rankedAmong;
        boolean agreed = share >= RECOVERED_SHARE, found = cv[best].mrr() >= CHANCE_FACTOR * chanceMrr;
        boolean recovered = agreed && found;
        LinearTranslator translator = translator(method, p, w, k);
        List<String> warnings = new ArrayList<>();
        if (agreed == false) {
            warnings.add(String.format(Locale.ROOT, "the pools were not aligned: %.1f%% of pool vectors are mutual nearest neighbours "
                + "under the fitted map (below %.0f%%; aligned pools of the same items give over 50%%, of different items 25-30%%); add "
                + "paired anchors, or pools that cover the same subjects", 100 * share, 100 * RECOVERED_SHARE));
        }
        if (found == false) {
            warnings.add(String.format(Locale.ROOT, "the held-out pairs were not found: cross-validated mrr %.4f among %d candidates, "
                + "less than %.0f times chance (%.4f); the map does not carry the pairs it was not fitted on", cv[best].mrr(), rankedAmong,
                CHANCE_FACTOR, chanceMrr));
        }
        warnings.add("no score calibration and no document correction: they are fitted on held-out pairs, and [" + k
            + "] pairs are too few");
        Map<Method, HeldOutMetrics> metrics = new LinkedHashMap<>();
        metrics.put(method, cv[best]);
        PairDiagnostics diagnostics = new PairDiagnostics(k, p.ds, p.dt, Double.NaN, Double.NaN, Math.min(k, Math.min(p.ds, p.dt)),
            Double.NaN, Double.NaN, Double.NaN, List.copyOf(warnings));
        long took = (System.nanoTime() - start) / 1_000_000;
        FitResult.PoolRun run = new FitResult.PoolRun(p.sourcePool(), p.targetPool(), pairWeight, assignment ? ASSIGNMENT_ROUNDS : ROUNDS,
            mutual, share, recovered);
        return new FitResult(translator, method, metrics, Map.of(), null, selection, diagnostics, k, k, k, took, ScoreCalibration.IDENTITY,
            null, null, null, run);
    }

    private static Problem prepare(AnchorSet source, AnchorSet target, UnpairedPools pools, FitOptions options, int cap) {
        if (options.preprocessing().normalize() == false) {
            throw new IllegalArgumentException("[method] [" + options.method().apiName() + "] works on normalised vectors: it needs "
                + "[preprocess.normalize] true");
        }
        Vectors.checkDimensions("source pool", source.dims(), pools.source().dims());
        Vectors.checkDimensions("target pool", target.dims(), pools.target().dims());
        List<String> shared = TranslatorFitter.sharedIds(source, target);
        if (shared.size() < MIN_PAIRS) {
            throw new IllegalArgumentException("[method] [" + options.method().apiName() + "] needs at least [" + MIN_PAIRS
                + "] paired anchors (the same ids in both models), got [" + shared.size() + "]");
        }
        for (AnchorSet pool : List.of(pools.source(), pools.target())) {
            if (pool.size() < MIN_POOL) {
                throw new IllegalArgumentException("[method] [" + options.method().apiName() + "] needs at least [" + MIN_POOL
                    + "] unpaired vectors in each model's pool, got [" + pools.source().size() + "] in the source's and ["
                    + pools.target().size() + "] in the target's");
            }
        }
        checkDistinct("source", pools.source());
        checkDistinct("target", pools.target());
        SpaceFrame sf = SpaceFrame.of(pools.source(), options.preprocessing());
        SpaceFrame tf = SpaceFrame.of(pools.target(), options.preprocessing());
        List<String> order = new ArrayList<>(shared);
        Collections.shuffle(order, new Random(options.seed()));
        int k = order.size(), ds = source.dims(), dt = target.dims();
        float[] x = new float[k * ds], y = new float[k * dt], xr = new float[k * ds], yr = new float[k * dt];
        for (int i = 0; i < k; i++) {
            float[] sv = source.vector(source.rowOf(order.get(i))), tv = target.vector(target.rowOf(order.get(i)));
            System.arraycopy(sf.enter(sv), 0, x, i * ds, ds);
            System.arraycopy(tf.enter(tv), 0, y, i * dt, dt);
            System.arraycopy(sv, 0, xr, i * ds, ds);
            System.arraycopy(tv, 0, yr, i * dt, dt);
        }
        float[] xpRaw = sampleRows(pools.source().matrix(), ds, cap, options.seed() + 3);
        float[] ypRaw = sampleRows(pools.target().matrix(), dt, cap, options.seed() + 4);
        float[] xp = enterAll(sf, xpRaw, ds), yp = enterAll(tf, ypRaw, dt);
        checkRank("source", xp, ds, options.parallelism());
        checkRank("target", yp, dt, options.parallelism());
        return new Problem(sf, tf, ds, dt, List.copyOf(order), x, y, xr, yr, xp, yp, ypRaw);
    }

    /** A pool of copies has fewer points than its size: its graph would have no shape. */
    private static void checkDistinct(String side, AnchorSet pool) {
        int d = pool.dims();
        float[] m = pool.matrix();
        Set<FloatRow> distinct = new HashSet<>();
        for (int i = 0; i < pool.size() && distinct.size() < MIN_POOL; i++) {
            distinct.add(new FloatRow(Arrays.copyOfRange(m, i * d, (i + 1) * d)));
        }
        if (distinct.size() < MIN_POOL) {
            throw new IllegalArgumentException("the " + side + " pool holds [" + pool.size() + "] vectors but only [" + distinct.size()
                + "] distinct ones; a pool needs at least [" + MIN_POOL + "] distinct vectors");
        }
    }

    private record FloatRow(float[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FloatRow r && Arrays.equals(values, r.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /**
     * A pool confined to a subspace says nothing about the map on the rest of the space, and the pairs are too few to:
     * its centred unit rows must span at least {@link #MIN_RANK_SHARE} of the dimensions.
     */
    private static void checkRank(String side, float[] rows, int d, int par) {
        double[] scatter = new double[d * d];
        MatrixKernels.transposeProduct(rows, d, rows, d, 0, rows.length / d, scatter, par);
        int rank = Spectrum.numericalRank(Spectrum.singularValues(scatter, d));
        int needed = (int) Math.ceil(MIN_RANK_SHARE * d);
        if (rank < needed) {
            throw new IllegalArgumentException("the " + side + " pool spans [" + rank + "] of [" + d + "] dimensions (duplicate or "
                + "linearly dependent vectors); a pool must span at least [" + needed + "]");
        }
    }

    /** The Laplacian eigenbasis of each side's graph over its pairs and pool (pairs first), shared by every fold. */
    private record Spectra(GraphBasis source, GraphBasis target) {
        static Spectra of(Problem p, FitOptions options) {
            float[] xs = concat(p.xPairs, p.xPool), ys = concat(p.yPairs, p.yPool);
            int par = options.parallelism();
            return new Spectra(GraphBasis.of(xs, p.ds, GRAPH_NEIGHBOURS, BASIS_SIZE, options.seed(), par),
                GraphBasis.of(ys, p.dt, GRAPH_NEIGHBOURS, BASIS_SIZE, options.seed(), par));
        }
    }

    /**
     * The functional map's first correspondence, as an orthogonal map: descriptors are each node's cosine to every training
     * pair (standardised per pair and side), the map is upsampled from {@link #BASIS_START} to {@link #BASIS_SIZE} functions,
     * and Procrustes runs on the point map it gives plus the training pairs.
     */
    private static double[] initialMap(Problem p, Spectra spectra, boolean[] train, FitOptions options) {
        int par = options.parallelism(), k = p.pairs();
        float[] xs = concat(p.xPairs, p.xPool), ys = concat(p.yPairs, p.yPool);
        int ns = xs.length / p.ds, nt = ys.length / p.dt;
        int q = 0;
        for (boolean t : train) {
            q += t ? 1 : 0;
        }
        float[] fs = descriptors(xs, ns, p.ds, p.xPairs, train, q), ft = descriptors(ys, nt, p.dt, p.yPairs, train, q);
        int size = Math.min(Math.min(spectra.source.size(), spectra.target.size()), BASIS_SIZE);
        int startSize = Math.min(BASIS_START, size);
        double[] c = FunctionalMap.fromDescriptors(spectra.source, spectra.target, startSize, fs, ft, q, COMMUTATIVITY);
        int[] map = FunctionalMap.zoomOut(spectra.source, spectra.target, c, startSize, size, ZOOM_STEP, par);
        // target node t corresponds to source node map[t]; training pairs keep their known partner
        for (int i = 0; i < k; i++) {
            if (train[i]) {
                map[i] = i;
            }
        }
        double[] m = new double[p.ds * p.dt];
        float[] matched = new float[nt * p.ds];
        for (int t = 0; t < nt; t++) {
            System.arraycopy(xs, map[t] * p.ds, matched, t * p.ds, p.ds);
        }
        MatrixKernels.transposeProduct(matched, p.ds, ys, p.dt, 0, nt, m, par);
        scale(m, 1.0 / nt);
        addPairs(p, train, 1.0, m);
        return OrthogonalFit.polar(m, p.ds, p.dt, par);
    }

    /** Each node's cosine to each training pair's vector on its side, standardised per column. */
    private static float[] descriptors(float[] nodes, int n, int d, float[] pairs, boolean[] train, int q) {
        float[] f = new float[n * q];
        int col = 0;
        for (int a = 0; a < train.length; a++) {
            if (train[a] == false) {
                continue;
            }
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                double c = 0;
                for (int j = 0; j < d; j++) {
                    c += nodes[i * d + j] * pairs[a * d + j];
                }
                f[i * q + col] = (float) c;
                sum += c;
                sq += c * c;
            }
            double mean = sum / n, sd = Math.sqrt(Math.max(sq / n - mean * mean, 1e-12));
            for (int i = 0; i < n; i++) {
                f[i * q + col] = (float) ((f[i * q + col] - mean) / sd);
            }
            col++;
        }
        return f;
    }

    /**
     * Procrustes refits on soft targets from {@code start}: each round every source pool vector's target is the
     * softmax-weighted mean of its {@link #SOFT_NEIGHBOURS} nearest target-pool vectors under the current map, the
     * training pairs carry {@code pairWeight} of the total weight, and the new map is Procrustes on those targets.
     */
    private static double[] refine(Problem p, double[] start, boolean[] train, double pairWeight, int rounds, FitOptions options,
                                   RoundListener listener) {
        int par = options.parallelism(), ds = p.ds, dt = p.dt, us = p.sourcePool();
        int m = Math.min(SOFT_NEIGHBOURS, p.targetPool());
        double[] w = start;
        float[] soft = new float[us * dt];
        for (int r = 0; r < rounds; r++) {
            TranslatorFitter.checkCancelled(options);
            if (listener != null) {
                listener.round(r + 1);
            }
            float[] mapped = mapRows(p.xPool, us, ds, w, dt, par);
            Neighbours.Top top = Neighbours.top(mapped, p.yPool, dt, m, false, par);
            Arrays.fill(soft, 0);
            Neighbours.inParallel(us, par, (from, to) -> {
                double[] e = new double[m];
                for (int i = from; i < to; i++) {
                    double max = top.score()[i * m], z = 0;
                    for (int j = 0; j < m; j++) {
                        e[j] = Math.exp((top.score()[i * m + j] - max) / TEMPERATURE);
                        z += e[j];
                    }
                    for (int j = 0; j < m; j++) {
                        float weight = (float) (e[j] / z * (1 - pairWeight) / us);
                        int t = top.index()[i * m + j];
                        for (int c = 0; c < dt; c++) {
                            soft[i * dt + c] += weight * p.yPool[t * dt + c];
                        }
                    }
                }
            });
            double[] cross = new double[ds * dt];
            MatrixKernels.transposeProduct(p.xPool, ds, soft, dt, 0, us, cross, par);
            addPairs(p, train, pairWeight, cross);
            // undamped: a refit that keeps part of the previous map (damping 0.25 or 0.5) converged more slowly and no better
            w = OrthogonalFit.polar(cross, ds, dt, par);
        }
        return w;
    }

    /**
     * The assignment route: match the pools by their profiles of cosines to the training pairs, then alternate
     * {@code M} (the cross-covariance of the current matching plus the pairs, weighted {@code pairWeight}) with the
     * assignment maximising {@code x_i^T M y_j}, until the matching stops changing. Returns the orthogonal factor of the
     * final {@code M}: Procrustes on every recovered pair and the known ones.
     */
    private static double[] assign(Problem p, boolean[] train, double pairWeight, FitOptions options, RoundListener listener) {
        int par = options.parallelism(), ds = p.ds, dt = p.dt;
        boolean sourceRows = p.sourcePool() <= p.targetPool();
        int q = 0;
        for (boolean t : train) {
            q += t ? 1 : 0;
        }
        float[] profileS = descriptors(p.xPool, p.sourcePool(), ds, p.xPairs, train, q);
        float[] profileT = descriptors(p.yPool, p.targetPool(), dt, p.yPairs, train, q);
        int[] match = solve(sourceRows ? profileS : profileT, sourceRows ? profileT : profileS, q, par);
        double[] m = null;
        for (int r = 0; r < ASSIGNMENT_ROUNDS; r++) {
            TranslatorFitter.checkCancelled(options);
            if (listener != null) {
                listener.round(r + 1);
            }
            m = matchedCross(p, match, sourceRows, train, pairWeight, par);
            float[] mapped = mapRows(sourceRows ? p.xPool : p.yPool, sourceRows ? p.sourcePool() : p.targetPool(), sourceRows ? ds : dt,
                sourceRows ? m : transposeD(m, ds, dt), sourceRows ? dt : ds, par);
            int[] next = solve(mapped, sourceRows ? p.yPool : p.xPool, sourceRows ? dt : ds, par);
            boolean same = Arrays.equals(next, match);
            match = next;
            if (same) {
                break;
            }
        }
        m = matchedCross(p, match, sourceRows, train, pairWeight, par);
        return OrthogonalFit.polar(m, ds, dt, par);
    }

    /** The assignment of {@code rows} to {@code columns} maximising their summed inner products. */
    private static int[] solve(float[] rows, float[] columns, int d, int par) {
        int nr = rows.length / d, nc = columns.length / d;
        double[][] score = new double[nr][];
        Neighbours.scores(rows, columns, d, null, par, (from, to, block, n) -> {
            for (int i = from; i < to; i++) {
                score[i] = Arrays.copyOfRange(block, (i - from) * n, (i - from + 1) * n);
            }
        });
        return LinearAssignment.maximize(score);
    }

    private static double[] matchedCross(Problem p, int[] match, boolean sourceRows, boolean[] train, double pairWeight, int par) {
        int ds = p.ds, dt = p.dt, n = match.length;
        float[] xs = new float[n * ds], ys = new float[n * dt];
        for (int i = 0; i < n; i++) {
            int s = sourceRows ? i : match[i], t = sourceRows ? match[i] : i;
            System.arraycopy(p.xPool, s * ds, xs, i * ds, ds);
            System.arraycopy(p.yPool, t * dt, ys, i * dt, dt);
        }
        double[] m = new double[ds * dt];
        MatrixKernels.transposeProduct(xs, ds, ys, dt, 0, n, m, par);
        scale(m, (1 - pairWeight) / n);
        addPairs(p, train, pairWeight, m);
        return m;
    }

    /** Adds {@code weight / q * sum x_a y_a^T} over the {@code q} training pairs. */
    private static void addPairs(Problem p, boolean[] train, double weight, double[] m) {
        int q = 0;
        for (boolean t : train) {
            q += t ? 1 : 0;
        }
        for (int a = 0; a < train.length; a++) {
            if (train[a] == false) {
                continue;
            }
            for (int i = 0; i < p.ds; i++) {
                double xi = p.xPairs[a * p.ds + i] * weight / q;
                for (int j = 0; j < p.dt; j++) {
                    m[i * p.dt + j] += xi * p.yPairs[a * p.dt + j];
                }
            }
        }
    }

    /** Pool vectors whose translation's nearest target has that translation as its nearest translated source. */
    private static int mutualMatches(Problem p, double[] w, int par) {
        float[] mapped = mapRows(p.xPool, p.sourcePool(), p.ds, w, p.dt, par);
        int[] forward = Neighbours.top(mapped, p.yPool, p.dt, 1, false, par).index();
        int[] backward = Neighbours.top(p.yPool, mapped, p.dt, 1, false, par).index();
        int mutual = 0;
        for (int i = 0; i < forward.length; i++) {
            if (backward[forward[i]] == i) {
                mutual++;
            }
        }
        return mutual;
    }

    /**
     * Held-out pairs ranked among every pair's target and the pool candidates, in the target's raw space. A candidate equal
     * to the held-out target (the same item in a pool of the same items) is not a competitor.
     */
    private static HeldOutMetrics heldOut(float[] translated, float[] targets, float[] candidates, int dt, int par) {
        int k = targets.length / dt;
        float[] t = unitRows(translated, dt), y = unitRows(targets, dt), c = unitRows(candidates, dt);
        double[][] toPairs = rowsOf(t, y, dt, par), toPool = rowsOf(t, c, dt, par), targetToPool = rowsOf(y, c, dt, par);
        int[] ranks = new int[k];
        double cosine = 0;
        for (int i = 0; i < k; i++) {
            double own = toPairs[i][i];
            cosine += own;
            int rank = 1;
            for (int j = 0; j < k; j++) {
                if (j != i && toPairs[i][j] >= own) {
                    rank++;
                }
            }
            for (int j = 0; j < toPool[i].length; j++) {
                if (toPool[i][j] >= own && targetToPool[i][j] < SAME_ITEM_COSINE) {
                    rank++;
                }
            }
            ranks[i] = rank;
        }
        double agreement = k < 2 ? 0 : RetrievalMetrics.neighbourAgreement(t, y, dt, RetrievalMetrics.AGREEMENT_NEIGHBOURS, par);
        return new HeldOutMetrics(cosine / k, RetrievalMetrics.topK(ranks, 1), RetrievalMetrics.topK(ranks, 10),
            RetrievalMetrics.mrr(ranks), agreement, k);
    }

    /** Cosines at or above this are one item twice (float rounding of identical vectors stays far above it). */
    static final double SAME_ITEM_COSINE = 1 - 1e-6;

    /** {@code A B^T} as one array per row of {@code A}. */
    private static double[][] rowsOf(float[] a, float[] b, int d, int par) {
        double[][] out = new double[a.length / d][];
        Neighbours.scores(a, b, d, null, par, (from, to, block, n) -> {
            for (int i = from; i < to; i++) {
                out[i] = Arrays.copyOfRange(block, (i - from) * n, (i - from + 1) * n);
            }
        });
        return out;
    }

    /** {@code 1 + 1/2 + ... + 1/n}: a random ranking among {@code n} candidates has MRR {@code harmonic(n) / n}. */
    static double harmonic(int n) {
        double h = 0;
        for (int i = 1; i <= n; i++) {
            h += 1.0 / i;
        }
        return h;
    }

    private static LinearTranslator translator(Method method, Problem p, double[] w, int anchors) {
        return new LinearTranslator(method, p.sourceFrame, p.targetFrame, MatrixKernels.toFloat(w), new float[p.dt], anchors);
    }

    @FunctionalInterface
    private interface RoundListener {
        void round(int round);
    }

    /** Unit rows of {@code X W} for row-major {@code X} ({@code n x ds}) and {@code W} ({@code ds x dt}). */
    private static float[] mapRows(float[] x, int n, int ds, double[] w, int dt, int par) {
        float[] xt = new float[ds * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ds; j++) {
                xt[j * n + i] = x[i * ds + j];
            }
        }
        double[] product = new double[n * dt];
        MatrixKernels.transposeProduct(xt, n, MatrixKernels.toFloat(w), dt, 0, ds, product, par);
        return unitRows(MatrixKernels.toFloat(product), dt);
    }

    private static float[] unitRows(float[] rows, int d) {
        float[] out = rows.clone();
        float[] row = new float[d];
        for (int i = 0; i < rows.length / d; i++) {
            System.arraycopy(out, i * d, row, 0, d);
            Vectors.normalizeInPlace(row);
            System.arraycopy(row, 0, out, i * d, d);
        }
        return out;
    }

    private static float[] enterAll(SpaceFrame frame, float[] raw, int d) {
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length / d; i++) {
            System.arraycopy(frame.enter(Arrays.copyOfRange(raw, i * d, (i + 1) * d)), 0, out, i * d, d);
        }
        return out;
    }

    /** At most {@code cap} rows, a seeded sample in their original order; all rows (not copied) when there are no more. */
    static float[] sampleRows(float[] rows, int d, int cap, long seed) {
        return rows.length / d <= cap ? rows : gather(rows, d, sampleIndices(rows.length / d, cap, seed));
    }

    /** At most {@code cap} of the indices {@code 0..n-1}, a seeded sample in ascending order. */
    private static int[] sampleIndices(int n, int cap, long seed) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        if (n > cap) {
            Collections.shuffle(order, new Random(seed));
        }
        return order.subList(0, Math.min(n, cap)).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static float[] gather(float[] rows, int d, int[] keep) {
        float[] out = new float[keep.length * d];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(rows, keep[i] * d, out, i * d, d);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] transposeD(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    private static void scale(double[] m, double s) {
        for (int i = 0; i < m.length; i++) {
            m[i] *= s;
        }
    }
}
