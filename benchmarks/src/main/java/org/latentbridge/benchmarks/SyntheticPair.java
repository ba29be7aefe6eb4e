package org.latentbridge.benchmarks;

import org.latentbridge.core.anchor.AnchorSet;

import java.util.Random;

/**
 * Synthetic anchor pairs for timing only: a random linear relation plus noise, the shape real encoder pairs have to
 * a linear method. Never used for claims about translation quality.
 */
final class SyntheticPair {
    final AnchorSet source;
    final AnchorSet target;

    SyntheticPair(int n, int ds, int dt, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * ds];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] m = new float[ds * dt];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (random.nextGaussian() / Math.sqrt(ds));
        }
        float[] y = new float[n * dt];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < ds; k++) {
                float xik = x[i * ds + k];
                for (int j = 0; j < dt; j++) {
                    y[i * dt + j] += xik * m[k * dt + j];
                }
            }
            for (int j = 0; j < dt; j++) {
                y[i * dt + j] += (float) (0.3 * random.nextGaussian());
            }
        }
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "a" + i;
        }
        source = AnchorSet.ofMatrix(ds, ids, x);
        target = AnchorSet.ofMatrix(dt, ids, y);
    }

    static float[][] queries(int count, int dims, long seed) {
        Random random = new Random(seed);
        float[][] q = new float[count][dims];
        for (float[] v : q) {
            for (int j = 0; j < dims; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        return q;
    }
}
