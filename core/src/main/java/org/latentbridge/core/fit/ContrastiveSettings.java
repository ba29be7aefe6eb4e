package org.latentbridge.core.fit;

/**
 * The budget and optimiser of a {@link org.latentbridge.core.translate.Method#CONTRASTIVE} fit: Adam on a symmetric
 * InfoNCE loss over batches of {@code batchSize} anchor pairs, at most {@code maxSteps} steps, started at the orthogonal
 * solution. The defaults are the ones measured best (BENCHMARKS.md); the others are advanced options.
 *
 * @param maxSteps     most optimiser steps of the early-stopped run, checked on the validation rows every
 *                     {@link #CHECK_EVERY} steps
 * @param temperature  the softmax temperature on the cosine scale
 * @param learningRate Adam's step size
 * @param batchSize    anchor pairs per step; each pair's negatives are the batch's other pairs
 */
public record ContrastiveSettings(int maxSteps, double temperature, double learningRate, int batchSize) {
    public static final int DEFAULT_MAX_STEPS = 3000;
    public static final double DEFAULT_TEMPERATURE = 0.05;
    public static final double DEFAULT_LEARNING_RATE = 1e-4;
    public static final int DEFAULT_BATCH_SIZE = 256;
    /** Steps between two checks on the validation rows (and between two polls for cancellation). */
    public static final int CHECK_EVERY = 100;
    /** Bounds that keep a fit's cost and numerics sane; a request outside them is refused, not clamped. */
    public static final int MAX_STEPS_LIMIT = 100_000;
    public static final int MAX_BATCH_SIZE = 4096;

    public static final ContrastiveSettings DEFAULT = new ContrastiveSettings(DEFAULT_MAX_STEPS, DEFAULT_TEMPERATURE,
        DEFAULT_LEARNING_RATE, DEFAULT_BATCH_SIZE);

    public ContrastiveSettings {
        if (maxSteps < 0 || maxSteps > MAX_STEPS_LIMIT) {
            throw new IllegalArgumentException("[contrastive.max_steps] must be within [0, " + MAX_STEPS_LIMIT + "], got [" + maxSteps
                + "]");
        }
        // below 0.01 the logits of unit vectors reach 100 and the softmax is a hard max; above 1 it barely separates anything
        if (Double.isFinite(temperature) == false || temperature < 0.01 || temperature > 1) {
            throw new IllegalArgumentException("[contrastive.temperature] must be within [0.01, 1], got [" + temperature + "]");
        }
        if (Double.isFinite(learningRate) == false || learningRate <= 0 || learningRate > 0.1) {
            throw new IllegalArgumentException("[contrastive.learning_rate] must be within (0, 0.1], got [" + learningRate + "]");
        }
        if (batchSize < 2 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("[contrastive.batch_size] must be within [2, " + MAX_BATCH_SIZE + "], got [" + batchSize
                + "]");
        }
    }
}
