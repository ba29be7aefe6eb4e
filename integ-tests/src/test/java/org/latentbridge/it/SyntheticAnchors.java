package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic anchors for API tests: Gaussian source rows and targets that are a fixed rotation and scaling of them,
 * so every fit must be near perfect and every translation checkable. Never used for claims about real encoders.
 */
final class SyntheticAnchors {
    private SyntheticAnchors() {}

    /** A random {@code d x d} orthogonal matrix (Gram-Schmidt on Gaussian rows). */
    static double[][] rotation(int d, Random random) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < d; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < d; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    /** {@code scale * x Q}. */
    static float[] rotate(float[] x, double[][] rotation, double scale) {
        float[] y = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                s += x[k] * rotation[k][j];
            }
            y[j] = (float) (scale * s);
        }
        return y;
    }

    /** Gaussian rows shifted by {@code offset}, so that centring matters. */
    static float[][] gaussian(int n, int d, double offset, Random random) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (random.nextGaussian() + offset);
            }
        }
        return m;
    }

    /**
     * Items with a neighbour graph that has shape, which fits from pools of unpaired vectors learn from (isotropic noise
     * has none): {@code clusters} Gaussian centres, around each of them groups of close items, item {@code i} in group
     * {@code i % groups}. Items of one group are each other's nearest neighbours, so a group of ten is the true top 10 of
     * a query drawn from it.
     */
    static float[][] clustered(int n, int d, int clusters, int groups, Random random) {
        double[][] centres = new double[clusters][d];
        for (double[] centre : centres) {
            for (int j = 0; j < d; j++) {
                centre[j] = random.nextGaussian();
            }
        }
        double[][] groupCentres = new double[groups][d];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < d; j++) {
                groupCentres[g][j] = centres[g % clusters][j] + 0.35 * random.nextGaussian();
            }
        }
        float[][] items = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                items[i][j] = (float) (groupCentres[i % groups][j] + 0.08 * random.nextGaussian());
            }
        }
        return items;
    }

    /** Each row rotated by {@code rotation}, plus Gaussian noise of {@code noise} times the row's root-mean-square component. */
    static float[][] rotatedWithNoise(float[][] rows, double[][] rotation, double noise, Random random) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] y = rotate(rows[i], rotation, 1);
            double squares = 0;
            for (float v : rows[i]) {
                squares += v * v;
            }
            double sd = noise * Math.sqrt(squares / y.length);
            for (int j = 0; j < y.length; j++) {
                y[j] += (float) (sd * random.nextGaussian());
            }
            out[i] = y;
        }
        return out;
    }

    /**
     * Registers models {@code s} and {@code t} ({@code dims} each) whose {@code n} anchors are a random point cloud and its
     * rotation, and fits the translator {@code s -> t} with {@code fitBody}. Returns the source anchors.
     */
    static float[][] registerRotatedPair(EsHttp es, int dims, int n, Map<String, Object> fitBody, Random random) {
        double[][] rotation = rotation(dims, random);
        float[][] source = gaussian(n, dims, 0.2, random), target = new float[n][];
        for (int i = 0; i < n; i++) {
            target[i] = rotate(source[i], rotation, 1);
        }
        es.put("_latent/model/s", Map.of("dims", dims)).ok();
        es.put("_latent/model/t", Map.of("dims", dims)).ok();
        es.post("_latent/model/s/_anchors", Map.of("ids", ids(0, n), "vectors", List.of(source))).ok();
        es.post("_latent/model/t/_anchors", Map.of("ids", ids(0, n), "vectors", List.of(target))).ok();
        es.put("_latent/translator/s/t", fitBody).ok();
        return source;
    }

    static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("a" + i);
        }
        return ids;
    }

    static List<float[]> rows(float[][] m, int from, int to) {
        return List.of(m).subList(from, to);
    }

    /** One vector as base64 little-endian float32, the API's compact form. */
    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static double cosine(JsonNode a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < b.length; i++) {
            dot += a.get(i).asDouble() * b[i];
            na += a.get(i).asDouble() * a.get(i).asDouble();
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static float[] toFloats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }
}
