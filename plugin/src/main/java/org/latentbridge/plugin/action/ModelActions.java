package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.search.ClearScrollRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.SearchScrollRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.anchor.AnchorDiagnostics;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Anchor uploads ({@code POST /_latent/model/{model}/_anchors}). */
public final class ModelActions {
    public static final ActionType<LatentResponse> PUT_ANCHORS = new ActionType<>("cluster:admin/latent/anchors/put");

    private ModelActions() {}

    /**
     * {@code POST /_latent/model/{model}/_anchors}: appends or replaces anchors by id, from the body or from an index the
     * caller can read. The merged set is written as a new generation of chunks; the model document then flips to it
     * (409 if the model changed meanwhile), so readers never see half the anchors.
     */
    public static final class TransportPutAnchors extends LatentAction {
        private static final int IMPORT_BATCH = 1000;
        private static final TimeValue SCROLL_KEEP_ALIVE = TimeValue.timeValueMinutes(2);

        @Inject
        public TransportPutAnchors(TransportService ts, ActionFilters af, LatentServices services) {
            super(PUT_ANCHORS, ts, af, services.fitPool(), services);
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            String modelName = request.param("model");
            Body body = request.body(Set.of("role", "ids", "vectors", "source"));
            services.store().getModel(modelName, listener.delegateFailureAndWrap((l, model) -> services.fitPool().execute(() -> {
                try {
                    String role = model.requireRole(body.string("role", ModelRecord.DOCUMENT_ROLE));
                    if (body.has("source")) {
                        if (body.has("ids") || body.has("vectors")) {
                            throw LatentExceptions.badRequest("[source] imports anchors from an index: do not also send [ids] or [vectors]");
                        }
                        Body source = body.object("source", Set.of("index", "field", "id_field"));
                        importFromIndex(task, model, source.requiredString("index"), source.requiredString("field"),
                            source.requiredString("id_field"), l.delegateFailureAndWrap((l2, update) -> merge(task, model, role, update, l2)));
                    } else {
                        List<String> ids = body.strings("ids", null);
                        if (ids == null) {
                            throw LatentExceptions.badRequest("[ids] is required (or [source] to import from an index)");
                        }
                        if (ids.isEmpty()) {
                            throw LatentExceptions.badRequest("[ids] must not be empty");
                        }
                        float[][] vectors = body.vectors("vectors", model.dims(), services.maxAnchorsPerRequest());
                        if (ids.size() != vectors.length) {
                            throw LatentExceptions.badRequest("[ids] and [vectors] must have the same length, got [" + ids.size() + "] ids and ["
                                + vectors.length + "] vectors");
                        }
                        merge(task, model, role, AnchorSet.of(model.dims(), ids, List.of(vectors)), l);
                    }
                } catch (Exception e) {
                    l.onFailure(e);
                }
            })));
        }

        private void merge(Task task, ModelRecord model, String role, AnchorSet update, ActionListener<LatentResponse> listener) {
            ModelRecord.RoleAnchors current = model.anchorsOf(role);
            if (current == null || current.count() == 0) {
                write(task, model, role, null, update, update, listener);
            } else {
                services.cache().anchors(model, role, listener.delegateFailureAndWrap((l, existing) -> services.fitPool().execute(() -> {
                    try {
                        write(task, model, role, existing, update, existing.merge(update), l);
                    } catch (Exception e) {
                        l.onFailure(e);
                    }
                })));
            }
        }

        private void write(Task task, ModelRecord model, String role, AnchorSet existing, AnchorSet update, AnchorSet merged,
                           ActionListener<LatentResponse> listener) {
            checkCancelled(task);
            int replaced = existing == null ? 0 : (int) update.ids().stream().filter(id -> existing.rowOf(id) >= 0).count();
            int added = update.size() - replaced;
            AnchorStatistics stats = AnchorStatistics.of(merged);
            AnchorDiagnostics diagnostics = AnchorDiagnostics.of(merged, services.fitProducts());
            // random, never reused: caches key anchors by generation, and model versions restart when a model is re-created
            long generation = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            ModelRecord.RoleAnchors previous = model.anchorsOf(role);
            services.store().writeAnchors(model.model(), role, generation, merged, listener.delegateFailureAndWrap((l, chunks) -> {
                ModelRecord flipped = model.withRoleAnchors(role, new ModelRecord.RoleAnchors(merged.size(), generation, chunks,
                    Reports.statistics(stats), Reports.diagnostics(diagnostics)));
                services.store().putModel(flipped, false, ActionListener.wrap(stored -> {
                    if (previous != null) {
                        services.store().deleteAnchors(model.model(), role, previous.generation(), previous.chunks());
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("model", model.model());
                    body.put("role", role);
                    body.put("version", stored.version());
                    body.put("anchors", merged.size());
                    body.put("added", added);
                    body.put("replaced", replaced);
                    body.put("diagnostics", Reports.diagnostics(diagnostics));
                    services.invalidateThen(List.of(model.model()), new LatentResponse(body), l);
                }, e -> {
                    services.store().deleteAnchors(model.model(), role, generation, chunks); // never referenced: clean up
                    l.onFailure(e);
                }));
            }));
        }

        /** Reads ids and vectors from {@code index} with the caller's own rights (no stashed context here). */
        private void importFromIndex(Task task, ModelRecord model, String index, String field, String idField,
                                     ActionListener<AnchorSet> listener) {
            SearchRequest search = new SearchRequest(index).scroll(SCROLL_KEEP_ALIVE).source(new SearchSourceBuilder().size(IMPORT_BATCH)
                .fetchSource(new String[] {field, idField}, null).sort("_doc"));
            List<String> ids = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            services.client().search(search, new ActionListener<>() {
                @Override
                public void onResponse(SearchResponse response) {
                    String scrollId = response.getScrollId();
                    try {
                        checkCancelled(task);
                        SearchHit[] hits = response.getHits().getHits();
                        for (SearchHit hit : hits) {
                            Map<String, Object> src = hit.getSourceAsMap();
                            Object id = src == null ? null : org.elasticsearch.common.xcontent.support.XContentMapValues.extractValue(idField, src);
                            Object vector = src == null ? null : org.elasticsearch.common.xcontent.support.XContentMapValues.extractValue(field, src);
                            if (id == null || vector == null) {
                                throw LatentExceptions.badRequest("[source] document [" + hit.getId() + "] of [" + index + "] lacks [" + (id == null
                                    ? idField : field) + "]");
                            }
                            ids.add(id.toString());
                            vectors.add(Body.vector("source][" + index + "][" + hit.getId() + "][" + field, vector, model.dims()));
                        }
                        if (ids.size() > 10_000_000) {
                            throw LatentExceptions.badRequest("[source] holds too many anchors");
                        }
                        if (hits.length == 0) {
                            clear(scrollId);
                            if (ids.isEmpty()) {
                                throw LatentExceptions.badRequest("[source] index [" + index + "] has no documents to import");
                            }
                            listener.onResponse(AnchorSet.of(model.dims(), ids, vectors));
                        } else {
                            services.client().searchScroll(new SearchScrollRequest(scrollId).scroll(SCROLL_KEEP_ALIVE), this);
                        }
                    } catch (Exception e) {
                        clear(scrollId);
                        listener.onFailure(e);
                    }
                }

                @Override
                public void onFailure(Exception e) {
                    listener.onFailure(e);
                }
            });
        }

        private void clear(String scrollId) {
            if (scrollId != null) {
                ClearScrollRequest clear = new ClearScrollRequest();
                clear.addScrollId(scrollId);
                services.client().clearScroll(clear, ActionListener.noop());
            }
        }
    }
}
