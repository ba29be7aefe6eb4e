package org.latentbridge.benchmarks;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.Calibration;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.metrics.RetrievalMetrics;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceTranslator;
import org.latentbridge.testing.Charts;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * How far translated queries get toward native retrieval (issue step 7), on the large corpus (10,426 documents) and
 * real encoders, at 1,000, 4,000 and 12,000 anchors, over several anchor draws.
 *
 * <ul>
 *   <li>Evaluation pages (3,000, fixed): their descriptions, embedded by the target model as documents, are the index;
 *       their one-line summaries are the queries. The first 400 are the labelled calibration pairs, the other 2,600
 *       the test queries every figure is measured on.</li>
 *   <li>Anchor texts come from the other 7,426 pages: each page's description and its summary (14,852 texts), so
 *       that anchors cover long documents and short query-like texts. Each draw shuffles them with its own seed.</li>
 *   <li>Methods: {@code orthogonal}; {@code orthogonal} with {@code mean_weight} calibrated on the 400 pairs;
 *       {@code orthogonal_kernel} as the anchors choose it; {@code orthogonal_kernel} calibrated (width,
 *       regularisation and mean weight); and the re-indexing path: the target's documents translated into the source
 *       model's space (orthogonal, document roles), searched with the source model's native queries.</li>
 * </ul>
 *
 * Exact cosine search stands for the kNN; ratios are to the target model's native queries on the same index.
 * Arguments: {@code [pairs=bge-small:minilm,...] [anchors=1000,4000,12000] [draws=3]}.
 */
public final class TranslationCeiling {
    private static final int EVAL_PAGES = 3000, CALIBRATION_PAIRS = 400, K = 10;

    private record Score(double hitAt10, double mrrAt10) {}

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String pairs = a.getOrDefault("pairs", "bge-small:minilm,minilm:bge-small,e5-small:minilm,minilm:e5-small,bge-small:e5-small,"
            + "e5-small:bge-small");
        int[] counts = Arrays.stream(a.getOrDefault("anchors", "1000,4000,12000").split(",")).mapToInt(Integer::parseInt).toArray();
        int draws = Integer.parseInt(a.getOrDefault("draws", "3"));
        Path results = Path.of(System.getProperty("latent.results.dir", "target/results"));
        ManPageCorpus corpus = ManPageCorpus.large();
        int size = corpus.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(0));
        int[] evalRows = order.subList(0, EVAL_PAGES).stream().mapToInt(Integer::intValue).toArray();
        int[] poolRows = order.subList(EVAL_PAGES, size).stream().mapToInt(Integer::intValue).toArray();
        System.out.printf(Locale.ROOT, "corpus %d documents; index %d, calibration pairs %d, test queries %d; anchor pool %d texts "
            + "(description and summary of %d pages); draws %d; %s kernels%n%n", size, EVAL_PAGES, CALIBRATION_PAIRS,
            EVAL_PAGES - CALIBRATION_PAIRS, 2 * poolRows.length, poolRows.length, draws,
            MatrixKernels.implementation());

        String[] methods = {"orthogonal", "orthogonal, calibrated mean_weight", "orthogonal_kernel", "orthogonal_kernel, calibrated",
            "re-index documents (orthogonal)"};
        System.out.println("| pair | method | anchors | recall@10 / native (mean, min-max over draws) | MRR@10 / native | "
            + "calibrated recall before -> after (cross-validated, on the 400 pairs) | settings (last draw) | fit s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Charts.Lines overall = new Charts.Lines();
        for (String pair : pairs.split(",")) {
            String[] st = pair.split(":");
            Encoder s = Encoder.byId(st[0]), t = Encoder.byId(st[1]);
            Pair p = new Pair(corpus, s, t, evalRows, poolRows);
            Score nativeScore = p.score(p.nativeQueries, p.index);
            System.out.printf(Locale.ROOT,
                "| %s -> %s | native recall@10 %.3f, MRR@10 %.3f; source-native after full re-embedding %.3f | | | | | | |%n",
                s.id(), t.id(), nativeScore.hitAt10(), nativeScore.mrrAt10(), p.score(p.sourceQueries, p.sourceIndex).hitAt10());
            Charts.Lines perPair = new Charts.Lines();
            double[] x = Arrays.stream(counts).asDoubleStream().toArray();
            double[][] meanRatio = new double[methods.length][counts.length];
            for (int c = 0; c < counts.length; c++) {
                double[][] ratio = new double[methods.length][draws], mrr = new double[methods.length][draws];
                String[] calib = new String[methods.length], settings = new String[methods.length];
                double[] seconds = new double[methods.length];
                for (int d = 0; d < draws; d++) {
                    List<Integer> texts = p.anchorTexts(counts[c], 100 + d);
                    AnchorSet sa = p.anchors(s, Role.QUERY, texts), ta = p.anchors(t, Role.DOCUMENT, texts);
                    for (int m = 0; m < methods.length; m++) {
                        long t0 = System.nanoTime();
                        Score score;
                        if (m == 4) {
                            // documents of the target, translated into the source's document space; source-native queries
                            AnchorSet from = p.anchors(t, Role.DOCUMENT, texts), to = p.anchors(s, Role.DOCUMENT, texts);
                            SpaceTranslator docs = TranslatorFitter.fit(from, to, FitOptions.defaults().withMethod(Method.ORTHOGONAL))
                                .translator();
                            float[] translatedIndex = p.translateRows(docs, p.index, t.dims());
                            score = p.score(p.sourceQueries, translatedIndex);
                        } else {
                            FitOptions options = FitOptions.defaults().withMethod(m < 2 ? Method.ORTHOGONAL : Method.ORTHOGONAL_KERNEL);
                            FitResult fit = TranslatorFitter.fit(sa, ta, options);
                            SpaceTranslator chosen = fit.translator();
                            settings[m] = fit.kernel() == null ? "" : String.format(Locale.ROOT, "temperature %s, lambda %s, centres %d",
                                fit.kernel().temperature(), fit.kernel().lambda(), fit.kernel().centres());
                            if (m == 1 || m == 3) {
                                List<Calibration.Candidate> candidates = Calibration.candidates(fit, sa, ta, options);
                                double[][] recall = new double[candidates.size()][];
                                for (int k = 0; k < candidates.size(); k++) {
                                    recall[k] = p.calibrationRecall(candidates.get(k).translator());
                                }
                                Calibration.Outcome o = Calibration.choose(recall, Calibration.DEFAULT_FOLDS, 0);
                                chosen = candidates.get(o.chosen()).translator();
                                settings[m] = candidates.get(o.chosen()).settings().toString();
                                calib[m] = String.format(Locale.ROOT, "%.3f -> %.3f", o.recallBefore(), o.recallAfter());
                            }
                            SpaceTranslator tr = chosen;
                            score = p.score(p.translateQueries(tr, p.sourceQueries), p.index);
                        }
                        seconds[m] += (System.nanoTime() - t0) / 1e9 / draws;
                        ratio[m][d] = score.hitAt10() / nativeScore.hitAt10();
                        mrr[m][d] = score.mrrAt10() / nativeScore.mrrAt10();
                    }
                }
                for (int m = 0; m < methods.length; m++) {
                    double[] r = ratio[m];
                    meanRatio[m][c] = mean(r);
                    System.out.printf(Locale.ROOT, "| | %s | %,d | %.3f (%.3f-%.3f) | %.3f | %s | %s | %.1f |%n", methods[m], counts[c],
                        mean(r), min(r), max(r), mean(mrr[m]), calib[m] == null ? "" : calib[m], settings[m] == null ? "" : settings[m],
                        seconds[m]);
                }
            }
            for (int m = 0; m < methods.length; m++) {
                perPair.add(methods[m], x, meanRatio[m]);
            }
            overall.add(s.id() + " -> " + t.id() + ", kernel calibrated", x, meanRatio[3]);
            Charts.lines(results, "ceiling-" + s.id() + "-" + t.id(), "recall@10 / native, " + s.id() + " queries -> " + t.id() + " index",
                "anchors", "recall@10 ratio to native", true, perPair);
        }
        Charts.lines(results, "ceiling-all-pairs", "recall@10 / native, orthogonal_kernel calibrated, every pair", "anchors",
            "recall@10 ratio to native", true, overall);
    }

    /** Everything one (source, target) pair needs, embedded once. */
    private static final class Pair {
        final ManPageCorpus corpus;
        final int[] evalRows, poolRows;
        final float[] index, sourceIndex;
        final float[][] sourceQueries, nativeQueries;

        Pair(ManPageCorpus corpus, Encoder s, Encoder t, int[] evalRows, int[] poolRows) {
            this.corpus = corpus;
            this.evalRows = evalRows;
            this.poolRows = poolRows;
            EmbeddingCache cache = EmbeddingCache.shared();
            this.index = flatten(slice(cache.embed(t, Role.DOCUMENT, corpus.descriptions()), evalRows));
            this.sourceIndex = flatten(slice(cache.embed(s, Role.DOCUMENT, corpus.descriptions()), evalRows));
            this.sourceQueries = slice(cache.embed(s, Role.QUERY, corpus.summaries()), evalRows);
            this.nativeQueries = slice(cache.embed(t, Role.QUERY, corpus.summaries()), evalRows);
        }

        /** Anchor texts of one draw: indices into the pool's descriptions (even) and summaries (odd). */
        List<Integer> anchorTexts(int count, long seed) {
            List<Integer> texts = new ArrayList<>();
            for (int i = 0; i < 2 * poolRows.length; i++) {
                texts.add(i);
            }
            Collections.shuffle(texts, new Random(seed));
            if (count > texts.size()) {
                throw new IllegalArgumentException("the anchor pool has " + texts.size() + " texts, fewer than " + count);
            }
            return texts.subList(0, count);
        }

        AnchorSet anchors(Encoder e, Role role, List<Integer> texts) {
            float[][] desc = EmbeddingCache.shared().embed(e, role, corpus.descriptions());
            float[][] sum = EmbeddingCache.shared().embed(e, role, corpus.summaries());
            List<String> ids = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int text : texts) {
                int row = poolRows[text / 2];
                ids.add((text % 2 == 0 ? "d:" : "s:") + corpus.pages().get(row).id());
                vectors.add(text % 2 == 0 ? desc[row] : sum[row]);
            }
            return AnchorSet.of(e.dims(), ids, vectors);
        }

        float[][] translateQueries(SpaceTranslator t, float[][] queries) {
            float[][] out = new float[queries.length][];
            for (int i = 0; i < queries.length; i++) {
                out[i] = t.translate(queries[i], true);
            }
            return out;
        }

        float[] translateRows(SpaceTranslator t, float[] rows, int dims) {
            int n = rows.length / dims;
            float[] out = new float[n * t.targetDims()];
            for (int i = 0; i < n; i++) {
                float[] v = t.translate(Arrays.copyOfRange(rows, i * dims, (i + 1) * dims), true);
                System.arraycopy(v, 0, out, i * v.length, v.length);
            }
            return out;
        }

        /** Recall@10 of each calibration pair under {@code t}: query i's one relevant document is index row i. */
        double[] calibrationRecall(SpaceTranslator t) {
            float[][] q = translateQueries(t, Arrays.copyOf(sourceQueries, CALIBRATION_PAIRS));
            int[] ranks = ranks(q, index, 0, CALIBRATION_PAIRS);
            double[] recall = new double[CALIBRATION_PAIRS];
            for (int i = 0; i < recall.length; i++) {
                recall[i] = ranks[i] <= K ? 1 : 0;
            }
            return recall;
        }

        /** Recall@10 and MRR@10 of the test queries (rows 400 onwards) against {@code docs}. */
        Score score(float[][] queries, float[] docs) {
            int[] ranks = ranks(queries, docs, CALIBRATION_PAIRS, queries.length);
            double hits = 0, rr = 0;
            for (int r : ranks) {
                if (r <= K) {
                    hits++;
                    rr += 1.0 / r;
                }
            }
            return new Score(hits / ranks.length, rr / ranks.length);
        }

        /** Rank of document row i for query row i, i in [from, to), by cosine over all documents. */
        private static int[] ranks(float[][] queries, float[] docs, int from, int to) {
            int dims = queries[from].length, n = docs.length / dims;
            float[] q = flatten(Arrays.copyOfRange(queries, from, to));
            double[] sim = RetrievalMetrics.cosineMatrix(q, docs, dims, Runtime.getRuntime().availableProcessors());
            int[] ranks = new int[to - from];
            for (int i = 0; i < ranks.length; i++) {
                int own = from + i;
                double ownScore = sim[i * n + own];
                int rank = 1;
                for (int j = 0; j < n; j++) {
                    if (j != own && sim[i * n + j] >= ownScore) {
                        rank++;
                    }
                }
                ranks[i] = rank;
            }
            return ranks;
        }
    }

    private static float[][] slice(float[][] all, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    private static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }
}
