package org.latentbridge.plugin.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.core.TimeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LatentCache} on Elasticsearch's own {@code Cache}, with real threads: the loads come from a stand-in for the store
 * that completes on a thread pool of its own, as the store's reads do.
 */
class LatentCacheTests {
    private static final int DIMS = 16;
    private static final long WAIT_SECONDS = 30;

    static {
        // Elasticsearch's Cache logs through Elasticsearch's own facade, which a plain JUnit run must install first
        LogConfigurator.configureESLogging();
    }

    private final ExecutorService loaderThreads = Executors.newFixedThreadPool(4);
    private final ExecutorService loadPool = Executors.newFixedThreadPool(2);
    private final ThreadContext threadContext = new ThreadContext(Settings.EMPTY);

    @AfterEach
    void stopThreads() throws InterruptedException {
        loaderThreads.shutdownNow();
        loadPool.shutdownNow();
        assertTrue(loaderThreads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(loadPool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /** Anchors of {@code rows} rows: their weight grows with the row count, so sizes can be chosen. */
    private static AnchorSet anchors(int rows) {
        String[] ids = new String[rows];
        float[] m = new float[rows * DIMS];
        for (int i = 0; i < rows; i++) {
            ids[i] = "a" + i;
            m[i * DIMS + i % DIMS] = 1;
        }
        return AnchorSet.ofMatrix(DIMS, ids, m);
    }

    private static ModelRecord model(String name, long generation, int rows) {
        return new ModelRecord(name, DIMS, null, List.of(ModelRecord.DOCUMENT_ROLE), 1,
            Map.of(ModelRecord.DOCUMENT_ROLE, new ModelRecord.RoleAnchors(rows, generation,
                List.of(new ModelRecord.Segment(generation, rows, 1)), Map.of(), Map.of())), 0, 0, 1);
    }

    private static long weightOf(int rows) {
        return LatentCache.weigh(new LatentCache.AnchorsKey("m", ModelRecord.DOCUMENT_ROLE, 1), anchors(rows));
    }

    /** A store stand-in whose anchor reads count themselves and answer on another thread, after {@code gate} opens. */
    private final class Source implements LatentCache.Source {
        final AtomicInteger anchorLoads = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);
        final AtomicInteger failuresToGive = new AtomicInteger();

        @Override
        public void model(String model, ActionListener<ModelRecord> listener) {
            loaderThreads.execute(() -> listener.onResponse(LatentCacheTests.model(model, 1, 10)));
        }

        @Override
        public void anchors(ModelRecord model, String role, ActionListener<AnchorSet> listener) {
            long generation = model.anchorsOf(role).generation();
            anchorLoads.incrementAndGet();
            CountDownLatch wait = gate;
            loaderThreads.execute(() -> {
                try {
                    assertTrue(wait.await(WAIT_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    listener.onFailure(e);
                    return;
                }
                if (failuresToGive.getAndUpdate(f -> Math.max(0, f - 1)) > 0) {
                    listener.onFailure(new IllegalStateException("anchor chunk [" + model.model() + "] is missing"));
                } else {
                    listener.onResponse(LatentCacheTests.anchors((int) (generation % 1000)));
                }
            });
        }

        @Override
        public void translator(String key, boolean withBlob, ActionListener<TranslatorRecord> listener) {
            listener.onFailure(new UnsupportedOperationException("not used here"));
        }
    }

    private LatentCache cache(Source source, long maxBytes) {
        return new LatentCache(source, threadContext, loadPool, maxBytes, TimeValue.timeValueMinutes(1));
    }

    private static <T> T await(AtomicReference<T> value, CountDownLatch done) throws InterruptedException {
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS), "answered");
        return value.get();
    }

    private static AnchorSet load(LatentCache cache, ModelRecord model) throws InterruptedException {
        AtomicReference<AnchorSet> out = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        cache.anchors(model, ModelRecord.DOCUMENT_ROLE, ActionListener.wrap(a -> {
            out.set(a);
            done.countDown();
        }, e -> {
            failure.set(e);
            done.countDown();
        }));
        await(out, done);
        if (failure.get() != null) {
            throw new AssertionError("load failed", failure.get());
        }
        return out.get();
    }

    @Test
    void theByteBoundHoldsAtEveryObservedMomentUnderConcurrentLoadsAndInvalidations() throws Exception {
        long maxBytes = 8 * weightOf(100);
        Source source = new Source();
        LatentCache cache = cache(source, maxBytes);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong peak = new AtomicLong(), cachePeak = new AtomicLong(), samples = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                long reserved = cache.weight(), cached = cache.cachedBytes();
                peak.accumulateAndGet(reserved, Math::max);
                cachePeak.accumulateAndGet(cached, Math::max);
                samples.incrementAndGet();
            }
        });
        sampler.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Random random = new Random(c);
            boolean invalidator = c == 0;
            work.add(clients.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    if (invalidator) {
                        cache.invalidate(List.of("m" + random.nextInt(6)));
                        continue;
                    }
                    // generation (mod 1000) is the row count: 20 to 500 rows, some entries a quarter of the bound or more
                    int rows = 20 + random.nextInt(481);
                    ModelRecord model = model("m" + random.nextInt(6), 1000L * random.nextInt(3) + rows, rows);
                    try {
                        AnchorSet a = load(cache, model);
                        assertEquals(rows, a.size());
                    } catch (Throwable t) {
                        errors.add(t);
                        return null;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(2, TimeUnit.MINUTES);
        }
        clients.shutdown();
        running.set(false);
        sampler.join();

        assertTrue(errors.isEmpty(), () -> errors.size() + " failed loads, e.g. " + errors.peek());
        assertTrue(samples.get() > 1000, "the sampler watched throughout: " + samples.get());
        assertTrue(peak.get() <= maxBytes, "reserved peak " + peak.get() + " over its limit " + maxBytes);
        assertTrue(cachePeak.get() <= maxBytes, "the cache's own weight peaked at " + cachePeak.get() + " over " + maxBytes);
        assertTrue(peak.get() > maxBytes / 2, "the cache was filled, so the bound was tested: peak " + peak.get());
        assertTrue(((Number) statsOf(cache).get("evictions")).longValue() > 0, "room was made by evicting");
        // at rest, the bytes reserved are exactly those of the entries held
        assertEquals(cache.cachedBytes(), cache.weight());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statsOf(LatentCache cache) {
        return (Map<String, Object>) cache.stats().get("cache");
    }

    @Test
    void concurrentMissesOfOneEntryRunOneLoadAndAllGetItsResult() throws Exception {
        Source source = new Source();
        source.gate = new CountDownLatch(1);
        LatentCache cache = cache(source, 1 << 20);
        ModelRecord model = model("m", 50, 50);
        int callers = 16;
        CountDownLatch done = new CountDownLatch(callers);
        ConcurrentLinkedQueue<AnchorSet> results = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        for (int c = 0; c < callers; c++) {
            clients.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                cache.anchors(model, ModelRecord.DOCUMENT_ROLE, ActionListener.wrap(a -> {
                    results.add(a);
                    done.countDown();
                }, e -> done.countDown()));
            });
        }
        start.countDown();
        clients.shutdown();
        assertTrue(clients.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS), "every caller asked before the load answered");
        source.gate.countDown();
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, source.anchorLoads.get(), "one load for " + callers + " concurrent misses");
        assertEquals(callers, results.size());
        AnchorSet first = results.peek();
        results.forEach(a -> assertSame(first, a));
        assertSame(first, load(cache, model), "then a hit");
        assertSame(first, cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE));
        assertEquals(1, source.anchorLoads.get());
    }

    @Test
    void aFailedLoadIsNotCachedAndTheNextCallerLoadsAgain() throws Exception {
        Source source = new Source();
        source.failuresToGive.set(1);
        LatentCache cache = cache(source, 1 << 20);
        ModelRecord model = model("m", 30, 30);
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        cache.anchors(model, ModelRecord.DOCUMENT_ROLE, ActionListener.wrap(a -> done.countDown(), e -> {
            failure.set(e);
            done.countDown();
        }));
        assertNotNull(await(failure, done), "the first load fails");
        assertNull(cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE));
        assertEquals(30, load(cache, model).size());
        assertEquals(2, source.anchorLoads.get());
    }

    @Test
    void aLoadOverlappingAnInvalidationServesItsCallerButIsNotCachedNorJoinedAfterwards() throws Exception {
        Source source = new Source();
        source.gate = new CountDownLatch(1);
        LatentCache cache = cache(source, 1 << 20);
        ModelRecord model = model("m", 40, 40);
        AtomicReference<AnchorSet> before = new AtomicReference<>();
        CountDownLatch beforeDone = new CountDownLatch(1);
        cache.anchors(model, ModelRecord.DOCUMENT_ROLE, ActionListener.wrap(a -> {
            before.set(a);
            beforeDone.countDown();
        }, e -> beforeDone.countDown()));
        cache.invalidate(List.of("m"));
        // a caller after the invalidation must not join the load that started before it
        AtomicReference<AnchorSet> after = new AtomicReference<>();
        CountDownLatch afterDone = new CountDownLatch(1);
        cache.anchors(model, ModelRecord.DOCUMENT_ROLE, ActionListener.wrap(a -> {
            after.set(a);
            afterDone.countDown();
        }, e -> afterDone.countDown()));
        assertEquals(2, source.anchorLoads.get(), "the caller after the invalidation started a load of its own");
        source.gate.countDown();
        assertNotNull(await(before, beforeDone), "the first caller is served");
        assertNotNull(await(after, afterDone));
        // only the load that started after the invalidation may be cached
        assertSame(after.get(), cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE));

        cache.invalidate(List.of("m"));
        assertNull(cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE), "an invalidation drops the entry");
        assertEquals(0, cache.weight());
    }

    @Test
    void anEntryLargerThanTheLimitIsServedButNotCached() throws Exception {
        Source source = new Source();
        LatentCache cache = cache(source, weightOf(100));
        ModelRecord small = model("s", 60, 60), large = model("l", 200, 200);
        assertEquals(60, load(cache, small).size());
        long held = cache.weight();
        assertEquals(weightOf(60), held);
        assertEquals(200, load(cache, large).size(), "served");
        assertNull(cache.peekAnchors(large, ModelRecord.DOCUMENT_ROLE), "not cached");
        assertSame(cache.peekAnchors(small, ModelRecord.DOCUMENT_ROLE), load(cache, small), "and it evicted nothing to try");
        assertEquals(held, cache.weight());
        load(cache, large);
        assertEquals(3, source.anchorLoads.get(), "the large entry loads every time");
    }

    @Test
    void peeksNeverLoadAndCountOnlyTheirHits() throws Exception {
        Source source = new Source();
        LatentCache cache = cache(source, 1 << 20);
        ModelRecord model = model("m", 20, 20);
        assertNull(cache.peekModel("m"));
        assertNull(cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE));
        assertNull(cache.peekRelative(model, ModelRecord.DOCUMENT_ROLE, null, 1));
        assertNull(cache.peekTranslator("m/document->n/document", List.of("m", "n")));
        assertNull(cache.peekInverseRelative(model, ModelRecord.DOCUMENT_ROLE, model("n", 20, 20), ModelRecord.DOCUMENT_ROLE));
        assertEquals(0, source.anchorLoads.get());
        assertEquals(0L, statsOf(cache).get("hits"));
        assertEquals(0L, statsOf(cache).get("misses"), "a peek's miss is counted by the load that follows it");

        load(cache, model);
        assertNotNull(cache.peekAnchors(model, ModelRecord.DOCUMENT_ROLE));
        assertEquals(1L, statsOf(cache).get("hits"));
        assertEquals(1L, statsOf(cache).get("misses"));
    }

    @Test
    void statsKeepOneKeyOrder() {
        LatentCache cache = cache(new Source(), 1 << 20);
        assertEquals(List.of("cache", "translations"), List.copyOf(cache.stats().keySet()));
        assertEquals(List.of("entries", "bytes", "limit_in_bytes", "hits", "misses", "evictions"), List.copyOf(statsOf(cache).keySet()));
    }
}
