package org.latentbridge.plugin.ingest;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.index.VersionType;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed translation names the processor and the field, and keeps its cause's status. */
class LatentVectorProcessorTests {
    static {
        // Elasticsearch's exceptions log through its own facade, which a plain JUnit run must install first
        LogConfigurator.configureESLogging();
    }

    /** The failure a document gets when resolving the service throws {@code cause}. */
    private static Exception failure(RuntimeException cause) {
        Supplier<TranslationService> failing = () -> {
            throw cause;
        };
        LatentTranslateProcessor processor = new LatentTranslateProcessor("t", null,
            new LatentVectorProcessor.Fields("v", "out", false, null),
            new TranslateSpec("a", "b", "document", QueryMethod.AUTO, false, null, 1), failing);
        Map<String, Object> source = new HashMap<>(Map.of("v", List.of(1.0, 2.0)));
        AtomicReference<Exception> failed = new AtomicReference<>();
        processor.execute(new IngestDocument("idx", "1", 1, null, VersionType.INTERNAL, source), (doc, e) -> failed.set(e));
        assertNotNull(failed.get());
        assertTrue(failed.get().getMessage().startsWith("[latent_translate] field [v]: "), failed.get().getMessage());
        assertTrue(failed.get().getMessage().endsWith(cause.getMessage()), failed.get().getMessage());
        assertSame(cause, failed.get().getCause());
        return failed.get();
    }

    @Test
    void badInputStaysA400OfItsOwnType() {
        Exception e = failure(new IllegalArgumentException("[v] has wrong dimensions"));
        assertInstanceOf(IllegalArgumentException.class, e);
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    }

    @Test
    void aFullPoolStaysA429SoBulkClientsRetry() {
        Exception e = failure(new EsRejectedExecutionException("rejected execution of a cache load"));
        assertInstanceOf(ElasticsearchStatusException.class, e);
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
    }

    @Test
    void anUnknownModelStaysA404() {
        Exception e = failure(LatentExceptions.modelNotFound("later"));
        assertEquals(RestStatus.NOT_FOUND, ExceptionsHelper.status(e));
        assertTrue(e.getMessage().contains("latent model [later] not found"), e.getMessage());
    }

    @Test
    void anUninitialisedPluginIsOurFaultNotTheDocuments() {
        Exception e = failure(new IllegalStateException("the Latent Bridge plugin is not initialised on this node"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, ExceptionsHelper.status(e));
    }
}
