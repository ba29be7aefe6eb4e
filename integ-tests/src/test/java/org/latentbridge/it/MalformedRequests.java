package org.latentbridge.it;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A generated corpus of malformed requests against every endpoint of the plugin, the {@code latent_knn} query, the
 * {@code latent_translation} query vector builder and both ingest processors. Each request is wrong in exactly one way
 * (a field missing, of the wrong type, out of range, non-finite, huge, unknown; an id too long or unusable; JSON that is
 * not JSON or is nested absurdly deep), starting from a request that would succeed against the fixture of
 * {@link MalformedRequestsIT}: models {@code m} (roles query and document) and {@code t}, 4 dimensions, a translator
 * {@code m -> t}, an index {@code docs} whose {@code emb} field holds {@code t}'s vectors, and a pipeline {@code ok}.
 */
final class MalformedRequests {
    static final int DIMS = 4;
    /** A raw JSON token standing for a value that is not valid JSON for Jackson's defaults (NaN, Infinity). */
    private record Raw(String json) {}

    /** @param status the status expected, or 0 for any 4xx */
    record Case(String method, String path, String body, String what, int status) {
        Case(String method, String path, String body, String what) {
            this(method, path, body, what, 0);
        }
    }

    private MalformedRequests() {}

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        Map<String, Object> model = ordered("dims", DIMS, "description", "d", "roles", List.of("query", "document"));
        mutate(cases, "PUT", "_latent/model/fresh", model, List.of("dims"), Map.of("dims", INTEGERS, "description", STRINGS, "roles",
            ROLE_LISTS));
        for (String name : BAD_NAMES) {
            cases.add(new Case("PUT", "_latent/model/" + name, json(model), "model name " + abbreviate(name)));
            cases.add(new Case("POST", "_latent/model/" + name + "/_anchors", json(anchors()), "anchors of model " + abbreviate(name)));
            cases.add(new Case("PUT", "_latent/translator/" + name + "/t", "{}", "translator from " + abbreviate(name)));
            cases.add(new Case("PUT", "_latent/translator/m/" + name, "{}", "translator to " + abbreviate(name)));
        }
        mutate(cases, "POST", "_latent/model/m/_anchors", anchors(), List.of("ids", "vectors"), Map.of("role", ROLES, "ids", ID_LISTS,
            "vectors", VECTOR_LISTS));
        mutate(cases, "POST", "_latent/model/m/_anchors", ordered("role", "document", "source", ordered("index", "docs", "field", "emb",
            "id_field", "title")), List.of("source"), Map.of("role", ROLES, "source", SOURCES));
        mutate(cases, "PUT", "_latent/translator/m/t", ordered("method", "orthogonal", "source_role", "query", "target_role", "document",
            "holdout", 0.2, "seed", 1, "preprocess", ordered("center", true, "normalize", true, "mean_weight", 0.5), "min_quality",
            ordered("top1", 0.0)), List.of(), Map.of("method", METHODS, "source_role", ROLES, "target_role", ROLES, "holdout", FRACTIONS,
            "seed", SEEDS, "preprocess", PREPROCESS, "min_quality", MIN_QUALITY, "calibration", calibrations()));
        methodOptions(cases);
        mutate(cases, "POST", "_latent/_translate", ordered("from", "m", "to", "t", "role", "query", "normalize", true, "vectors",
            List.of(vector())), List.of("from", "to", "vectors"), Map.of("from", MODEL_REFS, "to", MODEL_REFS, "role", ROLES, "normalize",
            BOOLEANS, "vectors", VECTOR_LISTS, "method", TRANSLATE_METHODS, "top_k", INTEGERS, "exponent", EXPONENTS));
        mutate(cases, "POST", "_latent/_translate", ordered("from", "m", "to", "_relative", "role", "query", "top_k", 3, "exponent", 2,
            "vectors", List.of(vector())), List.of(), Map.of("top_k", concat(INTEGERS, List.of(1_000_000_000)), "exponent", EXPONENTS));

        Function<Map<String, Object>, Map<String, Object>> latentKnn = q -> ordered("query", ordered("latent_knn", q));
        mutate(cases, "POST", "docs/_search", ordered("field", "emb", "query_vector", vector(), "model", "m", "role", "query", "k", 5,
            "num_candidates", 10), List.of("field", "query_vector", "model"), Map.of("field", FIELDS, "query_vector", VECTORS, "model",
            MODEL_REFS, "role", ROLES, "k", SEARCH_INTEGERS, "num_candidates", SEARCH_INTEGERS, "method", SEARCH_METHODS,
            "field_model", MODEL_REFS, "filter", FILTERS, "boost", BOOSTS), latentKnn);
        Function<Map<String, Object>, Map<String, Object>> builder = b -> ordered("knn", ordered("field", "emb", "k", 5, "num_candidates",
            10, "query_vector_builder", ordered("latent_translation", b)));
        mutate(cases, "POST", "docs/_search", ordered("vector", vector(), "model", "m", "target_model", "t", "role", "query"),
            List.of("vector", "model", "target_model"), Map.of("vector", VECTORS, "model", MODEL_REFS, "target_model", MODEL_REFS, "role",
                ROLES, "normalize", BOOLEANS), builder);

        Function<Map<String, Object>, Map<String, Object>> translatePipeline = p -> ordered("processors",
            List.of(ordered("latent_translate", p)));
        mutate(cases, "PUT", "_ingest/pipeline/bad", ordered("field", "v", "from", "m", "to", "t", "target_field", "out", "role",
            "document"), List.of("field", "from", "to"), Map.of("field", NAMES, "from", NAMES, "to", NAMES, "role", NAMES, "method",
            SEARCH_METHODS, "normalize", BOOLEANS, "ignore_missing", BOOLEANS, "provenance_field", STRINGS), translatePipeline);
        Function<Map<String, Object>, Map<String, Object>> relativePipeline = p -> ordered("processors", List.of(ordered("latent_relative",
            p)));
        mutate(cases, "PUT", "_ingest/pipeline/bad", ordered("field", "v", "model", "m", "target_field", "out"), List.of("field", "model"),
            Map.of("field", NAMES, "model", NAMES, "role", NAMES, "top_k", POSITIVE_INTEGERS, "exponent", EXPONENTS, "ignore_missing",
                BOOLEANS), relativePipeline);
        // documents the pipeline cannot translate: each fails alone, with a 4xx, and is not indexed
        for (Object bad : VECTORS) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("v", bad);
            cases.add(new Case("POST", "docs/_doc?pipeline=ok", json(doc), "document through latent_translate with v = "
                + abbreviate(String.valueOf(bad))));
        }

        // bodies that are not JSON, or absurd JSON, on every endpoint that takes a body
        List<String[]> bodied = List.of(new String[] {"PUT", "_latent/model/fresh"}, new String[] {"POST", "_latent/model/m/_anchors"},
            new String[] {"PUT", "_latent/translator/m/t"}, new String[] {"POST", "_latent/_translate"});
        for (String[] endpoint : bodied) {
            for (Map.Entry<String, String> body : NOT_JSON.entrySet()) {
                if (body.getValue().isEmpty() && endpoint[1].startsWith("_latent/translator")) {
                    continue; // every option of a fit has a default: an empty body is a good request
                }
                cases.add(new Case(endpoint[0], endpoint[1], body.getValue(), body.getKey()));
            }
        }
        // unknown models, roles and translators on the read and delete endpoints
        for (String name : List.of("nope", "m2", "T", "m.x")) {
            cases.add(new Case("GET", "_latent/model/" + name, null, "get unknown model " + name));
            cases.add(new Case("DELETE", "_latent/model/" + name, null, "delete unknown model " + name));
            cases.add(new Case("GET", "_latent/translator/" + name + "/t", null, "get unknown translator " + name));
            cases.add(new Case("DELETE", "_latent/translator/m/" + name, null, "delete unknown translator to " + name));
        }
        searchAndTranslationInput(cases, latentKnn);
        cases.add(new Case("GET", "_latent/translator/m/t?source_role=nope", null, "translator of an unknown role"));
        cases.add(new Case("DELETE", "_latent/model/t", null, "delete a model a translator uses, without force"));
        cases.add(new Case("PUT", "_latent/model/m", json(ordered("dims", 8)), "change an existing model's dims"));
        // a body where none is taken would be ignored (the role-less DELETE below would delete the query-role translator)
        cases.add(new Case("DELETE", "_latent/translator/m/t", json(ordered("source_role", "document")), "delete translator with a body"));
        cases.add(new Case("DELETE", "_latent/model/t?force=true", "{}", "delete model with a body"));
        cases.add(new Case("GET", "_latent/model/m", "{}", "get model with a body"));
        cases.add(new Case("GET", "_latent/translator/m/t", "{}", "get translator with a body"));
        cases.add(new Case("GET", "_latent/_stats", "{}", "stats with a body"));
        // loose booleans and bodies with content after the object would otherwise run a fit or create a model
        cases.add(new Case("DELETE", "_latent/model/t?force=yes", null, "force=yes"));
        cases.add(new Case("PUT", "_latent/model/fresh", "{\"dims\": 4} {\"dims\": 5}", "two JSON objects"));
        cases.add(new Case("PUT", "_latent/model/fresh", "{\"dims\": 4} garbage", "garbage after the JSON object"));
        cases.add(new Case("PUT", "_latent/translator/m/t", "{} {}", "a fit body with a second object"));
        looseParsingIdsAndWorkRefusedLate(cases);
        return Collections.unmodifiableList(cases);
    }

    /**
     * The search and translation input an independent probe found answered badly: nulls and wrong types inside
     * {@code latent_knn} (refused naming the field), {@code k} beyond Elasticsearch's limit, a non-finite {@code similarity},
     * fields whose element type cannot take a translated float vector, and relative output beyond
     * {@code latent_bridge.translate.max_relative_values} (the fixture lowers it to {@value #MAX_RELATIVE_VALUES}).
     */
    private static void searchAndTranslationInput(List<Case> cases, Function<Map<String, Object>, Map<String, Object>> latentKnn) {
        Map<String, Object> valid = ordered("field", "emb", "query_vector", vector(), "model", "m", "role", "query", "k", 5,
            "num_candidates", 10, "method", "auto", "field_model", "t", "filter", ordered("term", ordered("title", "x1")), "similarity",
            0.5, "boost", 2, "_name", "q");
        for (String field : valid.keySet()) {
            for (Object bad : Arrays.asList(null, ordered("x", 1), List.of(List.of()))) {
                if (bad instanceof Map<?, ?> && field.equals("filter")) {
                    continue; // an object is a filter's own type (the bad filters are in FILTERS)
                }
                cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(valid, field, bad, true))), "latent_knn: " + field
                    + " = " + bad));
            }
        }
        for (Object similarity : List.of("NaN", "Infinity", "-Infinity", 1e39, -1e39, new Raw("NaN"), "close", true, List.of(0.5))) {
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(valid, "similarity", similarity, true))),
                "latent_knn: similarity = " + (similarity instanceof Raw r ? r.json() : similarity)));
        }
        for (Object[] kAndCandidates : new Object[][] {{10_001, 10_000}, {10_001, null}, {Integer.MAX_VALUE, null}, {10_000, 10_001},
            {5_000, 4_999}}) {
            Map<String, Object> q = with(with(valid, "k", kAndCandidates[0], true), "num_candidates", kAndCandidates[1], false);
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(q)), "latent_knn: k = " + kAndCandidates[0]
                + ", num_candidates = " + kAndCandidates[1]));
        }
        for (String field : List.of("emb_byte", "emb_bit", "emb_unindexed", "nested_flat.x.emb_byte")) {
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(ordered("field", field, "query_vector", vector(), "model", "m",
                "k", 3))), "latent_knn on field " + field));
        }
        // the migration options: a native field that cannot hold the query model's vectors, weights outside [0, 1], loose booleans
        Map<String, Object> mixed = with(valid, "native_field", "emb", true);
        for (Object weight : List.of(-0.1, 1.5, "heavy", true, List.of(0.5), new Raw("NaN"), 1e39)) {
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(mixed, "native_weight", weight, true))),
                "latent_knn: native_weight = " + (weight instanceof Raw r ? r.json() : weight)));
        }
        for (Object nativeField : Arrays.asList(null, "", 7, true, List.of("emb"), "title", "emb_byte", "emb_bit", "v", "obj")) {
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(mixed, "native_field", nativeField, true))),
                "latent_knn: native_field = " + nativeField));
        }
        for (Object calibrated : Arrays.asList(null, "yes", 2, List.of(true), false)) {
            cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(mixed, "calibrated", calibrated, true))),
                "latent_knn with native_field: calibrated = " + calibrated));
        }
        cases.add(new Case("POST", "docs/_search", json(latentKnn.apply(with(valid, "native_weight", 0.5, true))),
            "latent_knn: native_weight without native_field"));
        // the import's sampling options
        Map<String, Object> paired = ordered("index", "docs", "field", "emb", "id_field", "_id", "paired_field", "emb_byte",
            "max_anchors", 10, "seed", 1);
        for (Object[] bad : new Object[][] {{"paired_field", ""}, {"paired_field", "*"}, {"paired_field", "emb"}, {"paired_field", 7},
            {"max_anchors", 0}, {"max_anchors", -1}, {"max_anchors", 50_001}, {"max_anchors", "ten"}, {"max_anchors", 4.5},
            {"seed", "four"}, {"seed", 4.5}, {"seed", new Raw("9223372036854775808")}}) {
            cases.add(new Case("POST", "_latent/model/m/_anchors", json(ordered("role", "document", "source", with(paired,
                (String) bad[0], bad[1], true))), "anchor import: " + bad[0] + " = " + (bad[1] instanceof Raw r ? r.json() : bad[1])));
        }
        cases.add(new Case("POST", "_latent/model/m/_anchors", json(ordered("role", "document", "source", ordered("index", "docs", "field",
            "emb", "id_field", "_id", "seed", 1))), "anchor import: seed without max_anchors"));
        // a relative translation that would produce more values than the node allows: refused before anything is computed
        int tooMany = MAX_RELATIVE_VALUES / ANCHORS + 1;
        for (Map<String, Object> body : List.of(ordered("from", "m", "to", "_relative", "vectors", Collections.nCopies(tooMany, vector())),
            ordered("from", "m", "to", "_relative", "top_k", 2, "vectors", Collections.nCopies(tooMany, vector())))) {
            cases.add(new Case("POST", "_latent/_translate", json(body), "relative output of " + tooMany + " vectors x " + ANCHORS
                + " anchors" + (body.containsKey("top_k") ? ", sparse" : "")));
        }
    }

    /**
     * The fit's method options, {@code contrastive} and {@code kernel}: an unknown field inside each, wrong types, each
     * value out of range, and each section sent with a method that would not use it. All are 400, before any work.
     */
    private static void methodOptions(List<Case> cases) {
        Map<String, Object> contrastive = ordered("max_steps", 200, "temperature", 0.05, "learning_rate", 1e-4, "batch_size", 256);
        Map<String, List<Object>> badContrastive = new LinkedHashMap<>();
        badContrastive.put("max_steps", concat(List.of(-1, 100_001, Integer.MAX_VALUE, 4.5, "200", true, new Raw("3000000000")), COMMON));
        badContrastive.put("temperature", concat(List.of(0, 0.001, -0.05, 1.5, "0.05", true, 1e300), COMMON));
        badContrastive.put("learning_rate", concat(List.of(0, -1e-4, 0.2, "1e-4", false), COMMON));
        badContrastive.put("batch_size", concat(List.of(0, 1, 4097, -256, 256.5, "256"), COMMON));
        for (Map.Entry<String, List<Object>> field : badContrastive.entrySet()) {
            for (Object bad : field.getValue()) {
                cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("method", "contrastive", "contrastive", with(contrastive,
                    field.getKey(), bad, true))), "PUT translator: contrastive." + field.getKey() + " = " + shown(bad), 400));
            }
        }
        for (Object bad : concat(List.of(ordered("max_centres", 9), ordered("max_centres", 20_001), ordered("max_centres", -1),
            ordered("max_centres", "1000"), ordered("max_centres", 1000.5), ordered("max_centres", true), ordered("max_centres", new Raw(
                "NaN")), ordered("max_centres", null), 1000), List.of("x", List.of(ordered("max_centres", 1000))))) {
            cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("method", "orthogonal_kernel", "kernel", bad)),
                "PUT translator: kernel = " + shown(bad), 400));
        }
        for (Object bad : List.of(3000, "x", List.of(contrastive), with(contrastive, "epochs", 3, true), ordered("max_steps", null))) {
            cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("method", "contrastive", "contrastive", bad)),
                "PUT translator: contrastive = " + shown(bad), 400));
        }
        cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("kernel", ordered("max_centres", 1000, "centres", 500))),
            "PUT translator: an unknown field in kernel", 400));
        for (String method : List.of("orthogonal", "linear", "affine", "inverse_relative", "orthogonal_kernel")) {
            cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("method", method, "contrastive", contrastive)),
                "PUT translator: contrastive options with method " + method, 400));
        }
        for (String method : List.of("orthogonal", "linear", "affine", "inverse_relative", "contrastive")) {
            cases.add(new Case("PUT", "_latent/translator/m/t", json(ordered("method", method, "kernel", ordered("max_centres", 1000))),
                "PUT translator: kernel options with method " + method, 400));
        }
    }

    private static String shown(Object value) {
        return abbreviate(String.valueOf(value instanceof Raw r ? r.json() : value));
    }

    /** A model and a role name of the longest allowed length: two of each make an internal id too long to store. */
    static final String LONG_SOURCE = "p".repeat(128), LONG_TARGET = "q".repeat(128), LONG_ROLE = "r".repeat(128);

    /**
     * Loose parsing (query parameters and bodies that were ignored or half-read), ids and imports that were stored
     * unbounded or mangled, and work that ran before a refusal it could have had up front. The body on a DELETE comes last:
     * where it is ignored, it deletes a translator the later cases use.
     */
    private static void looseParsingIdsAndWorkRefusedLate(List<Case> cases) {
        for (String wait : List.of("maybe", "FALSE", "1")) {
            cases.add(new Case("PUT", "_latent/translator/m/t?wait_for_completion=" + wait, "{}", "wait_for_completion=" + wait));
        }
        cases.add(new Case("GET", "_latent/model/m", json(ordered("dims", 8)), "a body on GET model"));
        cases.add(new Case("GET", "_latent/translator/m/t", json(ordered("source_role", "document")), "a body on GET translator"));
        cases.add(new Case("DELETE", "_latent/model/nope", json(ordered("force", true)), "a body on DELETE model"));
        String translate = json(ordered("from", "m", "to", "t", "vectors", List.of(vector())));
        for (String garbage : List.of(" xyz", " {}", "}", ", 1", " [1]", "\u0000")) {
            cases.add(new Case("PUT", "_latent/model/fresh", json(ordered("dims", DIMS)) + garbage, "trailing garbage [" + garbage
                + "] after a model"));
            cases.add(new Case("POST", "_latent/_translate", translate + garbage, "trailing garbage [" + garbage + "] after _translate"));
        }
        cases.add(new Case("POST", "_latent/model/m/_anchors", json(anchors()) + " {\"ids\": []}", "a second object after anchors"));
        for (String dims : List.of("8", "0", "4.5", "four", "")) {
            cases.add(new Case("PUT", "_latent/model/m", json(ordered("dims", dims)), "dims as the string [" + dims + "] on model m"));
        }
        cases.add(new Case("PUT", "_latent/model/fresh", json(ordered("dims", "0")), "dims as the string [0]"));
        cases.add(new Case("PUT", "_latent/translator/" + LONG_SOURCE + "/" + LONG_TARGET, json(ordered("source_role", LONG_ROLE,
            "target_role", LONG_ROLE)), "a translator between two 128-character models and roles (its id exceeds 512 bytes)"));
        cases.add(new Case("PUT", "_latent/translator/m/qonly", "{}", "a translator into a model without a document role"));
        cases.add(new Case("PUT", "_latent/translator/m/qonly", json(ordered("target_role", "document")),
            "a translator into a model's missing document role"));
        for (Object index : List.of("doc*", "*", "docs,docs", "d?cs", "-docs", "docs*,-x")) {
            cases.add(new Case("POST", "_latent/model/m/_anchors", json(ordered("role", "document", "source", ordered("index", index,
                "field", "emb", "id_field", "title"))), "anchor import from index pattern [" + index + "]"));
        }
        cases.add(new Case("POST", "_latent/model/m/_anchors", json(ordered("role", "document", "source", ordered("index", "docs",
            "field", "emb", "id_field", "obj"))), "anchor import with an object-valued id_field"));
        for (String id : List.of("\\ud800", "\\udc00", "a\\ud83dz")) {
            cases.add(new Case("POST", "_latent/model/m/_anchors", "{\"role\": \"query\", \"ids\": [\"a\", \"" + id + "\"], "
                + "\"vectors\": [[1, 2, 3, 4], [4, 3, 2, 1]]}", "an anchor id with a lone surrogate " + id));
        }
        cases.add(new Case("PUT", "_latent/model/fresh", json(ordered("dims", DIMS, "description", "x".repeat(5_000_000))),
            "a 5 MB description"));
        cases.add(new Case("DELETE", "_latent/translator/m/t", json(ordered("source_role", "document")),
            "a body on DELETE translator (naming another translator than the path's)"));
    }

    /** Relative values the fixture node allows in one translation ({@code latent_bridge.translate.max_relative_values}). */
    static final int MAX_RELATIVE_VALUES = 100;
    /** Anchors of the fixture's model {@code m}, in each role. */
    static final int ANCHORS = 12;

    /**
     * Finite but extreme input (components near the float limit): each request must either succeed with only finite
     * numbers in its answer or be refused with a 4xx naming the vector; never a 5xx, never Elasticsearch's
     * "vectors do not support NaN values". These may succeed, so they are not in {@link #all()}.
     */
    static List<Case> extreme() {
        List<Case> cases = new ArrayList<>();
        for (float big : new float[] {1e37f, 3e38f, -3e38f}) {
            for (List<Float> v : List.of(List.of(big, 1f, 1f, 1f), List.of(big, big, big, big), List.of(big, -big, big, -big))) {
                String what = "components " + v;
                for (String to : List.of("t", "m", "_relative")) {
                    for (boolean normalize : new boolean[] {true, false}) {
                        cases.add(new Case("POST", "_latent/_translate", json(ordered("from", "m", "to", to, "normalize", normalize,
                            "vectors", List.of(v))), "_translate m -> " + to + (normalize ? " normalised" : "") + ", " + what));
                    }
                }
                cases.add(new Case("POST", "_latent/_translate", json(ordered("from", "m", "to", "t", "method", "inverse_relative",
                    "vectors", List.of(v))), "_translate inverse_relative, " + what));
                cases.add(new Case("POST", "docs/_search", json(ordered("query", ordered("latent_knn", ordered("field", "emb",
                    "query_vector", v, "model", "m", "k", 3)))), "latent_knn, " + what));
                cases.add(new Case("POST", "docs/_search", json(ordered("query", ordered("latent_knn", ordered("field", "emb",
                    "query_vector", v, "model", "m", "k", 3, "method", "inverse_relative")))), "latent_knn inverse_relative, " + what));
                cases.add(new Case("POST", "docs/_search", json(ordered("knn", ordered("field", "emb", "k", 3, "num_candidates", 10,
                    "query_vector_builder", ordered("latent_translation", ordered("vector", v, "model", "m", "target_model", "t"))))),
                    "latent_translation, " + what));
                for (Map<String, Object> processor : List.of(ordered("latent_translate", ordered("field", "v", "from", "m", "to", "t",
                    "target_field", "out")), ordered("latent_relative", ordered("field", "v", "model", "m", "target_field", "out")))) {
                    cases.add(new Case("POST", "_ingest/pipeline/_simulate", json(ordered("pipeline", ordered("processors",
                        List.of(processor)), "docs", List.of(ordered("_source", ordered("v", v))))), processor.keySet().iterator().next()
                        + ", " + what));
                }
            }
        }
        // anchors scaled far up or down: stored with finite statistics, or refused (the model's statistics are read back below)
        for (float scale : new float[] {1e37f, 3e38f, 1e-38f, 1e-45f}) {
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < ANCHORS; i++) {
                vectors.add(new float[] {scale * (i + 1) / ANCHORS, scale, -scale * i / ANCHORS, scale / (i + 1)});
            }
            cases.add(new Case("POST", "_latent/model/scaled/_anchors", json(ordered("ids", ids(ANCHORS), "vectors", vectors)),
                "anchors at scale " + scale));
            cases.add(new Case("GET", "_latent/model/scaled", null, "the statistics of anchors at scale " + scale));
        }
        return Collections.unmodifiableList(cases);
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("x" + i);
        }
        return ids;
    }

    // ---- values that are wrong for a field of each kind ----

    private static final List<Object> COMMON = List.of(new Raw("NaN"), new Raw("Infinity"), new Raw("-Infinity"), ordered("x", 1),
        List.of(List.of()));
    private static final List<Object> INTEGERS = concat(List.of(-1, 0, 4.5, "four", true, Long.MAX_VALUE, 1e300, new Raw(
        "123456789012345678901234567890"), -2147483648), COMMON);
    private static final List<Object> POSITIVE_INTEGERS = concat(List.of(0, -5, "ten", true), COMMON);
    /** Search options parse like Elasticsearch's own (a fraction is truncated, as {@code knn} does). */
    private static final List<Object> SEARCH_INTEGERS = concat(List.of(-1, 0, "four", true, Long.MAX_VALUE, 1e300, -2147483648), COMMON);
    private static final List<Object> FRACTIONS = concat(List.of(0, -0.1, 0.51, 1, 2, "0.1", true), COMMON);
    private static final List<Object> EXPONENTS = concat(List.of(0, -1, "two", true, 1e308, 65), COMMON);
    private static final List<Object> BOOLEANS = concat(List.of("yes", "maybe", 2, List.of(true)), COMMON);
    private static final List<Object> STRINGS = concat(List.of(7, true, List.of("a")), COMMON);
    private static final List<Object> NAMES = concat(List.of(7, true, List.of("a"), "", " "), COMMON);
    /** A seed is a long: one past its range is refused. */
    private static final List<Object> SEEDS = concat(List.of(4.5, "four", true, new Raw("9223372036854775808"), 1e300), COMMON);
    private static final List<Object> BOOSTS = concat(List.of(-1, true, "high", List.of(1)), COMMON);
    private static final List<Object> ROLES = concat(List.of("nope", "", "QUERY", 1, List.of("query"), "query\u0000"), COMMON);
    private static final List<Object> METHODS = concat(List.of("nope", "relative", "", "ORTHOGONAL", 3, List.of("linear")), COMMON);
    private static final List<Object> TRANSLATE_METHODS = concat(List.of("nope", "linear", "", 3), COMMON);
    private static final List<Object> SEARCH_METHODS = concat(List.of("nope", "orthogonal", "", 3, List.of("auto")), COMMON);
    private static final List<Object> ROLE_LISTS = concat(List.of("query", List.of(1), List.of("query", "query"), List.of(""), List.of(),
        List.of("x".repeat(300)), List.of("query", "a b")), COMMON);
    private static final List<Object> MODEL_REFS = concat(List.of("nope", "", 5, List.of("m"), "x".repeat(5000),
        "\ud83d\ude00\ud83d\ude00"), COMMON);
    private static final List<Object> FIELDS = concat(List.of("nope", "title", "", 5, List.of("emb")), COMMON);
    private static final List<Object> FILTERS = List.of("x", 5, ordered("nope_query", ordered()), List.of(ordered("term", 5)), ordered(
        "term", ordered("title", ordered("value", List.of(ordered())))));
    private static final List<Object> SOURCES = List.of("docs", ordered("index", "no-such-index", "field", "emb", "id_field", "title"),
        ordered("index", "docs", "field", "nope", "id_field", "title"), ordered("index", "docs"), ordered("index", "docs", "field", "emb",
            "id_field", "title", "bogus", 1), ordered("index", ".latent-bridge", "field", "emb", "id_field", "title"), ordered("index", 5,
            "field", "emb"), List.of("docs"));
    private static final List<Object> PREPROCESS = List.of("x", List.of(), ordered("center", "yes"), ordered("mean_weight", -1),
        ordered("mean_weight", 2), ordered("mean_weight", new Raw("NaN")), ordered("bogus", true), ordered("normalize", 1));
    private static final List<Object> MIN_QUALITY = List.of("x", 0.5, ordered("top1", 2), ordered("top1", -0.5), ordered("recall", 0.5),
        ordered("top1", "high"), ordered("top1", new Raw("NaN")), List.of(0.9));
    private static final List<Object> VECTORS = List.of(List.of(1, 2, 3), List.of(1, 2, 3, 4, 5), List.of(), List.of(1, "a", 3, 4),
        List.of(1, 2, 3, new Raw("NaN")), List.of(1, 2, new Raw("Infinity"), 4), List.of(1e39, 1, 1, 1), List.of(List.of(1, 2, 3, 4)),
        "AAAA", "not base64!", 5, ordered("v", 1), Collections.nCopies(200_000, 0.5), Arrays.asList(1, null, 3, 4));
    private static final List<Object> VECTOR_LISTS = concat(List.of(List.of(), "x", List.of(5), Collections.nCopies(10_001, vector()),
        List.of(List.of(1, 2, 3)), List.of(List.of(0, 0, 0, 0))), VECTORS.stream().map(v -> (Object) List.of(v)).toList());
    private static final List<Object> ID_LISTS = List.of(List.of("a"), List.of("a", "a"), List.of("a", ""), List.of("a", 5), "a",
        List.of("a", "x".repeat(513)), List.of("a", "\u20ac".repeat(200)), Arrays.asList("a", null), List.of());
    private static final List<String> BAD_NAMES = List.of("x".repeat(200), "%C3%A9t%C3%A9", "_all", "..", "a%20b", "-lead", "UPPER!",
        "a%2Fb", "%F0%9F%98%80", "a*");
    private static final Map<String, String> NOT_JSON = notJson();

    private static Map<String, String> notJson() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("empty body", "");
        m.put("truncated JSON", "{\"dims\": 4, ");
        m.put("a JSON array", "[1, 2, 3]");
        m.put("a JSON string", "\"hello\"");
        m.put("not JSON", "dims=4");
        m.put("deeply nested JSON", "{\"a\":".repeat(5000) + "1" + "}".repeat(5000));
        m.put("deeply nested arrays", "{\"vectors\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
        m.put("duplicate keys", "{\"dims\": 4, \"dims\": 5}");
        m.put("a body near the size limit", "{\"vectors\": [" + "[0.5,0.5,0.5,0.5],".repeat(450_000) + "[0.5,0.5,0.5,0.5]], \"ids\": []}");
        m.put("unknown top-level field", "{\"bogus\": 1}");
        return m;
    }

    // ---- generation ----

    /** For each field: every bad value in its place, its removal when required, and an unknown sibling once. */
    private static void mutate(List<Case> cases, String method, String path, Map<String, Object> valid, List<String> required,
                               Map<String, List<Object>> badValues) {
        mutate(cases, method, path, valid, required, badValues, Function.identity());
    }

    private static void mutate(List<Case> cases, String method, String path, Map<String, Object> valid, List<String> required,
                               Map<String, List<Object>> badValues, Function<Map<String, Object>, Map<String, Object>> wrap) {
        String where = method + " " + path.replaceAll("\\?.*", "");
        for (String field : required) {
            Map<String, Object> body = new LinkedHashMap<>(valid);
            body.remove(field);
            cases.add(new Case(method, path, json(wrap.apply(body)), where + ": " + field + " missing"));
        }
        for (Map.Entry<String, List<Object>> e : badValues.entrySet()) {
            for (Object bad : e.getValue()) {
                Map<String, Object> body = new LinkedHashMap<>(valid);
                body.put(e.getKey(), bad);
                cases.add(new Case(method, path, json(wrap.apply(body)), where + ": " + e.getKey() + " = " + abbreviate(String.valueOf(
                    bad instanceof Raw r ? r.json() : bad))));
            }
        }
        Map<String, Object> unknown = new LinkedHashMap<>(valid);
        unknown.put("no_such_option", 1);
        cases.add(new Case(method, path, json(wrap.apply(unknown)), where + ": an unknown field"));
    }

    /** A calibration section with {@code n} pairs; valid when {@code n >= 20}. */
    private static Map<String, Object> calibration(List<Object> pairs) {
        return ordered("index", "docs", "field", "emb", "k", 5, "pairs", pairs);
    }

    private static List<Object> pairs(int n, Object vector, Object relevant) {
        List<Object> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pairs.add(ordered("query_vector", vector, "relevant", relevant));
        }
        return pairs;
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        return with(m, key, value, false);
    }

    /** A copy of {@code m} with {@code key} set to {@code value}; a null value removes the key unless {@code keepNull}. */
    private static Map<String, Object> with(Map<String, Object> m, String key, Object value, boolean keepNull) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        if (value == null && keepNull == false) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    /** Calibration sections that must each be refused (a valid one would fit and store). */
    private static List<Object> calibrations() {
        Map<String, Object> valid = calibration(pairs(20, vector(), List.of("d1")));
        List<Object> pairOfTwo = pairs(19, vector(), List.of("d1"));
        pairOfTwo.add(ordered("query_vector", vector(), "relevant", List.of("d1"), "weight", 2));
        return List.of("docs", 3, List.of(valid), with(valid, "index", null), with(valid, "field", null), with(valid, "pairs", null),
            with(valid, "pairs", pairs(3, vector(), List.of("d1"))), with(valid, "pairs", "nope"), with(valid, "pairs", List.of(1, 2, 3)),
            with(valid, "pairs", pairs(20, List.of(1, 2), List.of("d1"))), with(valid, "pairs", pairs(20, "not base64!", List.of("d1"))),
            with(valid, "pairs", pairs(20, vector(), List.of())), with(valid, "pairs", pairs(20, vector(), List.of(1, 2))),
            with(valid, "pairs", pairs(20, vector(), "d1")), with(valid, "pairs", pairs(20, null, List.of("d1"))),
            with(valid, "pairs", pairs(1001, vector(), List.of("d1"))), with(valid, "pairs", pairOfTwo),
            with(valid, "k", 0), with(valid, "k", 101), with(valid, "k", "ten"), with(valid, "folds", 1), with(valid, "folds", 1000),
            with(valid, "num_candidates", 2), with(valid, "index", "a,b"), with(valid, "index", "*"), with(valid, "index", ""),
            with(valid, "index", "no-such-index"), with(valid, "field", "title"), with(valid, "field", "no_such_field"),
            with(valid, "seed", 1.5), with(valid, "no_such_option", 1));
    }

    private static Map<String, Object> anchors() {
        return ordered("role", "query", "ids", List.of("a", "b"), "vectors", List.of(vector(), new float[] {4, 3, 2, 1}));
    }

    private static float[] vector() {
        return new float[] {1, 2, 3, 4};
    }

    /** JSON with {@link Raw} tokens spliced in as they are. */
    static String json(Object body) {
        try {
            String s = EsHttp.JSON.writeValueAsString(body);
            return s.replaceAll("\\{\"json\":\"([^\"]*)\"\\}", "$1");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<Object> concat(List<?> a, List<?> b) {
        List<Object> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
    }
}
