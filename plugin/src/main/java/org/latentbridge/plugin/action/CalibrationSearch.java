package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.MultiSearchRequest;
import org.elasticsearch.action.search.MultiSearchResponse;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.latentbridge.core.fit.Calibration;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.EsApi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Calibration on labelled pairs (docs/architecture.md §3.5, {@code mean_weight}): every candidate translator's version of every pair's
 * query vector is searched with Elasticsearch's own kNN on the user's index and field, with the caller's rights, and
 * the recall matrix goes to {@link Calibration#choose}.
 *
 * <p>Searches go out in {@code _msearch} batches, one batch at a time; translation happens on the fit pool, never on
 * the thread that delivered the previous batch's response.
 */
final class CalibrationSearch {
    static final int MAX_PAIRS = 1_000, MAX_RELEVANT = 1_000, MAX_K = 100, MAX_NUM_CANDIDATES = 10_000, MAX_FOLDS = 20;
    private static final int BATCH = 100;
    static final Set<String> FIELDS = Set.of("index", "field", "pairs", "k", "num_candidates", "folds", "seed");

    /** A calibration query: a vector of the source model and the ids of the documents that answer it. */
    record LabelledPair(float[] vector, Set<String> relevant) {}

    /** The parsed {@code calibration} section; its pairs are checked against the source's dimensions once it is known. */
    record Spec(String index, String field, int k, int numCandidates, int folds, long seed, List<?> rawPairs) {

        /** The section of a PUT body, or null when there is none. */
        static Spec parse(Body body) {
            if (body.has("calibration") == false) {
                return null;
            }
            Body c = body.object("calibration", FIELDS);
            String index = c.requiredString("index"), field = c.requiredString("field");
            if (index.contains(",") || index.contains("*")) {
                throw LatentExceptions.badRequest("[calibration.index] must name one index or alias, got [" + index + "]");
            }
            int k = bounded(c, "k", 10, 1, MAX_K);
            int numCandidates = bounded(c, "num_candidates", Math.max(100, 10 * k), k, MAX_NUM_CANDIDATES);
            int folds = bounded(c, "folds", Calibration.DEFAULT_FOLDS, 2, MAX_FOLDS);
            long seed = c.integer("seed", 0);
            Object raw = c.raw("pairs");
            if (raw instanceof List<?> == false) {
                throw LatentExceptions.badRequest("[calibration.pairs] is required: an array of {\"query_vector\": [...], \"relevant\": [ids]}");
            }
            List<?> pairs = (List<?>) raw;
            if (pairs.size() < Calibration.MIN_PAIRS || pairs.size() > MAX_PAIRS) {
                throw LatentExceptions.badRequest("[calibration.pairs] holds [" + pairs.size() + "] pairs; calibration needs between ["
                    + Calibration.MIN_PAIRS + "] and [" + MAX_PAIRS + "]");
            }
            return new Spec(index, field, k, numCandidates, folds, seed, pairs);
        }

        private static int bounded(Body c, String name, int defaultValue, int min, int max) {
            int v = c.integer(name, defaultValue);
            if (v < min || v > max) {
                throw LatentExceptions.badRequest("[calibration." + name + "] must be within [" + min + ", " + max + "], got [" + v + "]");
            }
            return v;
        }

        /** The pairs, each vector checked against the source's dimensions. */
        @SuppressWarnings("unchecked")
        List<LabelledPair> pairs(int dims) {
            List<LabelledPair> out = new ArrayList<>(rawPairs.size());
            for (int i = 0; i < rawPairs.size(); i++) {
                String where = "calibration.pairs][" + i;
                if (rawPairs.get(i) instanceof Map<?, ?> == false) {
                    throw LatentExceptions.badRequest("[" + where + "] must be an object with [query_vector] and [relevant]");
                }
                Body pair;
                try {
                    pair = new Body((Map<String, Object>) rawPairs.get(i), Set.of("query_vector", "relevant"));
                } catch (IllegalArgumentException e) {
                    throw LatentExceptions.badRequest("[" + where + "] " + e.getMessage());
                }
                if (pair.has("query_vector") == false) {
                    throw LatentExceptions.badRequest("[" + where + "][query_vector] is required");
                }
                float[] vector = Body.vector(where + "][query_vector", pair.raw("query_vector"), dims);
                List<String> relevant;
                try {
                    relevant = pair.strings("relevant", List.of());
                } catch (IllegalArgumentException e) {
                    throw LatentExceptions.badRequest("[" + where + "] " + e.getMessage());
                }
                if (relevant.isEmpty() || relevant.size() > MAX_RELEVANT) {
                    throw LatentExceptions.badRequest("[" + where + "][relevant] must list between 1 and [" + MAX_RELEVANT
                        + "] document ids, got [" + relevant.size() + "]");
                }
                out.add(new LabelledPair(vector, Set.copyOf(relevant))); // duplicates collapse
            }
            return out;
        }
    }

    /** What calibration chose and the evidence, for the fit report. */
    record Result(Calibration.Outcome outcome, Calibration.Candidate chosen, int candidates, int searches) {
        Map<String, Object> report(Spec spec) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", spec.index());
            m.put("field", spec.field());
            m.put("pairs", outcome.pairs());
            m.put("k", spec.k());
            m.put("folds", outcome.folds());
            m.put("candidates", candidates);
            m.put("searches", searches);
            m.put("recall_before", outcome.recallBefore());
            m.put("recall_after", outcome.recallAfter());
            m.put("recall_chosen_in_sample", outcome.recallChosen());
            m.put("chosen", chosen.settings());
            return m;
        }
    }

    private final LatentServices services;
    private final Task task;
    private final Spec spec;
    private final List<LabelledPair> pairs;
    private final List<Calibration.Candidate> candidates;
    private final Supplier<ThreadContext.StoredContext> callerContext;
    private final double[][] recall;
    private long hits;
    private final ActionListener<Result> listener;

    private CalibrationSearch(LatentServices services, Task task, Spec spec, List<LabelledPair> pairs, List<Calibration.Candidate> candidates,
                              Supplier<ThreadContext.StoredContext> callerContext, ActionListener<Result> listener) {
        this.services = services;
        this.task = task;
        this.spec = spec;
        this.pairs = pairs;
        this.candidates = candidates;
        this.callerContext = callerContext;
        this.recall = new double[candidates.size()][pairs.size()];
        this.listener = listener;
    }

    /**
     * Searches every (candidate, pair) and chooses. {@code callerContext} restores the requesting user's thread context,
     * so that every search runs with that user's rights on {@code spec.index}.
     */
    static void run(LatentServices services, Task task, Spec spec, List<LabelledPair> pairs, List<Calibration.Candidate> candidates,
                    Supplier<ThreadContext.StoredContext> callerContext, ActionListener<Result> listener) {
        new CalibrationSearch(services, task, spec, pairs, candidates, callerContext, listener).batch(0);
    }

    private int total() {
        return candidates.size() * pairs.size();
    }

    private void batch(int from) {
        services.fitPool().execute(() -> {
            try {
                LatentAction.checkCancelled(task);
                int to = Math.min(total(), from + BATCH);
                MultiSearchRequest msearch = new MultiSearchRequest();
                for (int i = from; i < to; i++) {
                    int c = i / pairs.size(), p = i % pairs.size();
                    float[] translated = candidates.get(c).translator().translate(pairs.get(p).vector(), true);
                    msearch.add(new SearchRequest(spec.index()).source(new SearchSourceBuilder()
                        .query(EsApi.knn(spec.field(), translated, spec.k(), spec.numCandidates(), null, List.of()))
                        .size(spec.k()).fetchSource(false).trackTotalHits(false)));
                }
                try (ThreadContext.StoredContext ignored = callerContext.get()) {
                    services.client().multiSearch(msearch, ActionListener.wrap(r -> collect(from, to, r), listener::onFailure));
                }
            } catch (Exception e) {
                listener.onFailure(e);
            }
        });
    }

    private void collect(int from, int to, MultiSearchResponse response) {
        MultiSearchResponse.Item[] items = response.getResponses();
        for (int i = from; i < to; i++) {
            MultiSearchResponse.Item item = items[i - from];
            if (item.isFailure()) {
                listener.onFailure(item.getFailure());
                return;
            }
            if (item.getResponse().getFailedShards() > 0) {
                listener.onFailure(LatentExceptions.badRequest("[calibration] search of [" + spec.index() + "] failed on ["
                    + item.getResponse().getFailedShards() + "] shards: " + item.getResponse().getShardFailures()[0].reason()));
                return;
            }
            List<String> ids = new ArrayList<>(spec.k());
            for (SearchHit hit : item.getResponse().getHits().getHits()) {
                ids.add(hit.getId());
            }
            hits += ids.size();
            int c = i / pairs.size(), p = i % pairs.size();
            recall[c][p] = Calibration.recall(ids, pairs.get(p).relevant(), spec.k());
        }
        if (to < total()) {
            batch(to);
            return;
        }
        if (hits == 0) {
            listener.onFailure(LatentExceptions.badRequest("[calibration] searches of [" + spec.index() + "] field [" + spec.field()
                + "] found no documents: [field] must be a dense_vector field of the target model, in an index with documents"));
            return;
        }
        if (java.util.Arrays.stream(recall).flatMapToDouble(java.util.Arrays::stream).allMatch(r -> r == 0)) {
            listener.onFailure(LatentExceptions.badRequest("[calibration] no candidate found any relevant document in the top [" + spec.k()
                + "] of [" + spec.index() + "]: [relevant] must hold _id values of that index, and [field] vectors of the target model"));
            return;
        }
        try {
            Calibration.Outcome outcome = Calibration.choose(recall, spec.folds(), spec.seed());
            listener.onResponse(new Result(outcome, candidates.get(outcome.chosen()), candidates.size(), total()));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }
}
