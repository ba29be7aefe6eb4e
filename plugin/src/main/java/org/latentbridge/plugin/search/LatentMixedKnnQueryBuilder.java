package org.latentbridge.plugin.search;

import org.apache.lucene.search.Query;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.MatchNoneQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.SearchService;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code latent_mixed_knn}: what {@code latent_knn} with {@code native_field} or {@code calibrated} becomes once the
 * coordinating node has translated its query vector. It carries, per distinct field model, the translated vector and the
 * calibration of its similarities onto the query model's scale ({@code translations}, keyed as {@code latent_knn} keys
 * them, with {@code index_keys} naming each index's key when there are several), and the raw query vector for the
 * native field. On each shard it builds Elasticsearch's own {@code knn} queries on both fields and mixes their
 * candidates in a {@link MixedKnnQuery}. Registered so that it crosses the wire; users write {@code latent_knn}.
 */
public final class LatentMixedKnnQueryBuilder extends LineQueryBuilder<LatentMixedKnnQueryBuilder> {
    public static final String NAME = "latent_mixed_knn";

    private static final ParseField FIELD_FIELD = new ParseField("field");
    private static final ParseField NATIVE_FIELD_FIELD = new ParseField("native_field");
    private static final ParseField NATIVE_VECTOR_FIELD = new ParseField("native_vector");
    private static final ParseField NATIVE_WEIGHT_FIELD = new ParseField("native_weight");
    private static final ParseField K_FIELD = new ParseField("k");
    private static final ParseField NUM_CANDIDATES_FIELD = new ParseField("num_candidates");
    private static final ParseField FILTER_FIELD = new ParseField("filter");
    private static final ParseField SIMILARITY_FIELD = new ParseField("similarity");
    private static final ParseField TRANSLATIONS_FIELD = new ParseField("translations");
    private static final ParseField INDEX_KEYS_FIELD = new ParseField("index_keys");
    private static final ParseField RESCORE_VECTOR_FIELD = new ParseField("rescore_vector");
    private static final ParseField VISIT_PERCENTAGE_FIELD = new ParseField("visit_percentage");

    /** One field model's translated query vector and the map of its similarities onto the query model's scale. */
    record Translated(float[] vector, ScoreCalibration calibration) {
        Translated {
            Objects.requireNonNull(vector);
            Objects.requireNonNull(calibration);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Translated t && Arrays.equals(vector, t.vector) && calibration.equals(t.calibration);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(vector) + calibration.hashCode();
        }

        private static Translated readFrom(StreamInput in) throws IOException {
            float[] vector = in.readFloatArray();
            ScoreCalibration c = new ScoreCalibration(ScoreCalibration.Form.fromApiName(in.readString()), in.readDoubleArray(),
                in.readDoubleArray(), in.readVInt(), in.readVInt(), in.readDouble(), in.readDouble());
            return new Translated(vector, c);
        }

        private void writeTo(StreamOutput out) throws IOException {
            out.writeFloatArray(vector);
            out.writeString(calibration.form().apiName());
            out.writeDoubleArray(calibration.x());
            out.writeDoubleArray(calibration.y());
            out.writeVInt(calibration.topRanks());
            out.writeVInt(calibration.queries());
            out.writeDouble(calibration.heldOutError());
            out.writeDouble(calibration.uncalibratedError());
        }
    }

    private final String field;
    private final String nativeField;
    private final float[] nativeVector;
    private final float nativeWeight;
    private final Integer k;
    private final Integer numCandidates;
    private final List<QueryBuilder> filters;
    private final Float similarity;
    /** Elasticsearch's {@code rescore_vector} for both knn queries; null when not given. */
    private final RescoreVectorBuilder rescoreVector;
    /** Elasticsearch's {@code visit_percentage} for both knn queries (9.x only); null when not given. */
    private final Float visitPercentage;
    private final Map<String, Translated> translations;
    private final Map<String, String> indexKeys;

    /**
     * @param nativeField  the field of the query model's own vectors, or null to search {@code field} alone with calibrated scores
     * @param nativeVector the query vector as the user gave it, searched in {@code nativeField}; null without it
     * @param rescoreVector   Elasticsearch's {@code rescore_vector} for both knn queries, or null
     * @param visitPercentage Elasticsearch's {@code visit_percentage} for both knn queries (9.x only), or null
     * @param translations per field model key, the translated vector and its calibration
     * @param indexKeys    per index name, its key in {@code translations}; may be empty when there is one translation
     */
    public LatentMixedKnnQueryBuilder(String field, String nativeField, float[] nativeVector, float nativeWeight, Integer k,
                                      Integer numCandidates, List<QueryBuilder> filters, Float similarity,
                                      RescoreVectorBuilder rescoreVector, Float visitPercentage, Map<String, Translated> translations,
                                      Map<String, String> indexKeys) {
        if (field == null || field.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires [field]");
        }
        if (nativeField != null && nativeField.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] [native_field] must not be empty");
        }
        if ((nativeField == null) != (nativeVector == null)) {
            throw LatentExceptions.badRequest("[" + NAME + "] [native_field] and [native_vector] go together");
        }
        if (nativeVector != null) {
            checkVector(nativeVector, NATIVE_VECTOR_FIELD.getPreferredName());
        }
        checkNativeWeight(NAME, nativeWeight);
        LatentKnnQueryBuilder.checkBounds(NAME, k, numCandidates, similarity);
        LatentKnnQueryBuilder.checkKnnOptions(NAME, rescoreVector, visitPercentage);
        if (translations == null || translations.isEmpty()) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires [translations]");
        }
        for (Map.Entry<String, Translated> e : translations.entrySet()) {
            checkVector(e.getValue().vector(), TRANSLATIONS_FIELD.getPreferredName() + "][" + e.getKey());
        }
        for (Map.Entry<String, String> e : indexKeys.entrySet()) {
            if (translations.containsKey(e.getValue()) == false) {
                throw LatentExceptions.badRequest("[" + NAME + "] [index_keys][" + e.getKey() + "] names [" + e.getValue()
                    + "], which is not in [translations]");
            }
        }
        this.field = field;
        this.nativeField = nativeField;
        this.nativeVector = nativeVector;
        this.nativeWeight = nativeWeight;
        this.k = k;
        this.numCandidates = numCandidates;
        this.filters = List.copyOf(filters);
        this.similarity = similarity;
        this.rescoreVector = rescoreVector;
        this.visitPercentage = visitPercentage;
        this.translations = Map.copyOf(translations);
        this.indexKeys = Map.copyOf(indexKeys);
    }

    private static void checkVector(float[] vector, String name) {
        if (vector.length == 0) {
            throw LatentExceptions.badRequest("[" + NAME + "] [" + name + "] must not be empty");
        }
        LatentKnnQueryBuilder.checkFinite(NAME, vector, name);
    }

    /** {@code native_weight} is the share of the native cosine in a document's mix: within [0, 1]. */
    static void checkNativeWeight(String query, float nativeWeight) {
        if ((nativeWeight >= 0f && nativeWeight <= 1f) == false) {
            throw LatentExceptions.badRequest("[" + query + "] [native_weight] must be within [0, 1], got [" + nativeWeight + "]");
        }
    }

    public LatentMixedKnnQueryBuilder(StreamInput in) throws IOException {
        super(in);
        field = in.readString();
        nativeField = in.readOptionalString();
        nativeVector = in.readBoolean() ? in.readFloatArray() : null;
        nativeWeight = in.readFloat();
        k = in.readOptionalVInt();
        numCandidates = in.readOptionalVInt();
        filters = in.readNamedWriteableCollectionAsList(QueryBuilder.class);
        similarity = in.readOptionalFloat();
        rescoreVector = in.readOptionalWriteable(RescoreVectorBuilder::new);
        visitPercentage = in.readOptionalFloat();
        translations = Map.copyOf(in.readMap(Translated::readFrom));
        indexKeys = Map.copyOf(in.readMap(StreamInput::readString));
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(nativeField);
        out.writeBoolean(nativeVector != null);
        if (nativeVector != null) {
            out.writeFloatArray(nativeVector);
        }
        out.writeFloat(nativeWeight);
        out.writeOptionalVInt(k);
        out.writeOptionalVInt(numCandidates);
        out.writeNamedWriteableCollection(filters);
        out.writeOptionalFloat(similarity);
        out.writeOptionalWriteable(rescoreVector);
        out.writeOptionalFloat(visitPercentage);
        out.writeMap(new TreeMap<>(translations), (o, t) -> t.writeTo(o));
        out.writeMap(new TreeMap<>(indexKeys), StreamOutput::writeString);
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext ctx) throws IOException {
        boolean changed = false;
        List<QueryBuilder> rewritten = new ArrayList<>(filters.size());
        for (QueryBuilder f : filters) {
            QueryBuilder r = f.rewrite(ctx);
            if (r instanceof MatchNoneQueryBuilder) {
                return r; // a filter that matches nothing leaves nothing to search
            }
            changed |= r != f;
            rewritten.add(r);
        }
        if (changed) {
            return new LatentMixedKnnQueryBuilder(field, nativeField, nativeVector, nativeWeight, k, numCandidates, rewritten, similarity,
                rescoreVector, visitPercentage, translations, indexKeys).boost(boost).queryName(queryName);
        }
        return this;
    }

    @Override
    protected Query toLuceneQuery(SearchExecutionContext context) throws IOException {
        Translated translated = translationFor(context.index().getName());
        if (context.nestedLookup().getNestedParent(field) != null
            || (nativeField != null && context.nestedLookup().getNestedParent(nativeField) != null)) {
            throw LatentExceptions.badRequest("[" + LatentKnnQueryBuilder.NAME + "] with [native_field] or [calibrated] does not support "
                + "vectors in nested fields");
        }
        // Elasticsearch's knn defaults: k is the request's size, and never more than num_candidates
        int resolvedK;
        if (k != null) {
            resolvedK = k;
        } else {
            Integer size = context.requestSize();
            resolvedK = size == null || size < 0 ? SearchService.DEFAULT_SIZE : size;
            if (numCandidates != null) {
                resolvedK = Math.min(resolvedK, numCandidates);
            }
        }
        Query translatedKnn = LineKnn.knn(field, translated.vector(), resolvedK, numCandidates, visitPercentage, rescoreVector, null,
            filters).toQuery(context);
        Query nativeKnn = null;
        if (nativeField != null && context.getFieldType(nativeField) != null) {
            nativeKnn = LineKnn.knn(nativeField, nativeVector, resolvedK, numCandidates, visitPercentage, rescoreVector, null, filters)
                .toQuery(context);
        }
        return new MixedKnnQuery(translatedKnn, field, translated.vector(), translated.calibration(), nativeKnn,
            nativeKnn == null ? null : nativeField, nativeKnn == null ? null : nativeVector, nativeWeight, resolvedK, similarity);
    }

    private Translated translationFor(String index) {
        if (translations.size() == 1) {
            return translations.values().iterator().next();
        }
        String key = indexKeys.get(index);
        Translated t = key == null ? null : translations.get(key);
        if (t == null) {
            throw new IllegalStateException("[" + NAME + "] has no translation for index [" + index + "]");
        }
        return t;
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field(FIELD_FIELD.getPreferredName(), field);
        if (nativeField != null) {
            builder.field(NATIVE_FIELD_FIELD.getPreferredName(), nativeField);
            builder.array(NATIVE_VECTOR_FIELD.getPreferredName(), nativeVector);
        }
        builder.field(NATIVE_WEIGHT_FIELD.getPreferredName(), nativeWeight);
        if (k != null) {
            builder.field(K_FIELD.getPreferredName(), k);
        }
        if (numCandidates != null) {
            builder.field(NUM_CANDIDATES_FIELD.getPreferredName(), numCandidates);
        }
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
        if (rescoreVector != null) {
            builder.field(RESCORE_VECTOR_FIELD.getPreferredName(), rescoreVector);
        }
        if (visitPercentage != null) {
            builder.field(VISIT_PERCENTAGE_FIELD.getPreferredName(), visitPercentage);
        }
        builder.startObject(TRANSLATIONS_FIELD.getPreferredName());
        for (Map.Entry<String, Translated> e : new TreeMap<>(translations).entrySet()) {
            builder.startObject(e.getKey());
            builder.array("vector", e.getValue().vector());
            builder.field("calibration", e.getValue().calibration().toMap());
            builder.endObject();
        }
        builder.endObject();
        if (indexKeys.isEmpty() == false) {
            builder.field(INDEX_KEYS_FIELD.getPreferredName(), new TreeMap<>(indexKeys));
        }
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    /** What a request body holds, before the builder checks it. */
    private static final class Parsed {
        private String field;
        private String nativeField;
        private float[] nativeVector;
        private float nativeWeight = LatentKnnQueryBuilder.DEFAULT_NATIVE_WEIGHT;
        private Integer k;
        private Integer numCandidates;
        private List<QueryBuilder> filters = List.of();
        private Float similarity;
        private RescoreVectorBuilder rescoreVector;
        private Float visitPercentage;
        private Map<String, Translated> translations = Map.of();
        private Map<String, String> indexKeys = Map.of();
        private float boost = DEFAULT_BOOST;
        private String queryName;
    }

    private static final ObjectParser<Parsed, Void> PARSER = new ObjectParser<>(NAME, false, Parsed::new);

    static {
        PARSER.declareString((p, v) -> p.field = v, FIELD_FIELD);
        PARSER.declareString((p, v) -> p.nativeField = v, NATIVE_FIELD_FIELD);
        PARSER.declareFloatArray((p, v) -> p.nativeVector = LatentKnnQueryBuilder.toArray(v), NATIVE_VECTOR_FIELD);
        PARSER.declareFloat((p, v) -> p.nativeWeight = v, NATIVE_WEIGHT_FIELD);
        PARSER.declareInt((p, v) -> p.k = v, K_FIELD);
        PARSER.declareInt((p, v) -> p.numCandidates = v, NUM_CANDIDATES_FIELD);
        PARSER.declareFieldArray((p, v) -> p.filters = v, (p, c) -> parseInnerQueryBuilder(p), FILTER_FIELD,
            ObjectParser.ValueType.OBJECT_ARRAY);
        PARSER.declareFloat((p, v) -> p.similarity = v, SIMILARITY_FIELD);
        PARSER.declareObject((p, v) -> p.rescoreVector = v, (parser, c) -> RescoreVectorBuilder.fromXContent(parser),
            RESCORE_VECTOR_FIELD);
        PARSER.declareFloat((p, v) -> p.visitPercentage = v, VISIT_PERCENTAGE_FIELD);
        PARSER.declareObject((p, v) -> p.translations = v, (parser, c) -> parseTranslations(parser), TRANSLATIONS_FIELD);
        PARSER.declareObject((p, v) -> p.indexKeys = v, (parser, c) -> parser.mapStrings(), INDEX_KEYS_FIELD);
        PARSER.declareFloat((p, v) -> p.boost = v, BOOST_FIELD);
        PARSER.declareString((p, v) -> p.queryName = v, NAME_FIELD);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Translated> parseTranslations(XContentParser parser) throws IOException {
        Map<String, Translated> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : parser.map().entrySet()) {
            String where = "[" + NAME + "] [translations][" + e.getKey() + "]";
            if (e.getValue() instanceof Map<?, ?> entry && entry.get("vector") instanceof List<?> values
                && entry.get("calibration") instanceof Map<?, ?> calibration) {
                float[] vector = new float[values.size()];
                for (int i = 0; i < vector.length; i++) {
                    if (values.get(i) instanceof Number n) {
                        vector[i] = n.floatValue();
                    } else {
                        throw LatentExceptions.badRequest(where + " [vector][" + i + "] must be a number, got [" + values.get(i) + "]");
                    }
                }
                try {
                    out.put(e.getKey(), new Translated(vector, ScoreCalibration.fromMap((Map<String, ?>) calibration)));
                } catch (IllegalArgumentException bad) {
                    throw LatentExceptions.badRequest(where + " " + bad.getMessage());
                }
            } else {
                throw LatentExceptions.badRequest(where + " must be an object with [vector] and [calibration]");
            }
        }
        return out;
    }

    public static LatentMixedKnnQueryBuilder fromXContent(XContentParser parser) throws IOException {
        Parsed p = PARSER.parse(parser, null);
        try {
            return new LatentMixedKnnQueryBuilder(p.field, p.nativeField, p.nativeVector, p.nativeWeight, p.k, p.numCandidates, p.filters,
                p.similarity, p.rescoreVector, p.visitPercentage, p.translations, p.indexKeys).boost(p.boost).queryName(p.queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    @Override
    protected boolean doEquals(LatentMixedKnnQueryBuilder o) {
        return field.equals(o.field) && Objects.equals(nativeField, o.nativeField) && Arrays.equals(nativeVector, o.nativeVector)
            && Float.compare(nativeWeight, o.nativeWeight) == 0 && Objects.equals(k, o.k) && Objects.equals(numCandidates, o.numCandidates)
            && filters.equals(o.filters) && Objects.equals(similarity, o.similarity) && Objects.equals(rescoreVector, o.rescoreVector)
            && Objects.equals(visitPercentage, o.visitPercentage) && translations.equals(o.translations)
            && indexKeys.equals(o.indexKeys);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(field, nativeField, Arrays.hashCode(nativeVector), nativeWeight, k, numCandidates, filters, similarity,
            rescoreVector, visitPercentage, translations, indexKeys);
    }

    String field() {
        return field;
    }

    String nativeField() {
        return nativeField;
    }

    float[] nativeVector() {
        return nativeVector;
    }

    float nativeWeight() {
        return nativeWeight;
    }

    Integer k() {
        return k;
    }

    Integer numCandidates() {
        return numCandidates;
    }

    List<QueryBuilder> filters() {
        return filters;
    }

    Float similarity() {
        return similarity;
    }

    RescoreVectorBuilder rescoreVector() {
        return rescoreVector;
    }

    Float visitPercentage() {
        return visitPercentage;
    }

    Map<String, Translated> translations() {
        return translations;
    }

    Map<String, String> indexKeys() {
        return indexKeys;
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
