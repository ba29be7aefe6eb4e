package org.latentbridge.plugin.search;

import org.apache.lucene.search.Query;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.LineKnn;
import org.latentbridge.plugin.compat.LineQueryBuilder;
import org.latentbridge.plugin.compat.LineTransportVersions;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code latent_knn}: a kNN search with a query vector of another model. On the coordinating node it reads each
 * searched index's field model from the mapping ({@code meta.latent_model}, or {@code field_model}), translates the
 * query vector once per distinct model (asynchronously, through the node's cache; for a relative field, into the query
 * model's relative space), and then rewrites to
 * Elasticsearch's own {@code knn} query: on the coordinator when every index wants the same vector, otherwise on each
 * shard with that index's vector. Nothing is evaluated per document by this plugin. Elasticsearch's options for
 * quantized fields, {@code rescore_vector} and (9.x) {@code visit_percentage}, reach its knn query as given, so each
 * index applies them as its mapping does (an oversample is ignored on a float field, {@code visit_percentage} used by
 * IVF fields only).
 *
 * <p>With {@code native_field} (the query model's own vectors, in the re-embedded documents of a migrating index) or
 * {@code calibrated: true}, it rewrites instead to {@link LatentMixedKnnQueryBuilder}, carrying each field model's
 * translated vector and the calibration of its similarities onto the query model's scale: each shard then scores every
 * candidate of both fields once, on that one scale.
 */
public final class LatentKnnQueryBuilder extends LineQueryBuilder<LatentKnnQueryBuilder> {
    public static final String NAME = "latent_knn";
    /** Elasticsearch's limit on {@code num_candidates}. */
    static final int MAX_NUM_CANDIDATES = 10_000;
    /**
     * The share of the native cosine in the score of a document that has both vectors; the rest is its calibrated
     * translated cosine. Two models' views of one document are an ensemble: on held-out corpora outside this project,
     * 0.7 native ranked above either field alone at every coverage; the coverage sweep of the benchmarks is to tune it.
     */
    public static final float DEFAULT_NATIVE_WEIGHT = 0.7f;

    private static final ParseField FIELD_FIELD = new ParseField("field");
    private static final ParseField QUERY_VECTOR_FIELD = new ParseField("query_vector");
    private static final ParseField MODEL_FIELD = new ParseField("model");
    private static final ParseField ROLE_FIELD = new ParseField("role");
    private static final ParseField K_FIELD = new ParseField("k");
    private static final ParseField NUM_CANDIDATES_FIELD = new ParseField("num_candidates");
    private static final ParseField METHOD_FIELD = new ParseField("method");
    private static final ParseField FILTER_FIELD = new ParseField("filter");
    private static final ParseField SIMILARITY_FIELD = new ParseField("similarity");
    private static final ParseField FIELD_MODEL_FIELD = new ParseField("field_model");
    private static final ParseField NATIVE_FIELD_FIELD = new ParseField("native_field");
    private static final ParseField NATIVE_WEIGHT_FIELD = new ParseField("native_weight");
    private static final ParseField CALIBRATED_FIELD = new ParseField("calibrated");
    private static final ParseField RESCORE_VECTOR_FIELD = new ParseField("rescore_vector");
    private static final ParseField VISIT_PERCENTAGE_FIELD = new ParseField("visit_percentage");

    private final String field;
    private final float[] queryVector;
    private final String model;
    private final String role;
    private final Integer k;
    private final Integer numCandidates;
    private final QueryMethod method;
    private final List<QueryBuilder> filters;
    private final Float similarity;
    private final String fieldModel;
    /** The field of the query model's own vectors, searched natively and mixed in; null without it. */
    private final String nativeField;
    /** The native cosine's share in a document with both vectors; null for {@link #DEFAULT_NATIVE_WEIGHT}. */
    private final Float nativeWeight;
    /** Whether scores are calibrated ({@code calibrated}); null when not given. */
    private final Boolean calibrated;
    /** Elasticsearch's {@code rescore_vector}, passed to its knn query as given; null when not given. */
    private final RescoreVectorBuilder rescoreVector;
    /** Elasticsearch's {@code visit_percentage} (9.x only), passed to its knn query as given; null when not given. */
    private final Float visitPercentage;
    /** Translated vectors by {@link #vectorKey}, once fetched; null before the coordinator's rewrite. */
    private final Map<String, float[]> vectors;
    /** The rewritten query once the coordinator's translations are fetched, else null; null when nothing is pending. */
    private final Supplier<QueryBuilder> pending;
    /** This node's translation service, resolved at rewrite; not part of the query (not in equality nor on the wire). */
    private final Supplier<TranslationService> translation;
    /** This node's parsed field models; like the service, not part of the query. */
    private final FieldModelCache fieldModels;

    /**
     * @param translation this node's translation service, resolved only when the query is rewritten (the plugin registers
     *                    the query before it creates the service)
     */
    public LatentKnnQueryBuilder(String field, float[] queryVector, String model, String role, Integer k, Integer numCandidates,
                                 QueryMethod method, List<QueryBuilder> filters, Float similarity, String fieldModel,
                                 Supplier<TranslationService> translation, FieldModelCache fieldModels) {
        this(field, queryVector, model, role, k, numCandidates, method, filters, similarity, fieldModel, null, null, null, translation,
            fieldModels);
    }

    /**
     * @param nativeField  the field of {@code model}'s own vectors in a migrating index, or null
     * @param nativeWeight the native cosine's share for a document with both vectors, within [0, 1]; null for the default
     * @param calibrated   whether to calibrate scores without a native field; null when not given
     */
    public LatentKnnQueryBuilder(String field, float[] queryVector, String model, String role, Integer k, Integer numCandidates,
                                 QueryMethod method, List<QueryBuilder> filters, Float similarity, String fieldModel, String nativeField,
                                 Float nativeWeight, Boolean calibrated, Supplier<TranslationService> translation,
                                 FieldModelCache fieldModels) {
        this(field, queryVector, model, role, k, numCandidates, method, filters, similarity, fieldModel, nativeField, nativeWeight,
            calibrated, null, null, null, null, translation, fieldModels);
    }

    /**
     * @param rescoreVector   Elasticsearch's {@code rescore_vector} for its knn query, or null
     * @param visitPercentage Elasticsearch's {@code visit_percentage} for its knn query (9.x only), or null
     */
    public LatentKnnQueryBuilder(String field, float[] queryVector, String model, String role, Integer k, Integer numCandidates,
                                 QueryMethod method, List<QueryBuilder> filters, Float similarity, String fieldModel, String nativeField,
                                 Float nativeWeight, Boolean calibrated, RescoreVectorBuilder rescoreVector, Float visitPercentage,
                                 Supplier<TranslationService> translation, FieldModelCache fieldModels) {
        this(field, queryVector, model, role, k, numCandidates, method, filters, similarity, fieldModel, nativeField, nativeWeight,
            calibrated, rescoreVector, visitPercentage, null, null, translation, fieldModels);
    }

    private LatentKnnQueryBuilder(String field, float[] queryVector, String model, String role, Integer k, Integer numCandidates,
                                  QueryMethod method, List<QueryBuilder> filters, Float similarity, String fieldModel,
                                  String nativeField, Float nativeWeight, Boolean calibrated, RescoreVectorBuilder rescoreVector,
                                  Float visitPercentage, Map<String, float[]> vectors, Supplier<QueryBuilder> pending,
                                  Supplier<TranslationService> translation, FieldModelCache fieldModels) {
        if (field == null || field.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires [field]");
        }
        if (model == null || model.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires [model], the model that embedded [query_vector]");
        }
        if (queryVector == null || queryVector.length == 0) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires a non-empty [query_vector]");
        }
        checkFinite(NAME, queryVector, "query_vector");
        checkBounds(NAME, k, numCandidates, similarity);
        checkKnnOptions(NAME, rescoreVector, visitPercentage);
        if (method == null) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires [method]");
        }
        if (nativeField != null && nativeField.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] [native_field] must not be empty");
        }
        if (nativeWeight != null) {
            if (nativeField == null) {
                throw LatentExceptions.badRequest("[" + NAME + "] [native_weight] weighs [native_field], which is not given");
            }
            LatentMixedKnnQueryBuilder.checkNativeWeight(NAME, nativeWeight);
        }
        if (nativeField != null && Boolean.FALSE.equals(calibrated)) {
            throw LatentExceptions.badRequest("[" + NAME + "] [native_field] ranks native and translated scores together, which "
                + "needs them calibrated: drop [calibrated: false]");
        }
        if ((nativeField != null || Boolean.TRUE.equals(calibrated)) && method == QueryMethod.INVERSE_RELATIVE) {
            throw LatentExceptions.badRequest("[" + NAME + "] [" + (nativeField != null ? "native_field" : "calibrated")
                + "] needs calibrated scores, which only a fitted translator has: [method: inverse_relative] has none; "
                + "use [method: auto]");
        }
        this.field = field;
        this.queryVector = queryVector;
        this.model = model;
        this.role = role;
        this.k = k;
        this.numCandidates = numCandidates;
        this.method = method;
        this.filters = List.copyOf(filters);
        this.similarity = similarity;
        this.fieldModel = fieldModel;
        this.nativeField = nativeField;
        this.nativeWeight = nativeWeight;
        this.calibrated = calibrated;
        this.rescoreVector = rescoreVector;
        this.visitPercentage = visitPercentage;
        this.vectors = vectors;
        this.pending = pending;
        this.translation = Objects.requireNonNull(translation);
        this.fieldModels = Objects.requireNonNull(fieldModels);
    }

    public LatentKnnQueryBuilder(StreamInput in, Supplier<TranslationService> translation, FieldModelCache fieldModels)
        throws IOException {
        super(in);
        field = in.readString();
        queryVector = in.readFloatArray();
        model = in.readString();
        role = in.readString();
        k = in.readOptionalVInt();
        numCandidates = in.readOptionalVInt();
        method = QueryMethod.fromApiName(in.readString());
        filters = in.readNamedWriteableCollectionAsList(QueryBuilder.class);
        similarity = in.readOptionalFloat();
        fieldModel = in.readOptionalString();
        nativeField = in.readOptionalString();
        nativeWeight = in.readOptionalFloat();
        calibrated = in.readOptionalBoolean();
        rescoreVector = in.readOptionalWriteable(RescoreVectorBuilder::new);
        visitPercentage = in.readOptionalFloat();
        vectors = in.readBoolean() ? in.readMap(StreamInput::readFloatArray) : null;
        pending = null;
        this.translation = Objects.requireNonNull(translation);
        this.fieldModels = Objects.requireNonNull(fieldModels);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("[" + NAME + "] cannot be serialised before its translation is fetched: "
                + "missing a rewriteAndFetch?");
        }
        out.writeString(field);
        out.writeFloatArray(queryVector);
        out.writeString(model);
        out.writeString(role);
        out.writeOptionalVInt(k);
        out.writeOptionalVInt(numCandidates);
        out.writeString(method.apiName());
        out.writeNamedWriteableCollection(filters);
        out.writeOptionalFloat(similarity);
        out.writeOptionalString(fieldModel);
        out.writeOptionalString(nativeField);
        out.writeOptionalFloat(nativeWeight);
        out.writeOptionalBoolean(calibrated);
        out.writeOptionalWriteable(rescoreVector);
        out.writeOptionalFloat(visitPercentage);
        out.writeBoolean(vectors != null);
        if (vectors != null) {
            out.writeMap(new TreeMap<>(vectors), StreamOutput::writeFloatArray);
        }
    }

    /** The checks {@code k}, {@code num_candidates} and {@code similarity} share with {@link LatentMixedKnnQueryBuilder}. */
    static void checkBounds(String query, Integer k, Integer numCandidates, Float similarity) {
        if (k != null && k < 1) {
            throw LatentExceptions.badRequest("[" + query + "] [k] must be at least 1, got [" + k + "]");
        }
        if (k != null && k > MAX_NUM_CANDIDATES) {
            throw LatentExceptions.badRequest("[" + query + "] [k] must be at most [" + MAX_NUM_CANDIDATES
                + "] (Elasticsearch's limit on [num_candidates], which is at least [k]), got [" + k + "]");
        }
        if (numCandidates != null && (numCandidates > MAX_NUM_CANDIDATES || numCandidates < (k == null ? 1 : k))) {
            throw LatentExceptions.badRequest("[" + query + "] [num_candidates] must be within [" + (k == null ? 1 : k) + ", "
                + MAX_NUM_CANDIDATES
                + "] (at least [k]), got [" + numCandidates + "]");
        }
        if (similarity != null && Float.isFinite(similarity) == false) {
            throw LatentExceptions.badRequest("[" + query + "] [similarity] must be a finite number (as a float), got [" + similarity
                + "]");
        }
    }

    /**
     * The checks of the options passed to Elasticsearch's knn query, which {@link LatentMixedKnnQueryBuilder} shares: its own
     * ranges ({@code oversample} at least 1, or 0 for no rescoring; {@code visit_percentage} within [0, 100]), finite
     * numbers (Elasticsearch lets NaN through), and {@code visit_percentage} only where Elasticsearch's knn query has it.
     */
    static void checkKnnOptions(String query, RescoreVectorBuilder rescoreVector, Float visitPercentage) {
        if (rescoreVector != null && Float.isFinite(rescoreVector.oversample()) == false) {
            throw LatentExceptions.badRequest("[" + query + "] [rescore_vector] [oversample] must be a finite number, got ["
                + rescoreVector.oversample() + "]");
        }
        if (visitPercentage == null) {
            return;
        }
        if (LineKnn.HAS_VISIT_PERCENTAGE == false) {
            throw LatentExceptions.badRequest("[" + query + "] [visit_percentage] needs Elasticsearch 9.2 or later: the knn query of this "
                + "release has no such option");
        }
        if ((visitPercentage >= 0f && visitPercentage <= 100f) == false) {
            throw LatentExceptions.badRequest("[" + query + "] [visit_percentage] must be within [0, 100], got [" + visitPercentage + "]");
        }
    }

    /** Every component of {@code vector}, the option {@code name} of {@code query}, must be a finite number. */
    static void checkFinite(String query, float[] vector, String name) {
        for (int i = 0; i < vector.length; i++) {
            if (Float.isFinite(vector[i]) == false) {
                throw LatentExceptions.badRequest("[" + query + "] [" + name + "][" + i + "] must be a finite number, got [" + vector[i]
                    + "]");
            }
        }
    }

    /** Whether this query mixes in a native field or calibrates its scores. */
    private boolean mixed() {
        return nativeField != null || Boolean.TRUE.equals(calibrated);
    }

    static String vectorKey(FieldModel f) {
        return (f.relative() ? "_relative|" : "") + f.model() + (f.unitLength() ? "|unit" : "|raw");
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext ctx) throws IOException {
        if (pending != null) {
            QueryBuilder done = pending.get();
            return done == null ? this : done;
        }
        boolean filtersChanged = false;
        List<QueryBuilder> rewrittenFilters = filters.isEmpty() ? filters : new ArrayList<>(filters.size());
        for (QueryBuilder f : filters) {
            QueryBuilder r = f.rewrite(ctx);
            filtersChanged |= r != f;
            rewrittenFilters.add(r);
        }
        if (filtersChanged) {
            return new LatentKnnQueryBuilder(field, queryVector, model, role, k, numCandidates, method, rewrittenFilters, similarity,
                fieldModel, nativeField, nativeWeight, calibrated, rescoreVector, visitPercentage, vectors, null, translation, fieldModels)
                .boost(boost)
                .queryName(queryName);
        }
        SearchExecutionContext shard = ctx.convertToSearchExecutionContext();
        if (shard != null) {
            if (vectors == null) {
                throw new IllegalStateException("[" + NAME + "] reached a shard untranslated; it must be rewritten on the coordinating "
                    + "node");
            }
            FieldModel f = fieldModels.of(shard.getIndexSettings().getIndexMetadata(), field, fieldModel);
            return knn(vectorFor(f));
        }
        if (vectors != null) {
            return vectors.size() == 1 ? knn(vectors.values().iterator().next()) : this;
        }
        ResolvedIndices resolved = ctx.getResolvedIndices();
        if (resolved == null) {
            return this;
        }
        if (resolved.getRemoteClusterIndices().isEmpty() == false) {
            throw LatentExceptions.badRequest("[" + NAME + "] does not support cross-cluster search");
        }
        Map<String, FieldModel> needed = new LinkedHashMap<>();
        Map<String, String> indexKeys = new TreeMap<>();
        for (IndexMetadata index : resolved.getConcreteLocalIndicesMetadata().values()) {
            FieldModel f = fieldModels.of(index, field, fieldModel);
            String indexName = index.getIndex().getName();
            if (f.relative() == false && f.dims() > 0 && model.equals(f.model()) && f.dims() != queryVector.length) {
                throw LatentExceptions.badRequest("[" + NAME + "] [query_vector] has [" + queryVector.length + "] dimensions but field ["
                    + field
                    + "] of index [" + indexName + "] holds [" + f.dims() + "]");
            }
            if (mixed()) {
                checkMixable(index, f);
            }
            needed.putIfAbsent(vectorKey(f), f);
            indexKeys.put(indexName, vectorKey(f));
        }
        if (needed.isEmpty()) {
            return this;
        }
        Map<String, Translation> fetched = new ConcurrentHashMap<>();
        for (Map.Entry<String, FieldModel> e : needed.entrySet()) {
            FieldModel f = e.getValue();
            if (f.relative() == false && f.model().equals(model)) {
                // same model: nothing to translate, nor to calibrate
                fetched.put(e.getKey(), new Translation(new float[][] {queryVector}, null, Translation.IDENTITY, null, false, null,
                    ScoreCalibration.IDENTITY));
                continue;
            }
            SearchTranslation search = new SearchTranslation(translation.get(), spec(f), "query_vector", queryVector);
            // everything cached (the usual case): the translation completes right here, with no extra rewrite round
            Translation now = search.cachedOrNull();
            if (now != null) {
                fetched.put(e.getKey(), now);
                continue;
            }
            ctx.registerAsyncAction((client, listener) -> search.translate(listener.map(t -> {
                fetched.put(e.getKey(), t);
                return null;
            })));
        }
        int expected = needed.size();
        if (fetched.size() == expected) {
            return translated(fetched, needed, indexKeys);
        }
        Supplier<QueryBuilder> supplier = () -> fetched.size() == expected ? translated(fetched, needed, indexKeys) : null;
        return new LatentKnnQueryBuilder(field, queryVector, model, role, k, numCandidates, method, filters, similarity, fieldModel,
            nativeField, nativeWeight, calibrated, rescoreVector, visitPercentage, null, supplier, translation, fieldModels).boost(boost)
            .queryName(queryName);
    }

    /**
     * Refuses, for a mixed search of {@code index}, what cannot be scored on one scale: a relative field (no calibration
     * exists for it), and a native field that is not a float {@code dense_vector}, has other dimensions than the query
     * vector, or whose mapping names another model than the query's. An index without the native field is searched
     * through the translated field alone.
     */
    private void checkMixable(IndexMetadata index, FieldModel f) {
        String indexName = index.getIndex().getName();
        String option = nativeField != null ? "native_field" : "calibrated";
        if (f.relative()) {
            throw LatentExceptions.badRequest("[" + NAME + "] [" + option + "] needs calibrated scores, which field [" + field
                + "] of index [" + indexName + "] cannot give: it holds relative vectors");
        }
        if (nativeField == null) {
            return;
        }
        FieldModel n = fieldModels.nativeOf(index, nativeField);
        if (n == null) {
            return;
        }
        if (n.dims() > 0 && n.dims() != queryVector.length) {
            throw LatentExceptions.badRequest("[" + NAME + "] [query_vector] has [" + queryVector.length
                + "] dimensions but [native_field] [" + nativeField + "] of index [" + indexName + "] holds [" + n.dims() + "]");
        }
        if (n.model() != null && n.model().equals(model) == false) {
            throw LatentExceptions.badRequest("[" + NAME + "] [native_field] [" + nativeField + "] of index [" + indexName
                + "] holds vectors of model [" + n.model() + "] (its [meta." + FieldModel.META_MODEL
                + "]), but [query_vector] is of model [" + model + "]");
        }
    }

    /**
     * What field {@code f} needs: the query vector in the field model's space, or, for a relative field, in the query
     * model's own relative space aligned with the field model's anchor ids.
     */
    private TranslateSpec spec(FieldModel f) {
        String to = f.relative() ? TranslateSpec.RELATIVE_TARGET : f.model();
        return new TranslateSpec(model, to, role, method, f.unitLength(), null, 1.0, f.relative() ? f.model() : null);
    }

    private float[] vectorFor(FieldModel f) {
        float[] v = vectors.get(vectorKey(f));
        if (v == null) {
            throw new IllegalStateException("[" + NAME + "] has no translation for model [" + f.model() + "]");
        }
        return v;
    }

    /**
     * The query once every index's translation is known. A mixed search becomes {@link LatentMixedKnnQueryBuilder}, with
     * each field model's vector and calibration. Otherwise, when one vector serves every index (the usual case),
     * Elasticsearch's own knn query in this same rewrite round, so the coordinator runs no round for an intermediate
     * builder and the shards get the translated vector alone; else this query with the vectors, each shard taking its
     * index's.
     */
    private QueryBuilder translated(Map<String, Translation> fetched, Map<String, FieldModel> needed, Map<String, String> indexKeys) {
        if (mixed()) {
            Map<String, LatentMixedKnnQueryBuilder.Translated> translations = new TreeMap<>();
            for (Map.Entry<String, Translation> e : fetched.entrySet()) {
                ScoreCalibration calibration = e.getValue().calibration();
                if (calibration == null) {
                    String target = needed.get(e.getKey()).model();
                    throw LatentExceptions.badRequest("[" + NAME + "] translator [" + model + " -> " + target
                        + "] was fitted before score calibration existed; fit it again: PUT /_latent/translator/" + model + "/" + target);
                }
                translations.put(e.getKey(), new LatentMixedKnnQueryBuilder.Translated(e.getValue().vectors()[0], calibration));
            }
            return new LatentMixedKnnQueryBuilder(field, nativeField, nativeField == null ? null : queryVector,
                nativeWeight == null ? DEFAULT_NATIVE_WEIGHT : nativeWeight, k, numCandidates, filters, similarity, rescoreVector,
                visitPercentage, translations, translations.size() == 1 ? Map.of() : indexKeys).boost(boost).queryName(queryName);
        }
        if (fetched.size() == 1) {
            return knn(fetched.values().iterator().next().vectors()[0]);
        }
        Map<String, float[]> vectorsByKey = new TreeMap<>();
        fetched.forEach((key, t) -> vectorsByKey.put(key, t.vectors()[0]));
        return new LatentKnnQueryBuilder(field, queryVector, model, role, k, numCandidates, method, filters, similarity, fieldModel,
            nativeField, nativeWeight, calibrated, rescoreVector, visitPercentage, Map.copyOf(vectorsByKey), null, translation, fieldModels)
            .boost(boost)
            .queryName(queryName);
    }

    private QueryBuilder knn(float[] vector) {
        return LineKnn.knn(field, vector, k, numCandidates, visitPercentage, rescoreVector, similarity, filters).boost(boost)
            .queryName(queryName);
    }

    @Override
    protected Query toLuceneQuery(SearchExecutionContext context) {
        throw new IllegalStateException("[" + NAME + "] must be rewritten to a knn query before it is executed");
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD_FIELD.getPreferredName(), field);
        builder.array(QUERY_VECTOR_FIELD.getPreferredName(), queryVector);
        builder.field(MODEL_FIELD.getPreferredName(), model);
        builder.field(ROLE_FIELD.getPreferredName(), role);
        if (k != null) {
            builder.field(K_FIELD.getPreferredName(), k);
        }
        if (numCandidates != null) {
            builder.field(NUM_CANDIDATES_FIELD.getPreferredName(), numCandidates);
        }
        builder.field(METHOD_FIELD.getPreferredName(), method.apiName());
        if (filters.isEmpty() == false) {
            builder.startArray(FILTER_FIELD.getPreferredName());
            for (QueryBuilder f : filters) {
                f.toXContent(builder, params);
            }
            builder.endArray();
        }
        if (similarity != null) {
            builder.field(SIMILARITY_FIELD.getPreferredName(), similarity);
        }
        if (fieldModel != null) {
            builder.field(FIELD_MODEL_FIELD.getPreferredName(), fieldModel);
        }
        if (nativeField != null) {
            builder.field(NATIVE_FIELD_FIELD.getPreferredName(), nativeField);
        }
        if (nativeWeight != null) {
            builder.field(NATIVE_WEIGHT_FIELD.getPreferredName(), nativeWeight);
        }
        if (calibrated != null) {
            builder.field(CALIBRATED_FIELD.getPreferredName(), calibrated);
        }
        if (rescoreVector != null) {
            builder.field(RESCORE_VECTOR_FIELD.getPreferredName(), rescoreVector);
        }
        if (visitPercentage != null) {
            builder.field(VISIT_PERCENTAGE_FIELD.getPreferredName(), visitPercentage);
        }
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    /** What a request body holds, before the builder checks it. */
    private static final class Parsed {
        private String field;
        private float[] queryVector;
        private String model;
        private String role = ModelRecord.QUERY_ROLE;
        private Integer k;
        private Integer numCandidates;
        private String method = QueryMethod.AUTO.apiName();
        private List<QueryBuilder> filters = List.of();
        private Float similarity;
        private String fieldModel;
        private String nativeField;
        private Float nativeWeight;
        private Boolean calibrated;
        private RescoreVectorBuilder rescoreVector;
        private Float visitPercentage;
        private float boost = DEFAULT_BOOST;
        private String queryName;
    }

    /** Elasticsearch's standard parser: a null or a value of the wrong type is refused with the field's name. */
    private static final ObjectParser<Parsed, Void> PARSER = new ObjectParser<>(NAME, false, Parsed::new);

    static {
        PARSER.declareString((p, v) -> p.field = v, FIELD_FIELD);
        PARSER.declareFloatArray((p, v) -> p.queryVector = toArray(v), QUERY_VECTOR_FIELD);
        PARSER.declareString((p, v) -> p.model = v, MODEL_FIELD);
        PARSER.declareString((p, v) -> p.role = v, ROLE_FIELD);
        PARSER.declareInt((p, v) -> p.k = v, K_FIELD);
        PARSER.declareInt((p, v) -> p.numCandidates = v, NUM_CANDIDATES_FIELD);
        PARSER.declareString((p, v) -> p.method = v, METHOD_FIELD);
        PARSER.declareFieldArray((p, v) -> p.filters = v, (p, c) -> parseInnerQueryBuilder(p), FILTER_FIELD,
            ObjectParser.ValueType.OBJECT_ARRAY);
        PARSER.declareFloat((p, v) -> p.similarity = v, SIMILARITY_FIELD);
        PARSER.declareString((p, v) -> p.fieldModel = v, FIELD_MODEL_FIELD);
        PARSER.declareString((p, v) -> p.nativeField = v, NATIVE_FIELD_FIELD);
        PARSER.declareFloat((p, v) -> p.nativeWeight = v, NATIVE_WEIGHT_FIELD);
        PARSER.declareBoolean((p, v) -> p.calibrated = v, CALIBRATED_FIELD);
        // Elasticsearch's own parser of the object, so that its range check and message are the knn query's
        PARSER.declareObject((p, v) -> p.rescoreVector = v, (parser, c) -> RescoreVectorBuilder.fromXContent(parser),
            RESCORE_VECTOR_FIELD);
        PARSER.declareFloat((p, v) -> p.visitPercentage = v, VISIT_PERCENTAGE_FIELD);
        PARSER.declareFloat((p, v) -> p.boost = v, BOOST_FIELD);
        PARSER.declareString((p, v) -> p.queryName = v, NAME_FIELD);
    }

    static float[] toArray(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    public static LatentKnnQueryBuilder fromXContent(XContentParser parser, Supplier<TranslationService> translation,
                                                     FieldModelCache fieldModels) throws IOException {
        Parsed p = PARSER.parse(parser, null);
        try {
            QueryMethod queryMethod;
            try {
                queryMethod = QueryMethod.fromApiName(p.method);
            } catch (IllegalArgumentException e) {
                throw LatentExceptions.badRequest("[" + NAME + "] " + e.getMessage());
            }
            return new LatentKnnQueryBuilder(p.field, p.queryVector, p.model, p.role, p.k, p.numCandidates, queryMethod, p.filters,
                p.similarity, p.fieldModel, p.nativeField, p.nativeWeight, p.calibrated, p.rescoreVector, p.visitPercentage, translation,
                fieldModels).boost(p.boost)
                .queryName(p.queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    @Override
    protected boolean doEquals(LatentKnnQueryBuilder o) {
        return field.equals(o.field) && Arrays.equals(queryVector, o.queryVector) && model.equals(o.model) && role.equals(o.role)
            && Objects.equals(k, o.k) && Objects.equals(numCandidates, o.numCandidates) && method == o.method && filters.equals(o.filters)
            && Objects.equals(similarity, o.similarity) && Objects.equals(fieldModel, o.fieldModel)
            && Objects.equals(nativeField, o.nativeField) && Objects.equals(nativeWeight, o.nativeWeight)
            && Objects.equals(calibrated, o.calibrated) && Objects.equals(rescoreVector, o.rescoreVector)
            && Objects.equals(visitPercentage, o.visitPercentage) && vectorsEqual(vectors, o.vectors)
            && Objects.equals(pending, o.pending);
    }

    private static boolean vectorsEqual(Map<String, float[]> a, Map<String, float[]> b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(key -> Arrays.equals(a.get(key), b.get(key)));
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(field, Arrays.hashCode(queryVector), model, role, k, numCandidates, method.apiName(), filters, similarity,
            fieldModel, nativeField, nativeWeight, calibrated, rescoreVector, visitPercentage);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return LineTransportVersions.minimumCompatible();
    }
}
