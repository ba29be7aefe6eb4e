package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hundreds of generated malformed requests ({@link MalformedRequests}) against every endpoint, the query, the query vector
 * builder and both processors: each answers 4xx in Elasticsearch's error format, none 5xx, the node stays green, and
 * nothing is stored (models, anchors, translators, pipelines, indices and documents are as before).
 */
class MalformedRequestsIT {
    private static final int DIMS = MalformedRequests.DIMS, ANCHORS = MalformedRequests.ANCHORS;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("malformed-requests").nodes(1).heap("1g")
        .setting("http.max_content_length", "10mb")
        .setting("latent_bridge.translate.max_relative_values", String.valueOf(MalformedRequests.MAX_RELATIVE_VALUES)).build();

    @Test
    void everyMalformedRequestIsRefusedWithA4xxAndLeavesNothingBehind() {
        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(2));
        fixture(es);
        Map<String, String> before = state(es);

        List<MalformedRequests.Case> cases = MalformedRequests.all();
        assertTrue(cases.size() >= 500, "the corpus has " + cases.size() + " requests");
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (MalformedRequests.Case c : cases) {
            EsResponse r = es.request(c.method(), c.path(), c.body());
            byStatus.merge(r.status(), 1, Integer::sum);
            String problem = c.status() != 0 && r.status() != c.status() ? "not the expected " + c.status() : problem(r);
            if (problem != null) {
                failures.add(c.what() + " -> " + r.status() + ": " + problem + " " + abbreviate(r.body()));
            }
        }
        System.out.println(String.format(Locale.ROOT, "[malformed-requests] %d requests, by status %s", cases.size(), byStatus));
        assertTrue(failures.isEmpty(), failures.size() + " requests were not refused properly:\n" + String.join("\n", failures));
        assertEquals("green", es.get("_cluster/health?wait_for_status=green&timeout=30s").ok().path("status").asText());
        assertEquals(before, state(es), "nothing was stored");

        List<String> extremeFailures = new ArrayList<>();
        for (MalformedRequests.Case c : MalformedRequests.extreme()) {
            EsResponse r = es.request(c.method(), c.path(), c.body());
            String problem = r.status() < 300 ? nonFinite(r) : problem(r);
            if (problem != null) {
                extremeFailures.add(c.what() + " -> " + r.status() + ": " + problem + " " + abbreviate(r.body()));
            }
        }
        assertTrue(extremeFailures.isEmpty(), extremeFailures.size() + " extreme requests were not answered with finite numbers or a 4xx:\n"
            + String.join("\n", extremeFailures));
        Map<String, String> after = state(es);
        before.remove("models"); // extreme anchors may be stored (with finite statistics)
        after.remove("models");
        assertEquals(before, after, "nothing else was stored");
    }

    @Test
    void aByteOrderMarkBeforeAValidBodyIsAccepted() {
        EsHttp es = CLUSTER.http();
        es.request("PUT", "_latent/model/bom", "\uFEFF{\"dims\": " + DIMS + "}").ok();
        JsonNode translated = es.request("POST", "_latent/_translate", "\uFEFF{\"from\": \"bom\", \"to\": \"bom\", \"vectors\": "
            + "[[1, 2, 3, 4]]}").ok();
        assertEquals(4, translated.path("vectors").get(0).size(), translated.toString());
    }

    /**
     * Null when a successful answer holds only finite numbers and no error; else what is wrong. An ingest simulation
     * answers 200 with each document's error inside: that error must be bad input, not Elasticsearch's NaN refusal.
     */
    private static String nonFinite(EsResponse r) {
        String body = r.body();
        if (body.contains("NaN") || body.contains("Infinity")) {
            return "a non-finite number in the answer";
        }
        if (body.contains("\"error\"") && body.contains("illegal_argument_exception") == false) {
            return "an error that is not bad input";
        }
        return null;
    }

    /** Null when the response is a 4xx in Elasticsearch's error format, else what is wrong with it. */
    private static String problem(EsResponse r) {
        if (r.status() < 400 || r.status() >= 500) {
            return "not a 4xx";
        }
        JsonNode json;
        try {
            json = r.json();
        } catch (RuntimeException e) {
            return "a body that is not JSON";
        }
        JsonNode error = json.path("error");
        boolean formatted = error.isObject() ? error.path("type").isTextual() && error.path("reason").isTextual() : error.isTextual();
        if (formatted == false || json.path("status").asInt() != r.status()) {
            return "not Elasticsearch's error format";
        }
        return null;
    }

    private static void fixture(EsHttp es) {
        es.put("_latent/model/m", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        es.put("_latent/model/t", Map.of("dims", DIMS)).ok();
        List<String> ids = new ArrayList<>();
        List<float[]> source = new ArrayList<>(), target = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < ANCHORS; i++) {
            ids.add("x" + i);
            float[] v = new float[DIMS], w = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                v[j] = (float) random.nextGaussian();
                w[(j + 1) % DIMS] = v[j];
            }
            source.add(v);
            target.add(w);
        }
        for (String role : List.of("query", "document")) {
            es.post("_latent/model/m/_anchors", Map.of("role", role, "ids", ids, "vectors", source)).ok();
        }
        es.post("_latent/model/t/_anchors", Map.of("ids", ids, "vectors", target)).ok();
        es.put("_latent/translator/m/t", Map.of()).ok();
        // models that only bad requests use: one without a document role, two whose names and roles are the longest allowed,
        // one that receives extreme anchors
        es.put("_latent/model/qonly", Map.of("dims", DIMS, "roles", List.of("query"))).ok();
        es.post("_latent/model/qonly/_anchors", Map.of("role", "query", "ids", ids, "vectors", target)).ok();
        for (String name : List.of(MalformedRequests.LONG_SOURCE, MalformedRequests.LONG_TARGET)) {
            es.put("_latent/model/" + name, Map.of("dims", DIMS, "roles", List.of(MalformedRequests.LONG_ROLE))).ok();
            es.post("_latent/model/" + name + "/_anchors", Map.of("role", MalformedRequests.LONG_ROLE, "ids", ids, "vectors", source)).ok();
        }
        es.put("_latent/model/scaled", Map.of("dims", DIMS)).ok();
        es.put("_latent/translator/m/t", Map.of("source_role", "document")).ok();
        Map<String, Object> meta = Map.of("latent_model", "t");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta", meta));
        properties.put("title", Map.of("type", "keyword"));
        properties.put("v", Map.of("type", "float", "index", false));
        properties.put("obj", Map.of("properties", Map.of("a", Map.of("type", "long"))));
        // fields latent_knn must refuse: of element types a float vector cannot search, and unindexed
        properties.put("emb_byte", Map.of("type", "dense_vector", "dims", DIMS, "element_type", "byte", "meta", meta));
        properties.put("emb_bit", Map.of("type", "dense_vector", "dims", 8 * DIMS, "element_type", "bit", "meta", meta));
        properties.put("emb_unindexed", Map.of("type", "dense_vector", "dims", DIMS, "index", false, "meta", meta));
        properties.put("nested_flat", Map.of("type", "object", "subobjects", false, "properties", Map.of("x.emb_byte", Map.of("type",
            "dense_vector", "dims", DIMS, "element_type", "byte", "meta", meta))));
        es.put("docs", Map.of("settings", Map.of("number_of_replicas", 0), "mappings", Map.of("properties", properties))).ok();
        for (int i = 0; i < 3; i++) {
            es.put("docs/_doc/d" + i + "?refresh=true", Map.of("emb", target.get(i), "title", "x" + i, "obj", Map.of("a", i)))
                .expectStatus(201);
        }
        es.put("_ingest/pipeline/ok", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "v", "from", "m", "to", "t",
            "target_field", "emb"))))).ok();
        // the fixture works: a good search, a good document through the pipeline (then removed)
        es.post("docs/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", source.get(0), "model", "m",
            "k", 3)))).ok();
        es.put("docs/_doc/probe?pipeline=ok&refresh=true", Map.of("v", source.get(0))).expectStatus(201);
        es.delete("docs/_doc/probe?refresh=true").ok();
    }

    /** Everything a malformed request could have changed. */
    private static Map<String, String> state(EsHttp es) {
        Map<String, String> s = new TreeMap<>();
        s.put("models", es.get("_latent/model").ok().toString());
        s.put("translators", es.get("_latent/translator").ok().toString());
        s.put("pipelines", es.get("_ingest/pipeline").ok().toString());
        s.put("indices", es.get("_cat/indices?h=index&s=index&expand_wildcards=open").body());
        es.post("docs/_refresh", null).ok();
        s.put("docs", es.get("docs/_count").ok().path("count").toString());
        return s;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
