package org.latentbridge.plugin.search;

import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.test.AbstractXContentSerializingTestCase;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.sameInstance;

/** {@code latent_translation}: wire and XContent round trips of random instances, equality, and its checks. */
public class LatentTranslationQueryVectorBuilderTests extends AbstractXContentSerializingTestCase<LatentTranslationQueryVectorBuilder> {

    private static float[] randomVector() {
        float[] v = new float[randomIntBetween(1, 32)];
        for (int i = 0; i < v.length; i++) {
            v[i] = randomFloatBetween(-10f, 10f, true);
        }
        return v;
    }

    @Override
    protected LatentTranslationQueryVectorBuilder createTestInstance() {
        return new LatentTranslationQueryVectorBuilder(randomVector(), randomAlphaOfLength(8), randomAlphaOfLength(8),
            randomBoolean() ? null : randomFrom("query", "document", randomAlphaOfLength(5)), randomBoolean() ? null : randomBoolean());
    }

    /** The builder has no getters: its options are read back from its own XContent. */
    private static Map<String, Object> options(LatentTranslationQueryVectorBuilder b) {
        return new HashMap<>(XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(b), true));
    }

    @SuppressWarnings("unchecked")
    private static LatentTranslationQueryVectorBuilder fromOptions(Map<String, Object> o) {
        List<Number> values = (List<Number>) o.get("vector");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i).floatValue();
        }
        return new LatentTranslationQueryVectorBuilder(vector, (String) o.get("model"), (String) o.get("target_model"),
            (String) o.get("role"), (Boolean) o.get("normalize"));
    }

    @Override
    protected LatentTranslationQueryVectorBuilder mutateInstance(LatentTranslationQueryVectorBuilder instance) {
        Map<String, Object> o = options(instance);
        switch (between(0, 4)) {
            case 0 -> {
                List<Object> longer = new ArrayList<>((List<?>) o.get("vector"));
                longer.add(randomFloat());
                o.put("vector", longer);
            }
            case 1 -> o.put("model", randomValueOtherThan(o.get("model"), () -> randomAlphaOfLength(9)));
            case 2 -> o.put("target_model", randomValueOtherThan(o.get("target_model"), () -> randomAlphaOfLength(9)));
            case 3 -> o.put("role", randomValueOtherThan(o.get("role"), () -> randomAlphaOfLength(6)));
            default -> o.put("normalize", o.get("normalize").equals(Boolean.TRUE) == false);
        }
        return fromOptions(o);
    }

    @Override
    protected Writeable.Reader<LatentTranslationQueryVectorBuilder> instanceReader() {
        return LatentTranslationQueryVectorBuilder::new;
    }

    @Override
    protected LatentTranslationQueryVectorBuilder doParseInstance(XContentParser parser) throws IOException {
        return LatentTranslationQueryVectorBuilder.PARSER.apply(parser, null);
    }

    public void testDefaultsAreQueryRoleAndNormalised() {
        LatentTranslationQueryVectorBuilder b = new LatentTranslationQueryVectorBuilder(new float[] {1f, 2f}, "a", "b", null, null);
        assertThat(options(b).get("role"), equalTo("query"));
        assertThat(options(b).get("normalize"), equalTo(true));
        assertThat(b, equalTo(new LatentTranslationQueryVectorBuilder(new float[] {1f, 2f}, "a", "b", "query", true)));
    }

    public void testRefusesEmptyAndNonFiniteVectors() {
        assertThat(expectThrows(IllegalArgumentException.class,
            () -> new LatentTranslationQueryVectorBuilder(new float[0], "a", "b", null, null)).getMessage(),
            containsString("requires a non-empty [vector]"));
        float bad = randomFrom(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(expectThrows(IllegalArgumentException.class,
            () -> new LatentTranslationQueryVectorBuilder(new float[] {1f, bad}, "a", "b", null, null)).getMessage(),
            containsString("[vector][1] must be a finite number"));
    }

    public void testSameModelBuildsTheVectorItselfWithoutATranslation() {
        float[] vector = randomVector();
        String model = randomAlphaOfLength(6);
        PlainActionFuture<float[]> built = new PlainActionFuture<>();
        new LatentTranslationQueryVectorBuilder(vector, model, model, null, false).buildVector(null, built);
        assertThat(built.actionGet(), sameInstance(vector));
    }
}
