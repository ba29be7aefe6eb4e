package org.latentbridge.plugin.store;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.unit.ByteSizeValue;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.get.GetResult;
import org.elasticsearch.index.seqno.SequenceNumbers;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.test.client.NoOpClient;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * System-index documents held in memory and answered as a real-time GET answers them (source filtering included), for
 * tests that run a real {@link LatentStore}, {@link LatentCache} and translation service without a node. The documents
 * are the records' own sources, encoded in the given content type, so a binary one gives binary blobs back.
 */
public final class StoredDocuments {
    private final XContentType contentType;
    private final Map<String, Map<String, Object>> documents = new ConcurrentHashMap<>();
    private final AtomicInteger gets = new AtomicInteger();

    public StoredDocuments(XContentType contentType) {
        this.contentType = contentType;
    }

    public void put(ModelRecord model) {
        documents.put(LatentSystemIndex.modelId(model.model()), model.toSource());
    }

    public void put(TranslatorRecord translator) {
        documents.put(LatentSystemIndex.translatorId(translator.key()), translator.toSource());
    }

    /** GET requests answered so far: each is a read the cache did not serve. */
    public int gets() {
        return gets.get();
    }

    public GetResponse get(GetRequest request) {
        if (LatentSystemIndex.NAME.equals(request.index()) == false) {
            throw new IllegalArgumentException("only [" + LatentSystemIndex.NAME + "] is stored here, not [" + request.index() + "]");
        }
        gets.incrementAndGet();
        Map<String, Object> source = documents.get(request.id());
        if (source == null) {
            return new GetResponse(new GetResult(request.index(), request.id(), SequenceNumbers.UNASSIGNED_SEQ_NO,
                SequenceNumbers.UNASSIGNED_PRIMARY_TERM, -1, false, null, Map.of(), Map.of()));
        }
        FetchSourceContext fetch = request.fetchSourceContext();
        if (fetch != null) {
            source = XContentMapValues.filter(source, fetch.includes(), fetch.excludes());
        }
        try {
            BytesReference bytes = BytesReference.bytes(XContentFactory.contentBuilder(contentType).map(source));
            return new GetResponse(new GetResult(request.index(), request.id(), 0, 1, 1, true, bytes, Map.of(), Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A translation service over a real store and cache that read through {@code client}; decoding runs on the calling
     * thread. One cache per call: services of two calls share nothing.
     */
    public static TranslationService translationService(Client client) {
        LatentStore store = new LatentStore(client, EsExecutors.DIRECT_EXECUTOR_SERVICE, EsExecutors.DIRECT_EXECUTOR_SERVICE, null);
        return new TranslationService(new LatentCache(store, client.threadPool().getThreadContext(), EsExecutors.DIRECT_EXECUTOR_SERVICE,
            ByteSizeValue.ofMb(16).getBytes(), TimeValue.timeValueHours(1)), Settings.EMPTY);
    }

    /** A client that answers GET requests from these documents and refuses every other action. */
    public Client client(ThreadPool threadPool) {
        return new NoOpClient(threadPool) {
            @Override
            @SuppressWarnings("unchecked")
            protected <Request extends ActionRequest, Response extends ActionResponse> void doExecute(ActionType<Response> action,
                                                                                                      Request request,
                                                                                                      ActionListener<Response> listener) {
                if (request instanceof GetRequest get) {
                    ActionListener.completeWith(listener, () -> (Response) StoredDocuments.this.get(get));
                } else {
                    listener.onFailure(new UnsupportedOperationException("only GET is stored here, not [" + action.name() + "]"));
                }
            }
        };
    }
}
