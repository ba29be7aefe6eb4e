package org.latentbridge.plugin.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.compat.EsApi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's cache of decoded models, anchors and translators, bounded in bytes. A miss loads asynchronously from
 * the {@link LatentStore} (never a blocking read). Writes on any node invalidate every node's entries of the models
 * they touch (a broadcast nodes action); as a safety net, a load that started before an invalidation of one of its
 * models is used for its caller but not cached, so a slow read can never put stale data back.
 *
 * <p>Two tiers. Metadata (model and translator documents, small) is invalidated by writes and also expires after a
 * time to live, which bounds how long a node that missed an invalidation can serve old metadata. Data (anchors,
 * decoded translators, relative projections, large) is keyed by the anchor generation or translator uid it was decoded
 * from, both drawn at random for every write and never reused, so it is only ever evicted by size.
 */
public final class LatentCache {

    /** A key and the models whose change invalidates it. */
    record Key(String kind, List<String> models, String detail) {}

    /** A translator with the record it was decoded from (the record's binary form dropped). */
    public record LoadedTranslator(TranslatorRecord record, Translator translator) {}

    private final LatentStore store;
    private final Executor heavy;
    private final Cache<Key, Object> meta;
    private final Cache<Key, Object> cache;
    private final Map<String, AtomicLong> epochs = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder(), misses = new LongAdder();
    private final LongAdder translations = new LongAdder(), translationNanos = new LongAdder();

    private final long maxBytes;

    public LatentCache(LatentStore store, Executor heavy, long maxBytes, org.elasticsearch.core.TimeValue metadataTtl) {
        this.maxBytes = maxBytes;
        this.store = store;
        this.heavy = heavy;
        this.cache = CacheBuilder.<Key, Object>builder().setMaximumWeight(maxBytes).weigher(LatentCache::weigh).build();
        this.meta = CacheBuilder.<Key, Object>builder().setMaximumWeight(10_000).setExpireAfterWrite(metadataTtl).build();
    }

    private static long weigh(Key key, Object value) {
        long base = 256;
        if (value instanceof AnchorSet a) {
            return base + a.ramBytesUsed();
        }
        if (value instanceof LoadedTranslator t) {
            return base + t.translator().ramBytesUsed() + 2048;
        }
        if (value instanceof Translator t) {
            return base + t.ramBytesUsed();
        }
        return base + 4096; // model records: a few small maps
    }

    private long[] epochsOf(List<String> models) {
        long[] e = new long[models.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = epochs.computeIfAbsent(models.get(i), m -> new AtomicLong()).get();
        }
        return e;
    }

    private boolean unchanged(List<String> models, long[] before) {
        long[] now = epochsOf(models);
        return java.util.Arrays.equals(before, now);
    }

    @SuppressWarnings("unchecked")
    private <T> boolean served(Cache<Key, Object> tier, Key key, ActionListener<T> listener) {
        Object v = tier.get(key);
        if (v == null) {
            misses.increment();
            return false;
        }
        hits.increment();
        listener.onResponse((T) v);
        return true;
    }

    private <T> ActionListener<T> caching(Cache<Key, Object> tier, Key key, long[] epochsBefore, ActionListener<T> listener) {
        return listener.delegateFailureAndWrap((l, v) -> {
            if (unchanged(key.models(), epochsBefore)) {
                tier.put(key, v);
            }
            l.onResponse(v);
        });
    }

    public void model(String model, ActionListener<ModelRecord> listener) {
        Key key = new Key("model", List.of(model), "");
        if (served(meta, key, listener) == false) {
            store.getModel(model, caching(meta, key, epochsOf(key.models()), listener));
        }
    }

    /** The anchors of {@code role} at the model's current generation. */
    public void anchors(ModelRecord model, String role, ActionListener<AnchorSet> listener) {
        ModelRecord.RoleAnchors ra = model.anchorsOf(role);
        if (ra == null || ra.count() == 0) {
            listener.onFailure(new IllegalArgumentException("latent model [" + model.model() + "] has no anchors for role [" + role + "]"));
            return;
        }
        Key key = new Key("anchors", List.of(model.model()), role + "@" + ra.generation());
        if (served(cache, key, listener) == false) {
            store.loadAnchors(model, role, caching(cache, key, epochsOf(key.models()), listener));
        }
    }

    /** Dense relative projection of the model's anchors of {@code role}, ids in lexicographic order. */
    public void relative(ModelRecord model, String role, ActionListener<RelativeProjection> listener) {
        relative(model, role, null, 1, listener);
    }

    /** The relative projection, sparsified to the {@code topK} largest cosines raised to {@code exponent} when topK is set. */
    public void relative(ModelRecord model, String role, Integer topK, double exponent, ActionListener<RelativeProjection> listener) {
        ModelRecord.RoleAnchors ra = model.anchorsOf(role);
        Key key = new Key("relative", List.of(model.model()), role + "@" + (ra == null ? 0 : ra.generation()) + "/" + topK + "^" + exponent);
        if (served(cache, key, listener)) {
            return;
        }
        long[] before = epochsOf(key.models());
        anchors(model, role, listener.delegateFailureAndWrap((l, anchors) -> heavy.execute(() -> {
            RelativeProjection p;
            try {
                p = RelativeProjection.of(anchors, SpaceFrame.of(anchors, Preprocessing.DEFAULT), anchors.ids().stream().sorted().toList(),
                    topK, exponent);
            } catch (Exception e) {
                l.onFailure(e);
                return;
            }
            caching(cache, key, before, l).onResponse(p);
        })));
    }

    /** The translator of {@code key} between {@code models}: its document from the metadata tier, its decoded form by version. */
    public void translator(String key, List<String> models, ActionListener<LoadedTranslator> listener) {
        Key recordKey = new Key("translator", models, key);
        ActionListener<TranslatorRecord> withRecord = listener.delegateFailureAndWrap((l, record) -> {
            Key dataKey = new Key("translator-data", models, key + "@" + record.uid());
            if (served(cache, dataKey, l)) {
                return;
            }
            long[] before = epochsOf(models);
            store.getTranslator(key, true, l.delegateFailureAndWrap((l2, full) -> heavy.execute(() -> {
                LoadedTranslator t;
                try {
                    t = new LoadedTranslator(record, LatentStore.decodeTranslator(full));
                } catch (Exception e) {
                    l2.onFailure(e);
                    return;
                }
                caching(cache, dataKey, before, l2).onResponse(t);
            })));
        });
        if (served(meta, recordKey, withRecord) == false) {
            store.getTranslator(key, false, caching(meta, recordKey, epochsOf(models), withRecord));
        }
    }

    /**
     * Inverse relative projection between two models' anchors, fitted on first use and cached by both anchor
     * generations: what a query gets when it asks for {@code inverse_relative} and no translator was fitted.
     */
    public void inverseRelative(ModelRecord source, String sourceRole, ModelRecord target, String targetRole,
                                ActionListener<Translator> listener) {
        ModelRecord.RoleAnchors s = source.anchorsOf(sourceRole), t = target.anchorsOf(targetRole);
        Key key = new Key("inverse-relative", List.of(source.model(), target.model()), sourceRole + "@" + (s == null ? 0 : s.generation())
            + "->" + targetRole + "@" + (t == null ? 0 : t.generation()));
        if (served(cache, key, listener)) {
            return;
        }
        long[] before = epochsOf(key.models());
        anchors(source, sourceRole, listener.delegateFailureAndWrap((l, sa) -> anchors(target, targetRole, l.delegateFailureAndWrap(
            (l2, ta) -> heavy.execute(() -> {
                Translator fitted;
                try {
                    fitted = org.latentbridge.core.fit.TranslatorFitter.fit(sa, ta, org.latentbridge.core.fit.FitOptions.defaults()
                        .withMethod(org.latentbridge.core.translate.Method.INVERSE_RELATIVE)).translator();
                } catch (Exception e) {
                    l2.onFailure(e);
                    return;
                }
                caching(cache, key, before, l2).onResponse(fitted);
            })))));
    }

    /** Drops every entry that depends on one of {@code models}; loads already in flight for them will not be cached. */
    public void invalidate(Collection<String> models) {
        for (String m : models) {
            epochs.computeIfAbsent(m, x -> new AtomicLong()).incrementAndGet();
        }
        for (Cache<Key, Object> tier : List.of(meta, cache)) {
            for (Key key : tier.keys()) {
                if (key.models().stream().anyMatch(models::contains)) {
                    tier.invalidate(key);
                }
            }
        }
    }

    public void recordTranslations(int count, long nanos) {
        translations.add(count);
        translationNanos.add(nanos);
    }

    public Map<String, Object> stats() {
        return Map.of(
            "cache", Map.of("entries", cache.count(), "bytes", cache.weight(), "limit_in_bytes", maxBytes, "hits", hits.sum(), "misses",
                misses.sum(), "evictions", EsApi.evictions(cache)),
            "translations", Map.of("count", translations.sum(), "time_in_nanos", translationNanos.sum(), "kernels",
                org.latentbridge.core.linalg.MatrixKernels.implementation()));
    }
}
