package org.latentbridge.core.quality;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.ContrastiveSettings;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.RetrievalExperiment;
import org.latentbridge.testing.Role;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quality floor of {@code contrastive} on real encoders: fitted on 1,000 manual-page descriptions as anchors (the
 * split of {@link RealEncoderTranslationIT}, so its cached embeddings serve both) and judged on the same 800 other pages,
 * its translated queries find their pages at least about as well as {@code orthogonal}'s, in both directions between
 * bge-small-en-v1.5 and all-MiniLM-L6-v2. The margin allows a few queries of noise, not a worse method: contrastive
 * starts at the orthogonal solution and keeps it when its validation rows see no gain.
 */
class ContrastiveQualityIT {
    /** The split of {@link RealEncoderTranslationIT}: anchors are the first 1,000 of its 1,500 anchor pages. */
    private static final int ANCHOR_PAGES = 1500, ANCHORS = 1000, EVAL = 800;
    /** Four of 800 queries: contrastive may lose that much recall@10 ratio to orthogonal on one split, not more. */
    private static final double MARGIN = 0.005;

    @Test
    void contrastiveFindsPagesAtLeastAsWellAsOrthogonalFromBgeToMiniLm() {
        assertContrastiveHoldsItsFloor(Encoder.BGE_SMALL, Encoder.MINILM);
    }

    @Test
    void contrastiveFindsPagesAtLeastAsWellAsOrthogonalFromMiniLmToBge() {
        assertContrastiveHoldsItsFloor(Encoder.MINILM, Encoder.BGE_SMALL);
    }

    private static void assertContrastiveHoldsItsFloor(Encoder from, Encoder to) {
        RetrievalExperiment experiment = new RetrievalExperiment(ManPageCorpus.load(), from, to, ANCHOR_PAGES, EVAL, 0);
        AnchorSet source = experiment.anchors(from, Role.QUERY, ANCHORS), target = experiment.anchors(to, Role.DOCUMENT, ANCHORS);
        FitResult orthogonal = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL));
        FitResult contrastive = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.CONTRASTIVE));

        assertEquals(Method.CONTRASTIVE, contrastive.method());
        assertNull(orthogonal.contrastive(), "an orthogonal fit reports no optimisation");
        FitResult.ContrastiveRun run = contrastive.contrastive();
        assertNotNull(run, "a contrastive fit reports its optimisation");
        int maxSteps = run.settings().maxSteps();
        assertEquals(ContrastiveSettings.DEFAULT, run.settings());
        assertTrue(run.chosenStep() >= 0 && run.chosenStep() <= maxSteps, "chosen step " + run + " outside [0, " + maxSteps + "]");
        assertEquals(0, run.chosenStep() % ContrastiveSettings.CHECK_EVERY, "chosen step is a checkpoint: " + run);
        assertTrue(run.refitSteps() >= 0, "refit steps " + run);
        assertTrue(run.chosenLoss() <= run.startLoss(), "the chosen checkpoint is the best one seen, the start included: " + run);

        RetrievalExperiment.Scores nativeScores = experiment.nativeScores();
        LinearTranslator o = orthogonal.linearTranslator(), c = contrastive.linearTranslator();
        RetrievalExperiment.Scores byOrthogonal = experiment.score(v -> o.translate(v, true));
        RetrievalExperiment.Scores byContrastive = experiment.score(v -> c.translate(v, true));
        double orthogonalRatio = byOrthogonal.hitAt10() / nativeScores.hitAt10();
        double contrastiveRatio = byContrastive.hitAt10() / nativeScores.hitAt10();
        String report = String.format(Locale.ROOT, "%s -> %s at %d anchors: recall@10 / native, orthogonal %.4f, contrastive %.4f "
            + "(MRR %.4f, %.4f; native recall@10 %.4f); %s; fit %d ms, %d ms", from.id(), to.id(), ANCHORS, orthogonalRatio,
            contrastiveRatio, byOrthogonal.mrr(), byContrastive.mrr(), nativeScores.hitAt10(), run, orthogonal.tookMillis(),
            contrastive.tookMillis());
        System.out.println(report);
        assertTrue(nativeScores.hitAt10() >= 0.5, "the corpus pairs are answerable at all: " + report);
        assertTrue(contrastiveRatio >= orthogonalRatio - MARGIN, report);
    }
}
