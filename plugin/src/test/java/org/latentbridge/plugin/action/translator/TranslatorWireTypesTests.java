package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.tasks.CancellableTask;
import org.junit.jupiter.api.Test;
import org.latentbridge.core.fit.ContrastiveSettings;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.plugin.action.CalibrationSearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.plugin.action.WireTesting.assertRoundTrip;
import static org.latentbridge.plugin.action.WireTesting.json;
import static org.latentbridge.plugin.action.WireTesting.messages;
import static org.latentbridge.plugin.action.WireTesting.parse;

/** The translator endpoints' requests and responses: parsing, validation, wire round trips, equality and JSON. */
class TranslatorWireTypesTests {
    private final Random random = new Random(11);

    static TranslatorPath randomPath(Random random) {
        return new TranslatorPath("s" + random.nextInt(10), random.nextBoolean() ? null : "query", "t" + random.nextInt(10),
            random.nextBoolean() ? null : "document");
    }

    static CalibrationSearch.Spec randomCalibration(Random random) {
        List<CalibrationSearch.LabelledPair> pairs = new ArrayList<>();
        for (int i = 0; i < 20 + random.nextInt(5); i++) {
            pairs.add(new CalibrationSearch.LabelledPair(new float[] {random.nextFloat(), random.nextFloat()}, Set.of("d" + i, "e")));
        }
        int k = 1 + random.nextInt(100);
        return new CalibrationSearch.Spec("docs", "emb", k, k + random.nextInt(100), 2 + random.nextInt(10), random.nextLong(), pairs);
    }

    /** Options of any value, in range or not: the wire carries what was sent, validation judges it. */
    static PutTranslatorAction.ContrastiveOptions randomContrastive(Random random) {
        return new PutTranslatorAction.ContrastiveOptions(random.nextInt(), random.nextDouble(), random.nextDouble() * 1e-3,
            random.nextInt(5000) - 10);
    }

    static PutTranslatorAction.Request randomPutRequest(Random random) {
        Method[] methods = {null, Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE, Method.ORTHOGONAL_KERNEL, Method.CONTRASTIVE};
        Map<String, Double> floors = random.nextBoolean() ? Map.of() : Map.of("top1", random.nextDouble());
        return new PutTranslatorAction.Request(randomPath(random), random.nextBoolean(), methods[random.nextInt(methods.length)],
            new Preprocessing(random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), random.nextDouble()),
            0.05 + random.nextDouble() * 0.4, random.nextLong(), floors, random.nextBoolean() ? null : randomCalibration(random),
            random.nextBoolean() ? null : randomContrastive(random), random.nextBoolean() ? null : random.nextInt(30_000) - 5);
    }

    static TranslatorInfo randomInfo(Random random) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("method", "orthogonal");
        report.put("took_millis", random.nextInt(1000));
        report.put("metrics", Map.of("orthogonal", Map.of("top1", random.nextDouble())));
        report.put("seed", random.nextLong());
        return new TranslatorInfo("s", "query", "t", "document", 1 + random.nextInt(5), random.nextBoolean(), report);
    }

    private static PutTranslatorAction.Request put(String body) throws IOException {
        return parse(body, p -> PutTranslatorAction.Request.parse("s", "t", true, p));
    }

    @Test
    void putParsesEveryOption() throws IOException {
        PutTranslatorAction.Request r = put("""
            {"method": "orthogonal", "source_role": "query", "target_role": "document", "holdout": 0.2, "seed": 9007199254740993,
             "preprocess": {"center": false, "mean_weight": 0.25}, "min_quality": {"top1": 0.5}}""");
        assertEquals(new PutTranslatorAction.Request(new TranslatorPath("s", "query", "t", "document"), true, Method.ORTHOGONAL,
            new Preprocessing(false, Preprocessing.DEFAULT.standardize(), Preprocessing.DEFAULT.normalize(), 0.25), 0.2, 9007199254740993L,
            Map.of("top1", 0.5), null, null, null), r);
        assertEquals(9007199254740993L, r.seed(), "a seed is a long, not a double");
        assertNull(r.validate());
        assertEquals(PutTranslatorAction.Request.parse("s", "t", true, null), put("{}"));
        assertEquals(PutTranslatorAction.Request.parse("s", "t", true, null), put("{\"method\": \"auto\"}"));
    }

    @Test
    void putTakesAFloorOnEveryHeldOutMetric() throws IOException {
        PutTranslatorAction.Request r = put("{\"min_quality\": {\"neighbour_agreement\": 0.4, \"mrr\": 0.9}}");
        assertEquals(Map.of("neighbour_agreement", 0.4, "mrr", 0.9), r.fitOptions().minQuality());
        assertNull(r.validate());
        assertInvalid(put("{\"min_quality\": {\"neighbour_agreement\": 1.5}}"), "[min_quality.neighbour_agreement] must be within [0, 1]");
        assertInvalid(put("{\"min_quality\": {\"neighbour_agreement\": -0.1}}"), "[min_quality.neighbour_agreement] must be within [0, 1]");
        assertInvalid(put("{\"min_quality\": {\"agreement\": 0.5}}"),
            "expected one of [mean_cosine, top1, top10, mrr, neighbour_agreement]");
    }

    @Test
    void putParsesACalibrationSection() throws IOException {
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            pairs.append(i == 0 ? "" : ",").append("{\"query_vector\": [1, 2], \"relevant\": [\"d1\", \"d1\"]}");
        }
        PutTranslatorAction.Request r = put("{\"calibration\": {\"index\": \"docs\", \"field\": \"emb\", \"k\": 5, \"seed\": 3, "
            + "\"pairs\": [" + pairs + "]}}");
        CalibrationSearch.Spec spec = r.calibration();
        assertEquals(5, spec.k());
        assertEquals(100, spec.numCandidates(), "the default is max(100, 10 k)");
        assertEquals(3L, spec.seed());
        assertEquals(Set.of("d1"), spec.pairs().get(0).relevant(), "duplicate ids collapse");
        assertNull(r.validate());
        assertEquals(20, spec.pairs(2).size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.pairs(3)).getMessage().contains(
            "[calibration.pairs][0][query_vector] has wrong dimensions: expected [3] but got [2]"));
    }

    @Test
    void putRefusesWhatACoercionWouldChange() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"seed\": 4.5}", "seed");
        bodies.put("{\"seed\": \"4\"}", "seed");
        bodies.put("{\"seed\": 9223372036854775808}", "seed");
        bodies.put("{\"holdout\": \"0.1\"}", "holdout");
        bodies.put("{\"holdout\": NaN}", "holdout");
        bodies.put("{\"method\": \"nope\"}", "method");
        bodies.put("{\"method\": 3}", "method");
        bodies.put("{\"source_role\": null}", "source_role");
        bodies.put("{\"preprocess\": {\"normalize\": 1}}", "normalize");
        bodies.put("{\"preprocess\": {\"center\": \"yes\"}}", "preprocess");
        bodies.put("{\"preprocess\": {\"bogus\": true}}", "bogus");
        bodies.put("{\"min_quality\": {\"top1\": \"high\"}}", "top1");
        bodies.put("{\"min_quality\": 0.5}", "min_quality");
        bodies.put("{\"calibration\": {\"index\": \"docs\", \"field\": \"emb\", \"pairs\": [], \"seed\": 1.5}}", "seed");
        bodies.put("{\"calibration\": {\"index\": \"docs\", \"field\": \"emb\", \"pairs\": [{\"query_vector\": [1], \"relevant\": [\"a\"], "
            + "\"weight\": 2}]}}", "weight");
        bodies.put("{\"calibration\": {\"index\": \"docs\", \"pairs\": []}}", "field");
        bodies.put("{\"no_such_option\": 1}", "no_such_option");
        bodies.put("{\"contrastive\": {\"max_steps\": 200, \"epochs\": 3}}", "epochs");
        bodies.put("{\"contrastive\": {\"max_steps\": 2.5}}", "max_steps");
        bodies.put("{\"contrastive\": {\"max_steps\": \"200\"}}", "max_steps");
        bodies.put("{\"contrastive\": {\"max_steps\": 3000000000}}", "max_steps");
        bodies.put("{\"contrastive\": {\"temperature\": \"0.05\"}}", "temperature");
        bodies.put("{\"contrastive\": {\"temperature\": NaN}}", "temperature");
        bodies.put("{\"contrastive\": {\"learning_rate\": true}}", "learning_rate");
        bodies.put("{\"contrastive\": {\"batch_size\": 256.5}}", "batch_size");
        bodies.put("{\"contrastive\": 3000}", "contrastive");
        bodies.put("{\"contrastive\": [{\"max_steps\": 3000}]}", "contrastive");
        bodies.put("{\"kernel\": {\"centres\": 500}}", "centres");
        bodies.put("{\"kernel\": {\"max_centres\": \"500\"}}", "max_centres");
        bodies.put("{\"kernel\": {\"max_centres\": 500.5}}", "max_centres");
        bodies.put("{\"kernel\": 500}", "kernel");
        bodies.forEach((body, field) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> put(body), body);
            assertTrue(messages(e).contains(field), body + ": " + messages(e));
        });
    }

    @Test
    void putValidatesBeforeAnyWork() {
        PutTranslatorAction.Request base = PutTranslatorAction.Request.parse("s", "t", true, null);
        assertNull(base.validate());
        String name = "x".repeat(128);
        ActionRequestValidationException tooLong = new PutTranslatorAction.Request(new TranslatorPath(name, name, name, name), true, null,
            Preprocessing.DEFAULT, 0.1, 0, Map.of(), null, null, null).validate();
        assertNotNull(tooLong);
        assertTrue(tooLong.getMessage().contains("[527] bytes, over Elasticsearch's limit of [512] bytes"), tooLong.getMessage());
        assertNotNull(new PutTranslatorAction.Request(new TranslatorPath("s", "_x", "t", null), true, null, Preprocessing.DEFAULT, 0.1, 0,
            Map.of(), null, null, null).validate());
        assertInvalid(new PutTranslatorAction.Request(new TranslatorPath("s", null, "t", null), true, null, Preprocessing.DEFAULT, 0.9, 0,
            Map.of(), null, null, null), "[holdout]");
        assertInvalid(new PutTranslatorAction.Request(new TranslatorPath("s", null, "t", null), true, null, Preprocessing.DEFAULT, 0.1, 0,
            Map.of("recall", 0.5), null, null, null), "[min_quality] has unknown metric [recall]");
        CalibrationSearch.Spec few = new CalibrationSearch.Spec("a,b", "emb", 0, 5, 1, 0, List.of());
        ActionRequestValidationException e = new PutTranslatorAction.Request(new TranslatorPath("s", null, "t", null), true, null,
            Preprocessing.DEFAULT, 0.1, 0, Map.of(), few, null, null).validate();
        assertNotNull(e);
        for (String expected : List.of("[calibration.index]", "[calibration.k]", "[calibration.folds]", "[calibration.pairs] holds [0]")) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void putParsesTheMethodOptionsAndFillsTheirDefaults() throws IOException {
        PutTranslatorAction.Request r = put("""
            {"method": "contrastive", "contrastive": {"max_steps": 200, "temperature": 0.1, "learning_rate": 5e-5, "batch_size": 64}}""");
        assertNull(r.validate());
        FitOptions options = r.fitOptions();
        assertEquals(Method.CONTRASTIVE, options.method());
        assertEquals(new ContrastiveSettings(200, 0.1, 5e-5, 64), options.contrastive());
        assertEquals(FitOptions.DEFAULT_MAX_KERNEL_CENTRES, options.maxKernelCentres());

        ContrastiveSettings d = ContrastiveSettings.DEFAULT;
        assertEquals(new ContrastiveSettings(500, d.temperature(), d.learningRate(), d.batchSize()),
            put("{\"contrastive\": {\"max_steps\": 500}}").fitOptions().contrastive(), "unset fields take the defaults");
        assertEquals(d, put("{\"method\": \"contrastive\", \"contrastive\": {}}").fitOptions().contrastive());
        assertEquals(d, put("{}").fitOptions().contrastive(), "no section: the defaults");

        PutTranslatorAction.Request kernel = put("{\"method\": \"orthogonal_kernel\", \"kernel\": {\"max_centres\": 2000}}");
        assertNull(kernel.validate());
        assertEquals(2000, kernel.fitOptions().maxKernelCentres());
        assertEquals(ContrastiveSettings.DEFAULT, kernel.fitOptions().contrastive());
        assertEquals(FitOptions.DEFAULT_MAX_KERNEL_CENTRES, put("{\"kernel\": {}}").fitOptions().maxKernelCentres());

        PutTranslatorAction.Request both = put("{\"contrastive\": {\"batch_size\": 128}, \"kernel\": {\"max_centres\": 500}}");
        assertNull(both.validate(), "auto tries both methods, so both sections apply");
        assertEquals(128, both.fitOptions().contrastive().batchSize());
        assertEquals(500, both.fitOptions().maxKernelCentres());
        assertNotEquals(put("{}"), put("{\"kernel\": {}}"), "a section sent at its defaults is still a section sent");
    }

    @Test
    void putRefusesMethodOptionsOutOfRangeOrForAnotherMethod() throws IOException {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"contrastive\": {\"max_steps\": -1}}", "[contrastive.max_steps] must be within [0, 100000], got [-1]");
        bodies.put("{\"contrastive\": {\"max_steps\": 100001}}", "[contrastive.max_steps] must be within [0, 100000]");
        bodies.put("{\"contrastive\": {\"temperature\": 0.001}}", "[contrastive.temperature] must be within [0.01, 1], got [0.001]");
        bodies.put("{\"contrastive\": {\"temperature\": 2}}", "[contrastive.temperature] must be within [0.01, 1]");
        bodies.put("{\"contrastive\": {\"learning_rate\": 0}}", "[contrastive.learning_rate] must be within (0, 0.1], got [0.0]");
        bodies.put("{\"contrastive\": {\"learning_rate\": 0.5}}", "[contrastive.learning_rate] must be within (0, 0.1]");
        bodies.put("{\"contrastive\": {\"batch_size\": 1}}", "[contrastive.batch_size] must be within [2, 4096], got [1]");
        bodies.put("{\"contrastive\": {\"batch_size\": 4097}}", "[contrastive.batch_size] must be within [2, 4096]");
        bodies.put("{\"kernel\": {\"max_centres\": 9}}", "[kernel.max_centres] must be within [10, 20000], got [9]");
        bodies.put("{\"kernel\": {\"max_centres\": 20001}}", "[kernel.max_centres] must be within [10, 20000]");
        for (String method : List.of("orthogonal", "linear", "affine", "inverse_relative", "orthogonal_kernel")) {
            bodies.put("{\"method\": \"" + method + "\", \"contrastive\": {\"max_steps\": 200}}", "[contrastive] sets options of method "
                + "[contrastive], which a fit with [method] [" + method + "] does not run");
        }
        for (String method : List.of("orthogonal", "linear", "affine", "inverse_relative", "contrastive")) {
            bodies.put("{\"method\": \"" + method + "\", \"kernel\": {}}", "[kernel] sets options of method [orthogonal_kernel], "
                + "which a fit with [method] [" + method + "] does not run");
        }
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            assertInvalid(put(body.getKey()), body.getValue());
        }
        // every problem of one request is reported together
        ActionRequestValidationException e = put("{\"method\": \"linear\", \"contrastive\": {\"batch_size\": 1}, "
            + "\"kernel\": {\"max_centres\": 5}}").validate();
        assertNotNull(e);
        for (String expected : List.of("[contrastive] sets options", "[kernel] sets options", "[contrastive.batch_size]")) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void methodOptionsRoundTripThroughJsonAndTheWire() throws IOException {
        for (int i = 0; i < 30; i++) {
            PutTranslatorAction.ContrastiveOptions c = random.nextBoolean() ? null : randomContrastive(random);
            Integer centres = random.nextBoolean() ? null : random.nextInt(30_000) - 5;
            Method method = random.nextBoolean() ? Method.CONTRASTIVE : Method.ORTHOGONAL_KERNEL;
            StringBuilder body = new StringBuilder("{\"method\": \"" + method.apiName() + "\"");
            if (c != null) {
                body.append(", \"contrastive\": {\"max_steps\": ").append(c.maxSteps()).append(", \"temperature\": ")
                    .append(c.temperature()).append(", \"learning_rate\": ").append(c.learningRate()).append(", \"batch_size\": ")
                    .append(c.batchSize()).append('}');
            }
            if (centres != null) {
                body.append(", \"kernel\": {\"max_centres\": ").append(centres).append('}');
            }
            PutTranslatorAction.Request parsed = put(body.append('}').toString());
            assertEquals(new PutTranslatorAction.Request(new TranslatorPath("s", null, "t", null), true, method, Preprocessing.DEFAULT,
                FitOptions.DEFAULT_HOLDOUT, 0, Map.of(), null, c, centres), parsed, body.toString());
            assertRoundTrip(parsed, PutTranslatorAction.Request::new);
        }
    }

    @Test
    void theIdLimitCountsTheLongestRoleTheDefaultsResolveTo() {
        String name = "x".repeat(128);
        // "translator:" + 3 x 128 + "/" + "->" + "/" + 113 = 512 bytes: fits; one more byte does not
        assertNull(new TranslatorPath(name, name, name, "y".repeat(113)).validate(null));
        assertNotNull(new TranslatorPath(name, name, name, "y".repeat(114)).validate(null));
        assertNull(new TranslatorPath(name, null, name, null).validate(null));
    }

    private static void assertInvalid(ActionRequest request, String expected) {
        ActionRequestValidationException e = request.validate();
        assertNotNull(e, expected);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void putIsALongRequest() {
        PutTranslatorAction.Request waits = PutTranslatorAction.Request.parse("s", "t", true, null);
        PutTranslatorAction.Request async = PutTranslatorAction.Request.parse("s", "t", false, null);
        assertFalse(waits.getShouldStoreResult());
        assertTrue(async.getShouldStoreResult());
        assertNotEquals(waits, async);
        assertTrue(waits.createTask(1, "transport", PutTranslatorAction.NAME, null, Map.of())
            instanceof CancellableTask);
    }

    @Test
    void requestsRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 30; i++) {
            assertRoundTrip(randomPutRequest(random), PutTranslatorAction.Request::new);
            assertRoundTrip(new GetTranslatorAction.Request(random.nextBoolean() ? null : randomPath(random)),
                GetTranslatorAction.Request::new);
            assertRoundTrip(new DeleteTranslatorAction.Request(randomPath(random)), DeleteTranslatorAction.Request::new);
            assertRoundTrip(randomCalibration(random), CalibrationSearch.Spec::new);
        }
        assertNotEquals(new DeleteTranslatorAction.Request(new TranslatorPath("s", null, "t", null)),
            new DeleteTranslatorAction.Request(new TranslatorPath("s", "document", "t", null)));
    }

    @Test
    void responsesRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertRoundTrip(new PutTranslatorAction.Response(randomInfo(random)), PutTranslatorAction.Response::new);
            assertRoundTrip(GetTranslatorAction.Response.one(randomInfo(random)), GetTranslatorAction.Response::new);
            assertRoundTrip(GetTranslatorAction.Response.all(List.of(randomInfo(random), randomInfo(random))),
                GetTranslatorAction.Response::new);
            assertRoundTrip(new DeleteTranslatorAction.Response("s/query->t/document"), DeleteTranslatorAction.Response::new);
        }
    }

    @Test
    void responsesWriteTheApiFieldsInOrder() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("method", "orthogonal");
        report.put("version", 99); // a report field never shadows the translator's own
        report.put("seed", 4L);
        TranslatorInfo info = new TranslatorInfo("s", "query", "t", "document", 2, true, report);
        String fields = "{\"source\":\"s\",\"source_role\":\"query\",\"target\":\"t\",\"target_role\":\"document\",\"version\":2,"
            + "\"stale\":true,\"method\":\"orthogonal\",\"seed\":4}";
        assertEquals(fields, json(new PutTranslatorAction.Response(info)));
        assertEquals(fields, json(GetTranslatorAction.Response.one(info)));
        assertEquals("{\"translators\":[" + fields + "]}", json(GetTranslatorAction.Response.all(List.of(info))));
        assertEquals("{\"acknowledged\":true,\"translator\":\"k\"}", json(new DeleteTranslatorAction.Response("k")));
    }
}
