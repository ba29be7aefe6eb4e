package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorDiagnostics;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Spectrum;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.metrics.Cka;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.metrics.RetrievalMetrics;
import org.latentbridge.core.translate.KernelTranslator;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * Fits a translator from a source model's anchors to a target model's anchors (docs/architecture.md §3.3).
 *
 * <ol>
 *   <li>Pair the anchors by id; both frames take their statistics from each model's own anchors.</li>
 *   <li>Split the shared anchors with a seeded shuffle into fit, validation and held-out rows, and compute the
 *       {@link Moments} of each part once.</li>
 *   <li>For each candidate method: choose the ridge lambda on the validation rows (fitted on the fit rows), fit on
 *       fit + validation rows, and measure retrieval of the held-out rows among all held-out targets.</li>
 *   <li>Keep the best method by held-out MRR (see {@link #choose} for ties), apply the {@code min_quality} gate, and
 *       refit the chosen method on all shared anchors.</li>
 * </ol>
 */
public final class TranslatorFitter {
    /** Fewest shared anchors a fit accepts: enough for a held-out and a validation part of a few rows each. */
    public static final int MIN_SHARED_ANCHORS = 10;
    /** Held-out top-1 below this marks a pair that translation will serve badly. */
    public static final double LOW_TOP1 = 0.9;
    private static final int MIN_HELD_OUT = 50;
    /** Held-out MRR differences below this are noise at the held-out sizes we use (a rank change of one item in 200). */
    public static final double MRR_TIE = 0.005;
    /**
     * {@code auto} keeps {@code orthogonal_kernel} only when its held-out MRR beats the best one-matrix method by this
     * much: the correction costs each query two more products with {@code centres x d} matrices.
     */
    public static final double KERNEL_MRR_MARGIN = 0.01;

    /**
     * The multiply-adds {@code auto} may spend on the contrastive candidate's early-stopped run (the refit of a chosen
     * {@code contrastive} costs about as much again): enough for the default budget at 384 dimensions, a few hundred
     * steps at 1,024, so that {@code auto} keeps its fit-time targets at large shapes (BENCHMARKS.md §4).
     */
    static final double AUTO_CONTRASTIVE_MULTIPLY_ADDS = 2e11;
    /** Fewest steps {@code auto} runs a contrastive candidate for; see {@link #autoAffordsContrastive}. */
    static final int MIN_AUTO_CONTRASTIVE_STEPS = 300;

    /** Orthogonal's held-out mean cosine from which a pair counts as a rotation, which {@code contrastive} cannot improve. */
    static final double ROTATION_MEAN_COSINE = 0.99;

    private TranslatorFitter() {}

    /**
     * {@code auto} fits from pools of unpaired vectors ({@code functional_map}) when the models share fewer anchors than
     * this, and pools were given: below it, Procrustes has more unknowns per dimension than anchors.
     */
    public static int poolPairLimit(int ds, int dt) {
        return Math.max(ds, dt);
    }

    /** Fits in {@link FitOptions#products()} (the caller's pool when that is null). */
    public static FitResult fit(AnchorSet source, AnchorSet target, FitOptions options) {
        return fit(source, target, null, options);
    }

    /**
     * As {@link #fit(AnchorSet, AnchorSet, FitOptions)}, with pools of unpaired vectors of each model (null when there are
     * none): {@code functional_map} and {@code gromov_wasserstein} need them, and {@code auto} uses {@code functional_map}
     * when the models share fewer than {@link #poolPairLimit} anchors.
     */
    public static FitResult fit(AnchorSet source, AnchorSet target, UnpairedPools pools, FitOptions options) {
        Method method = options.method();
        if (method != null && method.usesPools()) {
            if (pools == null) {
                throw new IllegalArgumentException("[method] [" + method.apiName() + "] fits from pools of unpaired vectors of both "
                    + "models, and there are none");
            }
            return PoolFit.fit(source, target, pools, options, null);
        }
        if (method == null && pools != null) {
            int shared = sharedIds(source, target).size(), limit = poolPairLimit(source.dims(), target.dims());
            if (shared < limit && shared >= PoolFit.MIN_PAIRS) {
                String why = String.format(Locale.ROOT, "functional_map chosen: the models share %d anchors, fewer than the %d "
                    + "dimensions Procrustes needs, and both have pools of unpaired vectors (%d source, %d target)", shared, limit,
                    pools.source().size(), pools.target().size());
                return PoolFit.fit(source, target, pools, options.withMethod(Method.FUNCTIONAL_MAP), why);
            }
        }
        return MatrixKernels.inPool(options.products(), () -> fitHere(source, target, options));
    }

    private static FitResult fitHere(AnchorSet source, AnchorSet target, FitOptions options) {
        long start = System.nanoTime();
        List<Method> candidates = candidates(options, source.dims(), target.dims());
        int total = candidates.size() + 3, done = 0;
        options.progress().phase("prepare", done++, total);
        Rows rows = Rows.of(source, target, options);
        List<String> shared = rows.shared();
        int n = rows.n(), ds = rows.ds(), dt = rows.dt();
        float[] x = rows.x(), y = rows.y(), yRaw = rows.yRaw();
        SpaceFrame sourceFrame = rows.sourceFrame(), targetFrame = rows.targetFrame();

        int held = Math.max(2, Math.min(Math.max((int) Math.round(options.holdout() * n), MIN_HELD_OUT), n / 2));
        int train = n - held;
        int val = Math.max(1, Math.min(Math.max((int) Math.round(0.1 * train), Math.min(MIN_HELD_OUT, train / 4)), train / 4));
        int fitEnd = train - val, valEnd = train;

        checkCancelled(options);
        options.progress().phase("moments", done++, total);
        int par = options.parallelism();
        Moments fitPart = Moments.of(x, ds, y, dt, 0, fitEnd, par);
        Moments trainPart = fitPart.plus(Moments.of(x, ds, y, dt, fitEnd, valEnd, par));
        Moments all = trainPart.plus(Moments.of(x, ds, y, dt, valEnd, n, par));
        checkSpread(all, source, target);

        Map<Method, HeldOutMetrics> metrics = new LinkedHashMap<>();
        Map<Method, Double> lambdas = new LinkedHashMap<>();
        KernelCorrectionFit.Params kernelParams = null;
        LinearMap orthogonalTrain = null;
        ContrastiveFit.Outcome contrastive = null;
        // each candidate as fitted without the held-out rows: the chosen one's calibration is measured on those rows
        Map<Method, SpaceTranslator> trainTranslators = new LinkedHashMap<>();
        for (Method method : candidates) {
            checkCancelled(options);
            options.progress().phase("method " + method.apiName(), done++, total);
            if (method == Method.ORTHOGONAL_KERNEL) {
                // auto screens the kernel on at most SCREEN_ROWS rows: a conservative estimate of its gain, at a bounded
                // cost; the final refit (only if the kernel wins) and an explicit orthogonal_kernel use every row
                boolean screen = options.method() == null;
                int kernelFitRows = screen ? Math.min(fitEnd, KernelCorrectionFit.SCREEN_ROWS) : fitEnd;
                int kernelTrainRows = screen ? Math.min(valEnd, KernelCorrectionFit.SCREEN_ROWS) : valEnd;
                OrthogonalFit rotation = new OrthogonalFit();
                // the screen reuses the orthogonal candidate's rotation (fit and validation rows) instead of two more SVDs
                LinearMap rotationTrain = screen && orthogonalTrain != null ? orthogonalTrain : rotation.fit(trainPart, 0, par);
                LinearMap rotationFit = screen ? rotationTrain : rotation.fit(fitPart, 0, par);
                float[] residualFit = KernelCorrectionFit.residual(x, ds, y, dt, MatrixKernels.toFloat(rotationFit.w()), 0, kernelFitRows);
                kernelParams = KernelCorrectionFit.choose(x, ds, residualFit, dt, kernelFitRows, correction -> {
                    HeldOutMetrics m = evaluate(rotationFit, correction, x, ds, yRaw, dt, fitEnd, valEnd, targetFrame, par);
                    return new double[] {m.mrr(), m.meanCosine()};
                }, screen, options.maxKernelCentres(), par, () -> checkCancelled(options));
                KernelCorrectionFit.Correction correction = KernelCorrectionFit.fit(x, ds, KernelCorrectionFit.residual(x, ds, y, dt,
                    MatrixKernels.toFloat(rotationTrain.w()), 0, kernelTrainRows), dt, kernelTrainRows, kernelParams, par);
                metrics.put(method, evaluate(rotationTrain, correction, x, ds, yRaw, dt, valEnd, n, targetFrame, par));
                trainTranslators.put(method, new KernelTranslator(sourceFrame, targetFrame, MatrixKernels.toFloat(rotationTrain.w()),
                    correction.centres(), correction.coefficients(), correction.temperature(), kernelTrainRows));
                continue;
            }
            if (method == Method.CONTRASTIVE) {
                int phase = done - 1;
                ContrastiveSettings settings = options.method() == null ? autoBudget(options.contrastive(), ds, dt)
                    : options.contrastive();
                contrastive = ContrastiveFit.earlyStopped(x, ds, y, dt, valEnd, settings, options.seed(), par,
                    contrastiveProgress(options, "method contrastive", phase, total));
                LinearMap map = LinearMap.withoutBias(toDouble(contrastive.w()), ds, dt);
                metrics.put(method, evaluate(map, null, x, ds, yRaw, dt, valEnd, n, targetFrame, par));
                trainTranslators.put(method, new LinearTranslator(method, sourceFrame, targetFrame, contrastive.w(), new float[dt],
                    valEnd));
                continue;
            }
            MethodFit candidate = MethodFit.of(method);
            double lambda = options.lambdas()[0];
            if (candidate.usesLambda()) {
                lambda = chooseLambda(candidate, fitPart, options.lambdas(), x, ds, yRaw, dt, fitEnd, valEnd, targetFrame, par);
                lambdas.put(candidate.method(), lambda);
            }
            LinearMap map = candidate.fit(trainPart, lambda, par);
            if (method == Method.ORTHOGONAL) {
                orthogonalTrain = map;
            }
            metrics.put(candidate.method(), evaluate(map, null, x, ds, yRaw, dt, valEnd, n, targetFrame, par));
            trainTranslators.put(candidate.method(), new LinearTranslator(candidate.method(), sourceFrame, targetFrame,
                MatrixKernels.toFloat(map.w()), MatrixKernels.toFloat(map.b()), valEnd));
        }
        Method chosen = choose(metrics, contrastive != null && contrastive.chosenStep() > 0);
        checkQuality(options, chosen, metrics);

        checkCancelled(options);
        SpaceTranslator translator;
        if (chosen == Method.ORTHOGONAL_KERNEL) {
            float[] rotation = MatrixKernels.toFloat(new OrthogonalFit().fit(all, 0, par).w());
            KernelCorrectionFit.Correction c = KernelCorrectionFit.fit(x, ds, KernelCorrectionFit.residual(x, ds, y, dt, rotation, 0, n),
                dt, n, kernelParams, par);
            translator = new KernelTranslator(sourceFrame, targetFrame, rotation, c.centres(), c.coefficients(), c.temperature(), n);
        } else if (chosen == Method.CONTRASTIVE) {
            // the refit: from the orthogonal solution on every anchor, as many epochs as the validation rows chose
            float[] rotation = MatrixKernels.toFloat(new OrthogonalFit().fit(all, 0, par).w());
            float[] w = ContrastiveFit.run(x, ds, y, dt, n, rotation, contrastive.stepsFor(n), options.contrastive(), options.seed(), par,
                contrastiveProgress(options, "refit contrastive", total - 2, total));
            translator = new LinearTranslator(chosen, sourceFrame, targetFrame, w, new float[dt], n);
        } else {
            LinearMap finalMap = MethodFit.of(chosen).fit(all, lambdas.getOrDefault(chosen, options.lambdas()[0]), par);
            translator = new LinearTranslator(chosen, sourceFrame, targetFrame, MatrixKernels.toFloat(finalMap.w()),
                MatrixKernels.toFloat(finalMap.b()), n);
        }
        String selection = selection(options, chosen, metrics, contrastive, ds, dt);
        FitResult.KernelSettings kernel = kernelParams == null ? null
            : new FitResult.KernelSettings(kernelParams.temperature(), kernelParams.lambda(), kernelParams.centres());

        checkCancelled(options);
        options.progress().phase("calibration", total - 1, total);
        List<String> calibrationWarnings = new ArrayList<>();
        SpaceTranslator heldOutTranslator = trainTranslators.get(chosen);
        ScoreCalibration calibration = calibrate(heldOutTranslator, rows, valEnd, options, calibrationWarnings);
        DocumentCorrection documents = null;
        SpaceTranslator documentTranslator = null;
        try {
            MethodFit documentFit = MethodFit.of(DocumentCorrection.DOCUMENT_METHOD);
            double documentLambda = lambdas.containsKey(documentFit.method()) ? lambdas.get(documentFit.method())
                : documentFit.usesLambda() ? chooseLambda(documentFit, fitPart, options.lambdas(), x, ds, yRaw, dt, fitEnd, valEnd,
                    targetFrame, par) : options.lambdas()[0];
            LinearMap documentTrain = documentFit.fit(trainPart, documentLambda, par);
            documents = correctDocuments(heldOutTranslator, new LinearTranslator(documentFit.method(), sourceFrame, targetFrame,
                MatrixKernels.toFloat(documentTrain.w()), MatrixKernels.toFloat(documentTrain.b()), valEnd), rows, valEnd, options);
            if (documents.applied()) {
                LinearMap documentAll = documentFit.fit(all, documentLambda, par);
                documentTranslator = new LinearTranslator(documentFit.method(), sourceFrame,
                    targetFrame.withMeanWeight(documents.meanWeight()), MatrixKernels.toFloat(documentAll.w()),
                    MatrixKernels.toFloat(documentAll.b()), n);
            }
        } catch (IllegalArgumentException e) {
            calibrationWarnings.add("no document correction (documents translated at index time take the query translator): "
                + e.getMessage());
            documents = null;
            documentTranslator = null;
        }

        PairDiagnostics diagnostics = diagnostics(source, target, shared, all, metrics.get(chosen), chosen, options, n);
        if (calibrationWarnings.isEmpty() == false) {
            List<String> warnings = new ArrayList<>(diagnostics.warnings());
            warnings.addAll(calibrationWarnings);
            diagnostics = diagnostics.withWarnings(warnings);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        return new FitResult(translator, chosen, metrics, lambdas, kernel, selection, diagnostics, n, train, held, took, calibration,
            documents, documentTranslator, contrastive == null ? null : new FitResult.ContrastiveRun(contrastive.settings(),
                contrastive.chosenStep(), chosen == Method.CONTRASTIVE ? contrastive.stepsFor(n) : 0, contrastive.startLoss(),
                contrastive.chosenLoss()));
    }

    /**
     * The contrastive settings {@code auto} runs with: the asked ones, with at most as many steps as
     * {@link #AUTO_CONTRASTIVE_MULTIPLY_ADDS} buy at these dimensions (a whole number of checks, at least one). An explicit
     * {@code contrastive} fit runs its whole budget.
     */
    static ContrastiveSettings autoBudget(ContrastiveSettings asked, int ds, int dt) {
        int affordable = affordableSteps(asked, ds, dt);
        return affordable >= asked.maxSteps() ? asked
            : new ContrastiveSettings(affordable, asked.temperature(), asked.learningRate(), asked.batchSize());
    }

    /** The whole checks' worth of steps {@link #AUTO_CONTRASTIVE_MULTIPLY_ADDS} buy at these dimensions. */
    private static int affordableSteps(ContrastiveSettings asked, int ds, int dt) {
        double perStep = ContrastiveFit.multiplyAddsPerStep(asked.batchSize(), ds, dt);
        int every = ContrastiveSettings.CHECK_EVERY;
        return (int) Math.min(asked.maxSteps(), AUTO_CONTRASTIVE_MULTIPLY_ADDS / perStep) / every * every;
    }

    /**
     * Whether {@code auto} weighs {@code contrastive} at all: only when its budget buys at least
     * {@link #MIN_AUTO_CONTRASTIVE_STEPS} steps (or the whole asked budget, if smaller). Fewer steps rarely move the map,
     * and at 1,024 dimensions even those would push {@code auto} past its fit-time target; an explicit {@code contrastive}
     * fit is never limited.
     */
    static boolean autoAffordsContrastive(FitOptions options, int ds, int dt) {
        ContrastiveSettings asked = options.contrastive();
        return asked.maxSteps() > 0 && affordableSteps(asked, ds, dt) >= Math.min(MIN_AUTO_CONTRASTIVE_STEPS, asked.maxSteps());
    }

    /** Reports a contrastive run's steps as its phase, and stops it when the fit is cancelled. */
    private static ContrastiveFit.Progress contrastiveProgress(FitOptions options, String phase, int done, int total) {
        return (step, of) -> {
            checkCancelled(options);
            options.progress().phase(phase + ": step " + step + " of " + of, done, total);
        };
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * The score calibration of the chosen method, measured with its map fitted without the held-out rows: each held-out
     * anchor (at most {@link ScoreCalibrationFit#MAX_QUERIES}) is a query, the anchors of its {@link #bank} (but itself) the
     * documents. A calibration that cannot be fitted leaves the identity and a warning: the translator itself is sound.
     */
    private static ScoreCalibration calibrate(SpaceTranslator heldOutTranslator, Rows rows, int from, FitOptions options,
                                              List<String> warnings) {
        int ds = rows.ds(), dt = rows.dt(), par = options.parallelism();
        int[] bank = bank(rows.n(), from);
        int h = Math.min(rows.n() - from, ScoreCalibrationFit.MAX_QUERIES);
        float[] translated = new float[h * dt];
        int[] self = new int[h];
        float[] row = new float[ds];
        try {
            for (int i = 0; i < h; i++) {
                System.arraycopy(rows.xRaw(), (from + i) * ds, row, 0, ds);
                System.arraycopy(heldOutTranslator.translate(row, true), 0, translated, i * dt, dt);
                self[i] = bank.length == rows.n() ? from + i : i;
            }
            double[][] x = ScoreCalibrationFit.topCosines(translated, self, gather(rows.yRaw(), dt, bank), dt,
                ScoreCalibrationFit.TOP_RANKS, par);
            double[][] y = ScoreCalibrationFit.topCosines(Arrays.copyOfRange(rows.xRaw(), from * ds, (from + h) * ds), self,
                gather(rows.xRaw(), ds, bank), ds, ScoreCalibrationFit.TOP_RANKS, par);
            return ScoreCalibrationFit.fit(x, y, options.seed());
        } catch (IllegalArgumentException e) {
            warnings.add("no score calibration (translated scores are not mapped onto the native scale): " + e.getMessage());
            return ScoreCalibration.IDENTITY;
        }
    }

    /** The mean weight for documents translated at index time, fitted on the held-out rows (see {@link DocumentCorrection}). */
    private static DocumentCorrection correctDocuments(SpaceTranslator queryMap, SpaceTranslator documentMap, Rows rows, int from,
                                                      FitOptions options) {
        int ds = rows.ds(), dt = rows.dt();
        int[] bank = bank(rows.n(), from);
        int h = Math.min(rows.n() - from, DocumentCorrection.MAX_DOCUMENTS);
        int[] self = new int[h];
        for (int i = 0; i < h; i++) {
            self[i] = bank.length == rows.n() ? from + i : i;
        }
        return DocumentCorrection.fit(queryMap, documentMap, Arrays.copyOfRange(rows.xRaw(), from * ds, (from + h) * ds),
            Arrays.copyOfRange(rows.yRaw(), from * dt, (from + h) * dt), self, gather(rows.yRaw(), dt, bank), rows.n(),
            ScoreCalibrationFit.TOP_RANKS, options.parallelism());
    }

    /**
     * The rows the calibration fits compare held-out queries with: every shared anchor when there are at most
     * {@link ScoreCalibrationFit#MAX_BANK}; otherwise the first {@link ScoreCalibrationFit#MAX_QUERIES} held-out rows (the
     * queries, each left out of its own comparison at its index here) followed by the other rows in the seeded order up to
     * that many in all: a seeded uniform sample of the anchors. The top similarities and ranks against such a sample keep
     * the calibration's evidence at a cost that does not grow with n.
     */
    private static int[] bank(int n, int heldFrom) {
        if (n <= ScoreCalibrationFit.MAX_BANK) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int queries = Math.min(n - heldFrom, ScoreCalibrationFit.MAX_QUERIES);
        int[] rows = new int[ScoreCalibrationFit.MAX_BANK];
        for (int i = 0; i < rows.length; i++) {
            int other = i - queries; // the rows in seeded order but the queries'
            rows[i] = i < queries ? heldFrom + i : other < heldFrom ? other : other + queries;
        }
        return rows;
    }

    /** The rows {@code rows} of the row-major {@code m}, in that order; {@code m} itself when {@link #bank} took every row. */
    private static float[] gather(float[] m, int dims, int[] rows) {
        if (rows.length * dims == m.length) {
            return m;
        }
        float[] out = new float[rows.length * dims];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m, rows[i] * dims, out, i * dims, dims);
        }
        return out;
    }

    /**
     * The shared anchors in the seeded order, entered into both frames ({@code x}, {@code y}) and raw on the target side
     * ({@code yRaw}, where retrieval is measured), row-major.
     */
    private record Rows(List<String> shared, SpaceFrame sourceFrame, SpaceFrame targetFrame, float[] x, float[] y, float[] xRaw,
                        float[] yRaw, int n, int ds, int dt) {
        static Rows of(AnchorSet source, AnchorSet target, FitOptions options) {
            List<String> shared = sharedIds(source, target);
            int n = shared.size();
            if (n < MIN_SHARED_ANCHORS) {
                throw new IllegalArgumentException("the source and target share [" + n + "] anchors; a translator needs at least ["
                    + MIN_SHARED_ANCHORS + "] anchors with the same ids in both models");
            }
            SpaceFrame sourceFrame = SpaceFrame.of(source, options.preprocessing());
            SpaceFrame targetFrame = SpaceFrame.of(target, options.preprocessing());
            int ds = source.dims(), dt = target.dims();
            List<String> order = new ArrayList<>(shared);
            Collections.shuffle(order, new Random(options.seed()));
            float[] x = new float[n * ds], y = new float[n * dt], xRaw = new float[n * ds], yRaw = new float[n * dt];
            for (int i = 0; i < n; i++) {
                String id = order.get(i);
                float[] sv = source.vector(source.rowOf(id)), tv = target.vector(target.rowOf(id));
                System.arraycopy(checkMomentRange(sourceFrame.enter(sv), "source", id), 0, x, i * ds, ds);
                System.arraycopy(checkMomentRange(targetFrame.enter(tv), "target", id), 0, y, i * dt, dt);
                System.arraycopy(sv, 0, xRaw, i * ds, ds);
                System.arraycopy(tv, 0, yRaw, i * dt, dt);
            }
            return new Rows(shared, sourceFrame, targetFrame, x, y, xRaw, yRaw, n, ds, dt);
        }
    }

    /**
     * The moments multiply entered rows in float: a value beyond {@link Vectors#SAFE_MAGNITUDE} could overflow there. Only
     * anchors entered without normalisation or standardisation (raw scale) can get there; refuse them by name.
     */
    private static float[] checkMomentRange(float[] entered, String side, String id) {
        for (int j = 0; j < entered.length; j++) {
            if (Math.abs(entered[j]) > Vectors.SAFE_MAGNITUDE) {
                throw new IllegalArgumentException("the " + side + " anchor [" + id + "] has the value [" + entered[j] + "] at [" + j
                    + "] after preprocessing, beyond the [" + Vectors.SAFE_MAGNITUDE + "] a fit can multiply in float; normalise "
                    + "or standardise the anchors ([preprocess]) or rescale them");
            }
        }
        return entered;
    }

    /**
     * An {@code orthogonal_kernel} translator fitted on all shared anchors with fixed settings, no selection: the
     * variants that calibration on labelled pairs weighs against each other.
     */
    public static KernelTranslator fitKernel(AnchorSet source, AnchorSet target, FitOptions options, FitResult.KernelSettings settings) {
        return MatrixKernels.inPool(options.products(), () -> fitKernelHere(source, target, options, settings));
    }

    private static KernelTranslator fitKernelHere(AnchorSet source, AnchorSet target, FitOptions options,
                                                  FitResult.KernelSettings settings) {
        if (options.preprocessing().normalize() == false) {
            throw new IllegalArgumentException(
                "[method] [orthogonal_kernel] works on normalised anchors: it needs [preprocess.normalize] true");
        }
        Rows rows = Rows.of(source, target, options);
        int n = rows.n(), ds = rows.ds(), dt = rows.dt(), par = options.parallelism();
        Moments all = Moments.of(rows.x(), ds, rows.y(), dt, 0, n, par);
        checkSpread(all, source, target);
        float[] rotation = MatrixKernels.toFloat(new OrthogonalFit().fit(all, 0, par).w());
        KernelCorrectionFit.Correction c = KernelCorrectionFit.fit(rows.x(), ds, KernelCorrectionFit.residual(rows.x(), ds, rows.y(), dt,
            rotation, 0, n), dt, n, new KernelCorrectionFit.Params(settings.temperature(), settings.lambda(), settings.centres()), par);
        return new KernelTranslator(rows.sourceFrame(), rows.targetFrame(), rotation, c.centres(), c.coefficients(), c.temperature(), n);
    }

    /**
     * The best held-out MRR, where candidates within {@link #MRR_TIE} of the best count as tied and the earlier one in
     * {@link Method} order wins. Same-text retrieval among held-out anchors saturates on good pairs (every method scores
     * MRR 1.0), and the least-squares methods then win on mean cosine, which they maximise by construction, while
     * orthogonal retrieves real queries better (BENCHMARKS.md): so ties go to the more constrained map. {@code contrastive}
     * replaces {@code orthogonal} when it is {@linkplain #contrastivePreferred preferred}; {@code orthogonal_kernel} must beat
     * the one-matrix choice by {@link #KERNEL_MRR_MARGIN}.
     */
    static Method choose(Map<Method, HeldOutMetrics> metrics, boolean contrastiveLearnt) {
        Method oneMatrix = oneMatrixChoice(metrics, contrastiveLearnt);
        if (oneMatrix == null && metrics.containsKey(Method.CONTRASTIVE)) {
            oneMatrix = Method.CONTRASTIVE;
        }
        HeldOutMetrics kernel = metrics.get(Method.ORTHOGONAL_KERNEL);
        if (kernel == null || oneMatrix == null) {
            return oneMatrix == null ? Method.ORTHOGONAL_KERNEL : oneMatrix;
        }
        return kernel.mrr() >= metrics.get(oneMatrix).mrr() + KERNEL_MRR_MARGIN ? Method.ORTHOGONAL_KERNEL : oneMatrix;
    }

    /**
     * Whether {@code contrastive} is preferred to {@code orthogonal}: its held-out MRR is within {@link #MRR_TIE} of
     * orthogonal's and its optimisation moved ({@code learnt}: the validation rows, which its orthogonal start never saw,
     * chose a step past the start). Held-out same-text MRR saturates on good pairs and {@code neighbour_agreement} falls
     * as the map leaves the rotation even where real queries gain (BENCHMARKS.md), so neither can ask for more; the
     * validation loss is the measurement that says the contrastive map generalises, and the MRR check keeps a map that
     * loses anchors' own targets out. A pair the rotation already maps onto its targets (held-out mean cosine at least
     * {@link #ROTATION_MEAN_COSINE}) keeps the rotation: the loss can still fall there, by pushing close negatives apart,
     * but only by bending an exact map (real encoder pairs sit near 0.5-0.7).
     */
    static boolean contrastivePreferred(Map<Method, HeldOutMetrics> metrics, boolean learnt) {
        HeldOutMetrics c = metrics.get(Method.CONTRASTIVE), o = metrics.get(Method.ORTHOGONAL);
        return learnt && c != null && o != null && o.meanCosine() < ROTATION_MEAN_COSINE && c.mrr() >= o.mrr() - MRR_TIE;
    }

    /** The best one-matrix method fitted in closed form, or null when none was tried. */
    private static Method chooseLinear(Map<Method, HeldOutMetrics> metrics) {
        double best = metrics.entrySet().stream().filter(e -> closedForm(e.getKey()))
            .mapToDouble(e -> e.getValue().mrr()).max().orElse(Double.NaN);
        return metrics.entrySet().stream()
            .filter(e -> closedForm(e.getKey()) && e.getValue().mrr() >= best - MRR_TIE)
            .map(Map.Entry::getKey)
            .min(Comparator.naturalOrder())
            .orElse(null);
    }

    private static boolean closedForm(Method m) {
        return m != Method.ORTHOGONAL_KERNEL && m != Method.CONTRASTIVE;
    }

    /** Why {@code auto} kept the method it kept, when the kernel correction was among the candidates; else null. */
    private static String selection(FitOptions options, Method chosen, Map<Method, HeldOutMetrics> metrics,
                                    ContrastiveFit.Outcome contrastive, int ds, int dt) {
        if (options.method() != null) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        HeldOutMetrics c = metrics.get(Method.CONTRASTIVE), o = metrics.get(Method.ORTHOGONAL);
        if (c == null && options.preprocessing().normalize()) {
            reasons.add(String.format(Locale.ROOT, "contrastive not weighed: auto's %.0e multiply-adds buy %d steps at %d x %d "
                + "dimensions, fewer than %d; fit it with [method] [contrastive]", AUTO_CONTRASTIVE_MULTIPLY_ADDS,
                affordableSteps(options.contrastive(), ds, dt), ds, dt, MIN_AUTO_CONTRASTIVE_STEPS));
        }
        if (c != null && o != null) {
            boolean preferred = contrastivePreferred(metrics, contrastive != null && contrastive.chosenStep() > 0);
            reasons.add(String.format(Locale.ROOT, preferred
                ? "contrastive preferred to orthogonal: its validation loss fell from %.5f to %.5f (step %d) and its held-out mrr "
                    + "%.4f is within %.3f of orthogonal's %.4f"
                : "contrastive not preferred to orthogonal: validation loss %.5f to %.5f (step %d), held-out mrr %.4f against "
                    + "%.4f for orthogonal (it must move past its start and keep mrr within %.3f)",
                contrastive == null ? Double.NaN : contrastive.startLoss(), contrastive == null ? Double.NaN : contrastive.chosenLoss(),
                contrastive == null ? 0 : contrastive.chosenStep(), c.mrr(), preferred ? MRR_TIE : o.mrr(), preferred ? o.mrr() : MRR_TIE));
        }
        HeldOutMetrics kernel = metrics.get(Method.ORTHOGONAL_KERNEL);
        Method oneMatrix = chosen == Method.ORTHOGONAL_KERNEL
            ? oneMatrixChoice(metrics, contrastive != null && contrastive.chosenStep() > 0) : chosen;
        if (kernel != null && oneMatrix != null) {
            double gain = kernel.mrr() - metrics.get(oneMatrix).mrr();
            reasons.add(String.format(Locale.ROOT, chosen == Method.ORTHOGONAL_KERNEL
                ? "orthogonal_kernel chosen: held-out mrr %.4f against %.4f for %s, a gain of %.4f, at least the %.2f that pays for "
                    + "its per-query kernel work"
                : "orthogonal_kernel not chosen: held-out mrr %.4f against %.4f for %s, a gain of %.4f, below the %.2f that would "
                    + "pay for its per-query kernel work", kernel.mrr(), metrics.get(oneMatrix).mrr(), oneMatrix.apiName(), gain,
                KERNEL_MRR_MARGIN));
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    /** The one-matrix method {@link #choose} weighs the kernel against. */
    private static Method oneMatrixChoice(Map<Method, HeldOutMetrics> metrics, boolean contrastiveLearnt) {
        Method linear = chooseLinear(metrics);
        return linear == Method.ORTHOGONAL && contrastivePreferred(metrics, contrastiveLearnt) ? Method.CONTRASTIVE : linear;
    }

    private static List<Method> candidates(FitOptions options, int ds, int dt) {
        if (options.method() != null) {
            if (options.method().usesPools()) {
                throw new IllegalArgumentException("[method] [" + options.method().apiName() + "] fits from pools of unpaired vectors "
                    + "of both models, and there are none");
            }
            if ((options.method() == Method.INVERSE_RELATIVE || options.method() == Method.ORTHOGONAL_KERNEL
                || options.method() == Method.CONTRASTIVE) && options.preprocessing().normalize() == false) {
                throw new IllegalArgumentException("[method] [" + options.method().apiName() + "] works on normalised anchors: it "
                    + "needs [preprocess.normalize] true");
            }
            return List.of(options.method());
        }
        List<Method> all = new ArrayList<>(List.of(Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE));
        if (options.preprocessing().normalize()) {
            all.add(Method.INVERSE_RELATIVE);
            all.add(Method.ORTHOGONAL_KERNEL);
            if (autoAffordsContrastive(options, ds, dt)) {
                all.add(Method.CONTRASTIVE);
            }
        }
        return all;
    }

    /** Ids present in both sets, sorted so that the split depends on the seed only, not on insertion order. */
    static List<String> sharedIds(AnchorSet source, AnchorSet target) {
        List<String> shared = new ArrayList<>();
        for (String id : source.ids()) {
            if (target.rowOf(id) >= 0) {
                shared.add(id);
            }
        }
        shared.sort(null);
        return shared;
    }

    /**
     * Centred spread (the trace of the centred scatter) at or below this fraction of the anchors' total energy (the trace
     * of the raw second moment) counts as none. For unit rows the energy is the anchor count, so this is 1e-12 per
     * anchor: a spread whose root-mean-square is a millionth of the anchors' norm, at the level of float rounding of the
     * rows themselves and far above the double cancellation of centring (about 1e-16 of the energy). Relative, so it
     * holds at any anchor scale.
     */
    static final double MIN_RELATIVE_SPREAD = 1e-12;

    /** Anchors that are all the same vector after centring give nothing to fit; say so instead of returning NaN. */
    private static void checkSpread(Moments all, AnchorSet source, AnchorSet target) {
        double sx = Moments.trace(Moments.centred(all.gx, all.sumX, all.sumX, all.count), all.ds);
        double sy = Moments.trace(Moments.centred(all.gy, all.sumY, all.sumY, all.count), all.dt);
        boolean noSourceSpread = sx <= MIN_RELATIVE_SPREAD * Moments.trace(all.gx, all.ds);
        boolean noTargetSpread = sy <= MIN_RELATIVE_SPREAD * Moments.trace(all.gy, all.dt);
        if (noSourceSpread || noTargetSpread) {
            throw new IllegalArgumentException("the shared anchors of the " + (noSourceSpread ? "source" : "target")
                + " are all the same vector after preprocessing: there is nothing to fit (rank 0)");
        }
    }

    private static double chooseLambda(MethodFit method, Moments fitPart, double[] grid, float[] x, int ds, float[] yRaw, int dt,
                                       int from, int to, SpaceFrame targetFrame, int par) {
        if (grid.length == 1) {
            return grid[0];
        }
        List<LinearMap> maps = method.fitAll(fitPart, grid, par);
        double best = grid[0];
        HeldOutMetrics bestMetrics = null;
        for (int i = 0; i < grid.length; i++) {
            HeldOutMetrics m = evaluate(maps.get(i), null, x, ds, yRaw, dt, from, to, targetFrame, par);
            if (bestMetrics == null || m.mrr() > bestMetrics.mrr()
                || (m.mrr() == bestMetrics.mrr() && m.meanCosine() > bestMetrics.meanCosine())) {
                best = grid[i];
                bestMetrics = m;
            }
        }
        return best;
    }

    /** Held-out metrics of {@code map} on rows {@code from..to}, measured in the target's raw space as a search would. */
    private static HeldOutMetrics evaluate(LinearMap map, KernelCorrectionFit.Correction correction, float[] x, int ds, float[] yRaw,
                                           int dt, int from, int to, SpaceFrame targetFrame, int par) {
        float[] translated = translateRows(map, correction, x, ds, from, to, targetFrame, par);
        float[] truth = Arrays.copyOfRange(yRaw, from * dt, to * dt);
        return RetrievalMetrics.heldOut(translated, truth, dt, par);
    }

    static float[] translateRows(LinearMap map, KernelCorrectionFit.Correction correction, float[] x, int ds, int from, int to,
                                 SpaceFrame targetFrame, int par) {
        int h = to - from, dt = map.dt();
        float[] xt = new float[ds * h]; // rows' transpose, so that (X_h^T)^T W = X_h W
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < ds; j++) {
                xt[j * h + i] = x[(from + i) * ds + j];
            }
        }
        double[] product = new double[h * dt];
        MatrixKernels.transposeProduct(xt, h, MatrixKernels.toFloat(map.w()), dt, 0, ds, product, par);
        if (correction != null) {
            KernelCorrectionFit.addCorrection(correction, x, ds, from, to, dt, product, par);
        }
        float[] out = new float[h * dt];
        float[] row = new float[dt];
        // unit length: the metrics are cosines, which the length does not change, and a unit row cannot leave the float
        // range even when the target anchors' scale is near it
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < dt; j++) {
                row[j] = (float) (product[i * dt + j] + map.b()[j]);
            }
            System.arraycopy(targetFrame.leave(row, true), 0, out, i * dt, dt);
        }
        return out;
    }

    static void checkQuality(FitOptions options, Method chosen, Map<Method, HeldOutMetrics> metrics) {
        HeldOutMetrics m = metrics.get(chosen);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Double> floor : options.minQuality().entrySet()) {
            double value = m.get(floor.getKey());
            if (value < floor.getValue()) {
                failures.add(String.format(Locale.ROOT, "%s %.4f < %.4f", floor.getKey(), value, floor.getValue()));
            }
        }
        if (failures.isEmpty() == false) {
            throw new QualityGateException("translator refused by [min_quality]: method [" + chosen.apiName()
                + "] held-out " + String.join(", ", failures) + "; metrics " + m.asMap(), chosen, metrics);
        }
    }

    private static PairDiagnostics diagnostics(AnchorSet source, AnchorSet target, List<String> shared, Moments all,
                                               HeldOutMetrics chosenMetrics, Method chosen, FitOptions options, int n) {
        int ds = all.ds, dt = all.dt;
        double[] scatterX = Moments.centred(all.gx, all.sumX, all.sumX, all.count);
        double[] sv = Spectrum.singularValues(scatterX, ds);
        int possibleRank = Math.min(n - 1, ds);
        double cka = Cka.fromScatter(scatterX, Moments.centred(all.cxy, all.sumX, all.sumY, all.count),
            Moments.centred(all.gy, all.sumY, all.sumY, all.count));
        AnchorSet sharedSource = subset(source, shared), sharedTarget = subset(target, shared);
        double compressionS = AnchorDiagnostics.similarityCompression(sharedSource);
        double compressionT = AnchorDiagnostics.similarityCompression(sharedTarget);
        List<String> warnings = new ArrayList<>();
        int dMax = Math.max(ds, dt);
        if (n < dMax) {
            warnings.add("n < d: " + n + " shared anchors for " + dMax + " dimensions; expect poor orthogonal and inverse_relative "
                + "fits (use at least " + dMax + " anchors, better " + (3 * dMax / 2) + " or more)");
        }
        int rank = Math.min(Spectrum.numericalRank(sv), possibleRank);
        if (rank < possibleRank) {
            warnings.add("rank-deficient: the source's shared anchors span " + rank + " of " + possibleRank
                + " possible directions (duplicate or linearly dependent anchors, or an encoder whose outputs span a subspace)");
        }
        for (double c : new double[] {compressionS, compressionT}) {
            if (c > AnchorDiagnostics.HIGH_COMPRESSION) {
                warnings.add(String.format(Locale.ROOT,
                    "similarity compression %.2f: a strongly anisotropic encoder; keep centring on", c));
                break;
            }
        }
        if (chosenMetrics.top1() < LOW_TOP1) {
            warnings.add(String.format(Locale.ROOT, "held-out top1 %.3f is below %.2f: translation will serve this pair badly",
                chosenMetrics.top1(), LOW_TOP1));
        }
        if (chosen == Method.INVERSE_RELATIVE && options.method() == null) {
            warnings.add("auto chose inverse_relative: on real encoders it usually trails orthogonal; check the anchors and metrics");
        }
        return new PairDiagnostics(n, ds, dt, Spectrum.conditionNumber(sv), Spectrum.effectiveRank(sv), rank,
            compressionS, compressionT, cka, List.copyOf(warnings));
    }

    private static AnchorSet subset(AnchorSet set, List<String> ids) {
        int d = set.dims();
        float[] m = new float[ids.size() * d];
        for (int i = 0; i < ids.size(); i++) {
            System.arraycopy(set.matrix(), set.rowOf(ids.get(i)) * d, m, i * d, d);
        }
        return AnchorSet.ofMatrix(d, ids.toArray(String[]::new), m);
    }

    static void checkCancelled(FitOptions options) {
        if (options.cancelled().getAsBoolean()) {
            throw new CancellationException("the fit was cancelled");
        }
    }
}
