package org.latentbridge.plugin.store;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceAlreadyExistsException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.DocWriteRequest;
import org.elasticsearch.action.DocWriteResponse;
import org.elasticsearch.action.admin.indices.create.CreateIndexRequest;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.index.query.BoolQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.LatentExceptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads and writes the system index, always under a stashed thread context so that no user needs rights on it (and
 * none gets them through us). Every method is asynchronous; continuations that encode or decode large binary forms run
 * on the given executors (writes on the fit pool, reads on the load pool), never on the network thread that delivered
 * the response.
 */
public final class LatentStore {
    /** Raw anchor bytes per chunk document: small enough for any indexing-pressure limit, large enough to be few. */
    static final int CHUNK_BYTES = 2 * 1024 * 1024;
    private static final int MAX_LISTED = 10_000;

    /** Layout of a stored anchor chunk document; chunks without {@code format_version} are version 1, the same layout. */
    static final int CHUNK_FORMAT_VERSION = 1;

    private final Client client;
    private final Executor heavy;
    private final Executor decoding;
    private final ClusterService clusterService;

    /** {@code heavy} encodes what is written (the fit pool); {@code decoding} decodes what is read (the load pool). */
    public LatentStore(Client client, Executor heavy, Executor decoding, ClusterService clusterService) {
        this.client = client;
        this.heavy = heavy;
        this.decoding = decoding;
        this.clusterService = clusterService;
    }

    /** Runs {@code op} with the thread context stashed; the listener is called back in the caller's context. */
    private <T> void stashed(Consumer<ActionListener<T>> op, ActionListener<T> listener) {
        ThreadContext tc = client.threadPool().getThreadContext();
        Supplier<ThreadContext.StoredContext> restore = tc.newRestorableContext(false);
        try (ThreadContext.StoredContext ignored = tc.stashContext()) {
            op.accept(new ContextPreservingActionListener<>(restore, listener));
        }
    }

    /**
     * Creates the system index explicitly (the internal user may create it but not auto-create it), unless this node's
     * cluster state already has it: a write should not cost a request to the master.
     */
    private void ensureIndex(ActionListener<Void> listener) {
        if (clusterService.state().routingTable().hasIndex(LatentSystemIndex.NAME)) {
            listener.onResponse(null);
            return;
        }
        client.admin().indices().create(new CreateIndexRequest(LatentSystemIndex.NAME), ActionListener.wrap(r -> listener.onResponse(null),
            e -> {
                if (ExceptionsHelper.unwrapCause(e) instanceof ResourceAlreadyExistsException) {
                    listener.onResponse(null);
                } else {
                    listener.onFailure(e);
                }
            }));
    }

    private static boolean missingIndex(Exception e) {
        return ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException;
    }

    // ---- models ----

    public void getModel(String model, ActionListener<ModelRecord> listener) {
        stashed(l -> client.get(new GetRequest(LatentSystemIndex.NAME, LatentSystemIndex.modelId(model)).realtime(true),
            ActionListener.wrap(r -> {
                if (r.isExists() == false) {
                    l.onFailure(LatentExceptions.modelNotFound(model));
                } else {
                    l.onResponse(ModelRecord.fromSource(r.getSourceAsMap(), r.getSeqNo(), r.getPrimaryTerm()));
                }
            }, e -> l.onFailure(missingIndex(e) ? LatentExceptions.modelNotFound(model) : e))), listener);
    }

    public void listModels(ActionListener<List<ModelRecord>> listener) {
        search(QueryBuilders.termQuery("type", "model"), new String[0],
            h -> ModelRecord.fromSource(h.getSourceAsMap(), h.getSeqNo(), h.getPrimaryTerm()), ActionListener.wrap(models -> {
                models.sort((a, b) -> a.model().compareTo(b.model()));
                listener.onResponse(models);
            }, listener::onFailure));
    }

    /**
     * Writes a model document: {@code create} fails with 409 when it exists; otherwise the write succeeds only if the
     * document is still the one {@code record} was read from (same sequence number and primary term), else 409.
     */
    public void putModel(ModelRecord record, boolean create, ActionListener<ModelRecord> listener) {
        stashed(l -> ensureIndex(ActionListener.wrap(ignored -> {
            IndexRequest req = new IndexRequest(LatentSystemIndex.NAME).id(LatentSystemIndex.modelId(record.model()))
                .source(record.toSource(), XContentType.JSON)
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            if (create) {
                req.opType(DocWriteRequest.OpType.CREATE);
            } else {
                req.setIfSeqNo(record.seqNo()).setIfPrimaryTerm(record.primaryTerm());
            }
            client.index(req, ActionListener.wrap(r -> l.onResponse(record.storedAt(r.getSeqNo(), r.getPrimaryTerm())), e -> {
                    if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException) {
                        l.onFailure(LatentExceptions.conflict("latent model [" + record.model() + "] " + (create ? "already exists"
                            : "was changed by another request; retry")));
                    } else {
                        l.onFailure(e);
                    }
                }));
        }, l::onFailure)), listener);
    }

    // ---- anchors ----

    /** Rows of {@code dims} floats per chunk document. */
    static int rowsPerChunk(int dims) {
        return Math.max(1, CHUNK_BYTES / (4 * dims));
    }

    /**
     * Writes {@code rows} as the chunk documents of a new segment, one after another (bounded memory per request), under
     * a random segment id. Nothing refers to them until the model document lists the segment. Answers the segment.
     */
    public void writeSegment(String model, String role, AnchorSet rows, ActionListener<ModelRecord.Segment> listener) {
        writeSegment(VectorKind.ANCHORS, model, role, rows, listener);
    }

    /** As {@link #writeSegment(String, String, AnchorSet, ActionListener)}, for vectors of {@code kind}. */
    public void writeSegment(VectorKind kind, String model, String role, AnchorSet rows, ActionListener<ModelRecord.Segment> listener) {
        int perChunk = rowsPerChunk(rows.dims());
        int chunks = (rows.size() + perChunk - 1) / perChunk;
        // random, never reused: a failed or concurrent upload can never write over a segment that a model lists
        long segment = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        ActionListener<Integer> written = listener.map(n -> new ModelRecord.Segment(segment, rows.size(), n));
        stashed(l -> ensureIndex(ActionListener.wrap(ignored -> writeChunk(kind, model, role, segment, rows, perChunk, 0, chunks, l),
            l::onFailure)), written);
    }

    private void writeChunk(VectorKind kind, String model, String role, long segment, AnchorSet anchors, int perChunk, int chunk,
                            int chunks, ActionListener<Integer> listener) {
        if (chunk == chunks) {
            listener.onResponse(chunks);
            return;
        }
        int from = chunk * perChunk, to = Math.min(anchors.size(), from + perChunk), d = anchors.dims();
        String[] ids = anchors.ids().subList(from, to).toArray(String[]::new);
        byte[] blob = BinaryCodec.encode(AnchorSet.ofMatrix(d, ids, Arrays.copyOfRange(anchors.matrix(), from * d, to * d)));
        IndexRequest req = new IndexRequest(LatentSystemIndex.NAME).id(LatentSystemIndex.chunkId(kind, model, role, segment, chunk))
            .source(Map.of("type", kind.prefix(), "model", model, "role", role, "generation", segment, "chunk", chunk, "blob", blob,
                "body", Map.of(StoredSource.FORMAT_VERSION_FIELD, CHUNK_FORMAT_VERSION)),
                XContentType.JSON); // JSON: the reader takes the blob back as base64 text, whatever the client's default type
        client.index(req, ActionListener.wrap(
            r -> heavy.execute(ActionRunnable.wrap(listener,
                l -> writeChunk(kind, model, role, segment, anchors, perChunk, chunk + 1, chunks, l))),
            listener::onFailure));
    }

    /**
     * Reads the anchors of {@code role}: every chunk of every segment, one after another, merged in order with later wins
     * (decoded off the network threads). Missing or damaged chunks are a 500 that names the model and role.
     */
    public void loadAnchors(ModelRecord model, String role, ActionListener<AnchorSet> listener) {
        loadVectors(VectorKind.ANCHORS, model, role, listener);
    }

    /**
     * Reads the role's vectors of {@code kind} as {@link #loadAnchors} reads anchors. A role without them is a 400 (for a
     * pool, saying how to upload one).
     */
    public void loadVectors(VectorKind kind, ModelRecord model, String role, ActionListener<AnchorSet> listener) {
        ModelRecord.RoleAnchors ra = kind.of(model, role);
        if (ra == null || ra.count() == 0) {
            listener.onFailure(kind == VectorKind.ANCHORS
                ? LatentExceptions.badRequest("latent model [" + model.model() + "] has no anchors for role [" + role + "]")
                : noPool(model.model(), role));
            return;
        }
        List<String> chunkIds = new ArrayList<>(ra.chunks());
        for (ModelRecord.Segment segment : ra.segments()) {
            for (int c = 0; c < segment.chunks(); c++) {
                chunkIds.add(LatentSystemIndex.chunkId(kind, model.model(), role, segment.id(), c));
            }
        }
        String named = kind.named(model.model(), role);
        String remedy = kind.remedy();
        List<AnchorSet> parts = new ArrayList<>(chunkIds.size());
        this.<Void>stashed(l -> readChunk(kind, named, model.dims(), chunkIds, 0, parts, l), ActionListener.wrap(ignored -> {
            AnchorSet merged;
            try {
                merged = AnchorSet.mergeAll(parts);
            } catch (IllegalArgumentException e) {
                throw StoredSource.damaged(named, "its chunks do not join: " + e.getMessage(), remedy, e);
            }
            if (merged.size() != ra.count()) {
                throw StoredSource.damaged(named, "its chunks hold [" + merged.size() + "] " + kind.noun() + " where the model lists ["
                    + ra.count() + "]", remedy, null);
            }
            listener.onResponse(merged);
        }, listener::onFailure));
    }

    /** A fit or a read that needs a pool the role lacks: a 400 naming the model and role, and how to upload one. */
    public static RuntimeException noPool(String model, String role) {
        return LatentExceptions.badRequest("latent model [" + model + "] has no pool of unpaired vectors for role [" + role
            + "]; upload one with POST /_latent/model/" + model + "/_pool {\"role\": \"" + role + "\", ...}");
    }

    /** What to do about damaged anchors. */
    static final String ANCHOR_REMEDY = VectorKind.ANCHORS.remedy();

    private void readChunk(VectorKind kind, String named, int dims, List<String> chunkIds, int chunk, List<AnchorSet> parts,
                           ActionListener<Void> listener) {
        if (chunk == chunkIds.size()) {
            listener.onResponse(null);
            return;
        }
        String id = chunkIds.get(chunk);
        client.get(new GetRequest(LatentSystemIndex.NAME, id).realtime(true), ActionListener.wrap(r -> decoding.execute(
            ActionRunnable.wrap(listener, l -> {
                if (r.isExists() == false) {
                    throw StoredSource.damaged(named, kind.chunkNoun() + " [" + id + "] is missing from [" + LatentSystemIndex.NAME
                        + "]", kind.remedy(), null);
                }
                parts.add(decodeChunk(kind, named, id, dims, r.getSourceAsMap()));
                readChunk(kind, named, dims, chunkIds, chunk + 1, parts, l);
            })), listener::onFailure));
    }

    /** Decodes one stored chunk document; anything wrong with it is a 500 naming the model, role and chunk. */
    static AnchorSet decodeChunk(String named, String chunkId, int dims, Map<String, Object> source) {
        return decodeChunk(VectorKind.ANCHORS, named, chunkId, dims, source);
    }

    private static AnchorSet decodeChunk(VectorKind kind, String named, String chunkId, int dims, Map<String, Object> source) {
        String remedy = kind.remedy();
        StoredSource chunk = new StoredSource(source, named, remedy);
        if (chunk.has("body")) {
            chunk.object("body").formatVersion(CHUNK_FORMAT_VERSION);
        }
        AnchorSet part;
        try {
            part = BinaryCodec.decodeAnchors(chunk.binary("blob"));
        } catch (IllegalArgumentException e) {
            throw StoredSource.damaged(named, kind.chunkNoun() + " [" + chunkId + "] does not decode: " + e.getMessage(), remedy, e);
        }
        if (part.dims() != dims) {
            throw StoredSource.damaged(named, kind.chunkNoun() + " [" + chunkId + "] holds vectors of [" + part.dims()
                + "] dimensions, the model [" + dims + "]", remedy, null);
        }
        return part;
    }

    /** Best effort: segments no model document lists are unreachable, so a failure here only wastes space. */
    public void deleteSegments(String model, String role, List<ModelRecord.Segment> segments) {
        deleteSegments(VectorKind.ANCHORS, model, role, segments);
    }

    /** As {@link #deleteSegments(String, String, List)}, for segments of {@code kind}. */
    public void deleteSegments(VectorKind kind, String model, String role, List<ModelRecord.Segment> segments) {
        BulkRequest bulk = new BulkRequest();
        for (ModelRecord.Segment segment : segments) {
            for (int c = 0; c < segment.chunks(); c++) {
                bulk.add(new DeleteRequest(LatentSystemIndex.NAME, LatentSystemIndex.chunkId(kind, model, role, segment.id(), c)));
            }
        }
        if (bulk.numberOfActions() > 0) {
            this.<BulkResponse>stashed(l -> client.bulk(bulk, l), ActionListener.noop());
        }
    }

    /**
     * Decodes a translator read with its binary form. A blob that does not decode is our stored data gone bad, not the
     * caller's mistake: a 500 that names the translator and says to fit it again. Every decode of a stored translator
     * goes through here.
     */
    public static Translator decodeTranslator(TranslatorRecord record) {
        return decode(record, record.translatorBlob(), "its binary form");
    }

    /** The map for documents translated at index time, decoded as {@link #decodeTranslator}; null when the record has none. */
    public static Translator decodeDocumentTranslator(TranslatorRecord record) {
        byte[] blob = record.documentBlob();
        return blob == null ? null : decode(record, blob, "the binary form of its document map");
    }

    private static Translator decode(TranslatorRecord record, byte[] blob, String what) {
        try {
            return BinaryCodec.decodeTranslator(blob);
        } catch (IllegalArgumentException e) {
            throw StoredSource.damaged("latent translator [" + record.key() + "]", what + " does not decode: " + e.getMessage(),
                TranslatorRecord.REMEDY, e);
        }
    }

    // ---- translators ----

    /** The translator document; without its binary form (an empty one) unless {@code withBlob}. */
    public void getTranslator(String key, boolean withBlob, ActionListener<TranslatorRecord> listener) {
        GetRequest get = new GetRequest(LatentSystemIndex.NAME, LatentSystemIndex.translatorId(key)).realtime(true);
        if (withBlob == false) {
            get.fetchSourceContext(FetchSourceContext.of(true, null, new String[] {"blob"}));
        }
        stashed(l -> client.get(get,
            ActionListener.wrap(r -> {
                if (r.isExists() == false) {
                    l.onFailure(LatentExceptions.translatorNotFound(key));
                } else {
                    Map<String, Object> src = new HashMap<>(r.getSourceAsMap());
                    src.putIfAbsent("blob", "");
                    l.onResponse(TranslatorRecord.fromSource(src));
                }
            }, e -> l.onFailure(missingIndex(e) ? LatentExceptions.translatorNotFound(key) : e))), listener);
    }

    /** Translators, optionally only those that read or write {@code model}; without their binary forms. */
    public void listTranslators(String model, ActionListener<List<TranslatorRecord>> listener) {
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("type", "translator"));
        if (model != null) {
            q.filter(QueryBuilders.boolQuery()
                .should(QueryBuilders.termQuery("source", model))
                .should(QueryBuilders.termQuery("target", model))
                .minimumShouldMatch(1));
        }
        search(q, new String[] {"blob"}, h -> {
            Map<String, Object> src = new HashMap<>(h.getSourceAsMap());
            src.put("blob", "");
            return TranslatorRecord.fromSource(src);
        }, ActionListener.wrap(out -> {
            out.sort((a, b) -> a.key().compareTo(b.key()));
            listener.onResponse(out);
        }, listener::onFailure));
    }

    /** Where a translator's next version goes: the stored version (0 if none) and the sequence number to write over. */
    public record TranslatorSlot(long version, long seqNo, long primaryTerm) {
        static final TranslatorSlot EMPTY = new TranslatorSlot(0, -1, -1);
    }

    /** The stored translator's version and position, read in real time, or {@link TranslatorSlot#EMPTY}. */
    public void translatorSlot(String key, ActionListener<TranslatorSlot> listener) {
        GetRequest get = new GetRequest(LatentSystemIndex.NAME, LatentSystemIndex.translatorId(key)).realtime(true)
            .fetchSourceContext(FetchSourceContext.of(true, new String[] {"body.version"}, null));
        stashed(l -> client.get(get, ActionListener.wrap(
            r -> l.onResponse(r.isExists() ? new TranslatorSlot(storedVersion(key, r.getSourceAsMap()), r.getSeqNo(), r.getPrimaryTerm())
                : TranslatorSlot.EMPTY),
            e -> {
                if (missingIndex(e)) {
                    l.onResponse(TranslatorSlot.EMPTY);
                } else {
                    l.onFailure(e);
                }
            })), listener);
    }

    private static long storedVersion(String key, Map<String, Object> source) {
        return new StoredSource(source, "latent translator [" + key + "]", TranslatorRecord.REMEDY).object("body").longValue("version");
    }

    /**
     * Writes {@code record} into {@code slot}: created when the slot is empty, else only over the document the slot was read
     * from. A concurrent write of the same translator makes it fail with {@link VersionConflictEngineException},
     * so two fits can never store the same version.
     */
    public void putTranslator(TranslatorRecord record, TranslatorSlot slot, ActionListener<Void> listener) {
        stashed(l -> ensureIndex(ActionListener.wrap(ignored -> {
            IndexRequest req = new IndexRequest(LatentSystemIndex.NAME).id(LatentSystemIndex.translatorId(record.key()))
                .source(record.toSource(), XContentType.JSON).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            if (slot.version() == 0) {
                req.opType(DocWriteRequest.OpType.CREATE);
            } else {
                req.setIfSeqNo(slot.seqNo()).setIfPrimaryTerm(slot.primaryTerm());
            }
            client.index(req, ActionListener.wrap(r -> l.onResponse(null), l::onFailure));
        }, l::onFailure)), listener);
    }

    public void deleteTranslator(String key, ActionListener<Void> listener) {
        stashed(l -> client.delete(new DeleteRequest(LatentSystemIndex.NAME, LatentSystemIndex.translatorId(key))
            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE), ActionListener.wrap(r -> {
                if (r.getResult() == DocWriteResponse.Result.NOT_FOUND) {
                    l.onFailure(LatentExceptions.translatorNotFound(key));
                } else {
                    l.onResponse(null);
                }
            }, e -> l.onFailure(missingIndex(e) ? LatentExceptions.translatorNotFound(key) : e))), listener);
    }

    /** Deletes every document of {@code model} (the model, all anchor generations) and every translator reading or writing it. */
    public void deleteModel(String model, ActionListener<Integer> listener) {
        BoolQueryBuilder q = QueryBuilders.boolQuery()
            .should(QueryBuilders.termQuery("model", model))
            .should(QueryBuilders.termQuery("source", model))
            .should(QueryBuilders.termQuery("target", model))
            .minimumShouldMatch(1);
        search(q, new String[] {"blob", "body"}, SearchHit::getId, ActionListener.wrap(hits -> {
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (String id : hits) {
                bulk.add(new DeleteRequest(LatentSystemIndex.NAME, id));
            }
            // the model document itself, in case the search has not seen it yet
            bulk.add(new DeleteRequest(LatentSystemIndex.NAME, LatentSystemIndex.modelId(model)));
            stashed(l -> client.bulk(bulk, ActionListener.wrap(r -> {
                if (r.hasFailures()) {
                    l.onFailure(new IllegalStateException("deleting latent model [" + model + "] failed: " + r.buildFailureMessage()));
                } else {
                    l.onResponse(hits.size());
                }
            }, l::onFailure)), listener);
        }, listener::onFailure));
    }

    /** Up to {@link #MAX_LISTED} documents, mapped while the response is alive (search hits are released after it). */
    private <T> void search(QueryBuilder query, String[] excludes, Function<SearchHit, T> mapper,
                            ActionListener<List<T>> listener) {
        SearchRequest req = new SearchRequest(LatentSystemIndex.NAME).source(new SearchSourceBuilder().query(query).size(MAX_LISTED)
            .seqNoAndPrimaryTerm(true).fetchSource(new String[] {"*"}, excludes));
        stashed(l -> client.search(req, ActionListener.wrap(r -> {
            List<T> out = new ArrayList<>();
            for (SearchHit h : r.getHits().getHits()) {
                out.add(mapper.apply(h));
            }
            l.onResponse(out);
        }, e -> {
            if (missingIndex(e)) {
                l.onResponse(List.of());
            } else {
                l.onFailure(e);
            }
        })), listener);
    }
}
