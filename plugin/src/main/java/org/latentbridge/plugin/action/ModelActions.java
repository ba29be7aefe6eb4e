package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.search.ClearScrollRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.SearchScrollRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
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
import org.latentbridge.plugin.LatentSettings;
import org.latentbridge.plugin.store.AnchorUpdates;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Anchor uploads ({@code POST /_latent/model/{model}/_anchors}). */
public final class ModelActions {
    public static final ActionType<LatentResponse> PUT_ANCHORS = new ActionType<>("cluster:admin/latent/anchors/put");

    /** An import reads one named index or alias: no wildcard expansion, and a missing index is an error, not nothing. */
    static final IndicesOptions IMPORT_INDICES = IndicesOptions.fromOptions(false, false, false, false);

    private ModelActions() {}

    /**
     * {@code POST /_latent/model/{model}/_anchors}: appends or replaces anchors by id, from the body or from an index the
     * caller can read. The uploaded rows are written as a new segment of chunks (or, past a bound, the merged set as one
     * compacted segment, see {@link AnchorUpdates}); the model document then flips to list it (409 if the model changed
     * meanwhile), so readers never see half an upload.
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
                            throw LatentExceptions.badRequest(
                                "[source] imports anchors from an index: do not also send [ids] or [vectors]");
                        }
                        Body source = body.object("source", Set.of("index", "field", "id_field"));
                        String index = checkImportIndex(source.requiredString("index"));
                        importFromIndex(task, model, index, source.requiredString("field"), source.requiredString("id_field"),
                            l.delegateFailureAndWrap((l2, update) -> merge(task, model, role, update, l2)));
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
                            throw LatentExceptions.badRequest("[ids] and [vectors] must have the same length, got [" + ids.size()
                                + "] ids and [" + vectors.length + "] vectors");
                        }
                        merge(task, model, role, AnchorSet.of(model.dims(), ids, List.of(vectors)), l);
                    }
                } catch (Exception e) {
                    l.onFailure(e);
                }
            })));
        }

        /** One concrete index or alias: a pattern or a list would import from indices the caller did not name. */
        static String checkImportIndex(String index) {
            if (index.isBlank() || index.contains("*") || index.contains(",") || index.startsWith("-") || index.startsWith("<")
                || index.equals("_all") || index.contains(":")) {
                throw LatentExceptions.badRequest("[source][index] must name one index or alias (no wildcards, lists, date math, "
                    + "exclusions or remote clusters), got [" + index + "]");
            }
            return index;
        }

        /**
         * Applies {@code update} to the role's anchors, always on the fit pool: an import completes on the thread that
         * delivered its last page, and the statistics, diagnostics and encoding below are heavy.
         */
        private void merge(Task task, ModelRecord model, String role, AnchorSet update, ActionListener<LatentResponse> listener) {
            ModelRecord.RoleAnchors current = model.anchorsOf(role);
            if (current == null || current.count() == 0) {
                services.fitPool().execute(ActionRunnable.wrap(listener, l -> write(task, model, role, null, update, l)));
            } else {
                services.cache().anchors(model, role, listener.delegateFailureAndWrap((l, existing) -> services.fitPool().execute(
                    ActionRunnable.wrap(l, l2 -> write(task, model, role, existing, update, l2)))));
            }
        }

        private void write(Task task, ModelRecord model, String role, AnchorSet existing, AnchorSet update,
                           ActionListener<LatentResponse> listener) {
            checkCancelled(task);
            ModelRecord.RoleAnchors previous = model.anchorsOf(role);
            AnchorUpdates.Plan plan = AnchorUpdates.plan(previous, existing, update);
            AnchorSet merged = plan.merged();
            Map<String, Object> statistics = Reports.statistics(AnchorStatistics.of(merged));
            Map<String, Object> diagnostics = Reports.diagnostics(AnchorDiagnostics.of(merged, services.fitProducts()));
            checkCancelled(task);
            services.store().writeSegment(model.model(), role, plan.rows(), listener.delegateFailureAndWrap((l, segment) -> {
                // random, never reused: caches key anchors by generation, and model versions restart when a model is re-created
                long generation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
                ModelRecord.RoleAnchors next = AnchorUpdates.flipped(previous, plan, segment, generation, statistics, diagnostics);
                services.store().putModel(model.withRoleAnchors(role, next), false, ActionListener.wrap(stored -> {
                    services.store().deleteSegments(model.model(), role, AnchorUpdates.unreferenced(previous, next));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("model", model.model());
                    body.put("role", role);
                    body.put("version", stored.version());
                    body.put("anchors", merged.size());
                    body.put("added", plan.added());
                    body.put("replaced", plan.replaced());
                    body.put("diagnostics", diagnostics);
                    services.invalidateThen(List.of(model.model()), new LatentResponse(body), l);
                }, e -> {
                    services.store().deleteSegments(model.model(), role, List.of(segment)); // never listed: clean up
                    l.onFailure(e);
                }));
            }));
        }

        /** Reads ids and vectors from {@code index} with the caller's own rights (no stashed context here). */
        private void importFromIndex(Task task, ModelRecord model, String index, String field, String idField,
                                     ActionListener<AnchorSet> listener) {
            int limit = services.maxAnchorsPerRequest();
            SearchRequest search = new SearchRequest(index).indicesOptions(IMPORT_INDICES).scroll(SCROLL_KEEP_ALIVE)
                .source(new SearchSourceBuilder().size(IMPORT_BATCH).fetchSource(new String[] {field, idField}, null).sort("_doc"));
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
                            Object id = src == null ? null : XContentMapValues.extractValue(idField, src);
                            Object vector = src == null ? null : XContentMapValues.extractValue(field, src);
                            if (id == null || vector == null) {
                                throw LatentExceptions.badRequest("[source] document [" + hit.getId() + "] of [" + index + "] lacks ["
                                    + (id == null ? idField : field) + "]");
                            }
                            ids.add(importedId(index, hit.getId(), idField, id));
                            vectors.add(Body.vector("source][" + index + "][" + hit.getId() + "][" + field, vector, model.dims()));
                        }
                        if (ids.size() > limit) {
                            throw LatentExceptions.badRequest("[source] index [" + index + "] holds more than [" + limit
                                + "] anchors, the limit of [" + LatentSettings.MAX_ANCHORS_PER_REQUEST.getKey()
                                + "]; import through a filtered alias in parts, or raise the setting");
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

        /** An id read from a document: a string, or a number written as text; anything else names the document. */
        static String importedId(String index, String docId, String idField, Object value) {
            if (value instanceof String s) {
                return s;
            }
            if (value instanceof Number n) {
                return n.toString();
            }
            String kind = value instanceof Map<?, ?> ? "an object"
                : value instanceof List<?> ? "an array"
                : "a " + value.getClass().getSimpleName();
            throw LatentExceptions.badRequest("[source] document [" + docId + "] of [" + index + "]: [" + idField
                + "] must be a string or a number to serve as an anchor id, found " + kind);
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
