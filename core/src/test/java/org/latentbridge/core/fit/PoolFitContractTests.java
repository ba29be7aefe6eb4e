package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Translator;

import java.util.Random;

/**
 * The translator contract for [functional_map]: the anchors are the pairs, and each side's pool is jittered copies of its
 * own anchors (1 % relative noise per component, seeded), as many copies as make at least {@link #POOL} vectors, so that
 * every shape has a pool of the least size a fit takes, whose scale follows the anchors'.
 */
class PoolFitContractTests extends TranslatorContract {
    static final int POOL = PoolFit.MIN_POOL + 50;

    @Override
    Translator build(AnchorSet source, AnchorSet target, long seed) {
        return TranslatorFitter.fit(source, target, new UnpairedPools(jittered(source, "s", seed), jittered(target, "t", seed + 1)),
            FitOptions.defaults().withMethod(Method.FUNCTIONAL_MAP).withSeed(seed)).translator();
    }

    static AnchorSet jittered(AnchorSet anchors, String prefix, long seed) {
        Random random = new Random(seed);
        int n = anchors.size(), d = anchors.dims(), copies = (POOL + n - 1) / n;
        float[] m = new float[copies * n * d];
        String[] ids = new String[copies * n];
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < n; i++) {
                int row = c * n + i;
                ids[row] = prefix + c + "-" + i;
                for (int j = 0; j < d; j++) {
                    float v = anchors.matrix()[i * d + j];
                    m[row * d + j] = (float) (v * (1 + 0.01 * random.nextGaussian()));
                }
            }
        }
        return AnchorSet.ofMatrix(d, ids, m);
    }
}
