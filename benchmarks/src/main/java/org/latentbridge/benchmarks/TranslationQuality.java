package org.latentbridge.benchmarks;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceTranslator;
import org.latentbridge.testing.Charts;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.RetrievalExperiment;
import org.latentbridge.testing.Role;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Translation quality on real encoders and the manual-page corpus: held-out anchor metrics per method, cross-model
 * retrieval against the native and untranslated baselines, the mean weight that serves retrieval best, and what the
 * anchor count buys. Prints tables for BENCHMARKS.md.
 *
 * <p>Arguments: {@code [anchors=1500] [eval=800] [pairs=bge-small:minilm,minilm:bge-small,e5-small:minilm] [seed=0]}.
 */
public final class TranslationQuality {
    private static final double[] MEAN_WEIGHTS = {0, 0.25, 0.5, 0.75, 1.0};
    private static final int[] ANCHOR_COUNTS = {250, 500, 1000, 1500};

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int anchors = Integer.parseInt(a.getOrDefault("anchors", "1500"));
        int eval = Integer.parseInt(a.getOrDefault("eval", "800"));
        long seed = Long.parseLong(a.getOrDefault("seed", "0"));
        String pairs = a.getOrDefault("pairs", "bge-small:minilm,minilm:bge-small,e5-small:minilm");
        ManPageCorpus corpus = ManPageCorpus.load();
        if (a.containsKey("sweep")) {
            sweep(corpus.withFoldoc(3000), pairs, seed);
            return;
        }
        System.out.printf(Locale.ROOT, "corpus: %d manual pages; anchors %d, evaluation queries %d, seed %d%n%n", corpus.size(), anchors,
            eval, seed);
        for (String pair : pairs.split(",")) {
            String[] st = pair.split(":");
            report(new RetrievalExperiment(corpus, Encoder.byId(st[0]), Encoder.byId(st[1]), anchors, eval, seed), anchors);
        }
    }

    /**
     * Recall@10 ratio to native for every pair, method and anchor count from 500 to 4,000, on the manual pages plus 3,000
     * FOLDOC terms: the first 4,000 shuffled documents are the anchor pool, the rest the evaluation queries. Prints a
     * Markdown table and renders, under {@code latent.results.dir}, one chart of the ratio per pair, one of the auto
     * translator across pairs, and one of fit time against anchor count per method (each with its CSV).
     */
    private static void sweep(ManPageCorpus corpus, String pairs, long seed) {
        int pool = 4000, eval = corpus.size() - pool;
        int[] counts = {500, 1000, 2000, 4000};
        double[] x = Arrays.stream(counts).asDoubleStream().toArray();
        Path results = Path.of(System.getProperty("latent.results.dir", "target/results"));
        System.out.printf(Locale.ROOT, "corpus: %d documents (manual pages + FOLDOC); anchor pool %d, evaluation queries %d, seed %d%n%n",
            corpus.size(), pool, eval, seed);
        System.out.println("| pair | method | 500 | 1,000 | 2,000 | 4,000 |");
        System.out.println("|---|---|---|---|---|---|");
        Charts.Lines autoAcrossPairs = new Charts.Lines();
        Map<String, double[]> fitMillis = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            String[] st = pair.split(":");
            RetrievalExperiment ex = new RetrievalExperiment(corpus, Encoder.byId(st[0]), Encoder.byId(st[1]), pool, eval, seed);
            double nat = ex.nativeScores().hitAt10();
            double untranslated = ex.score(UnaryOperator.identity()).hitAt10() / nat;
            System.out.printf(Locale.ROOT, "| %s -> %s | native hit@10 %.3f, untranslated %.3f of native | | | | |%n", st[0], st[1], nat,
                untranslated);
            Charts.Lines perMethod = new Charts.Lines();
            for (Method m : new Method[] {null, Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE, Method.INVERSE_RELATIVE}) {
                String name = m == null ? "auto" : m.apiName();
                StringBuilder row = new StringBuilder("| | " + name + " |");
                double[] ratios = new double[counts.length], millis = new double[counts.length];
                for (int c = 0; c < counts.length; c++) {
                    int n = counts[c];
                    AnchorSet source = ex.anchors(ex.source(), Role.QUERY, n), target = ex.anchors(ex.target(), Role.DOCUMENT, n);
                    FitResult fit = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(m));
                    ratios[c] = ex.score(v -> fit.translator().translate(v, true)).hitAt10() / nat;
                    millis[c] = fit.tookMillis();
                    row.append(String.format(Locale.ROOT, " %.3f%s |", ratios[c],
                        m == null ? " (" + fit.method().apiName().charAt(0) + ")" : ""));
                }
                System.out.println(row);
                perMethod.add(name, x, ratios);
                fitMillis.put(name, millis); // fit times from the last pair, with the JIT warm: they depend on the shapes, not the models
                if (m == null) {
                    autoAcrossPairs.add(st[0] + " -> " + st[1], x, ratios);
                }
            }
            StringBuilder row = new StringBuilder("| | relative field (docs by target anchors, queries by source anchors) |");
            double[] relative = new double[counts.length];
            for (int c = 0; c < counts.length; c++) {
                int n = counts[c];
                RelativeProjection docs = RelativeProjection.of(ex.anchors(ex.target(), Role.DOCUMENT, n), Preprocessing.DEFAULT);
                RelativeProjection queries = RelativeProjection.of(ex.anchors(ex.source(), Role.QUERY, n), Preprocessing.DEFAULT);
                relative[c] = ex.scoreRelative(v -> docs.translate(v, true), v -> queries.translate(v, true)).hitAt10() / nat;
                row.append(String.format(Locale.ROOT, " %.3f |", relative[c]));
            }
            System.out.println(row);
            perMethod.add("relative field", x, relative);
            perMethod.add("untranslated", x, constant(untranslated, counts.length));
            Charts.lines(results, "recall-" + st[0] + "-to-" + st[1], "recall@10 / native: " + st[0] + " queries -> " + st[1]
                + " documents", "anchors", "recall@10 ratio to native", false, perMethod);
        }
        Charts.lines(results, "recall-auto-all-pairs", "recall@10 / native of the auto translator, every pair", "anchors",
            "recall@10 ratio to native", false, autoAcrossPairs);
        Charts.Lines fit = new Charts.Lines();
        fitMillis.forEach((name, millis) -> fit.add(name, x, millis));
        Charts.lines(results, "fit-time", "fit time, 384 -> 384 dimensions (auto: all four candidates and the refit)", "anchors",
            "milliseconds", false, fit);
        System.out.println();
        System.out.println("charts and their data: " + results.toAbsolutePath());
    }

    private static double[] constant(double value, int n) {
        double[] out = new double[n];
        Arrays.fill(out, value);
        return out;
    }

    private static void report(RetrievalExperiment ex, int anchors) {
        System.out.printf(Locale.ROOT, "## %s -> %s%n%n", ex.source().id(), ex.target().id());
        RetrievalExperiment.Scores nat = ex.nativeScores();
        RetrievalExperiment.Scores none = ex.score(UnaryOperator.identity());
        for (Role sourceRole : new Role[] {Role.QUERY, Role.DOCUMENT}) {
            AnchorSet source = ex.anchors(ex.source(), sourceRole), target = ex.anchors(ex.target(), Role.DOCUMENT);
            FitResult auto = TranslatorFitter.fit(source, target, FitOptions.defaults());
            System.out.printf(Locale.ROOT, "source anchors in role %s; auto chose %s (fit %d ms); diagnostics cka %.3f, warnings %s%n%n",
                sourceRole.name().toLowerCase(Locale.ROOT), auto.method().apiName(), auto.tookMillis(), auto.diagnostics().cka(),
                auto.diagnostics().warnings());
            System.out.println("| method | held-out top1 | top10 | mrr | mean cos | query hit@1 | hit@10 | mrr | hit@10 / native "
                + "| top-10 overlap with native |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            row("native (target model)", null, nat, nat);
            row("untranslated", null, none, nat);
            for (Map.Entry<Method, HeldOutMetrics> m : auto.metrics().entrySet()) {
                FitResult one = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(m.getKey()));
                LinearTranslator t = one.linearTranslator();
                row(m.getKey().apiName(), m.getValue(), ex.score(v -> t.translate(v, true)), nat);
            }
            System.out.println();
            System.out.println("mean_weight (auto translator, postprocessing only):");
            System.out.println();
            System.out.println("| mean_weight | hit@10 | mrr | hit@10 / native | top-10 overlap |");
            System.out.println("|---|---|---|---|---|");
            for (double w : MEAN_WEIGHTS) {
                SpaceTranslator t = auto.translator().withMeanWeight(w);
                RetrievalExperiment.Scores s = ex.score(v -> t.translate(v, true));
                System.out.printf(Locale.ROOT, "| %.2f | %.3f | %.3f | %.3f | %.3f |%n", w, s.hitAt10(), s.mrr(),
                    s.hitAt10() / nat.hitAt10(), s.overlapAt10WithNative());
            }
            System.out.println();
        }
        System.out.println("anchor count (source role query, orthogonal and auto):");
        System.out.println();
        System.out.println("| anchors | method | held-out top1 | hit@10 / native | top-10 overlap |");
        System.out.println("|---|---|---|---|---|");
        for (int n : ANCHOR_COUNTS) {
            if (n > anchors) {
                continue;
            }
            AnchorSet source = ex.anchors(ex.source(), Role.QUERY, n), target = ex.anchors(ex.target(), Role.DOCUMENT, n);
            for (Method m : new Method[] {Method.ORTHOGONAL, null}) {
                FitResult fit = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(m));
                RetrievalExperiment.Scores s = ex.score(v -> fit.translator().translate(v, true));
                System.out.printf(Locale.ROOT, "| %d | %s | %.3f | %.3f | %.3f |%n", n, m == null ? "auto (" + fit.method().apiName() + ")"
                    : m.apiName(), fit.chosenMetrics().top1(), s.hitAt10() / nat.hitAt10(), s.overlapAt10WithNative());
            }
        }
        System.out.println();
    }

    private static void row(String name, HeldOutMetrics h, RetrievalExperiment.Scores s, RetrievalExperiment.Scores nat) {
        String held = h == null ? "| - | - | - | - " : String.format(Locale.ROOT, "| %.3f | %.3f | %.3f | %.3f ", h.top1(), h.top10(),
            h.mrr(), h.meanCosine());
        System.out.printf(Locale.ROOT, "| %s %s| %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, held, s.hitAt1(), s.hitAt10(), s.mrr(),
            s.hitAt10() / nat.hitAt10(), s.overlapAt10WithNative());
    }
}
