package org.latentbridge.core.fit;

import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;

/**
 * How to fit a translator.
 *
 * @param method        the method, or {@code null} for {@code auto}: fit every applicable method, keep the best by
 *                      held-out MRR
 * @param holdout       fraction of the shared anchors held out for the reported metrics, in (0, 0.5]
 * @param seed          seed of the held-out and validation split
 * @param minQuality    floors on the chosen method's held-out metrics ({@link HeldOutMetrics#NAMES}); a fit below any
 *                      floor is refused
 * @param lambdas       ridge lambdas to choose from on a validation split, relative to the mean eigenvalue of the Gram
 *                      matrix; all positive
 * @param parallelism   tasks the dense products may use
 * @param progress      told of each phase of the fit
 * @param cancelled     polled between phases; when it answers true the fit stops with a {@code CancellationException}
 * @param products      the pool the fit and its dense products run in, or {@code null} for the common fork-join pool;
 *                      a server passes a pool it owns and sizes, so that a fit takes no more CPU than it was given
 * @param contrastive   budget and optimiser of the {@code contrastive} method
 * @param maxKernelCentres most centres {@code orthogonal_kernel} may choose: each centre costs every query a dot product
 *                      and a row of the correction
 */
public record FitOptions(Method method, Preprocessing preprocessing, double holdout, long seed, Map<String, Double> minQuality,
                         double[] lambdas, int parallelism, FitProgress progress, BooleanSupplier cancelled, ForkJoinPool products,
                         ContrastiveSettings contrastive, int maxKernelCentres) {

    public static final double DEFAULT_HOLDOUT = 0.1;
    /** Relative ridge lambdas tried by default: from barely regularised to strongly shrunk. */
    public static final double[] DEFAULT_LAMBDAS = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    /**
     * Default cap on {@code orthogonal_kernel}'s centres: 1,000 centres cost about 7 % of a native kNN search per query,
     * 2,000 about 12 % (BENCHMARKS.md §12).
     */
    public static final int DEFAULT_MAX_KERNEL_CENTRES = 1000;
    /** Fewest centres a cap may allow: below this the correction cannot cover the anchors' directions. */
    public static final int MIN_KERNEL_CENTRES = 10;
    public static final int MAX_KERNEL_CENTRES = 20_000;

    public FitOptions {
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (method == Method.RELATIVE) {
            throw new IllegalArgumentException("[method] [relative] is a projection, not a fitted translator; expected one of "
                + "[auto, orthogonal, linear, affine, inverse_relative, orthogonal_kernel, contrastive, functional_map, "
                + "gromov_wasserstein]");
        }
        if (Double.isNaN(holdout) || holdout <= 0 || holdout > 0.5) {
            throw new IllegalArgumentException("[holdout] must be in (0, 0.5], got [" + holdout + "]");
        }
        minQuality = Map.copyOf(minQuality == null ? Map.of() : minQuality);
        for (Map.Entry<String, Double> floor : minQuality.entrySet()) {
            if (HeldOutMetrics.NAMES.contains(floor.getKey()) == false) {
                throw new IllegalArgumentException("[min_quality] has unknown metric [" + floor.getKey() + "], expected one of "
                    + HeldOutMetrics.NAMES);
            }
            double v = floor.getValue(), lowest = floor.getKey().equals("mean_cosine") ? -1 : 0; // ranks are rates in [0, 1]
            if (Double.isFinite(v) == false || v < lowest || v > 1) {
                throw new IllegalArgumentException("[min_quality." + floor.getKey() + "] must be within [" + (int) lowest + ", 1], got ["
                    + v + "]");
            }
        }
        if (lambdas == null || lambdas.length == 0) {
            throw new IllegalArgumentException("[lambdas] must not be empty");
        }
        lambdas = lambdas.clone();
        for (double l : lambdas) {
            if (Double.isFinite(l) == false || l <= 0) {
                throw new IllegalArgumentException("[lambdas] must be positive and finite (ridge is never unregularised), got ["
                    + l + "]");
            }
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("[parallelism] must be at least 1, got [" + parallelism + "]");
        }
        progress = progress == null ? FitProgress.NONE : progress;
        cancelled = cancelled == null ? () -> false : cancelled;
        contrastive = contrastive == null ? ContrastiveSettings.DEFAULT : contrastive;
        if (maxKernelCentres < MIN_KERNEL_CENTRES || maxKernelCentres > MAX_KERNEL_CENTRES) {
            throw new IllegalArgumentException("[kernel.max_centres] must be within [" + MIN_KERNEL_CENTRES + ", " + MAX_KERNEL_CENTRES
                + "], got [" + maxKernelCentres + "]");
        }
    }

    /** Auto method, default preprocessing, 10% held out, seed 0, no quality floor, all processors of the common pool. */
    public static FitOptions defaults() {
        return new FitOptions(null, Preprocessing.DEFAULT, DEFAULT_HOLDOUT, 0, Map.of(), DEFAULT_LAMBDAS,
            Runtime.getRuntime().availableProcessors(), null, null, null, ContrastiveSettings.DEFAULT,
            DEFAULT_MAX_KERNEL_CENTRES);
    }

    public FitOptions withMethod(Method m) {
        return new FitOptions(m, preprocessing, holdout, seed, minQuality, lambdas, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withPreprocessing(Preprocessing p) {
        return new FitOptions(method, p, holdout, seed, minQuality, lambdas, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withHoldout(double h) {
        return new FitOptions(method, preprocessing, h, seed, minQuality, lambdas, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withSeed(long s) {
        return new FitOptions(method, preprocessing, holdout, s, minQuality, lambdas, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withMinQuality(Map<String, Double> q) {
        return new FitOptions(method, preprocessing, holdout, seed, q, lambdas, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withLambdas(double... l) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, l, parallelism, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withParallelism(int p) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, p, progress, cancelled, products,
            contrastive, maxKernelCentres);
    }

    public FitOptions withProgress(FitProgress p) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, parallelism, p, cancelled, products,
            contrastive, maxKernelCentres);
    }

    /** Runs the fit and its products in {@code pool}, with as many product tasks as the pool has workers. */
    public FitOptions withProducts(ForkJoinPool pool) {
        Objects.requireNonNull(pool, "pool");
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, pool.getParallelism(), progress, cancelled, pool,
            contrastive, maxKernelCentres);
    }

    public FitOptions withContrastive(ContrastiveSettings c) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, parallelism, progress, cancelled, products, c,
            maxKernelCentres);
    }

    public FitOptions withMaxKernelCentres(int m) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, parallelism, progress, cancelled, products,
            contrastive, m);
    }

    public FitOptions withCancellation(BooleanSupplier c) {
        return new FitOptions(method, preprocessing, holdout, seed, minQuality, lambdas, parallelism, progress, c, products,
            contrastive, maxKernelCentres);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FitOptions f && method == f.method && preprocessing.equals(f.preprocessing) && holdout == f.holdout
            && seed == f.seed && minQuality.equals(f.minQuality) && Arrays.equals(lambdas, f.lambdas) && parallelism == f.parallelism
            && products == f.products && contrastive.equals(f.contrastive) && maxKernelCentres == f.maxKernelCentres;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, preprocessing, holdout, seed, minQuality, Arrays.hashCode(lambdas), parallelism, contrastive,
            maxKernelCentres);
    }
}
