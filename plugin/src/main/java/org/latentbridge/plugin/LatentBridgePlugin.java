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
import org.elasticsearch.rest.RestRequest.Method;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.ModelActions;
import org.latentbridge.plugin.action.NodesCacheAction;
import org.latentbridge.plugin.action.TranslatorActions;
import org.latentbridge.plugin.compat.LinePlugin;
import org.latentbridge.plugin.compat.TransportActionSpec;
import org.latentbridge.plugin.ingest.LatentRelativeProcessor;
import org.latentbridge.plugin.ingest.LatentTranslateProcessor;
import org.latentbridge.plugin.rest.LatentRestHandler;
import org.latentbridge.plugin.rest.RestStatsHandler;
import org.latentbridge.plugin.search.LatentKnnQueryBuilder;
import org.latentbridge.plugin.search.LatentTranslationQueryVectorBuilder;
import org.latentbridge.plugin.store.LatentSystemIndex;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.elasticsearch.rest.RestHandler.Route;

/**
 * Latent Bridge: cross-model vector search. Registers the anchor store (a system index, a node cache, REST endpoints
 * under {@code /_latent}), its fit pool and settings, the {@code latent_knn} query, the {@code latent_translation}
 * query vector builder, and the {@code latent_translate} and {@code latent_relative} ingest processors. Where the
 * Elasticsearch lines' APIs differ, it goes through {@code org.latentbridge.plugin.compat}, which each line's build
 * supplies.
 */
public class LatentBridgePlugin extends LinePlugin implements SystemIndexPlugin, SearchPlugin, IngestPlugin {
    /** This node's translation service, set by {@link #createComponents}; the query and processor registrations come first. */
    private final SetOnce<TranslationService> translationService = new SetOnce<>();

    @Override
    public Collection<?> createComponents(PluginServices services) {
        LatentServices latent = new LatentServices(services.client(), services.threadPool(), services.environment().settings());
        TranslationService translation = new TranslationService(latent.cache(), services.environment().settings());
        translationService.set(translation);
        return List.of(latent, translation);
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
        return List.of(new FixedExecutorBuilder(settings, LatentSettings.FIT_POOL, LatentSettings.FIT_THREADS.get(settings), 100,
            "latent_bridge.fit_pool", EsExecutors.TaskTrackingConfig.DO_NOT_TRACK));
    }

    @Override
    protected List<TransportActionSpec> transportActions() {
        return List.of(
            new TransportActionSpec(ModelActions.PUT, ModelActions.TransportPut.class),
            new TransportActionSpec(ModelActions.GET, ModelActions.TransportGet.class),
            new TransportActionSpec(ModelActions.DELETE, ModelActions.TransportDelete.class),
            new TransportActionSpec(ModelActions.PUT_ANCHORS, ModelActions.TransportPutAnchors.class),
            new TransportActionSpec(TranslatorActions.PUT, TranslatorActions.TransportPut.class),
            new TransportActionSpec(TranslatorActions.GET, TranslatorActions.TransportGet.class),
            new TransportActionSpec(TranslatorActions.DELETE, TranslatorActions.TransportDelete.class),
            new TransportActionSpec(TranslatorActions.TRANSLATE, TranslatorActions.TransportTranslate.class),
            new TransportActionSpec(NodesCacheAction.INVALIDATE, NodesCacheAction.TransportInvalidate.class),
            new TransportActionSpec(NodesCacheAction.STATS, NodesCacheAction.TransportStats.class));
    }

    @Override
    protected List<RestHandler> restHandlers() {
        return List.of(
            new LatentRestHandler("latent_put_model", List.of(new Route(Method.PUT, "/_latent/model/{model}")), ModelActions.PUT, "model"),
            new LatentRestHandler("latent_get_model", List.of(new Route(Method.GET, "/_latent/model/{model}"),
                new Route(Method.GET, "/_latent/model")), ModelActions.GET, "model"),
            new LatentRestHandler("latent_delete_model", List.of(new Route(Method.DELETE, "/_latent/model/{model}")), ModelActions.DELETE,
                "model", "force"),
            new LatentRestHandler("latent_put_anchors", List.of(new Route(Method.POST, "/_latent/model/{model}/_anchors"),
                new Route(Method.PUT, "/_latent/model/{model}/_anchors")), ModelActions.PUT_ANCHORS, "model"),
            new LatentRestHandler("latent_put_translator", List.of(new Route(Method.PUT, "/_latent/translator/{source}/{target}")),
                TranslatorActions.PUT, "source", "target", "wait_for_completion"),
            new LatentRestHandler("latent_get_translator", List.of(new Route(Method.GET, "/_latent/translator/{source}/{target}"),
                new Route(Method.GET, "/_latent/translator")), TranslatorActions.GET, "source", "target", "source_role", "target_role"),
            new LatentRestHandler("latent_delete_translator", List.of(new Route(Method.DELETE, "/_latent/translator/{source}/{target}")),
                TranslatorActions.DELETE, "source", "target", "source_role", "target_role"),
            new LatentRestHandler("latent_translate", List.of(new Route(Method.POST, "/_latent/_translate")), TranslatorActions.TRANSLATE),
            new RestStatsHandler());
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        Supplier<TranslationService> translation = translationService();
        return List.of(new QuerySpec<>(LatentKnnQueryBuilder.NAME, in -> new LatentKnnQueryBuilder(in, translation),
            p -> LatentKnnQueryBuilder.fromXContent(p, translation)));
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
