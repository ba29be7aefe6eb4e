package org.latentbridge.benchmarks;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.fit.UnpairedPools;
import org.latentbridge.core.translate.Method;
import org.latentbridge.testing.Charts;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.RetrievalExperiment;
import org.latentbridge.testing.Role;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Fits from a handful of pairs plus unpaired pools, on real encoders and the large corpus (10,426 documents): recall@10
 * ratio to native of {@code functional_map}, {@code gromov_wasserstein} (same items only) and Procrustes on the pairs
 * alone (from 10 pairs), per pair of encoders, pool size {@code U} and pair count {@code k}. Prints a Markdown table and
 * renders one chart per setting and pool size under {@code latent.results.dir} (each beside its CSV).
 *
 * <p>Arguments: {@code [pairs=<all six ordered pairs>] [k=5,20,50,100,250,1000] [u=2000,5000] [k@5000=20,100]
 * [settings=different,same] [methods=functional_map,gromov_wasserstein]}. The corpus is shuffled (seed 0); the last 1,000
 * documents are the evaluation queries (their summaries, source model, query role) and the index (their descriptions,
 * target model, document role). Source vectors are in the query role, target vectors in the document role. With
 * {@code same}, both pools hold the first {@code U} documents (the pairing hidden: the pools' ids differ); with
 * {@code different}, the source pool holds the first {@code U} and the target pool the index plus the documents from
 * {@code U} on, so that no item is in both pools. The {@code k} pairs are the first {@code k} documents.
 */
public final class PoolFitQuality {
    private static final int EVAL = 1000;

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int[] ks = ints(a.getOrDefault("k", "5,20,50,100,250,1000"));
        int[] us = ints(a.getOrDefault("u", "2000,5000"));
        List<String> settings = List.of(a.getOrDefault("settings", "different,same").split(","));
        List<Method> methods = Arrays.stream(a.getOrDefault("methods", "functional_map,gromov_wasserstein").split(","))
            .map(Method::fromApiName).toList();
        String pairs = a.getOrDefault("pairs", "bge-small:minilm,minilm:bge-small,e5-small:minilm,minilm:e5-small,bge-small:e5-small,"
            + "e5-small:bge-small");
        Path results = Path.of(System.getProperty("latent.results.dir", "target/results"));
        ManPageCorpus corpus = ManPageCorpus.large();
        int n = corpus.size();
        System.out.printf(Locale.ROOT, "corpus: %d documents; evaluation queries and index %d; seed 0%n%n", n, EVAL);
        System.out.println("| pair | setting | U | pairs | procrustes | functional_map | gromov_wasserstein | fit (s) | mutual | weight |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        Map<String, Charts.Lines> charts = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            String[] st = pair.split(":");
            RetrievalExperiment ex = new RetrievalExperiment(corpus, Encoder.byId(st[0]), Encoder.byId(st[1]), n - EVAL, EVAL, 0);
            double nat = ex.nativeScores().hitAt10();
            AnchorSet sourceAll = ex.anchors(ex.source(), Role.QUERY), targetAll = ex.anchors(ex.target(), Role.DOCUMENT);
            AnchorSet index = ex.indexDocuments();
            for (int u : us) {
                int[] kAtU = a.containsKey("k@" + u) ? ints(a.get("k@" + u)) : ks;
                for (String setting : settings) {
                    boolean same = setting.equals("same");
                    AnchorSet sourcePool = rows(sourceAll, 0, u, "s");
                    AnchorSet targetPool = same ? rows(targetAll, 0, u, "t")
                        : AnchorSet.mergeAll(List.of(index, rows(targetAll, u, Math.min(targetAll.size(), 2 * u - EVAL), "t")));
                    Map<String, double[]> lines = new LinkedHashMap<>();
                    double[] x = Arrays.stream(kAtU).asDoubleStream().toArray();
                    for (int c = 0; c < kAtU.length; c++) {
                        int k = kAtU[c];
                        AnchorSet source = rows(sourceAll, 0, k, ""), target = rows(targetAll, 0, k, "");
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s -> %s | %s | %,d | %,d |", st[0], st[1],
                            setting, u, k));
                        double procrustes = Double.NaN;
                        if (k >= TranslatorFitter.MIN_SHARED_ANCHORS) {
                            FitResult o = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL));
                            procrustes = ex.score(v -> o.translator().translate(v, true)).hitAt10() / nat;
                        }
                        line.append(Double.isNaN(procrustes) ? " - |" : String.format(Locale.ROOT, " %.3f |", procrustes));
                        series(lines, "procrustes", kAtU.length)[c] = procrustes;
                        StringBuilder details = new StringBuilder();
                        for (Method m : List.of(Method.FUNCTIONAL_MAP, Method.GROMOV_WASSERSTEIN)) {
                            if (methods.contains(m) == false || (m == Method.GROMOV_WASSERSTEIN && same == false)) {
                                line.append(" - |");
                                continue;
                            }
                            FitResult f = TranslatorFitter.fit(source, target, new UnpairedPools(sourcePool, targetPool),
                                FitOptions.defaults().withMethod(m));
                            double ratio = ex.score(v -> f.translator().translate(v, true)).hitAt10() / nat;
                            series(lines, m.apiName(), kAtU.length)[c] = ratio;
                            line.append(String.format(Locale.ROOT, " %.3f |", ratio));
                            details.append(String.format(Locale.ROOT, "%s%.1f", details.isEmpty() ? "" : " / ", f.tookMillis() / 1000.0));
                            if (details.indexOf("|") < 0) { // the share and weight of the first method run
                                details.append(String.format(Locale.ROOT, "|%.2f%s|%.2f", f.pools().mutualMatchShare(),
                                    f.pools().recovered() ? "" : " (not recovered)", f.pools().pairWeight()));
                            }
                        }
                        String[] d = details.toString().split("\\|", -1);
                        line.append(" ").append(d[0]).append(" | ").append(d.length > 1 ? d[1] : "-").append(" | ")
                            .append(d.length > 2 ? d[2] : "-").append(" |");
                        System.out.println(line);
                    }
                    Charts.Lines chart = charts.computeIfAbsent(setting + "-u" + u, key -> new Charts.Lines());
                    // the points a method has (procrustes needs 10 pairs, gromov_wasserstein the same items)
                    lines.forEach((name, y) -> {
                        int[] has = IntStream.range(0, y.length).filter(i -> Double.isFinite(y[i])).toArray();
                        if (has.length > 0) {
                            chart.add(st[0] + " -> " + st[1] + " " + name, Arrays.stream(has).mapToDouble(i -> x[i]).toArray(),
                                Arrays.stream(has).mapToDouble(i -> y[i]).toArray());
                        }
                    });
                }
            }
        }
        charts.forEach((key, lines) -> Charts.lines(results, "pool-fit-" + key, "recall@10 / native from k pairs plus unpaired pools ("
            + key.replace("-u", ", U = ") + ")", "pairs", "recall@10 ratio to native", true, lines));
        System.out.println();
        System.out.println("charts and their data: " + results.toAbsolutePath());
    }

    private static double[] series(Map<String, double[]> lines, String name, int size) {
        return lines.computeIfAbsent(name, key -> {
            double[] y = new double[size];
            Arrays.fill(y, Double.NaN);
            return y;
        });
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static AnchorSet rows(AnchorSet set, int from, int to, String prefix) {
        int d = set.dims();
        String[] ids = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = prefix + set.id(i);
        }
        return AnchorSet.ofMatrix(d, ids, Arrays.copyOfRange(set.matrix(), from * d, to * d));
    }

}
