package org.latentbridge.core.fit;

import org.latentbridge.core.linalg.MatrixKernels;

import java.util.Arrays;
import java.util.Random;

/**
 * The optimiser of {@link org.latentbridge.core.translate.Method#CONTRASTIVE}: a linear map {@code W} ({@code d_s x d_t}),
 * started at the orthogonal solution and moved by Adam on the symmetric InfoNCE loss of batches of anchor pairs, in the
 * frames' entered (centred, normalised) coordinates.
 *
 * <p>For a batch of rows {@code x_i, y_i}, {@code u_i = x_i W / |x_i W|}, unit targets {@code v_i} and
 * {@code S_ij = u_i . v_j / tau}, the loss is the mean of the row-wise and the column-wise cross-entropies of {@code S}
 * against the diagonal. Its gradient with respect to {@code S} is {@code G = (softmax_rows(S) + softmax_cols(S) - 2 I) / 2b};
 * back through the product, {@code dL/du_i = (G V)_i / tau}; through the normalisation,
 * {@code dL/dp_i = (g_i - u_i (u_i . g_i)) / |p_i|}; and {@code dL/dW = X_b^T dP}. A step costs {@code 2 b d_s d_t + 2 b^2 d_t}
 * multiply-adds, all in {@link MatrixKernels#transposeProduct}.
 *
 * <p>Deterministic: the batch order comes from the seed, and every product sums in a fixed order whatever the
 * parallelism, so the same rows, start, settings and seed give the same matrix on any node with the same kernels.
 */
final class ContrastiveFit {
    /** Share of the rows the early-stopped run trains on; the rest (at most {@link #MAX_VALIDATION_ROWS}) judge its checks. */
    static final double TRAIN_SHARE = 0.8;
    /**
     * Steps without a better validation loss after which the early-stopped run stops before its budget: the loss, once
     * past its minimum, rises steadily (the map over-fits the training pairs), so a later recovery has not been seen.
     */
    static final int PATIENCE = 300;
    /**
     * A check counts as better only when it lowers the best loss by this share: past that point the loss keeps creeping
     * down for thousands of steps while real queries gain nothing (BENCHMARKS §18: the same recall after 400 steps as after
     * 3,000 at 4,000 anchors), and every step costs the fit and its refit.
     */
    static final double MIN_RELATIVE_GAIN = 0.01;
    /**
     * Most rows the early-stopped run checks on. The check compares every checked row with every other, so its cost grows
     * with their square; a thousand rows already rank a held-out pair among a thousand candidates.
     */
    static final int MAX_VALIDATION_ROWS = 1024;
    /** Fewest rows on either side of the split: a contrastive loss needs a negative. */
    private static final int MIN_SPLIT_ROWS = 2;
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;
    /** Predictions shorter than this have no direction; they take no gradient. */
    private static final double MIN_NORM = 1e-20;

    private ContrastiveFit() {}

    /** Told of the optimiser's progress every {@link ContrastiveSettings#CHECK_EVERY} steps; may throw to cancel. */
    @FunctionalInterface
    interface Progress {
        void at(int step, int of);
    }

    /**
     * The early-stopped run's result.
     *
     * @param w          the map at the chosen step, row-major {@code d_s x d_t}
     * @param settings   the settings it ran with
     * @param chosenStep the check with the lowest validation loss, counting only gains of {@link #MIN_RELATIVE_GAIN} (0 is
     *                   the start)
     * @param trainRows  rows it trained on, to turn its steps into epochs
     * @param startLoss  the validation loss at the start
     * @param chosenLoss the validation loss at the chosen step
     */
    record Outcome(float[] w, ContrastiveSettings settings, int chosenStep, int trainRows, double startLoss, double chosenLoss) {
        /** Steps that make as many epochs over {@code rows} rows as {@code chosenStep} made over the training rows. */
        int stepsFor(int rows) {
            return (int) Math.round((double) chosenStep * rows / trainRows);
        }
    }

    /**
     * Trains on the first {@link #TRAIN_SHARE} of rows {@code [0, rows)} and checks the loss of the others every
     * {@link ContrastiveSettings#CHECK_EVERY} steps, for at most {@code settings.maxSteps()} steps (fewer after
     * {@link #PATIENCE} steps without a check better by {@link #MIN_RELATIVE_GAIN}); returns the map at the best check.
     * It starts at the orthogonal solution of its training rows alone: a start fitted on the checked rows too would
     * score them in-sample, and the checks would favour it over every step.
     */
    static Outcome earlyStopped(float[] x, int ds, float[] y, int dt, int rows, ContrastiveSettings settings, long seed,
                                int parallelism, Progress progress) {
        int validationRows = Math.min(MAX_VALIDATION_ROWS,
            Math.max(MIN_SPLIT_ROWS, rows - (int) Math.round(TRAIN_SHARE * rows)));
        int trainRows = rows - validationRows;
        if (trainRows < MIN_SPLIT_ROWS) {
            throw new IllegalArgumentException("[contrastive] needs at least [" + 2 * MIN_SPLIT_ROWS + "] anchors to train and check "
                + "its steps on, got [" + rows + "]");
        }
        float[] start = MatrixKernels.toFloat(new OrthogonalFit().fit(Moments.of(x, ds, y, dt, 0, trainRows, parallelism), 0,
            parallelism).w());
        float[] validationX = Arrays.copyOfRange(x, trainRows * ds, rows * ds);
        float[] validationY = unitRows(Arrays.copyOfRange(y, trainRows * dt, rows * dt), dt);
        Optimiser optimiser = new Optimiser(x, ds, y, dt, trainRows, start, settings, seed, parallelism);
        double startLoss = optimiser.loss(validationX, validationY, validationRows);
        double bestLoss = startLoss;
        int bestStep = 0;
        float[] best = start.clone();
        int budget = settings.maxSteps();
        for (int step = 1; step <= budget; step++) {
            optimiser.step();
            if (step % ContrastiveSettings.CHECK_EVERY == 0 || step == budget) {
                progress.at(step, budget);
                double loss = optimiser.loss(validationX, validationY, validationRows);
                if (loss < bestLoss * (1 - MIN_RELATIVE_GAIN)) {
                    bestLoss = loss;
                    bestStep = step;
                    best = optimiser.weights().clone();
                } else if (step - bestStep >= PATIENCE) {
                    break;
                }
            }
        }
        return new Outcome(best, settings, bestStep, trainRows, startLoss, bestLoss);
    }

    /** Exactly {@code steps} steps on rows {@code [0, rows)} from {@code start}: the refit once the step count is chosen. */
    static float[] run(float[] x, int ds, float[] y, int dt, int rows, float[] start, int steps, ContrastiveSettings settings, long seed,
                       int parallelism, Progress progress) {
        Optimiser optimiser = new Optimiser(x, ds, y, dt, rows, start, settings, seed, parallelism);
        for (int step = 1; step <= steps; step++) {
            optimiser.step();
            if (step % ContrastiveSettings.CHECK_EVERY == 0) {
                progress.at(step, steps);
            }
        }
        return optimiser.weights();
    }

    /**
     * Replaces the cosines {@code c} ({@code r x k}) by {@code exp((c - 1) / tau)} and sums them by row and by column. The
     * cosines of unit vectors are at most 1, so the shift by the largest possible logit {@code 1 / tau} keeps every value
     * in (0, 1] (at least {@code exp(-2 / tau)}, far above double's smallest at the temperatures allowed) with one
     * exponential per entry: one shift for the rows and the columns alike.
     */
    static void exponentials(double[] c, int r, int k, double tau, double[] rowSum, double[] colSum) {
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < k; j++) {
                double e = Math.exp((Math.min(c[i * k + j], 1) - 1) / tau);
                c[i * k + j] = e;
                rowSum[i] += e;
                colSum[j] += e;
            }
        }
    }

    /** Multiply-adds of one step with batches of {@code batch} rows: the four products of the class comment. */
    static double multiplyAddsPerStep(int batch, int ds, int dt) {
        return 2.0 * batch * ds * dt + 2.0 * batch * batch * dt;
    }

    /** Copies of the rows scaled to unit length (zero rows stay zero). */
    static float[] unitRows(float[] m, int d) {
        float[] out = m.clone();
        for (int off = 0; off < out.length; off += d) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) out[off + j] * out[off + j];
            }
            if (s > 0) {
                double inv = 1 / Math.sqrt(s);
                for (int j = 0; j < d; j++) {
                    out[off + j] = (float) (out[off + j] * inv);
                }
            }
        }
        return out;
    }

    /** Adam on {@code W} over rows {@code [0, rows)}, with the batch buffers of one step. */
    static final class Optimiser {
        private final float[] x, targets;
        private final int ds, dt, rows, batch, parallelism;
        private final double temperature, learningRate;
        private final double[] master, m, v;
        private final float[] w;
        private final Random random;
        private final int[] order;
        private int next, t;
        // per-step buffers
        private final float[] xb, xbT, ybT, yb, uT, gT, dp;
        private final double[] p, u, sim, du, dw;

        Optimiser(float[] x, int ds, float[] y, int dt, int rows, float[] start, ContrastiveSettings settings, long seed, int parallelism) {
            this.x = x;
            this.ds = ds;
            this.dt = dt;
            this.rows = rows;
            this.targets = unitRows(Arrays.copyOf(y, rows * dt), dt);
            this.batch = Math.min(settings.batchSize(), rows);
            this.parallelism = parallelism;
            this.temperature = settings.temperature();
            this.learningRate = settings.learningRate();
            this.w = start.clone();
            this.master = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                master[i] = w[i];
            }
            this.m = new double[w.length];
            this.v = new double[w.length];
            this.random = new Random(seed);
            this.order = new int[rows];
            for (int i = 0; i < rows; i++) {
                order[i] = i;
            }
            this.next = rows; // shuffle before the first batch
            int b = batch;
            xb = new float[b * ds];
            xbT = new float[ds * b];
            yb = new float[b * dt];
            ybT = new float[dt * b];
            uT = new float[dt * b];
            gT = new float[b * b];
            dp = new float[b * dt];
            p = new double[b * dt];
            u = new double[b * dt];
            sim = new double[b * b];
            du = new double[b * dt];
            dw = new double[ds * dt];
        }

        float[] weights() {
            return w;
        }

        /** The gradient of the last step's batch loss with respect to {@code W}, row-major {@code d_s x d_t}. */
        double[] lastGradient() {
            return dw;
        }

        /** The next batch's rows: consecutive slices of a seeded permutation, reshuffled when too few are left. */
        private int[] nextBatch() {
            if (next + batch > rows) {
                for (int i = rows - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
                next = 0;
            }
            int[] picked = Arrays.copyOfRange(order, next, next + batch);
            next += batch;
            return picked;
        }

        void step() {
            int b = batch;
            int[] picked = nextBatch();
            for (int i = 0; i < b; i++) {
                int r = picked[i];
                System.arraycopy(x, r * ds, xb, i * ds, ds);
                System.arraycopy(targets, r * dt, yb, i * dt, dt);
                for (int j = 0; j < ds; j++) {
                    xbT[j * b + i] = xb[i * ds + j];
                }
                for (int j = 0; j < dt; j++) {
                    ybT[j * b + i] = yb[i * dt + j];
                }
            }
            // P = X_b W, then U = P / |P| row by row
            Arrays.fill(p, 0);
            MatrixKernels.transposeProduct(xbT, b, w, dt, 0, ds, p, parallelism);
            double[] norms = new double[b];
            for (int i = 0; i < b; i++) {
                double s = 0;
                for (int j = 0; j < dt; j++) {
                    s += p[i * dt + j] * p[i * dt + j];
                }
                norms[i] = Math.sqrt(s);
                double inv = norms[i] > MIN_NORM ? 1 / norms[i] : 0;
                for (int j = 0; j < dt; j++) {
                    u[i * dt + j] = p[i * dt + j] * inv;
                    uT[j * b + i] = (float) u[i * dt + j];
                }
            }
            // S = U V^T / tau, G = (softmax_rows + softmax_cols - 2 I) / 2b, stored transposed for the next product
            Arrays.fill(sim, 0);
            MatrixKernels.transposeProduct(uT, b, ybT, b, 0, dt, sim, parallelism);
            double[] rowSum = new double[b], colSum = new double[b];
            exponentials(sim, b, b, temperature, rowSum, colSum);
            double scale = 1.0 / (2 * b);
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    double e = sim[i * b + j];
                    double g = e / rowSum[i] + e / colSum[j] - (i == j ? 2 : 0);
                    gT[j * b + i] = (float) (g * scale);
                }
            }
            // dL/dU = G V / tau; through the normalisation to dL/dP
            Arrays.fill(du, 0);
            MatrixKernels.transposeProduct(gT, b, yb, dt, 0, b, du, parallelism);
            for (int i = 0; i < b; i++) {
                if (norms[i] <= MIN_NORM) {
                    Arrays.fill(dp, i * dt, (i + 1) * dt, 0f);
                    continue;
                }
                double along = 0;
                for (int j = 0; j < dt; j++) {
                    along += u[i * dt + j] * du[i * dt + j];
                }
                double inv = 1 / (norms[i] * temperature);
                for (int j = 0; j < dt; j++) {
                    dp[i * dt + j] = (float) ((du[i * dt + j] - u[i * dt + j] * along) * inv);
                }
            }
            // dL/dW = X_b^T dP, then one Adam step
            Arrays.fill(dw, 0);
            MatrixKernels.transposeProduct(xb, ds, dp, dt, 0, b, dw, parallelism);
            t++;
            double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
            double stepSize = learningRate * Math.sqrt(c2) / c1;
            double epsilon = EPSILON * Math.sqrt(c2);
            for (int i = 0; i < master.length; i++) {
                double g = dw[i];
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                master[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + epsilon);
                w[i] = (float) master[i];
            }
        }

        /** The symmetric InfoNCE loss of {@code W} on held rows: every row's own target against all of theirs. */
        double loss(float[] heldX, float[] heldUnitY, int h) {
            float[] xT = new float[ds * h], yT = new float[dt * h];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < ds; j++) {
                    xT[j * h + i] = heldX[i * ds + j];
                }
                for (int j = 0; j < dt; j++) {
                    yT[j * h + i] = heldUnitY[i * dt + j];
                }
            }
            double[] predicted = new double[h * dt];
            MatrixKernels.transposeProduct(xT, h, w, dt, 0, ds, predicted, parallelism);
            float[] unitT = new float[dt * h];
            for (int i = 0; i < h; i++) {
                double s = 0;
                for (int j = 0; j < dt; j++) {
                    s += predicted[i * dt + j] * predicted[i * dt + j];
                }
                double inv = s > MIN_NORM * MIN_NORM ? 1 / Math.sqrt(s) : 0;
                for (int j = 0; j < dt; j++) {
                    unitT[j * h + i] = (float) (predicted[i * dt + j] * inv);
                }
            }
            double[] e = new double[h * h];
            MatrixKernels.transposeProduct(unitT, h, yT, h, 0, dt, e, parallelism);
            double[] rowSum = new double[h], colSum = new double[h];
            exponentials(e, h, h, temperature, rowSum, colSum);
            double total = 0;
            for (int i = 0; i < h; i++) {
                // -log softmax of the diagonal, by row and by column: the shift of exponentials() cancels
                double own = Math.log(e[i * h + i]);
                total += Math.log(rowSum[i]) - own + Math.log(colSum[i]) - own;
            }
            return total / (2 * h);
        }
    }
}
