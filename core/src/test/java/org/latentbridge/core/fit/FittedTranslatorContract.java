package org.latentbridge.core.fit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Translator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract, for translators fitted by {@link TranslatorFitter}: what the fit reports about itself. */
abstract class FittedTranslatorContract extends TranslatorContract {

    /** The method asked for, or null for {@code auto}. */
    abstract Method method();

    FitOptions options(long seed) {
        return FitOptions.defaults().withMethod(method()).withSeed(seed);
    }

    @Override
    Translator build(AnchorSet source, AnchorSet target, long seed) {
        return TranslatorFitter.fit(source, target, options(seed)).translator();
    }

    private final Map<Shape, FitResult> fits = new HashMap<>();

    FitResult fit(Shape shape) {
        return fits.computeIfAbsent(shape, s -> {
            AnchorSet[] p = pair(s, 17);
            return TranslatorFitter.fit(p[0], p[1], options(SEED));
        });
    }

    @Override
    Translator translator(Shape shape) {
        return fit(shape).translator();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theFitReportsItsSplitAndMethod(Shape shape) {
        FitResult fit = fit(shape);
        assertEquals(shape.n(), fit.sharedAnchors());
        assertEquals(shape.n(), fit.fitAnchors() + fit.heldOut());
        assertTrue(fit.heldOut() >= 2 && fit.heldOut() <= shape.n() / 2, "held out " + fit.heldOut());
        assertEquals(fit.method(), fit.translator().method());
        if (method() != null) {
            assertEquals(method(), fit.method());
            assertEquals(List.of(method()), List.copyOf(fit.metrics().keySet()));
        } else {
            assertTrue(fit.metrics().size() >= 3, "auto tries every applicable method");
            double best = fit.metrics().values().stream().mapToDouble(HeldOutMetrics::mrr).max().orElseThrow();
            double margin = fit.method() == Method.ORTHOGONAL_KERNEL ? 0 : TranslatorFitter.MRR_TIE;
            assertTrue(fit.chosenMetrics().mrr() >= best - Math.max(margin, TranslatorFitter.KERNEL_MRR_MARGIN),
                "auto keeps the best held-out MRR, up to ties and the kernel's margin");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void heldOutMetricsAreWellFormed(Shape shape) {
        FitResult fit = fit(shape);
        for (HeldOutMetrics m : fit.metrics().values()) {
            assertTrue(m.top1() >= 0 && m.top1() <= m.top10() && m.top10() <= 1, m.toString());
            assertTrue(m.mrr() >= m.top1() - 1e-12 && m.mrr() <= 1, m.toString());
            assertTrue(Double.isFinite(m.meanCosine()) && Math.abs(m.meanCosine()) <= 1 + 1e-9, m.toString());
            assertEquals(fit.heldOut(), m.count());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aNoisyLinearRelationIsLearntFarBetterThanChance(Shape shape) {
        FitResult fit = fit(shape);
        // chance is 1 / heldOut
        assertTrue(fit.chosenMetrics().mrr() > 5.0 / fit.heldOut(), "mrr " + fit.chosenMetrics().mrr());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theSameSeedGivesTheSameMetrics(Shape shape) {
        AnchorSet[] p = pair(shape, 17);
        assertEquals(fit(shape).metrics(), TranslatorFitter.fit(p[0], p[1], options(SEED)).metrics());
    }
}
