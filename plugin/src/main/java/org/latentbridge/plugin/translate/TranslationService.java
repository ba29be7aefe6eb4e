package org.latentbridge.plugin.translate;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.SubscribableListener;
import org.elasticsearch.common.settings.Settings;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.LatentSettings;
import org.latentbridge.plugin.store.LatentCache;
import org.latentbridge.plugin.store.LatentCache.LoadedTranslator;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Translation of vectors between models, for every caller on this node: {@code _translate}, the {@code latent_knn}
 * query, the {@code latent_translation} query vector builder and both ingest processors. One instance per node, made
 * in {@code createComponents}. Everything it reads comes from the node's {@link LatentCache}: synchronously when cached,
 * asynchronously (never blocking the calling thread) on a miss. It runs no transport action, so it needs no privilege
 * of the caller: the store is read as the internal user.
 *
 * <p>What a {@link TranslateSpec} asks, and what serves it:
 * <ul>
 *   <li>{@code to = "_relative"}: the relative projection of {@code from}'s anchors of {@code role} (dense, or sparse
 *       with {@code top_k}); with {@code alignWith}, only if that model's anchors have the same ids;</li>
 *   <li>{@code to = from}: nothing to translate. The vectors come back unchanged (unit length when {@code normalize}
 *       asks), with method {@value Translation#IDENTITY}; the model must exist and the vectors must have its dimension.
 *       {@code latent_knn} does not call the service for a field of the query model: the field's mapping already
 *       checked the dimension, and Elasticsearch's {@code knn} takes the query vector as it is;</li>
 *   <li>another model with {@code method: auto}: the stored translator of {@code from}'s role into {@code to}'s
 *       document role (404, naming the request that fits it, when there is none);</li>
 *   <li>another model with {@code method: inverse_relative}: an inverse relative projection of both models' anchors.</li>
 * </ul>
 */
public final class TranslationService {
    private final LatentCache cache;
    private final Lookup loading;
    private final Lookup peeking;
    /** {@code latent_bridge.translate.max_relative_values}: vectors x anchors one relative translation may produce. */
    private final long maxRelativeValues;

    public TranslationService(LatentCache cache, Settings settings) {
        this.cache = cache;
        this.maxRelativeValues = LatentSettings.MAX_RELATIVE_VALUES.get(settings);
        this.loading = new LoadingLookup(cache);
        this.peeking = new PeekingLookup(cache);
    }

    /**
     * Translates {@code vectors} as {@code spec} says.
     *
     * @param vectorName how the caller's request names the vector(s) ({@code query_vector}, {@code vector}, an ingest
     *                   field), so that a wrong dimension is reported where the user wrote it
     */
    public void translate(TranslateSpec spec, String vectorName, float[][] vectors, ActionListener<Translation> listener) {
        run(loading, spec, vectorName, source -> checkDimensions(vectorName, vectors, source), listener);
    }

    /**
     * Translates the vectors {@code vectorsOf} reads once the source model, and so its dimension, is known (a request
     * body is parsed only then, so that an unknown model is reported before the vectors are); errors name them {@code vectors}.
     */
    public void translate(TranslateSpec spec, Function<ModelRecord, float[][]> vectorsOf, ActionListener<Translation> listener) {
        run(loading, spec, "vectors", vectorsOf, listener);
    }

    /**
     * The translation, computed on this thread, when everything it needs is in the cache; else null, having loaded
     * nothing. A request that would fail also answers null: {@link #translate} then reports the failure.
     */
    public Translation cachedOrNull(TranslateSpec spec, String vectorName, float[][] vectors) {
        if (spec.method() == QueryMethod.AUTO && spec.toRelative() == false && spec.identity() == false) {
            return storedOrNull(spec, vectorName, vectors);
        }
        AtomicReference<Translation> result = new AtomicReference<>();
        run(peeking, spec, vectorName, source -> checkDimensions(vectorName, vectors, source), ActionListener.wrap(result::set, e -> {}));
        return result.get();
    }

    /**
     * A search's usual translation, by a stored translator, read straight from the cache. It runs once per query, after a
     * kNN search has swept the caches, so the listener chain of {@link #run} (about ten objects and as many classes'
     * code to fetch again) cost more there than it does in a loop.
     */
    private Translation storedOrNull(TranslateSpec spec, String vectorName, float[][] vectors) {
        ModelRecord source = cache.peekModel(spec.from());
        ModelRecord target = source == null ? null : cache.peekModel(spec.to());
        if (target == null) {
            return null;
        }
        try {
            Input in = new Input(spec, source, source.resolveRole(spec.role()), checkDimensions(vectorName, vectors, source),
                vectorName);
            String targetRole = target.resolveRole(ModelRecord.DOCUMENT_ROLE);
            LoadedTranslator t = cache.peekTranslator(TranslatorRecord.key(source.model(), in.role(), target.model(), targetRole),
                List.of(source.model(), target.model()));
            return t == null ? null : translated(t, in, target);
        } catch (RuntimeException e) {
            return null; // translate() reports it
        }
    }

    /** Whether translator {@code t} was fitted on anchors other than the models' current ones. */
    public static boolean stale(TranslatorRecord t, ModelRecord source, ModelRecord target) {
        ModelRecord.RoleAnchors s = source.anchorsOf(t.sourceRole()), g = target.anchorsOf(t.targetRole());
        return s == null || g == null || s.generation() != t.sourceGeneration() || g.generation() != t.targetGeneration();
    }

    /** The source model, its resolved role, the vectors to translate and how the request names them. */
    private record Input(TranslateSpec spec, ModelRecord source, String role, float[][] vectors, String vectorName) {}

    private void run(Lookup lookup, TranslateSpec spec, String vectorName, Function<ModelRecord, float[][]> vectorsOf,
                     ActionListener<Translation> listener) {
        SubscribableListener.<ModelRecord>newForked(l -> lookup.model(spec.from(), l)).<Translation>andThen((l, source) -> {
            Input in = new Input(spec, source, source.resolveRole(spec.role()), vectorsOf.apply(source), vectorName);
            if (spec.toRelative()) {
                relative(lookup, in, l);
            } else if (spec.identity()) {
                l.onResponse(identity(in));
            } else {
                intoModel(lookup, in, l);
            }
        }).addListener(listener);
    }

    private void relative(Lookup lookup, Input in, ActionListener<Translation> listener) {
        TranslateSpec spec = in.spec();
        ModelRecord.RoleAnchors anchors = in.source().anchorsOf(in.role());
        long values = anchors == null ? 0 : (long) in.vectors().length * anchors.count();
        if (values > maxRelativeValues) {
            // checked before anything is computed: each vector gets one coordinate per anchor
            throw LatentExceptions.badRequest("a relative translation of [" + in.vectors().length + "] vectors into the [" + in.role()
                + "] space of [" + in.source().model() + "] ([" + anchors.count() + "] anchors) would produce ["
                + values + "] values, more than the [" + maxRelativeValues + "] of [" + LatentSettings.MAX_RELATIVE_VALUES.getKey()
                + "]; translate fewer vectors per request");
        }
        SubscribableListener.<Void>newForked(l -> checkAligned(lookup, in, l))
            .<RelativeProjection>andThen((l, aligned) -> lookup.relative(in.source(), in.role(), spec.topK(), spec.exponent(), l))
            .andThenApply(projection -> {
                float[][] dense = translateAll(in, projection, true);
                Translation.RelativeSpace space = new Translation.RelativeSpace(in.role(), projection.targetDims(),
                    in.source().anchorsOf(in.role()).generation());
                return spec.topK() == null ? Translation.relative(dense, null, space)
                    : Translation.relative(null, sparse(dense, projection.ids()), space);
            })
            .addListener(listener);
    }

    /** For a relative field of another model: its coordinates follow that model's sorted anchor ids, and ours must match. */
    private void checkAligned(Lookup lookup, Input in, ActionListener<Void> listener) {
        String fieldModelName = in.spec().alignWith();
        if (fieldModelName == null || fieldModelName.equals(in.spec().from())) {
            listener.onResponse(null);
            return;
        }
        SubscribableListener.<ModelRecord>newForked(l -> lookup.model(fieldModelName, l))
            .<RelativeProjection>andThen((l, fieldModel) -> lookup.relative(fieldModel, fieldModel.resolveRole(ModelRecord.DOCUMENT_ROLE),
                null, 1, l))
            .<Void>andThen((l, fieldSpace) -> lookup.relative(in.source(), in.role(), null, 1, l.map(querySpace -> {
                if (fieldSpace.ids().equals(querySpace.ids()) == false) {
                    throw LatentExceptions.badRequest("the relative spaces of [" + in.spec().from() + "] and [" + fieldModelName
                        + "] differ: their anchors have different ids ([" + querySpace.ids().size() + "] and [" + fieldSpace.ids().size()
                        + "]); upload the same anchor ids to both models");
                }
                return null;
            })))
            .addListener(listener);
    }

    private void intoModel(Lookup lookup, Input in, ActionListener<Translation> listener) {
        SubscribableListener.<ModelRecord>newForked(l -> lookup.model(in.spec().to(), l)).<Translation>andThen((l, target) -> {
            String targetRole = target.resolveRole(ModelRecord.DOCUMENT_ROLE);
            if (in.spec().method() == QueryMethod.INVERSE_RELATIVE) {
                lookup.inverseRelative(in.source(), in.role(), target, targetRole, l.map(t -> Translation.unstored(
                    translateAll(in, t, in.spec().normalize()), Method.INVERSE_RELATIVE.apiName())));
            } else {
                storedTranslator(lookup, in, target, targetRole, l);
            }
        }).addListener(listener);
    }

    private void storedTranslator(Lookup lookup, Input in, ModelRecord target, String targetRole, ActionListener<Translation> listener) {
        String key = TranslatorRecord.key(in.source().model(), in.role(), target.model(), targetRole);
        lookup.translator(key, List.of(in.source().model(), target.model()), ActionListener.wrap(
            t -> listener.onResponse(translated(t, in, target)),
            e -> listener.onFailure(ExceptionsHelper.unwrapCause(e) instanceof LatentExceptions.TranslatorNotFoundException
                ? LatentExceptions.translatorNotFound(key, "fit it with PUT /_latent/translator/" + in.source().model() + "/"
                    + target.model() + fitBody(in.source(), in.role(), target, targetRole)) : e)));
    }

    private Translation translated(LoadedTranslator t, Input in, ModelRecord target) {
        Translator translator = in.spec().documents() ? t.forDocuments() : t.translator();
        return Translation.stored(translateAll(in, translator, in.spec().normalize()), translator.method(),
            t.record().version(), stale(t.record(), in.source(), target), t.record().calibration());
    }

    /** The body that fits these roles when they are not the fit's defaults (e.g. the document-role translator of ingest). */
    private static String fitBody(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        boolean defaults = sourceRole.equals(source.resolveRole(ModelRecord.QUERY_ROLE))
            && targetRole.equals(target.resolveRole(ModelRecord.DOCUMENT_ROLE));
        return defaults ? "" : " {\"source_role\": \"" + sourceRole + "\", \"target_role\": \"" + targetRole + "\"}";
    }

    private static Translation identity(Input in) {
        float[][] out = new float[in.vectors().length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.vectors()[i].clone();
            if (in.spec().normalize()) {
                Vectors.normalizeInPlace(out[i]);
            }
        }
        return Translation.unstored(checkFinite(in.vectorName(), out), Translation.IDENTITY);
    }

    private float[][] translateAll(Input in, Translator translator, boolean normalize) {
        long start = System.nanoTime();
        float[][] out = translator.translateAll(in.vectors(), normalize);
        cache.recordTranslations(out.length, System.nanoTime() - start);
        return checkFinite(in.vectorName(), out);
    }

    /**
     * The last word before a vector leaves the service: Elasticsearch, an index or a client never receives a non-finite
     * number. Finite input can still get here (components near the float limit whose products overflow), so the refusal
     * is a 400 naming the vector.
     */
    private static float[][] checkFinite(String vectorName, float[][] out) {
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                if (Float.isFinite(out[i][j]) == false) {
                    String where = out.length == 1 ? vectorName : vectorName + "][" + i;
                    throw LatentExceptions.badRequest("[" + where + "] translates to a non-finite value (component [" + j
                        + "]): the input overflows the float range; scale it down (its direction is what is translated)");
                }
            }
        }
        return out;
    }

    /** Sparse relative vectors: anchor id to weight, zeros left out ({@code sparse_vector} fields take positive weights only). */
    private static List<Map<String, Float>> sparse(float[][] rows, List<String> ids) {
        List<Map<String, Float>> out = new ArrayList<>(rows.length);
        for (float[] row : rows) {
            Map<String, Float> weights = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                if (row[i] > 0) {
                    weights.put(ids.get(i), row[i]);
                }
            }
            out.add(weights);
        }
        return out;
    }

    private static float[][] checkDimensions(String vectorName, float[][] vectors, ModelRecord source) {
        for (int i = 0; i < vectors.length; i++) {
            String where = vectors.length == 1 ? vectorName : vectorName + "][" + i;
            Vectors.checkDimensions(where, source.dims(), vectors[i].length);
        }
        return vectors;
    }

    /** Where the translation's parts come from: the cache, loading on a miss, or the cache only. */
    private interface Lookup {
        void model(String model, ActionListener<ModelRecord> listener);

        void relative(ModelRecord model, String role, Integer topK, double exponent, ActionListener<RelativeProjection> listener);

        void translator(String key, List<String> models, ActionListener<LoadedTranslator> listener);

        void inverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole,
                             ActionListener<Translator> listener);
    }

    private record LoadingLookup(LatentCache cache) implements Lookup {
        @Override
        public void model(String model, ActionListener<ModelRecord> listener) {
            cache.model(model, listener);
        }

        @Override
        public void relative(ModelRecord model, String role, Integer topK, double exponent, ActionListener<RelativeProjection> listener) {
            cache.relative(model, role, topK, exponent, listener);
        }

        @Override
        public void translator(String key, List<String> models, ActionListener<LoadedTranslator> listener) {
            cache.translator(key, models, listener);
        }

        @Override
        public void inverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole,
                                    ActionListener<Translator> listener) {
            cache.inverseRelative(source, sourceRole, target, targetRole, listener);
        }
    }

    /** Answers from the cache alone; a miss fails the listener at once, so that the caller falls back to loading. */
    private record PeekingLookup(LatentCache cache) implements Lookup {
        @Override
        public void model(String model, ActionListener<ModelRecord> listener) {
            complete(cache.peekModel(model), listener);
        }

        @Override
        public void relative(ModelRecord model, String role, Integer topK, double exponent, ActionListener<RelativeProjection> listener) {
            complete(cache.peekRelative(model, role, topK, exponent), listener);
        }

        @Override
        public void translator(String key, List<String> models, ActionListener<LoadedTranslator> listener) {
            complete(cache.peekTranslator(key, models), listener);
        }

        @Override
        public void inverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole,
                                    ActionListener<Translator> listener) {
            complete(cache.peekInverseRelative(source, sourceRole, target, targetRole), listener);
        }

        private static <T> void complete(T cached, ActionListener<T> listener) {
            if (cached == null) {
                listener.onFailure(new NotCachedException());
            } else {
                listener.onResponse(cached);
            }
        }
    }

    /** A peek's miss: control flow only, so it carries no stack trace. */
    private static final class NotCachedException extends Exception {
        NotCachedException() {
            super("not cached", null, false, false);
        }
    }
}
