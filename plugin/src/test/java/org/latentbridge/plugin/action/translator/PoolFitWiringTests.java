package org.latentbridge.plugin.action.translator;

import org.elasticsearch.common.logging.LogConfigurator;
import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.translate.Method;
import org.latentbridge.plugin.action.Reports;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which fits read pools, the methods a fit accepts, and the report's {@code pools} object. */
class PoolFitWiringTests {
    static {
        LogConfigurator.configureESLogging();
    }

    private static ModelRecord model(String name, boolean withPool) {
        ModelRecord.RoleAnchors anchors = new ModelRecord.RoleAnchors(10, 5L, List.of(new ModelRecord.Segment(5L, 10, 1)), Map.of(),
            Map.of());
        ModelRecord m = new ModelRecord(name, 8, null, List.of(ModelRecord.DOCUMENT_ROLE), 1, Map.of(ModelRecord.DOCUMENT_ROLE, anchors),
            0L, 0, 1);
        return withPool ? m.withRolePool(ModelRecord.DOCUMENT_ROLE, new ModelRecord.RoleAnchors(300, 9L,
            List.of(new ModelRecord.Segment(9L, 300, 1)), Map.of(), Map.of())) : m;
    }

    private static TranslatorPair pair(boolean sourcePool, boolean targetPool) {
        return TranslatorPair.of(model("a", sourcePool), null, model("b", targetPool), null);
    }

    @Test
    void poolMethodsNeedBothPoolsAndAutoUsesThemOnlyWhenBothExist() {
        for (Method method : List.of(Method.FUNCTIONAL_MAP, Method.GROMOV_WASSERSTEIN)) {
            assertTrue(TransportPutTranslatorAction.withPools(pair(true, true), method));
            assertEquals("latent model [a] has no pool of unpaired vectors for role [document]; upload one with POST "
                + "/_latent/model/a/_pool {\"role\": \"document\", ...}", assertThrows(IllegalArgumentException.class,
                    () -> TransportPutTranslatorAction.withPools(pair(false, true), method)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> TransportPutTranslatorAction.withPools(pair(true, false),
                method)).getMessage().startsWith("latent model [b] has no pool"));
        }
        assertTrue(TransportPutTranslatorAction.withPools(pair(true, true), null));
        assertFalse(TransportPutTranslatorAction.withPools(pair(true, false), null));
        assertFalse(TransportPutTranslatorAction.withPools(pair(false, true), null));
        assertFalse(TransportPutTranslatorAction.withPools(pair(true, true), Method.ORTHOGONAL), "other methods never read pools");
        TranslatorPair both = pair(true, true);
        assertEquals(9L, both.sourcePoolGeneration());
        assertEquals(9L, both.targetPoolGeneration());
        assertEquals(0L, pair(false, false).sourcePoolGeneration());
    }

    @Test
    void autoReadsPoolsOnlyWhenTheSharedAnchorsAreFewerThanTheDimension() {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add("a" + i);
            float[] v = new float[4];
            v[i % 4] = 1 + i;
            vectors.add(v);
        }
        AnchorSet eight = AnchorSet.of(4, ids, vectors);
        assertFalse(TransportPutTranslatorAction.autoMayUsePools(eight, eight), "8 shared anchors in 4 dimensions: Procrustes");
        AnchorSet three = AnchorSet.of(4, ids.subList(0, 3), vectors.subList(0, 3));
        assertTrue(TransportPutTranslatorAction.autoMayUsePools(three, eight), "3 shared anchors in 4 dimensions");
        AnchorSet others = AnchorSet.of(4, List.of("x0", "x1", "x2", "x3", "x4", "x5"), vectors.subList(0, 6));
        assertTrue(TransportPutTranslatorAction.autoMayUsePools(others, eight), "no shared ids at all");
    }

    @Test
    void theFitMethodsAreListedInTheRefusal() {
        assertNull(PutTranslatorAction.Request.fitMethod("auto"));
        assertEquals(Method.FUNCTIONAL_MAP, PutTranslatorAction.Request.fitMethod("functional_map"));
        assertEquals(Method.GROMOV_WASSERSTEIN, PutTranslatorAction.Request.fitMethod("gromov_wasserstein"));
        for (String refused : List.of("relative", "procrustes", "")) {
            assertEquals("[method] [" + refused + "] is not a fit method; expected one of [auto, orthogonal, linear, affine, "
                + "inverse_relative, orthogonal_kernel, contrastive, functional_map, gromov_wasserstein]",
                assertThrows(IllegalArgumentException.class, () -> PutTranslatorAction.Request.fitMethod(refused)).getMessage());
        }
        for (Method m : Method.values()) {
            if (m != Method.RELATIVE) {
                assertEquals(m, PutTranslatorAction.Request.fitMethod(m.apiName()), "every fit method is accepted by its name");
            }
        }
    }

    @Test
    void thePoolsObjectShowsHowTheRecoveryWent() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("source_pool", 600);
        expected.put("target_pool", 580);
        expected.put("pair_weight", 0.2);
        expected.put("rounds", 20);
        expected.put("recovered_pairs", 488);
        expected.put("mutual_match_share", 0.81);
        expected.put("recovered", true);
        Map<String, Object> shown = Reports.pools(new FitResult.PoolRun(600, 580, 0.2, 20, 488, 0.81, true));
        assertEquals(expected, shown);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(shown.keySet()), "in this order");
    }
}
