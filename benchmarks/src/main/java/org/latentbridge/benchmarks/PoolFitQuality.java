package org.latentbridge.benchmarks;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.fit.UnpairedPools;
import org.latentbridge.core.translate.Method;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.RetrievalExperiment;
import org.latentbridge.testing.Role;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits from a handful of pairs plus unpaired pools, on real encoders and the large corpus: recall@10 ratio to native of
 * {@code functional_map}, {@code gromov_wasserstein} (same items only) and Procrustes on the pairs alone.
 *
 * <p>Arguments: {@code [pairs=bge-small:minilm] [k=5,20,100] [u=2000] [settings=different,same] [methods=functional_map]}.
 * The corpus is shuffled (seed 0); the last 1,000 documents are the evaluation queries and the index. With {@code same},
 * both pools hold the first {@code u} documents (pairing hidden); with {@code different}, the source pool holds the first
 * {@code u} and the target pool the index plus the documents after the first {@code u}, so no item is in both pools. The
 * {@code k} pairs are the first {@code k} documents.
 */
public final class PoolFitQuality {
    private static final int EVAL = 1000;

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int[] ks = Arrays.stream(a.getOrDefault("k", "5,20,100").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] us = Arrays.stream(a.getOrDefault("u", "2000").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> settings = List.of(a.getOrDefault("settings", "different,same").split(","));
        List<Method> methods = Arrays.stream(a.getOrDefault("methods", "functional_map").split(",")).map(Method::fromApiName).toList();
        ManPageCorpus corpus = ManPageCorpus.large();
        int n = corpus.size();
        for (String pair : a.getOrDefault("pairs", "bge-small:minilm").split(",")) {
            String[] st = pair.split(":");
            RetrievalExperiment ex = new RetrievalExperiment(corpus, Encoder.byId(st[0]), Encoder.byId(st[1]), n - EVAL, EVAL, 0);
            double nat = ex.nativeScores().hitAt10();
            AnchorSet sourceAll = ex.anchors(ex.source(), Role.QUERY), targetAll = ex.anchors(ex.target(), Role.DOCUMENT);
            AnchorSet index = ex.indexDocuments();
            for (int u : us) {
                for (String setting : settings) {
                    AnchorSet sourcePool = rows(sourceAll, 0, u, "s");
                    AnchorSet targetPool = setting.equals("same") ? rows(targetAll, 0, u, "t")
                        : concat(index, rows(targetAll, u, Math.min(targetAll.size(), 2 * u - EVAL), "t"));
                    for (int k : ks) {
                        AnchorSet source = rows(sourceAll, 0, k, ""), target = rows(targetAll, 0, k, "");
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s -> %s | %s | %d | %d |", st[0], st[1], setting,
                            u, k));
                        if (k >= TranslatorFitter.MIN_SHARED_ANCHORS) {
                            FitResult o = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL));
                            line.append(String.format(Locale.ROOT, " %.3f |", ex.score(v -> o.translator().translate(v, true)).hitAt10() / nat));
                        } else {
                            line.append(" - |");
                        }
                        for (Method m : methods) {
                            if (m == Method.GROMOV_WASSERSTEIN && setting.equals("same") == false) {
                                line.append(" - |");
                                continue;
                            }
                            FitResult f = TranslatorFitter.fit(source, target, new UnpairedPools(sourcePool, targetPool),
                                FitOptions.defaults().withMethod(m));
                            double ratio = ex.score(v -> f.translator().translate(v, true)).hitAt10() / nat;
                            line.append(String.format(Locale.ROOT, " %.3f (w %.2f, mutual %.2f, cv mrr %.3f, %.1f s) |", ratio,
                                f.pools().pairWeight(), f.pools().mutualMatchShare(), f.chosenMetrics().mrr(), f.tookMillis() / 1000.0));
                        }
                        System.out.println(line);
                    }
                }
            }
        }
    }

    private static AnchorSet rows(AnchorSet set, int from, int to, String prefix) {
        int d = set.dims();
        String[] ids = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = prefix + set.id(i);
        }
        return AnchorSet.ofMatrix(d, ids, Arrays.copyOfRange(set.matrix(), from * d, to * d));
    }

    private static AnchorSet concat(AnchorSet a, AnchorSet b) {
        return AnchorSet.mergeAll(List.of(a, b));
    }
}
