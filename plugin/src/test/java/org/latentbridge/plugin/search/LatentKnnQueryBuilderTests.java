package org.latentbridge.plugin.search;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.NamedWriteableAwareStreamInput;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.search.SearchModule;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.junit.jupiter.api.Test;
import org.latentbridge.plugin.LatentBridgePlugin;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing, validation and exact wire and XContent round trips of {@code latent_knn} and {@code latent_translation}. */
class LatentKnnQueryBuilderTests {
    static {
        // Elasticsearch's exceptions log through its own facade, which a plain JUnit run must install first
        org.elasticsearch.common.logging.LogConfigurator.configureESLogging();
    }

    private static final SearchModule SEARCH = new SearchModule(Settings.EMPTY, List.of(new LatentBridgePlugin()));
    private static final NamedWriteableRegistry WRITEABLES = new NamedWriteableRegistry(SEARCH.getNamedWriteables());
    private static final NamedXContentRegistry XCONTENT = new NamedXContentRegistry(SEARCH.getNamedXContents());

    /** Parsing and the wire never need the translation service: a builder made here must not reach for it. */
    private static final Supplier<TranslationService> NO_SERVICE = () -> {
        throw new AssertionError("the translation service is needed only to rewrite");
    };

    private static QueryBuilder parse(String json) throws IOException {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY.withRegistry(XCONTENT), json)) {
            return AbstractQueryBuilder.parseTopLevelQuery(p);
        }
    }

    private static <C extends org.elasticsearch.common.io.stream.NamedWriteable> C wire(C original, Class<C> category) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            out.writeNamedWriteable(original);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
                return in.readNamedWriteable(category);
            }
        }
    }

    private static LatentKnnQueryBuilder sample() {
        return (LatentKnnQueryBuilder) new LatentKnnQueryBuilder("emb", new float[] {0.5f, -1.25f, 3f}, "bge-small", "query", 10, 100,
            QueryMethod.AUTO, List.of(new TermQueryBuilder("group", "even")), 0.4f, "minilm", NO_SERVICE).boost(2.5f).queryName("q");
    }

    @Test
    void xContentRoundTripIsExactWithBoostNameAndFilter() throws IOException {
        LatentKnnQueryBuilder q = sample();
        QueryBuilder parsed = parse(q.toString());
        assertEquals(q, parsed);
        assertEquals(2.5f, parsed.boost());
        assertEquals("q", parsed.queryName());
    }

    @Test
    void wireRoundTripIsExact() throws IOException {
        QueryBuilder q = sample();
        assertEquals(q, wire(q, QueryBuilder.class));
    }

    @Test
    void defaultsAndASingleFilterObjectParse() throws IOException {
        QueryBuilder q = parse("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "filter": {"term": {"g": "x"}}}}""");
        assertTrue(q.toString().contains("\"role\" : \"query\""), q.toString());
        assertTrue(q.toString().contains("\"method\" : \"auto\""), q.toString());
        assertNotEquals(q, parse("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m"}}"""), "the filter takes part in equality");
    }

    @Test
    void badInputNamesTheProblem() {
        assertMessage("""
            {"latent_knn": {"query_vector": [1, 2], "model": "m"}}""", "requires [field]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2]}}""", "requires [model]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m"}}""", "non-empty [query_vector]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1, "x"]}}""", "[query_vector][1] must be a number");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1, 1e60]}}""", "[query_vector][1] must be a finite number");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "k": 0}}""", "[k] must be at least 1");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "k": 5, "num_candidates": 4}}""", "[num_candidates]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "num_candidates": 10001}}""", "[num_candidates]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "method": "linear"}}""", "[method]");
        assertMessage("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "colour": "red"}}""", "unknown field [colour]");
    }

    private static void assertMessage(String json, String fragment) {
        Exception e = assertThrows(Exception.class, () -> parse(json));
        Throwable t = e;
        StringBuilder messages = new StringBuilder();
        while (t != null) {
            messages.append(t.getMessage()).append(" | ");
            t = t.getCause();
        }
        assertTrue(messages.toString().contains(fragment), "[" + fragment + "] not in " + messages);
        assertTrue(e instanceof ParsingException || e instanceof IllegalArgumentException || e.getCause() instanceof ParsingException,
            e.getClass().getName());
    }

    @Test
    void theMethodRoundTripsAndTheServiceTakesNoPartInEquality() throws IOException {
        QueryBuilder q = parse("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "method": "inverse_relative"}}""");
        assertTrue(q.toString().contains("\"method\" : \"inverse_relative\""), q.toString());
        assertEquals(q, wire(q, QueryBuilder.class));
        LatentKnnQueryBuilder other = new LatentKnnQueryBuilder("emb", new float[] {1, 2}, "m", "query", null, null,
            QueryMethod.INVERSE_RELATIVE, List.of(), null, null, () -> null);
        assertEquals(q, other);
        assertEquals(q.hashCode(), other.hashCode());
    }

    @Test
    void queryVectorBuilderRoundTrips() throws IOException {
        LatentTranslationQueryVectorBuilder b = new LatentTranslationQueryVectorBuilder(new float[] {1f, 2f}, "bge-small", "minilm", null, null,
            NO_SERVICE);
        assertEquals(b, wire((QueryVectorBuilder) b, QueryVectorBuilder.class));
        try (XContentParser p = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY, org.elasticsearch.common.Strings.toString(b))) {
            assertEquals(b, LatentTranslationQueryVectorBuilder.PARSER.apply(p, NO_SERVICE));
        }
        assertThrows(IllegalArgumentException.class, () -> new LatentTranslationQueryVectorBuilder(new float[] {Float.NaN}, "a", "b", null, null,
            NO_SERVICE));
    }
}
