package org.latentbridge.core.match;

import java.util.Arrays;

/**
 * The linear assignment problem: give each of {@code n} rows its own column of an {@code n x m} cost matrix
 * ({@code n <= m}) so that the summed cost is least. Solved exactly by shortest augmenting paths with row and column
 * potentials (the Hungarian method in its Jonker-Volgenant form): one Dijkstra-like pass per row over the reduced costs
 * {@code c[i][j] - u[i] - v[j]}, which stay non-negative on every unmatched edge, so each pass extends the matching by one
 * row along a cheapest path. O(n^2 m) time, O(n + m) memory beside the matrix.
 *
 * <p>Deterministic: among equally cheap columns the lowest index is taken, so equal input gives an equal assignment.
 * The optimal cost is unique; with ties, the assignment is one of the optimal ones.
 */
public final class LinearAssignment {
    private LinearAssignment() {}

    /**
     * The column assigned to each row, for the least summed cost.
     *
     * @param cost {@code n} rows of {@code m >= n} finite costs each (any sign)
     * @return {@code a} with {@code a[i]} the column of row {@code i}; the columns are distinct
     * @throws IllegalArgumentException when rows have different lengths, a row is shorter than the number of rows, or a
     *                                  cost is not finite
     */
    public static int[] minimize(double[][] cost) {
        int n = cost.length;
        if (n == 0) {
            return new int[0];
        }
        int m = cost[0].length;
        for (int i = 0; i < n; i++) {
            if (cost[i].length != m) {
                throw new IllegalArgumentException("cost rows must have one length: row 0 has [" + m + "], row " + i + " ["
                    + cost[i].length + "]");
            }
            for (int j = 0; j < m; j++) {
                if (Double.isFinite(cost[i][j]) == false) {
                    throw new IllegalArgumentException("cost [" + i + "][" + j + "] is not finite: " + cost[i][j]);
                }
            }
        }
        if (n > m) {
            throw new IllegalArgumentException("[" + n + "] rows cannot each have their own column among [" + m + "]");
        }
        // 1-based: column 0 is the virtual start of each augmenting path, and rowOf[0] the row being added
        double[] rowPotential = new double[n + 1];
        double[] columnPotential = new double[m + 1];
        int[] rowOf = new int[m + 1];
        int[] previous = new int[m + 1];
        double[] slack = new double[m + 1];
        boolean[] reached = new boolean[m + 1];
        for (int row = 1; row <= n; row++) {
            rowOf[0] = row;
            int column = 0;
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            Arrays.fill(reached, false);
            do {
                reached[column] = true;
                int from = rowOf[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = -1;
                double[] costs = cost[from - 1];
                for (int j = 1; j <= m; j++) {
                    if (reached[j] == false) {
                        double reduced = costs[j - 1] - rowPotential[from] - columnPotential[j];
                        if (reduced < slack[j]) {
                            slack[j] = reduced;
                            previous[j] = column;
                        }
                        if (slack[j] < delta) {
                            delta = slack[j];
                            next = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (reached[j]) {
                        rowPotential[rowOf[j]] += delta;
                        columnPotential[j] -= delta;
                    } else {
                        slack[j] -= delta;
                    }
                }
                column = next;
            } while (rowOf[column] != 0);
            do { // flip the path: every column on it takes the row of the column before it
                int before = previous[column];
                rowOf[column] = rowOf[before];
                column = before;
            } while (column != 0);
        }
        int[] assignment = new int[n];
        for (int j = 1; j <= m; j++) {
            if (rowOf[j] != 0) {
                assignment[rowOf[j] - 1] = j - 1;
            }
        }
        return assignment;
    }

    /** The columns for the greatest summed score: {@link #minimize} of the negated scores. */
    public static int[] maximize(double[][] score) {
        double[][] negated = new double[score.length][];
        for (int i = 0; i < score.length; i++) {
            negated[i] = new double[score[i].length];
            for (int j = 0; j < score[i].length; j++) {
                negated[i][j] = -score[i][j];
            }
        }
        return minimize(negated);
    }

    /** The summed cost of an assignment. */
    public static double cost(double[][] cost, int[] assignment) {
        double sum = 0;
        for (int i = 0; i < assignment.length; i++) {
            sum += cost[i][assignment[i]];
        }
        return sum;
    }
}
