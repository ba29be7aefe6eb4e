package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.search.ClearScrollRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.SearchScrollRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.anchor.AnchorDiagnostics;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.LatentSettings;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.action.Reports;
import org.latentbridge.plugin.action.StrictXContent;
import org.latentbridge.plugin.store.AnchorUpdates;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.VectorKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Appends or replaces anchors by id, from the request or from an index the caller can read. The uploaded rows are
 * written as a new segment of chunks (or, past a bound, the merged set as one compacted segment, see
 * {@link AnchorUpdates}); the model document then flips to list it (409 if the model changed meanwhile), so readers
 * never see half an upload. Everything after the model is read runs on the fit pool: building the anchors, their
 * statistics and diagnostics are heavy. Pools of unpaired vectors ({@link TransportPutPoolAction}) go through the same
 * code, as segments of their own kind.
 */
public final class TransportPutAnchorsAction extends LatentTransportAction<PutAnchorsAction.Request, PutAnchorsAction.Response> {
    /** An import reads one named index or alias: no wildcard expansion, and a missing index is an error, not nothing. */
    static final IndicesOptions IMPORT_INDICES = IndicesOptions.fromOptions(false, false, false, false);
    private static final int IMPORT_BATCH = 1000;
    private static final TimeValue SCROLL_KEEP_ALIVE = TimeValue.timeValueMinutes(2);

    @Inject
    public TransportPutAnchorsAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(PutAnchorsAction.NAME, ts, af, PutAnchorsAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, PutAnchorsAction.Request request, ActionListener<PutAnchorsAction.Response> listener) {
        services.store().getModel(request.model(), listener.delegateFailureAndWrap((l, model) -> services.fitPool().execute(
            ActionRunnable.wrap(l, l2 -> upload(services, VectorKind.ANCHORS, task, model, request.role(), request.ids(),
                request.vectors(), request.source(), l2.map(u -> new PutAnchorsAction.Response(model.model(), u.role(),
                    u.stored().version(), u.count(), u.added(), u.replaced(), u.diagnostics())))))));
    }

    /**
     * What an upload of anchors or of a pool did.
     *
     * @param stored the model document as stored after the upload
     * @param count  the role's vectors of the kind after the upload
     */
    record Upload(ModelRecord stored, String role, int count, int added, int replaced, Map<String, Object> diagnostics) {}

    /**
     * Uploads the role's vectors of {@code kind}: the body's {@code ids} and {@code vectors}, or an import from
     * {@code source}. Runs on the fit pool, with the model just read.
     */
    static void upload(LatentServices services, VectorKind kind, Task task, ModelRecord model, String requestedRole,
                       @Nullable List<String> ids, @Nullable float[][] vectors, @Nullable PutAnchorsAction.Source source,
                       ActionListener<Upload> listener) {
        checkCancelled(task);
        String role = model.requireRole(requestedRole);
        if (source != null) {
            importFromIndex(services, kind, task, model, source, listener.delegateFailureAndWrap(
                (l, update) -> merge(services, kind, task, model, role, update, l)));
        } else {
            if (kind == VectorKind.POOL && vectors.length > services.maxPoolVectors()) {
                ModelRecord.RoleAnchors current = model.poolOf(role);
                throw overPoolCap(model.model(), role, services.maxPoolVectors(), current == null ? 0 : current.count(), vectors.length);
            }
            int limit = kind == VectorKind.POOL ? services.maxPoolVectors() : services.maxAnchorsPerRequest();
            float[][] checked = checkVectors(vectors, model.dims(), limit);
            merge(services, kind, task, model, role, AnchorSet.of(model.dims(), ids, Arrays.asList(checked)), listener);
        }
    }

    /** A pool upload that would hold more than the node's cap: names the cap, what the pool holds and what was sent. */
    static RuntimeException overPoolCap(String model, String role, int cap, int current, int sent) {
        return LatentExceptions.badRequest("the pool of latent model [" + model + "] role [" + role + "] may hold at most [" + cap
            + "] vectors ([" + LatentSettings.MAX_POOL_VECTORS.getKey() + "]); it holds [" + current + "] and the request sent ["
            + sent + "]; delete the pool (DELETE /_latent/model/" + model + "/_pool?role=" + role + ") or send fewer vectors");
    }

    /**
     * The uploaded vectors, once the model is known: at most the node's {@code latent_bridge.anchors.max_per_request},
     * each of the model's dimension.
     */
    static float[][] checkVectors(float[][] vectors, int dims, int maxCount) {
        if (vectors.length > maxCount) {
            throw LatentExceptions.badRequest("[vectors] holds [" + vectors.length + "] vectors, more than the node's limit of [" + maxCount
                + "] per request; send several requests");
        }
        for (int i = 0; i < vectors.length; i++) {
            Vectors.checkDimensions("vectors][" + i, dims, vectors[i].length);
        }
        return vectors;
    }

    /**
     * Applies {@code update} to the role's vectors of {@code kind}, always on the fit pool: an import completes on the
     * thread that delivered its last page, and the statistics, diagnostics and encoding below are heavy. Anchors already
     * stored come through the node cache (searches read them too); a pool is only read by fits and uploads, so straight
     * from the store.
     */
    private static void merge(LatentServices services, VectorKind kind, Task task, ModelRecord model, String role, AnchorSet update,
                              ActionListener<Upload> listener) {
        ModelRecord.RoleAnchors current = kind.of(model, role);
        if (current == null || current.count() == 0) {
            services.fitPool().execute(ActionRunnable.wrap(listener, l -> write(services, kind, task, model, role, null, update, l)));
        } else {
            ActionListener<AnchorSet> then = listener.delegateFailureAndWrap((l, existing) -> services.fitPool().execute(
                ActionRunnable.wrap(l, l2 -> write(services, kind, task, model, role, existing, update, l2))));
            if (kind == VectorKind.ANCHORS) {
                services.cache().anchors(model, role, then);
            } else {
                services.store().loadVectors(kind, model, role, then);
            }
        }
    }

    private static void write(LatentServices services, VectorKind kind, Task task, ModelRecord model, String role, AnchorSet existing,
                              AnchorSet update, ActionListener<Upload> listener) {
        checkCancelled(task);
        ModelRecord.RoleAnchors previous = kind.of(model, role);
        AnchorUpdates.Plan plan = AnchorUpdates.plan(previous, existing, update);
        AnchorSet merged = plan.merged();
        if (kind == VectorKind.POOL && merged.size() > services.maxPoolVectors()) {
            throw overPoolCap(model.model(), role, services.maxPoolVectors(), existing == null ? 0 : existing.size(), update.size());
        }
        Map<String, Object> statistics = Reports.statistics(AnchorStatistics.of(merged));
        Map<String, Object> diagnostics = Reports.diagnostics(AnchorDiagnostics.of(merged, services.fitProducts()));
        checkCancelled(task);
        services.store().writeSegment(kind, model.model(), role, plan.rows(), listener.delegateFailureAndWrap((l, segment) -> {
            // random, never reused: caches key anchors by generation, and model versions restart when a model is re-created
            long generation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            ModelRecord.RoleAnchors next = AnchorUpdates.flipped(previous, plan, segment, generation, statistics, diagnostics);
            services.store().putModel(kind.with(model, role, next), false, ActionListener.wrap(stored -> {
                services.store().deleteSegments(kind, model.model(), role, AnchorUpdates.unreferenced(previous, next));
                Upload upload = new Upload(stored, role, merged.size(), plan.added(), plan.replaced(), diagnostics);
                services.invalidateThen(List.of(model.model()), upload, l);
            }, e -> {
                services.store().deleteSegments(kind, model.model(), role, List.of(segment)); // never listed: clean up
                l.onFailure(e);
            }));
        }));
    }

    /**
     * Reads ids and vectors from the source index with the caller's own rights (no stashed context here): every document,
     * or with a paired field only those that have both fields; with a cap, the documents {@link AnchorSample} chooses.
     */
    private static void importFromIndex(LatentServices services, VectorKind kind, Task task, ModelRecord model,
                                        PutAnchorsAction.Source source, ActionListener<AnchorSet> listener) {
        String index = source.index(), field = source.field(), idField = source.idField();
        boolean pool = kind == VectorKind.POOL;
        int limit = pool ? services.maxPoolVectors() : services.maxAnchorsPerRequest();
        if (pool) {
            checkPoolImportCap(source.maxAnchors(), limit);
        } else {
            checkCap(source.maxAnchors(), limit);
        }
        AnchorSample sample = source.maxAnchors() == null ? null : new AnchorSample(source.seedOrDefault(), source.maxAnchors());
        boolean byDocumentId = PutAnchorsAction.Source.DOCUMENT_ID.equals(idField);
        SearchSourceBuilder query = new SearchSourceBuilder().size(IMPORT_BATCH).sort("_doc")
            .fetchSource(byDocumentId ? new String[] {field} : new String[] {field, idField}, null);
        QueryBuilder filter = importFilter(source);
        if (filter != null) {
            query.query(filter);
        }
        SearchRequest search = new SearchRequest(index).indicesOptions(IMPORT_INDICES).scroll(SCROLL_KEEP_ALIVE).source(query);
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
                        Object id = byDocumentId ? hit.getId() : src == null ? null : XContentMapValues.extractValue(idField, src);
                        Object vector = src == null ? null : XContentMapValues.extractValue(field, src);
                        if (id == null || vector == null) {
                            throw LatentExceptions.badRequest("[source] document [" + hit.getId() + "] of [" + index + "] lacks ["
                                + (id == null ? idField : field) + "]");
                        }
                        String anchorId = importedId(index, hit.getId(), idField, id);
                        float[] checked = importedVector("source][" + index + "][" + hit.getId() + "][" + field, vector, model.dims());
                        if (sample == null) {
                            ids.add(anchorId);
                            vectors.add(checked);
                        } else {
                            sample.offer(anchorId, hit.getIndex(), hit.getId(), checked);
                        }
                    }
                    if (ids.size() > limit) {
                        throw LatentExceptions.badRequest(pool
                            ? "[source] index [" + index + "] holds more than [" + limit + "] vectors, the cap of a pool ["
                                + LatentSettings.MAX_POOL_VECTORS.getKey() + "]; pass [source][" + PutAnchorsAction.Source.MAX_VECTORS
                                + "] to import a sample, or raise the setting"
                            : "[source] index [" + index + "] holds more than [" + limit
                                + "] anchors, the limit of [" + LatentSettings.MAX_ANCHORS_PER_REQUEST.getKey()
                                + "]; import through a filtered alias in parts, pass [source][max_anchors], or raise the setting");
                    }
                    if (hits.length == 0) {
                        clear(services, scrollId);
                        if (sample != null) {
                            for (AnchorSample.Candidate chosen : sample.chosen()) {
                                ids.add(chosen.anchorId());
                                vectors.add(chosen.vector());
                            }
                        }
                        if (ids.isEmpty()) {
                            throw LatentExceptions.badRequest(source.pairedField() == null
                                ? "[source] index [" + index + "] has no documents to import"
                                : "[source] index [" + index + "] has no documents with both [" + field + "] and [" + source.pairedField()
                                    + "] to import");
                        }
                        listener.onResponse(AnchorSet.of(model.dims(), ids, vectors));
                    } else {
                        services.client().searchScroll(new SearchScrollRequest(scrollId).scroll(SCROLL_KEEP_ALIVE), this);
                    }
                } catch (Exception e) {
                    clear(services, scrollId);
                    listener.onFailure(e);
                }
            }

            @Override
            public void onFailure(Exception e) {
                listener.onFailure(e);
            }
        });
    }

    /** A pool import's cap above the pool's cap is refused before the index is read. */
    static void checkPoolImportCap(Integer maxVectors, int cap) {
        if (maxVectors != null && maxVectors > cap) {
            throw LatentExceptions.badRequest("[source][" + PutAnchorsAction.Source.MAX_VECTORS + "] is [" + maxVectors
                + "], more than a pool may hold, [" + cap + "] vectors ([" + LatentSettings.MAX_POOL_VECTORS.getKey() + "])");
        }
    }

    /** A cap above the node's limit is refused before the index is read: the limit bounds an import as it bounds a body. */
    static void checkCap(Integer maxAnchors, int limit) {
        if (maxAnchors != null && maxAnchors > limit) {
            throw LatentExceptions.badRequest("[source][max_anchors] is [" + maxAnchors + "], more than the node's limit of [" + limit
                + "] anchors per request ([" + LatentSettings.MAX_ANCHORS_PER_REQUEST.getKey() + "])");
        }
    }

    /**
     * The documents an import reads: with a paired field, those that have a value in both fields, with the two fields in
     * one order whichever is the imported one, so that the imports into either model send the same query; else every
     * document (one that lacks the vector is refused, not skipped).
     */
    @Nullable
    static QueryBuilder importFilter(PutAnchorsAction.Source source) {
        if (source.pairedField() == null) {
            return null;
        }
        BoolQueryBuilder both = QueryBuilders.boolQuery();
        Stream.of(source.field(), source.pairedField()).sorted().forEach(f -> both.filter(QueryBuilders.existsQuery(f)));
        return both;
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

    /**
     * A vector read from a document, as a body's: an array of finite float32 numbers or a base64 string, of the model's
     * dimension; an error names the document and the component ({@code where} is {@code source][index][doc][field}).
     */
    static float[] importedVector(String where, Object value, int dims) {
        float[] vector;
        if (value instanceof String base64) {
            try {
                vector = StrictXContent.base64Vector(base64);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage();
                throw LatentExceptions.badRequest("[" + where + "]" + (why.startsWith("[") ? "" : " ") + why);
            }
        } else if (value instanceof List<?> values) {
            vector = new float[values.size()];
            for (int j = 0; j < vector.length; j++) {
                if (values.get(j) instanceof Number n) {
                    vector[j] = n.floatValue();
                    if (Double.isFinite(n.doubleValue()) == false || Float.isFinite(vector[j]) == false) {
                        throw LatentExceptions.badRequest("[" + where + "][" + j + "] must be a finite number, got [" + n + "]");
                    }
                } else {
                    throw LatentExceptions.badRequest("[" + where + "][" + j + "] must be a number, got [" + values.get(j) + "]");
                }
            }
        } else {
            throw LatentExceptions.badRequest("[" + where + "] must be an array of numbers or a base64 string");
        }
        Vectors.checkDimensions(where, dims, vector.length);
        return vector;
    }

    private static void clear(LatentServices services, String scrollId) {
        if (scrollId != null) {
            ClearScrollRequest clear = new ClearScrollRequest();
            clear.addScrollId(scrollId);
            services.client().clearScroll(clear, ActionListener.noop());
        }
    }
}
