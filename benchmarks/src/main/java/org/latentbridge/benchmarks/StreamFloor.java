package org.latentbridge.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The floor beside every per-query benchmark: read the matrix once and sum it, with four independent vector
 * accumulators and no multiplications. A translation must read the whole matrix too, so it cannot beat this.
 */
final class StreamFloor {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private StreamFloor() {}

    static float sum(float[] m) {
        int l = S.length(), i = 0;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (; i + 4 * l <= m.length; i += 4 * l) {
            a0 = a0.add(FloatVector.fromArray(S, m, i));
            a1 = a1.add(FloatVector.fromArray(S, m, i + l));
            a2 = a2.add(FloatVector.fromArray(S, m, i + 2 * l));
            a3 = a3.add(FloatVector.fromArray(S, m, i + 3 * l));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < m.length; i++) {
            s += m[i];
        }
        return s;
    }
}
