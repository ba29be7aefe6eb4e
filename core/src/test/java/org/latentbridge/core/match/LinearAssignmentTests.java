package org.latentbridge.core.match;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assignment solver against exhaustive search on small matrices, and its behaviour on ties, extreme values and bad
 * input. Costs are compared, not assignments: with ties several assignments are optimal.
 */
class LinearAssignmentTests {
    /** Summing at most 8 costs of magnitude up to 1e3 in another order differs by far less than this. */
    private static final double TOLERANCE = 1e-9;

    @Test
    void matchesExhaustiveSearchOnRandomSquareAndRectangularMatrices() {
        Random random = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(6);
            int m = n + random.nextInt(3);
            double[][] cost = new double[n][m];
            for (double[] row : cost) {
                for (int j = 0; j < m; j++) {
                    // integers from a small range make ties common; Gaussians make them rare
                    row[j] = trial % 2 == 0 ? random.nextInt(5) : random.nextGaussian() * 100;
                }
            }
            int[] assignment = LinearAssignment.minimize(cost);
            assertValid(assignment, n, m);
            assertEquals(bruteForceMinimum(cost), LinearAssignment.cost(cost, assignment), TOLERANCE, "trial " + trial + ": "
                + Arrays.deepToString(cost));
        }
    }

    @Test
    void maximizeIsTheBestTotalScore() {
        Random random = new Random(12);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + random.nextInt(5);
            double[][] score = new double[n][n + 1];
            for (double[] row : score) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = random.nextDouble() * 2 - 1; // cosines
                }
            }
            double[][] negated = Arrays.stream(score).map(r -> Arrays.stream(r).map(x -> -x).toArray()).toArray(double[][]::new);
            int[] assignment = LinearAssignment.maximize(score);
            assertValid(assignment, n, n + 1);
            assertEquals(-bruteForceMinimum(negated), LinearAssignment.cost(score, assignment), TOLERANCE);
        }
    }

    @Test
    void aHiddenPermutationIsRecoveredFromItsSimilarities() {
        // the use it is for: items seen by two models, pairing unknown; a noisy similarity still peaks at the true partner
        Random random = new Random(13);
        int n = 300;
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int t = truth[i];
            truth[i] = truth[k];
            truth[k] = t;
        }
        double[][] similarity = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                similarity[i][j] = random.nextGaussian() * 0.1 + (j == truth[i] ? 1 : 0);
            }
        }
        assertArrayEquals(truth, LinearAssignment.maximize(similarity));
    }

    @Test
    void theSameInputGivesTheSameAssignment() {
        double[][] ties = new double[6][8]; // all zero: every assignment is optimal
        assertArrayEquals(LinearAssignment.minimize(ties), LinearAssignment.minimize(ties));
        assertValid(LinearAssignment.minimize(ties), 6, 8);
    }

    @Test
    void largeAndNegativeCostsAreExact() {
        double[][] cost = {{1e12, -1e12, 0}, {-1e12, 1e12, 0}, {0, 0, -1}};
        int[] assignment = LinearAssignment.minimize(cost);
        assertArrayEquals(new int[] {1, 0, 2}, assignment);
        assertEquals(-2e12 - 1, LinearAssignment.cost(cost, assignment), 0);
    }

    @Test
    void noRowsGiveNoAssignment() {
        assertEquals(0, LinearAssignment.minimize(new double[0][]).length);
    }

    @Test
    void badInputIsRefusedWithItsReason() {
        IllegalArgumentException tooManyRows = assertThrows(IllegalArgumentException.class,
            () -> LinearAssignment.minimize(new double[3][2]));
        assertTrue(tooManyRows.getMessage().contains("[3] rows cannot each have their own column among [2]"), tooManyRows.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
            () -> LinearAssignment.minimize(new double[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("one length"), ragged.getMessage());
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.maximize(new double[][] {{0, bad}, {1, 2}}));
            assertTrue(e.getMessage().contains("cost [0][1] is not finite"), e.getMessage());
        }
    }

    private static void assertValid(int[] assignment, int n, int m) {
        assertEquals(n, assignment.length);
        boolean[] taken = new boolean[m];
        for (int column : assignment) {
            assertTrue(column >= 0 && column < m, "column " + column + " out of range");
            assertTrue(taken[column] == false, "column " + column + " assigned twice: " + Arrays.toString(assignment));
            taken[column] = true;
        }
    }

    /** The least cost over every injective row-to-column map, by recursion over the rows. */
    private static double bruteForceMinimum(double[][] cost) {
        return bruteForce(cost, 0, new boolean[cost[0].length]);
    }

    private static double bruteForce(double[][] cost, int row, boolean[] taken) {
        if (row == cost.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < taken.length; j++) {
            if (taken[j] == false) {
                taken[j] = true;
                best = Math.min(best, cost[row][j] + bruteForce(cost, row + 1, taken));
                taken[j] = false;
            }
        }
        return best;
    }
}
