package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.action.search.MultiSearchRequest;
import org.elasticsearch.action.search.MultiSearchResponse;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.latentbridge.core.fit.Calibration;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.LineKnn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.elasticsearch.action.ValidateActions.addValidationError;
import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/**
 * Calibration on labelled pairs (docs/architecture.md §3.5, {@code mean_weight}): every candidate translator's version of every pair's
 * query vector is searched with Elasticsearch's own kNN on the user's index and field, with the caller's rights, and
 * the recall matrix goes to {@link Calibration#choose}.
 *
 * <p>Searches go out in {@code _msearch} batches, one batch at a time; translation happens on the fit pool, never on
 * the thread that delivered the previous batch's response.
 */
public final class CalibrationSearch {
    static final int MAX_PAIRS = 1_000, MAX_RELEVANT = 1_000, MAX_K = 100, MAX_NUM_CANDIDATES = 10_000, MAX_FOLDS = 20;
    private static final int BATCH = 100;
    /** A calibration query: a vector of the source model and the ids of the documents that answer it. */
    public record LabelledPair(float[] vector, Set<String> relevant) implements Writeable {
        @SuppressWarnings("unchecked")
        private static final ConstructingObjectParser<LabelledPair, Void> PARSER = new ConstructingObjectParser<>("calibration_pair",
            false, a -> new LabelledPair((float[]) a[0], Set.copyOf((List<String>) a[1]))); // duplicate ids collapse

        static {
            PARSER.declareField(constructorArg(), StrictXContent::vector, new ParseField("query_vector"),
                ObjectParser.ValueType.OBJECT_ARRAY_OR_STRING);
            PARSER.declareField(constructorArg(), StrictXContent::stringList, new ParseField("relevant"),
                ObjectParser.ValueType.STRING_ARRAY);
        }

        LabelledPair(StreamInput in) throws IOException {
            this(in.readFloatArray(), in.readCollectionAsImmutableSet(StreamInput::readString));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeFloatArray(vector);
            out.writeStringCollection(relevant);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LabelledPair other && Arrays.equals(vector, other.vector) && relevant.equals(other.relevant);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(vector) + relevant.hashCode();
        }

        @Override
        public String toString() {
            return "LabelledPair[vector=" + Arrays.toString(vector) + ", relevant=" + relevant + "]";
        }
    }

    /**
     * The {@code calibration} section of a fit; each pair's vector is checked against the source's dimension once the
     * source model is read ({@link #pairs(int)}).
     */
    public record Spec(String index, String field, int k, int numCandidates, int folds, long seed, List<LabelledPair> pairs)
        implements Writeable {

        public static final ConstructingObjectParser<Spec, Void> PARSER = new ConstructingObjectParser<>("calibration", false, a -> {
            int k = a[2] == null ? 10 : (int) a[2];
            return new Spec((String) a[0], (String) a[1], k, a[3] == null ? Math.max(100, 10 * k) : (int) a[3],
                a[4] == null ? Calibration.DEFAULT_FOLDS : (int) a[4], a[5] == null ? 0 : (long) a[5], castPairs(a[6]));
        });

        static {
            PARSER.declareString(constructorArg(), new ParseField("index"));
            PARSER.declareString(constructorArg(), new ParseField("field"));
            PARSER.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("k"), ObjectParser.ValueType.INT);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("num_candidates"),
                ObjectParser.ValueType.INT);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("folds"), ObjectParser.ValueType.INT);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::longValue, new ParseField("seed"), ObjectParser.ValueType.LONG);
            PARSER.declareObjectArray(constructorArg(), LabelledPair.PARSER, new ParseField("pairs"));
        }

        @SuppressWarnings("unchecked")
        private static List<LabelledPair> castPairs(Object pairs) {
            return List.copyOf((List<LabelledPair>) pairs);
        }

        public Spec(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readVInt(), in.readVInt(), in.readVInt(), in.readLong(),
                in.readCollectionAsImmutableList(LabelledPair::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeString(field);
            out.writeVInt(k);
            out.writeVInt(numCandidates);
            out.writeVInt(folds);
            out.writeLong(seed);
            out.writeCollection(pairs);
        }

        /** The request-level checks: everything that does not need the source model. */
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            if (index.isBlank() || index.contains(",") || index.contains("*")) {
                e = addValidationError("[calibration.index] must name one index or alias, got [" + index + "]", e);
            }
            if (field.isBlank()) {
                e = addValidationError("[calibration.field] must not be empty", e);
            }
            e = bounded("k", k, 1, MAX_K, e);
            e = bounded("num_candidates", numCandidates, k, MAX_NUM_CANDIDATES, e);
            e = bounded("folds", folds, 2, MAX_FOLDS, e);
            if (pairs.size() < Calibration.MIN_PAIRS || pairs.size() > MAX_PAIRS) {
                e = addValidationError("[calibration.pairs] holds [" + pairs.size() + "] pairs; calibration needs between ["
                    + Calibration.MIN_PAIRS + "] and [" + MAX_PAIRS + "]", e);
            }
            for (int i = 0; i < pairs.size(); i++) {
                int relevant = pairs.get(i).relevant().size();
                if (relevant < 1 || relevant > MAX_RELEVANT) {
                    e = addValidationError("[calibration.pairs][" + i + "][relevant] must list between 1 and [" + MAX_RELEVANT
                        + "] document ids, got [" + relevant + "]", e);
                }
            }
            return e;
        }

        private static ActionRequestValidationException bounded(String name, int v, int min, int max, ActionRequestValidationException e) {
            return v < min || v > max ? addValidationError("[calibration." + name + "] must be within [" + min + ", " + max + "], got ["
                + v + "]", e) : e;
        }

        /** The pairs, once each vector is checked against the source model's dimension. */
        public List<LabelledPair> pairs(int dims) {
            for (int i = 0; i < pairs.size(); i++) {
                int length = pairs.get(i).vector().length;
                if (length != dims) {
                    throw LatentExceptions.badRequest("[calibration.pairs][" + i + "][query_vector] has wrong dimensions: expected [" + dims
                        + "] but got [" + length + "]");
                }
            }
            return pairs;
        }
    }

    /** What calibration chose and the evidence, for the fit report. */
    public record Result(Calibration.Outcome outcome, Calibration.Candidate chosen, int candidates, int searches) {
        public Map<String, Object> report(Spec spec) {
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

    private CalibrationSearch(LatentServices services, Task task, Spec spec, List<LabelledPair> pairs,
                              List<Calibration.Candidate> candidates, Supplier<ThreadContext.StoredContext> callerContext,
                              ActionListener<Result> listener) {
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
    public static void run(LatentServices services, Task task, Spec spec, List<LabelledPair> pairs, List<Calibration.Candidate> candidates,
                    Supplier<ThreadContext.StoredContext> callerContext, ActionListener<Result> listener) {
        new CalibrationSearch(services, task, spec, pairs, candidates, callerContext, listener).batch(0);
    }

    private int total() {
        return candidates.size() * pairs.size();
    }

    /** One batch of searches, on the fit pool; a rejection or anything thrown before the searches are sent fails the listener. */
    private void batch(int from) {
        services.fitPool().execute(ActionRunnable.wrap(listener, l -> {
            LatentTransportAction.checkCancelled(task);
            int to = Math.min(total(), from + BATCH);
            MultiSearchRequest msearch = new MultiSearchRequest();
            for (int i = from; i < to; i++) {
                int c = i / pairs.size(), p = i % pairs.size();
                float[] translated = candidates.get(c).translator().translate(pairs.get(p).vector(), true);
                msearch.add(new SearchRequest(spec.index()).source(new SearchSourceBuilder()
                    .query(LineKnn.knn(spec.field(), translated, spec.k(), spec.numCandidates(), null, List.of()))
                    .size(spec.k()).fetchSource(false).trackTotalHits(false)));
            }
            try (ThreadContext.StoredContext ignored = callerContext.get()) {
                services.client().multiSearch(msearch, ActionListener.wrap(r -> collect(from, to, r), l::onFailure));
            }
        }));
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
        if (Arrays.stream(recall).flatMapToDouble(Arrays::stream).allMatch(r -> r == 0)) {
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
