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

import com.sun.management.OperatingSystemMXBean;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far translated queries get toward native retrieval, on the large corpus (10,426 documents) and real encoders,
 * per fit method and anchor count, over several anchor draws.
 *
 * <ul>
 *   <li>Evaluation pages (3,000, fixed): their descriptions, embedded by the target model as documents, are the index;
 *       their one-line summaries are the queries. The first 400 are the labelled calibration pairs, the other 2,600
 *       the test queries every figure is measured on.</li>
 *   <li>Anchor texts come from the other 7,426 pages: each page's description and its summary (14,852 texts), so
 *       that anchors cover long documents and short query-like texts. Draw {@code d} shuffles them with seed
 *       {@code 100 + d}, so a draw is the same anchors in every run and for every method.</li>
 *   <li>Each method is fitted once per draw and scored twice: at its default {@code mean_weight}, and calibrated on the
 *       400 labelled pairs ({@link Calibration}: the mean weight, and for {@code orthogonal_kernel} also the width and
 *       regularisation around the anchors' choice). {@code reindex} is the other path: the target's documents
 *       translated into the source model's space (orthogonal, document roles), searched with the source's native
 *       queries.</li>
 * </ul>
 *
 * Exact cosine search stands for the kNN; ratios are to the target model's native queries on the same index. Every
 * measured row is appended to {@code ceiling-rows.csv} in the results directory, and the charts and the closing summary
 * are drawn from that file, so runs split over pairs and anchor counts add up to one report.
 *
 * <p>Arguments: {@code pairs=bge-small:minilm,...}, {@code methods=orthogonal,contrastive,orthogonal_kernel} (also
 * {@code reindex}), {@code counts=500,1000,4000,12000}, {@code draws=3} or one per count ({@code 3,3,1,1}; by default
 * three up to 1,000 anchors and one above), {@code kernel_calibration=true}, {@code render=true} (charts and summary
 * from the rows file only, no fitting).
 */
public final class TranslationCeiling {
    private static final int EVAL_PAGES = 3000, CALIBRATION_PAIRS = 400, K = 10;
    private static final String DEFAULT_PAIRS = "bge-small:minilm,minilm:bge-small,e5-small:minilm,minilm:e5-small,"
        + "bge-small:e5-small,e5-small:bge-small";
    private static final String DEFAULT_METHODS = "orthogonal,contrastive,orthogonal_kernel";
    private static final String DEFAULT_COUNTS = "500,1000,4000,12000";
    /** Above this many anchors a draw takes long enough that the default is one draw. */
    private static final int CHEAP_COUNT = 1000;
    private static final long FIRST_DRAW_SEED = 100;
    private static final String REINDEX = "reindex";
    private static final String ROWS_FILE = "ceiling-rows.csv";
    private static final String ROWS_HEADER = "pair,method,variant,anchors,draw,recall_ratio,mrr_ratio,recall,mrr,native_recall,"
        + "native_mrr,fit_seconds,fit_cpu_seconds,chosen_step,refit_steps,settings,calibration";

    private record Score(double hitAt10, double mrrAt10) {}

    /** One measured cell: a method's variant at one anchor count and draw. */
    private record Row(String pair, String method, String variant, int anchors, int draw, double recallRatio, double mrrRatio,
                       double recall, double mrr, double nativeRecall, double nativeMrr, double fitSeconds, double fitCpuSeconds,
                       int chosenStep,
                       int refitSteps, String settings, String calibration) {

        String csv() {
            return String.join(",", pair, method, variant, Integer.toString(anchors), Integer.toString(draw), num(recallRatio),
                num(mrrRatio), num(recall), num(mrr), num(nativeRecall), num(nativeMrr), num(fitSeconds), num(fitCpuSeconds),
                Integer.toString(chosenStep),
                Integer.toString(refitSteps), quote(settings), quote(calibration));
        }

        static Row parse(String line) {
            List<String> f = splitCsv(line);
            return new Row(f.get(0), f.get(1), f.get(2), Integer.parseInt(f.get(3)), Integer.parseInt(f.get(4)),
                Double.parseDouble(f.get(5)), Double.parseDouble(f.get(6)), Double.parseDouble(f.get(7)), Double.parseDouble(f.get(8)),
                Double.parseDouble(f.get(9)), Double.parseDouble(f.get(10)), Double.parseDouble(f.get(11)), Double.parseDouble(f.get(12)),
                Integer.parseInt(f.get(13)), Integer.parseInt(f.get(14)), f.get(15), f.get(16));
        }

        String series() {
            return variant.isEmpty() ? method : method + ", " + variant;
        }
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        Path results = Path.of(System.getProperty("latent.results.dir", "target/results"));
        if (Boolean.parseBoolean(a.getOrDefault("render", "false"))) {
            List<Row> rows = readRows(results);
            render(results, rows);
            summarise(rows);
            return;
        }
        String[] pairs = a.getOrDefault("pairs", DEFAULT_PAIRS).split(",");
        List<String> methods = List.of(a.getOrDefault("methods", DEFAULT_METHODS).split(","));
        for (String m : methods) {
            if (m.equals(REINDEX) == false) {
                Method.fromApiName(m); // refuses an unknown name before any embedding is read
            }
        }
        int[] counts = Arrays.stream(a.getOrDefault("counts", a.getOrDefault("anchors", DEFAULT_COUNTS)).split(","))
            .mapToInt(Integer::parseInt).toArray();
        int[] draws = draws(a.get("draws"), counts);
        boolean kernelCalibration = Boolean.parseBoolean(a.getOrDefault("kernel_calibration", "true"));

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
            + "(description and summary of %d pages); methods %s; anchors %s, draws %s; kernel calibration %b; %s kernels; %d cores%n%n",
            size, EVAL_PAGES, CALIBRATION_PAIRS, EVAL_PAGES - CALIBRATION_PAIRS, 2 * poolRows.length, poolRows.length, methods,
            Arrays.toString(counts), Arrays.toString(draws), kernelCalibration, MatrixKernels.implementation(),
            Runtime.getRuntime().availableProcessors());
        System.out.println("| pair | method | anchors | recall@10 / native (mean, min-max over draws) | MRR@10 / native | "
            + "calibrated recall before -> after (cross-validated, on the 400 pairs) | settings (last draw) | fit s, wall (CPU) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String pair : pairs) {
            String[] st = pair.split(":");
            Encoder s = Encoder.byId(st[0]), t = Encoder.byId(st[1]);
            String pairName = s.id() + " -> " + t.id();
            Pair p = new Pair(corpus, s, t, evalRows, poolRows);
            Score nativeScore = p.score(p.nativeQueries, p.index);
            System.out.printf(Locale.ROOT,
                "| **%s** | native recall@10 %.3f, MRR@10 %.3f; source-native after full re-embedding %.3f | | | | | | |%n",
                pairName, nativeScore.hitAt10(), nativeScore.mrrAt10(), p.score(p.sourceQueries, p.sourceIndex).hitAt10());
            for (int c = 0; c < counts.length; c++) {
                List<Row> cell = new ArrayList<>();
                List<String> optimiser = new ArrayList<>();
                for (int d = 0; d < draws[c]; d++) {
                    List<Integer> texts = p.anchorTexts(counts[c], FIRST_DRAW_SEED + d);
                    AnchorSet sa = p.anchors(s, Role.QUERY, texts), ta = p.anchors(t, Role.DOCUMENT, texts);
                    Map<String, Row> fitOf = new LinkedHashMap<>();
                    for (String method : methods) {
                        List<Row> rows = method.equals(REINDEX)
                            ? List.of(p.reindex(pairName, s, t, texts, counts[c], d, nativeScore))
                            : p.measure(pairName, Method.fromApiName(method), sa, ta, counts[c], d, nativeScore,
                                method.equals(Method.ORTHOGONAL_KERNEL.apiName()) == false || kernelCalibration);
                        rows.forEach(r -> appendRow(results, r));
                        cell.addAll(rows);
                        fitOf.put(method, rows.get(0));
                        Row first = rows.get(0);
                        if (method.equals(Method.CONTRASTIVE.apiName())) {
                            optimiser.add(String.format(Locale.ROOT, "draw %d: contrastive chose step %d (%s), refit %d steps", d,
                                first.chosenStep(), first.settings(), first.refitSteps()));
                        }
                    }
                    Row orthogonal = fitOf.get(Method.ORTHOGONAL.apiName()), contrastive = fitOf.get(Method.CONTRASTIVE.apiName());
                    if (orthogonal != null && contrastive != null) {
                        optimiser.add(String.format(Locale.ROOT, "draw %d: fit contrastive %.2f s wall (%.2f s CPU), "
                            + "orthogonal %.2f s wall (%.2f s CPU): ratio %.1f wall, %.1f CPU", d, contrastive.fitSeconds(),
                            contrastive.fitCpuSeconds(), orthogonal.fitSeconds(), orthogonal.fitCpuSeconds(),
                            contrastive.fitSeconds() / orthogonal.fitSeconds(), contrastive.fitCpuSeconds() / orthogonal.fitCpuSeconds()));
                    }
                }
                printCell(cell, counts[c]);
                int anchors = counts[c];
                optimiser.forEach(line -> System.out.println("    " + pairName + " at " + anchors + " anchors, " + line));
            }
            render(results, readRows(results));
        }
        System.out.println();
        summarise(readRows(results));
    }

    /** Draws per anchor count: one number for all counts, one per count, or by default three up to 1,000 anchors. */
    private static int[] draws(String arg, int[] counts) {
        if (arg == null) {
            return Arrays.stream(counts).map(n -> n <= CHEAP_COUNT ? 3 : 1).toArray();
        }
        int[] given = Arrays.stream(arg.split(",")).mapToInt(Integer::parseInt).toArray();
        if (given.length == 1) {
            int[] all = new int[counts.length];
            Arrays.fill(all, given[0]);
            return all;
        }
        if (given.length != counts.length) {
            throw new IllegalArgumentException("[draws] has " + given.length + " values for " + counts.length + " anchor counts");
        }
        return given;
    }

    /** The cell's table rows: one per method variant, the mean and range over its draws. */
    private static void printCell(List<Row> cell, int anchors) {
        Map<String, List<Row>> bySeries = new LinkedHashMap<>();
        cell.forEach(r -> bySeries.computeIfAbsent(r.series(), k -> new ArrayList<>()).add(r));
        bySeries.forEach((series, rows) -> {
            double[] ratio = rows.stream().mapToDouble(Row::recallRatio).toArray();
            double[] mrr = rows.stream().mapToDouble(Row::mrrRatio).toArray();
            double fit = rows.stream().mapToDouble(Row::fitSeconds).average().orElseThrow();
            double cpu = rows.stream().mapToDouble(Row::fitCpuSeconds).average().orElseThrow();
            Row last = rows.get(rows.size() - 1);
            System.out.printf(Locale.ROOT, "| | %s | %,d | %.3f (%.3f-%.3f) | %.3f | %s | %s | %.2f (%.2f CPU) |%n", series,
                anchors, mean(ratio), min(ratio), max(ratio), mean(mrr), last.calibration(), last.settings(), fit, cpu);
        });
        System.out.flush();
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

        /**
         * One fit of {@code method} and its two readings: at the default mean weight, and calibrated on the labelled pairs
         * (when {@code calibrate}). The fit time is the fit's own, scoring excluded.
         */
        List<Row> measure(String pair, Method method, AnchorSet sa, AnchorSet ta, int anchors, int draw, Score nativeScore,
                          boolean calibrate) {
            FitOptions options = FitOptions.defaults().withMethod(method);
            long t0 = System.nanoTime(), cpu0 = processCpuNanos();
            FitResult fit = TranslatorFitter.fit(sa, ta, options);
            double seconds = (System.nanoTime() - t0) / 1e9, cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
            int chosenStep = fit.contrastive() == null ? -1 : fit.contrastive().chosenStep();
            int refitSteps = fit.contrastive() == null ? -1 : fit.contrastive().refitSteps();
            String settings = fit.kernel() != null
                ? String.format(Locale.ROOT, "temperature %s; lambda %s; centres %d", fit.kernel().temperature(), fit.kernel().lambda(),
                    fit.kernel().centres())
                : fit.contrastive() != null
                    ? String.format(Locale.ROOT, "max_steps %d; validation loss %.4f -> %.4f", fit.contrastive().settings().maxSteps(),
                        fit.contrastive().startLoss(), fit.contrastive().chosenLoss())
                    : "";
            List<Row> rows = new ArrayList<>();
            Score plain = score(translateQueries(fit.translator(), sourceQueries), index);
            rows.add(row(pair, method.apiName(), "", anchors, draw, plain, nativeScore, seconds, cpuSeconds, chosenStep, refitSteps,
                settings, ""));
            if (calibrate) {
                List<Calibration.Candidate> candidates = Calibration.candidates(fit, sa, ta, options);
                double[][] recall = new double[candidates.size()][];
                for (int k = 0; k < candidates.size(); k++) {
                    recall[k] = calibrationRecall(candidates.get(k).translator());
                }
                Calibration.Outcome o = Calibration.choose(recall, Calibration.DEFAULT_FOLDS, 0);
                Calibration.Candidate chosen = candidates.get(o.chosen());
                Score calibrated = score(translateQueries(chosen.translator(), sourceQueries), index);
                rows.add(row(pair, method.apiName(), "calibrated", anchors, draw, calibrated, nativeScore, seconds, cpuSeconds, chosenStep,
                    refitSteps,
                    chosen.settings().toString().replace(", ", "; "),
                    String.format(Locale.ROOT, "%.3f -> %.3f", o.recallBefore(), o.recallAfter())));
            }
            return rows;
        }

        /** The re-indexing path: target documents translated into the source's document space, source-native queries. */
        Row reindex(String pair, Encoder s, Encoder t, List<Integer> texts, int anchors, int draw, Score nativeScore) {
            AnchorSet from = anchors(t, Role.DOCUMENT, texts), to = anchors(s, Role.DOCUMENT, texts);
            long t0 = System.nanoTime(), cpu0 = processCpuNanos();
            SpaceTranslator docs = TranslatorFitter.fit(from, to, FitOptions.defaults().withMethod(Method.ORTHOGONAL)).translator();
            double seconds = (System.nanoTime() - t0) / 1e9, cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
            Score score = score(sourceQueries, translateRows(docs, index, t.dims()));
            return row(pair, REINDEX, "", anchors, draw, score, nativeScore, seconds, cpuSeconds, -1, -1, "orthogonal, document roles", "");
        }

        private static Row row(String pair, String method, String variant, int anchors, int draw, Score score, Score nativeScore,
                               double seconds, double cpuSeconds, int chosenStep, int refitSteps, String settings,
                               String calibration) {
            return new Row(pair, method, variant, anchors, draw, score.hitAt10() / nativeScore.hitAt10(),
                score.mrrAt10() / nativeScore.mrrAt10(), score.hitAt10(), score.mrrAt10(), nativeScore.hitAt10(), nativeScore.mrrAt10(),
                seconds, cpuSeconds, chosenStep, refitSteps, settings, calibration);
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

    /** CPU time of every thread of this process: a fit's cost on a machine whose other users stretch its wall time. */
    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // ---- the rows file, the charts and the summary ----

    private static void appendRow(Path results, Row row) {
        try {
            Files.createDirectories(results);
            Path file = results.resolve(ROWS_FILE);
            String text = (Files.exists(file) ? "" : ROWS_HEADER + "\n") + row.csv() + "\n";
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + results.resolve(ROWS_FILE), e);
        }
    }

    /** Every row measured so far; a later row for the same pair, series, anchor count and draw replaces an earlier one. */
    private static List<Row> readRows(Path results) {
        Path file = results.resolve(ROWS_FILE);
        if (Files.exists(file) == false) {
            return List.of();
        }
        Map<String, Row> latest = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank() == false) {
                    Row r = Row.parse(line);
                    latest.put(r.pair() + "|" + r.series() + "|" + r.anchors() + "|" + r.draw(), r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new ArrayList<>(latest.values());
    }

    /** Mean over draws, keyed pair -> series -> anchor count. */
    private static Map<String, Map<String, TreeMap<Integer, Double>>> means(List<Row> rows, boolean mrr) {
        Map<String, Map<String, TreeMap<Integer, List<Double>>>> all = new LinkedHashMap<>();
        for (Row r : rows) {
            all.computeIfAbsent(r.pair(), k -> new LinkedHashMap<>()).computeIfAbsent(r.series(), k -> new TreeMap<>())
                .computeIfAbsent(r.anchors(), k -> new ArrayList<>()).add(mrr ? r.mrrRatio() : r.recallRatio());
        }
        Map<String, Map<String, TreeMap<Integer, Double>>> out = new LinkedHashMap<>();
        all.forEach((pair, bySeries) -> bySeries.forEach((series, byCount) -> byCount.forEach((count, values) ->
            out.computeIfAbsent(pair, k -> new LinkedHashMap<>()).computeIfAbsent(series, k -> new TreeMap<>())
                .put(count, values.stream().mapToDouble(Double::doubleValue).average().orElseThrow()))));
        return out;
    }

    /** One chart per pair (ratio against anchor count, one line per method variant) and the contrastive gain across pairs. */
    private static void render(Path results, List<Row> rows) {
        Map<String, Map<String, TreeMap<Integer, Double>>> means = means(rows, false);
        Charts.Lines gain = new Charts.Lines();
        boolean[] anyGain = {false};
        means.forEach((pair, bySeries) -> {
            Charts.Lines lines = new Charts.Lines();
            bySeries.forEach((series, byCount) -> lines.add(series, xs(byCount.keySet()), ys(byCount.values())));
            String[] st = pair.split(" -> ");
            Charts.lines(results, "contrastive-ceiling-" + st[0] + "-" + st[1], "recall@10 / native, " + st[0] + " queries -> " + st[1]
                + " index", "anchors", "recall@10 ratio to native", true, lines);
            TreeMap<Integer, Double> c = bySeries.get(Method.CONTRASTIVE.apiName()), o = bySeries.get(Method.ORTHOGONAL.apiName());
            if (c != null && o != null) {
                TreeMap<Integer, Double> diff = new TreeMap<>();
                c.forEach((count, value) -> {
                    if (o.containsKey(count)) {
                        diff.put(count, value - o.get(count));
                    }
                });
                if (diff.isEmpty() == false) {
                    gain.add(pair, xs(diff.keySet()), ys(diff.values()));
                    anyGain[0] = true;
                }
            }
        });
        if (anyGain[0]) {
            Charts.lines(results, "contrastive-minus-orthogonal", "recall@10 / native: contrastive minus orthogonal, default mean_weight",
                "anchors", "difference in recall@10 ratio", true, gain);
        }
    }

    /** The targets, read from every row measured so far. */
    private static void summarise(List<Row> rows) {
        Map<String, Map<String, TreeMap<Integer, Double>>> recall = means(rows, false), mrr = means(rows, true);
        String c = Method.CONTRASTIVE.apiName(), o = Method.ORTHOGONAL.apiName();
        TreeSet<Integer> counts = new TreeSet<>();
        rows.forEach(r -> counts.add(r.anchors()));
        System.out.println("Summary over every row measured so far (mean over draws):");
        System.out.println("| pair | anchors | orthogonal | contrastive | contrastive - orthogonal | MRR: contrastive - orthogonal | "
            + "best variant | its ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Map<Integer, List<Double>> gains = new TreeMap<>();
        recall.forEach((pair, bySeries) -> {
            for (int count : counts) {
                Double rc = get(bySeries, c, count), ro = get(bySeries, o, count);
                Double mc = get(mrr.get(pair), c, count), mo = get(mrr.get(pair), o, count);
                String best = "";
                double bestRatio = Double.NaN;
                for (Map.Entry<String, TreeMap<Integer, Double>> e : bySeries.entrySet()) {
                    Double v = e.getValue().get(count);
                    if (v != null && (Double.isNaN(bestRatio) || v > bestRatio)) {
                        best = e.getKey();
                        bestRatio = v;
                    }
                }
                if (best.isEmpty()) {
                    continue;
                }
                if (rc != null && ro != null) {
                    gains.computeIfAbsent(count, k -> new ArrayList<>()).add(rc - ro);
                }
                System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %.3f |%n", pair, count, fmt(ro), fmt(rc),
                    rc != null && ro != null ? String.format(Locale.ROOT, "%+.3f", rc - ro) : "",
                    mc != null && mo != null ? String.format(Locale.ROOT, "%+.3f", mc - mo) : "", best, bestRatio);
            }
        });
        gains.forEach((count, g) -> System.out.printf(Locale.ROOT,
            "target contrastive >= orthogonal + 0.015 at %,d anchors: mean gain %+.4f over %d pairs (%s)%n", count,
            g.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), g.size(),
            g.stream().mapToDouble(Double::doubleValue).average().orElseThrow() >= 0.015 ? "met" : "not met"));
        recall.forEach((pair, bySeries) -> {
            bySeries.forEach((series, byCount) -> {
                Double at1000 = byCount.get(1000);
                if (at1000 != null && series.startsWith(c)) {
                    System.out.printf(Locale.ROOT, "target >= 0.86 of native at 1,000 anchors, %s, %s: %.3f (%s)%n", pair, series, at1000,
                        at1000 >= 0.86 ? "met" : "not met");
                }
                Double at12000 = byCount.get(12000);
                if (at12000 != null && series.startsWith(c)) {
                    System.out.printf(Locale.ROOT, "0.95 at 12,000 anchors, %s, %s: %.3f (%s)%n", pair, series, at12000,
                        at12000 >= 0.95 ? "reached" : "not reached");
                }
            });
        });
    }

    private static Double get(Map<String, TreeMap<Integer, Double>> bySeries, String series, int count) {
        if (bySeries == null || bySeries.containsKey(series) == false) {
            return null;
        }
        return bySeries.get(series).get(count);
    }

    private static String fmt(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double[] xs(Collection<Integer> counts) {
        return counts.stream().mapToDouble(Integer::doubleValue).toArray();
    }

    private static double[] ys(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        out.add(field.toString());
        return out;
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
