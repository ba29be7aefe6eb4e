package org.latentbridge.plugin.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.action.support.SubscribableListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.common.cache.RemovalNotification;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.core.TimeValue;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.EsApi;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * This node's cache of decoded models, anchors and translators. A miss loads asynchronously from the {@link LatentStore}
 * (never a blocking read), on the load pool, and concurrent misses of one entry share one load. Writes on any node
 * invalidate every node's entries of the models they touch (a broadcast nodes action); as a safety net, a load that
 * started before an invalidation of one of its models is used for its callers but not cached, so a slow read can never
 * put stale data back.
 *
 * <p>Two tiers. Metadata (model and translator documents, small) is bounded by entry count
 * ({@value #MAX_METADATA_ENTRIES}), invalidated by writes, and expires after a time to live, which bounds how long a node
 * that missed an invalidation can serve old metadata. Data (anchors, decoded translators, relative projections, large) is
 * bounded in bytes, and the bound holds at every moment: room is made (least recently used first) before an entry is
 * admitted, and an entry larger than the whole bound is served to its callers but never cached. Data is keyed by the
 * anchor generation or translator uid it was decoded from, both drawn at random for every write and never reused.
 */
public final class LatentCache {

    /** Metadata entries held at most: model and translator documents without their binary forms, a few kilobytes each. */
    static final int MAX_METADATA_ENTRIES = 10_000;
    /** Bytes charged to every data entry beyond its payload: the key, the cache's entry and its LRU links. */
    static final long ENTRY_OVERHEAD_BYTES = 256;
    /** Bytes charged for the translator document kept beside its decoded form (its binary form dropped). */
    static final long TRANSLATOR_RECORD_BYTES = 2048;
    /**
     * Invalidation epochs are kept per stripe of model names, not per name, so that they take fixed memory whatever names
     * are asked for; two models sharing a stripe only make a load overlapping the other's invalidation go uncached.
     */
    static final int EPOCH_STRIPES = 256;

    /** A cache key and the models whose change invalidates it. */
    sealed interface Key {
        List<String> models();
    }

    record ModelKey(String model) implements Key {
        @Override
        public List<String> models() {
            return List.of(model);
        }
    }

    record AnchorsKey(String model, String role, long generation) implements Key {
        @Override
        public List<String> models() {
            return List.of(model);
        }
    }

    record RelativeKey(String model, String role, long generation, Integer topK, double exponent) implements Key {
        @Override
        public List<String> models() {
            return List.of(model);
        }
    }

    record TranslatorRecordKey(String key, List<String> models) implements Key {}

    record TranslatorDataKey(String key, List<String> models, String uid) implements Key {}

    record InverseRelativeKey(String source, String sourceRole, long sourceGeneration, String target, String targetRole,
                              long targetGeneration) implements Key {
        @Override
        public List<String> models() {
            return List.of(source, target);
        }
    }

    /**
     * A translator with the record it was decoded from (the record's binary form dropped), and the map for documents
     * translated at index time when the record has one (else null).
     */
    public record LoadedTranslator(TranslatorRecord record, Translator translator, Translator documents) {
        public LoadedTranslator(TranslatorRecord record, Translator translator) {
            this(record, translator, null);
        }

        /** The map for documents translated at index time: the document map, else the translator itself. */
        public Translator forDocuments() {
            return documents == null ? translator : documents;
        }
    }

    /** Where misses are read from: the store, or a test's stand-in. */
    interface Source {
        void model(String model, ActionListener<ModelRecord> listener);

        void anchors(ModelRecord model, String role, ActionListener<AnchorSet> listener);

        void translator(String key, boolean withBlob, ActionListener<TranslatorRecord> listener);
    }

    private record StoreSource(LatentStore store) implements Source {
        @Override
        public void model(String model, ActionListener<ModelRecord> listener) {
            store.getModel(model, listener);
        }

        @Override
        public void anchors(ModelRecord model, String role, ActionListener<AnchorSet> listener) {
            store.loadAnchors(model, role, listener);
        }

        @Override
        public void translator(String key, boolean withBlob, ActionListener<TranslatorRecord> listener) {
            store.getTranslator(key, withBlob, listener);
        }
    }

    private final Source source;
    private final ThreadContext threadContext;
    private final Executor loads;
    private final long maxBytes;
    private final Cache<Key, Object> meta;
    private final Cache<Key, Object> data;
    /** Bytes of the data tier's entries plus those being admitted: the number the bound is checked against. */
    private final AtomicLong reservedBytes = new AtomicLong();
    /** Held while making room and admitting one data entry, so that two admissions cannot both count on the same room. */
    private final Object admission = new Object();
    private final AtomicLongArray epochs = new AtomicLongArray(EPOCH_STRIPES);
    private final Map<Key, SubscribableListener<Object>> loading = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder(), misses = new LongAdder(), evictions = new LongAdder();
    private final LongAdder translations = new LongAdder(), translationNanos = new LongAdder();

    /** {@code loads} runs decoding, projections and inverse-relative fits after a miss: the load pool, never the fit pool. */
    public LatentCache(LatentStore store, ThreadContext threadContext, Executor loads, long maxBytes, TimeValue metadataTtl) {
        this(new StoreSource(store), threadContext, loads, maxBytes, metadataTtl);
    }

    LatentCache(Source source, ThreadContext threadContext, Executor loads, long maxBytes, TimeValue metadataTtl) {
        this.source = source;
        this.threadContext = threadContext;
        this.loads = loads;
        this.maxBytes = maxBytes;
        this.data = CacheBuilder.<Key, Object>builder().setMaximumWeight(maxBytes).weigher(LatentCache::weigh)
            .removalListener(this::released).build();
        this.meta = CacheBuilder.<Key, Object>builder().setMaximumWeight(MAX_METADATA_ENTRIES).setExpireAfterWrite(metadataTtl).build();
    }

    /** Bytes a data entry is charged; the same for an entry every time it is asked (the cache's own weight depends on it). */
    static long weigh(Key key, Object value) {
        if (value instanceof AnchorSet anchors) {
            return ENTRY_OVERHEAD_BYTES + anchors.ramBytesUsed();
        }
        if (value instanceof LoadedTranslator loaded) {
            return ENTRY_OVERHEAD_BYTES + TRANSLATOR_RECORD_BYTES + loaded.translator().ramBytesUsed()
                + (loaded.documents() == null ? 0 : loaded.documents().ramBytesUsed());
        }
        if (value instanceof Translator translator) { // relative projections and inverse-relative fits
            return ENTRY_OVERHEAD_BYTES + translator.ramBytesUsed();
        }
        throw new IllegalArgumentException("no weight for a [" + value.getClass().getSimpleName() + "] under [" + key + "]");
    }

    private void released(RemovalNotification<Key, Object> removal) {
        reservedBytes.addAndGet(-weigh(removal.getKey(), removal.getValue()));
    }

    // ---- invalidation epochs ----

    private static int stripe(String model) {
        return Math.floorMod(model.hashCode(), EPOCH_STRIPES);
    }

    private long[] epochsOf(Key key) {
        List<String> models = key.models();
        long[] e = new long[models.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = epochs.get(stripe(models.get(i)));
        }
        return e;
    }

    private boolean unchanged(Key key, long[] before) {
        List<String> models = key.models();
        for (int i = 0; i < before.length; i++) {
            if (epochs.get(stripe(models.get(i))) != before[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- lookups and loads ----

    @SuppressWarnings("unchecked")
    private <T> T peek(Cache<Key, Object> tier, Key key) {
        Object value = tier.get(key);
        if (value != null) {
            hits.increment();
        }
        return (T) value;
    }

    /**
     * Answers {@code key} from {@code tier}, else from the load of it already running, else from a new load by {@code loader}.
     * Each listener is called back in its own thread context. A failed load is not cached: the next caller loads again.
     */
    @SuppressWarnings("unchecked")
    private <T> void get(Cache<Key, Object> tier, Key key, ActionListener<T> listener, Consumer<ActionListener<T>> loader) {
        T cached = peek(tier, key);
        if (cached != null) {
            listener.onResponse(cached);
            return;
        }
        misses.increment();
        long[] before = epochsOf(key); // before the load registers: a load is fresh only if no invalidation ran after this
        SubscribableListener<Object> load = new SubscribableListener<>();
        SubscribableListener<Object> running = loading.putIfAbsent(key, load);
        ActionListener<Object> subscriber = (ActionListener<Object>) ContextPreservingActionListener.wrapPreservingContext(listener,
            threadContext);
        if (running != null) {
            running.addListener(subscriber);
            return;
        }
        load.addListener(subscriber);
        ActionListener<T> completion = new ActionListener<>() {
            @Override
            public void onResponse(T value) {
                admit(tier, key, value, before);
                loading.remove(key, load);
                load.onResponse(value);
            }

            @Override
            public void onFailure(Exception e) {
                loading.remove(key, load);
                load.onFailure(e);
            }
        };
        try {
            loader.accept(completion);
        } catch (Exception e) {
            completion.onFailure(e);
        }
    }

    /**
     * Caches a loaded value unless an invalidation of one of its models ran since the load started, re-checking after the
     * put: an invalidation that ran between the check and the put would otherwise leave the value behind.
     */
    private void admit(Cache<Key, Object> tier, Key key, Object value, long[] before) {
        if (unchanged(key, before) == false) {
            return;
        }
        if (tier == data) {
            if (admitData(key, value) == false) {
                return;
            }
        } else {
            tier.put(key, value);
        }
        if (unchanged(key, before) == false) {
            tier.invalidate(key, value);
        }
    }

    /** Makes room, least recently used first, and admits; false (nothing cached) for an entry larger than the bound. */
    private boolean admitData(Key key, Object value) {
        long bytes = weigh(key, value);
        if (bytes > maxBytes) {
            return false;
        }
        synchronized (admission) {
            Key previous = null;
            while (reservedBytes.get() + bytes > maxBytes) {
                Key eldest = null;
                for (Key k : data.keys()) { // most recently used first
                    eldest = k;
                }
                if (eldest == null || eldest.equals(previous)) {
                    // the bytes still reserved belong to an entry another thread is removing right now: rather than wait, do not cache
                    return false;
                }
                data.invalidate(eldest); // its removal listener gives back its bytes before this returns
                evictions.increment();
                previous = eldest;
            }
            reservedBytes.addAndGet(bytes);
            data.put(key, value);
        }
        return true;
    }

    public void model(String model, ActionListener<ModelRecord> listener) {
        get(meta, new ModelKey(model), listener, l -> source.model(model, l));
    }

    /** The model's record if it is cached, else null (no load starts). */
    public ModelRecord peekModel(String model) {
        return peek(meta, new ModelKey(model));
    }

    /** The anchors of {@code role} at the model's current generation. */
    public void anchors(ModelRecord model, String role, ActionListener<AnchorSet> listener) {
        ModelRecord.RoleAnchors ra = model.anchorsOf(role);
        if (ra == null || ra.count() == 0) {
            listener.onFailure(noAnchors(model, role));
            return;
        }
        get(data, new AnchorsKey(model.model(), role, ra.generation()), listener,
            l -> source.anchors(model, role, l));
    }

    /** The anchors of {@code role} at the model's current generation if they are cached, else null. */
    public AnchorSet peekAnchors(ModelRecord model, String role) {
        ModelRecord.RoleAnchors ra = model.anchorsOf(role);
        return ra == null || ra.count() == 0 ? null : peek(data, new AnchorsKey(model.model(), role, ra.generation()));
    }

    private static RuntimeException noAnchors(ModelRecord model, String role) {
        return LatentExceptions.badRequest("latent model [" + model.model() + "] has no anchors for role [" + role + "]");
    }

    /** Dense relative projection of the model's anchors of {@code role}, ids in lexicographic order. */
    public void relative(ModelRecord model, String role, ActionListener<RelativeProjection> listener) {
        relative(model, role, null, 1, listener);
    }

    /** The relative projection, sparsified to the {@code topK} largest cosines raised to {@code exponent} when topK is set. */
    public void relative(ModelRecord model, String role, Integer topK, double exponent, ActionListener<RelativeProjection> listener) {
        get(data, relativeKey(model, role, topK, exponent), listener, l -> anchors(model, role, l.delegateFailureAndWrap(
            (l2, anchors) -> loads.execute(ActionRunnable.supply(l2, () -> RelativeProjection.of(anchors,
                SpaceFrame.of(anchors, Preprocessing.DEFAULT), anchors.ids().stream().sorted().toList(), topK, exponent))))));
    }

    /** The relative projection if it is cached, else null. */
    public RelativeProjection peekRelative(ModelRecord model, String role, Integer topK, double exponent) {
        return peek(data, relativeKey(model, role, topK, exponent));
    }

    private static RelativeKey relativeKey(ModelRecord model, String role, Integer topK, double exponent) {
        ModelRecord.RoleAnchors ra = model.anchorsOf(role);
        return new RelativeKey(model.model(), role, ra == null ? 0 : ra.generation(), topK, exponent);
    }

    /** The translator of {@code key} between {@code models}: its document from the metadata tier, its decoded form by uid. */
    public void translator(String key, List<String> models, ActionListener<LoadedTranslator> listener) {
        ActionListener<TranslatorRecord> withRecord = listener.delegateFailureAndWrap((l, record) -> get(data,
            new TranslatorDataKey(key, models, record.uid()), l, l2 -> source.translator(key, true, l2.delegateFailureAndWrap(
                (l3, full) -> loads.execute(ActionRunnable.supply(l3,
                    () -> new LoadedTranslator(record, LatentStore.decodeTranslator(full),
                        LatentStore.decodeDocumentTranslator(full))))))));
        get(meta, new TranslatorRecordKey(key, models), withRecord, l -> source.translator(key, false, l));
    }

    /** The translator if both its document and its decoded form are cached, else null. */
    public LoadedTranslator peekTranslator(String key, List<String> models) {
        TranslatorRecord record = (TranslatorRecord) meta.get(new TranslatorRecordKey(key, models));
        LoadedTranslator loaded = record == null ? null : (LoadedTranslator) data.get(new TranslatorDataKey(key, models, record.uid()));
        if (loaded != null) {
            hits.increment();
        }
        return loaded;
    }

    /**
     * Inverse relative projection between two models' anchors, fitted on first use and cached by both anchor
     * generations: what a query gets when it asks for {@code inverse_relative} and no translator was fitted. The fit runs on
     * the load thread alone (parallelism 1, not the fits' product pool): a search must not queue behind a running fit's
     * products, and the load pool's size bounds its CPU.
     */
    public void inverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole,
                                ActionListener<Translator> listener) {
        get(data, inverseRelativeKey(source, sourceRole, target, targetRole), listener, l -> anchors(source, sourceRole,
            l.delegateFailureAndWrap((l2, sa) -> anchors(target, targetRole, l2.delegateFailureAndWrap(
                (l3, ta) -> loads.execute(ActionRunnable.supply(l3, () -> TranslatorFitter.fit(sa, ta, FitOptions.defaults()
                    .withMethod(Method.INVERSE_RELATIVE).withParallelism(1)).translator())))))));
    }

    /** The inverse relative projection if it is cached, else null. */
    public Translator peekInverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        return peek(data, inverseRelativeKey(source, sourceRole, target, targetRole));
    }

    private static InverseRelativeKey inverseRelativeKey(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        ModelRecord.RoleAnchors s = source.anchorsOf(sourceRole), t = target.anchorsOf(targetRole);
        return new InverseRelativeKey(source.model(), sourceRole, s == null ? 0 : s.generation(), target.model(), targetRole,
            t == null ? 0 : t.generation());
    }

    /**
     * Drops every entry that depends on one of {@code models}; loads already in flight for them will not be cached, and a
     * caller that misses after this starts a load of its own instead of joining one of those.
     */
    public void invalidate(Collection<String> models) {
        for (String m : models) {
            epochs.incrementAndGet(stripe(m));
        }
        loading.keySet().removeIf(key -> dependsOn(key, models));
        for (Cache<Key, Object> tier : List.of(meta, data)) {
            for (Key key : tier.keys()) {
                if (dependsOn(key, models)) {
                    tier.invalidate(key);
                }
            }
        }
    }

    private static boolean dependsOn(Key key, Collection<String> models) {
        return key.models().stream().anyMatch(models::contains);
    }

    public void recordTranslations(int count, long nanos) {
        translations.add(count);
        translationNanos.add(nanos);
    }

    /** Bytes the data tier holds or is admitting; never more than the limit. */
    long weight() {
        return reservedBytes.get();
    }

    /** Bytes of the data tier by Elasticsearch's cache's own count (a racy read): never more than {@link #weight()}. */
    long cachedBytes() {
        return data.weight();
    }

    public Map<String, Object> stats() {
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("entries", data.count());
        cache.put("bytes", reservedBytes.get());
        cache.put("limit_in_bytes", maxBytes);
        cache.put("hits", hits.sum());
        cache.put("misses", misses.sum());
        cache.put("evictions", evictions.sum() + EsApi.evictions(data)); // ours make room before admitting; the cache's own, none
        Map<String, Object> translationStats = new LinkedHashMap<>();
        translationStats.put("count", translations.sum());
        translationStats.put("time_in_nanos", translationNanos.sum());
        translationStats.put("kernels", MatrixKernels.implementation());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("cache", cache);
        stats.put("translations", translationStats);
        return stats;
    }
}
