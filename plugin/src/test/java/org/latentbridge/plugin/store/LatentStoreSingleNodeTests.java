package org.latentbridge.plugin.store;

import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.client.internal.OriginSettingClient;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.test.ESSingleNodeTestCase;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.plugin.LatentBridgePlugin;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.anchors.PutAnchorsAction;
import org.latentbridge.plugin.action.translate.TranslateAction;
import org.latentbridge.plugin.action.model.PutModelAction;
import org.latentbridge.plugin.action.translator.PutTranslatorAction;
import org.latentbridge.plugin.action.translator.TranslatorPath;
import org.latentbridge.plugin.translate.QueryMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The store and the cache in one in-JVM node with the plugin installed: models, anchors and a translator written through
 * the transport actions land in the system index, a translation reads them back, and a model write invalidates the
 * node's cache.
 */
public class LatentStoreSingleNodeTests extends ESSingleNodeTestCase {
    private static final int DIMS = 4;
    private static final int ANCHORS = 64;

    @Override
    protected Collection<Class<? extends Plugin>> getPlugins() {
        return List.of(LatentBridgePlugin.class);
    }

    private void putModel(String model, String description) {
        client().execute(PutModelAction.INSTANCE, new PutModelAction.Request(model, DIMS, description, List.of(ModelRecord.DOCUMENT_ROLE)))
            .actionGet();
    }

    private PutAnchorsAction.Response putAnchors(String model, float[][] rows) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            ids.add("a" + i);
        }
        return client().execute(PutAnchorsAction.INSTANCE, PutAnchorsAction.Request.upload(model, ModelRecord.DOCUMENT_ROLE, ids, rows))
            .actionGet();
    }

    /**
     * Anchors of the source model, and the target model's: the same points under a fixed rotation of the first two axes,
     * centred, so that the fit's centring leaves the rotation alone.
     */
    private static float[][] anchors(boolean target) {
        float[][] rows = new float[ANCHORS][DIMS];
        Random random = new Random(42);
        double[] mean = new double[DIMS];
        for (float[] row : rows) {
            for (int d = 0; d < DIMS; d++) {
                row[d] = (float) random.nextGaussian();
                mean[d] += row[d] / ANCHORS;
            }
        }
        for (float[] row : rows) {
            for (int d = 0; d < DIMS; d++) {
                row[d] -= (float) mean[d];
            }
            if (target) {
                float x = row[0], y = row[1];
                row[0] = 0.6f * x - 0.8f * y;
                row[1] = 0.8f * x + 0.6f * y;
            }
        }
        return rows;
    }

    private Map<String, Object> cacheStats() {
        @SuppressWarnings("unchecked")
        Map<String, Object> cache = (Map<String, Object>) getInstanceFromNode(LatentServices.class).cache().stats().get("cache");
        return cache;
    }

    private long stat(String name) {
        return ((Number) cacheStats().get(name)).longValue();
    }

    private void readModelThroughTheCache(String model) {
        PlainActionFuture<ModelRecord> read = new PlainActionFuture<>();
        getInstanceFromNode(LatentServices.class).cache().model(model, read);
        assertThat(read.actionGet().model(), equalTo(model));
    }

    public void testModelsAnchorsAndATranslatorEndToEndWithCacheInvalidation() {
        putModel("src", null);
        putModel("tgt", null);
        PutAnchorsAction.Response uploaded = putAnchors("src", anchors(false));
        assertThat(uploaded.anchors(), equalTo(ANCHORS));
        assertThat(uploaded.added(), equalTo(ANCHORS));
        putAnchors("tgt", anchors(true));
        PutAnchorsAction.Response replaced = putAnchors("tgt", Arrays.copyOf(anchors(true), 3));
        assertThat("the same ids again replace their vectors", replaced.replaced(), equalTo(3));
        assertThat(replaced.anchors(), equalTo(ANCHORS));
        client().execute(PutTranslatorAction.INSTANCE, new PutTranslatorAction.Request(new TranslatorPath("src", null, "tgt", null), true,
            null, Preprocessing.DEFAULT, FitOptions.DEFAULT_HOLDOUT, 1, Map.of(), null, null, null)).actionGet();

        float[] query = anchors(false)[5];
        float[] expected = anchors(true)[5];
        Vectors.normalizeInPlace(expected);
        TranslateAction.Response translated = client().execute(TranslateAction.INSTANCE, new TranslateAction.Request("src", "tgt",
            ModelRecord.QUERY_ROLE, QueryMethod.AUTO, true, null, null, new float[][] {query})).actionGet();
        float[] vector = translated.translation().vectors()[0];
        for (int d = 0; d < DIMS; d++) {
            assertThat("a rotation is fitted exactly from noise-free anchors", (double) vector[d], closeTo(expected[d], 1e-3));
        }

        // the documents are in the system index (read with the plugin's origin, as the plugin reads them)
        client().admin().indices().prepareRefresh(LatentSystemIndex.NAME).get();
        SearchResponse docs = new OriginSettingClient(client(), "latent_bridge").prepareSearch(LatentSystemIndex.NAME)
            .setQuery(QueryBuilders.idsQuery().addIds(LatentSystemIndex.modelId("src"), LatentSystemIndex.modelId("tgt"))).get();
        try {
            assertThat(docs.getHits().getHits().length, equalTo(2));
        } finally {
            docs.decRef();
        }

        readModelThroughTheCache("src");
        long hits = stat("hits");
        readModelThroughTheCache("src");
        assertThat("a second read on the node is a hit", stat("hits"), equalTo(hits + 1));

        putModel("src", "changed");
        long misses = stat("misses");
        readModelThroughTheCache("src");
        assertThat("the write dropped the node's entry: the next read loads it again", stat("misses"), greaterThan(misses));
    }
}
