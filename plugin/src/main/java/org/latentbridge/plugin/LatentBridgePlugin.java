package org.latentbridge.plugin;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.plugins.SystemIndexPlugin;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.anchors.DeletePoolAction;
import org.latentbridge.plugin.action.anchors.PutAnchorsAction;
import org.latentbridge.plugin.action.anchors.PutPoolAction;
import org.latentbridge.plugin.action.anchors.TransportDeletePoolAction;
import org.latentbridge.plugin.action.anchors.TransportPutAnchorsAction;
import org.latentbridge.plugin.action.anchors.TransportPutPoolAction;
import org.latentbridge.plugin.action.cache.CacheStatsAction;
import org.latentbridge.plugin.action.cache.InvalidateCacheAction;
import org.latentbridge.plugin.action.cache.TransportCacheStatsAction;
import org.latentbridge.plugin.action.cache.TransportInvalidateCacheAction;
import org.latentbridge.plugin.action.model.DeleteModelAction;
import org.latentbridge.plugin.action.model.GetModelAction;
import org.latentbridge.plugin.action.model.PutModelAction;
import org.latentbridge.plugin.action.model.TransportDeleteModelAction;
import org.latentbridge.plugin.action.model.TransportGetModelAction;
import org.latentbridge.plugin.action.model.TransportPutModelAction;
import org.latentbridge.plugin.action.translate.TranslateAction;
import org.latentbridge.plugin.action.translate.TransportTranslateAction;
import org.latentbridge.plugin.action.translator.DeleteTranslatorAction;
import org.latentbridge.plugin.action.translator.GetTranslatorAction;
import org.latentbridge.plugin.action.translator.PutTranslatorAction;
import org.latentbridge.plugin.action.translator.TransportDeleteTranslatorAction;
import org.latentbridge.plugin.action.translator.TransportGetTranslatorAction;
import org.latentbridge.plugin.action.translator.TransportPutTranslatorAction;
import org.latentbridge.plugin.compat.LinePlugin;
import org.latentbridge.plugin.compat.TransportActionSpec;
import org.latentbridge.plugin.ingest.LatentRelativeProcessor;
import org.latentbridge.plugin.ingest.LatentTranslateProcessor;
import org.latentbridge.plugin.rest.RestCacheStatsAction;
import org.latentbridge.plugin.rest.RestDeleteModelAction;
import org.latentbridge.plugin.rest.RestDeletePoolAction;
import org.latentbridge.plugin.rest.RestDeleteTranslatorAction;
import org.latentbridge.plugin.rest.RestGetModelAction;
import org.latentbridge.plugin.rest.RestGetTranslatorAction;
import org.latentbridge.plugin.rest.RestPutModelAction;
import org.latentbridge.plugin.rest.RestPutTranslatorAction;
import org.latentbridge.plugin.rest.RestPutVectorsAction;
import org.latentbridge.plugin.rest.RestTranslateAction;
import org.latentbridge.plugin.search.FieldModelCache;
import org.latentbridge.plugin.search.LatentKnnQueryBuilder;
import org.latentbridge.plugin.search.LatentMixedKnnQueryBuilder;
import org.latentbridge.plugin.search.LatentTranslationQueryVectorBuilder;
import org.latentbridge.plugin.store.LatentSystemIndex;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * Latent Bridge: cross-model vector search. Registers the anchor store (a system index, a node cache, REST endpoints
 * under {@code /_latent}), its fit and load pools and settings, the {@code latent_knn} query, the {@code latent_translation}
 * query vector builder, and the {@code latent_translate} and {@code latent_relative} ingest processors. Where the
 * Elasticsearch lines' APIs differ, it goes through {@code org.latentbridge.plugin.compat}, which each line's build
 * supplies.
 */
public class LatentBridgePlugin extends LinePlugin implements SystemIndexPlugin, SearchPlugin, IngestPlugin {
    /** This node's translation service, set by {@link #createComponents}; the query and processor registrations come first. */
    private final SetOnce<TranslationService> translationService = new SetOnce<>();
    /** This node's parsed field models, for {@code latent_knn}: needs nothing of the node, so it exists from the start. */
    private final FieldModelCache fieldModels = new FieldModelCache();

    /** The pool fits run their dense products in: owned by the plugin, so it is sized by the node and closed with it. */
    private final SetOnce<ForkJoinPool> fitProducts = new SetOnce<>();

    @Override
    public Collection<?> createComponents(PluginServices services) {
        Settings settings = services.environment().settings();
        fitProducts.set(new ForkJoinPool(LatentSettings.fitProcessors(settings)));
        LatentServices latent = new LatentServices(services.client(), services.threadPool(), services.clusterService(), settings,
            fitProducts.get());
        TranslationService translation = new TranslationService(latent.cache(), settings);
        translationService.set(translation);
        return List.of(latent, translation);
    }

    @Override
    public void close() throws IOException {
        ForkJoinPool pool = fitProducts.get();
        if (pool != null) {
            pool.shutdownNow(); // a fit still running fails; the node is closing
        }
    }

    /** Resolves the service at use: queries and processors are registered before {@link #createComponents} runs. */
    private Supplier<TranslationService> translationService() {
        return () -> {
            TranslationService service = translationService.get();
            if (service == null) {
                throw new IllegalStateException("the Latent Bridge plugin is not initialised on this node");
            }
            return service;
        };
    }

    @Override
    public List<Setting<?>> getSettings() {
        return LatentSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        String fitPoolSize = LatentSettings.FIT_POOL_PREFIX + ".size";
        if (settings.hasValue(fitPoolSize)) {
            throw new IllegalArgumentException("[" + fitPoolSize + "] is not a setting of its own; set the fit pool's size with ["
                + LatentSettings.FIT_THREADS.getKey() + "]");
        }
        return List.of(
            new FixedExecutorBuilder(settings, LatentSettings.FIT_POOL, LatentSettings.FIT_THREADS.get(settings),
                LatentSettings.FIT_QUEUE_SIZE, LatentSettings.FIT_POOL_PREFIX, EsExecutors.TaskTrackingConfig.DO_NOT_TRACK),
            new FixedExecutorBuilder(settings, LatentSettings.LOAD_POOL, LatentSettings.defaultLoadThreads(settings),
                LatentSettings.LOAD_QUEUE_SIZE, LatentSettings.LOAD_POOL_PREFIX, EsExecutors.TaskTrackingConfig.DO_NOT_TRACK));
    }

    @Override
    protected List<TransportActionSpec> transportActions() {
        return List.of(
            new TransportActionSpec(PutModelAction.INSTANCE, TransportPutModelAction.class),
            new TransportActionSpec(GetModelAction.INSTANCE, TransportGetModelAction.class),
            new TransportActionSpec(DeleteModelAction.INSTANCE, TransportDeleteModelAction.class),
            new TransportActionSpec(PutAnchorsAction.INSTANCE, TransportPutAnchorsAction.class),
            new TransportActionSpec(PutPoolAction.INSTANCE, TransportPutPoolAction.class),
            new TransportActionSpec(DeletePoolAction.INSTANCE, TransportDeletePoolAction.class),
            new TransportActionSpec(PutTranslatorAction.INSTANCE, TransportPutTranslatorAction.class),
            new TransportActionSpec(GetTranslatorAction.INSTANCE, TransportGetTranslatorAction.class),
            new TransportActionSpec(DeleteTranslatorAction.INSTANCE, TransportDeleteTranslatorAction.class),
            new TransportActionSpec(TranslateAction.INSTANCE, TransportTranslateAction.class),
            new TransportActionSpec(InvalidateCacheAction.INSTANCE, TransportInvalidateCacheAction.class),
            new TransportActionSpec(CacheStatsAction.INSTANCE, TransportCacheStatsAction.class));
    }

    @Override
    protected List<RestHandler> restHandlers() {
        return List.of(
            new RestPutModelAction(),
            new RestGetModelAction(),
            new RestDeleteModelAction(),
            RestPutVectorsAction.anchors(),
            RestPutVectorsAction.pool(),
            new RestDeletePoolAction(),
            new RestPutTranslatorAction(),
            new RestGetTranslatorAction(),
            new RestDeleteTranslatorAction(),
            new RestTranslateAction(),
            new RestCacheStatsAction());
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        Supplier<TranslationService> translation = translationService();
        return List.of(new QuerySpec<>(LatentKnnQueryBuilder.NAME, in -> new LatentKnnQueryBuilder(in, translation, fieldModels),
            p -> LatentKnnQueryBuilder.fromXContent(p, translation, fieldModels)),
            // what latent_knn with [native_field] or [calibrated] becomes on the coordinating node, on its way to the shards
            new QuerySpec<>(LatentMixedKnnQueryBuilder.NAME, LatentMixedKnnQueryBuilder::new, LatentMixedKnnQueryBuilder::fromXContent));
    }

    @Override
    public List<QueryVectorBuilderSpec<?>> getQueryVectorBuilders() {
        Supplier<TranslationService> translation = translationService();
        return List.of(new QueryVectorBuilderSpec<>(LatentTranslationQueryVectorBuilder.NAME,
            in -> new LatentTranslationQueryVectorBuilder(in, translation), (p, c) -> LatentTranslationQueryVectorBuilder.PARSER.apply(p,
                translation)));
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        Supplier<TranslationService> translation = translationService();
        return Map.of(LatentTranslateProcessor.TYPE, new LatentTranslateProcessor.Factory(translation), LatentRelativeProcessor.TYPE,
            new LatentRelativeProcessor.Factory(translation));
    }

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(LatentSystemIndex.descriptor());
    }

    @Override
    public String getFeatureName() {
        return "latent_bridge";
    }

    @Override
    public String getFeatureDescription() {
        return "Latent Bridge models, anchors and translators";
    }
}
