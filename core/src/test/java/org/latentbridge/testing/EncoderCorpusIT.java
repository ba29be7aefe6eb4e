package org.latentbridge.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real encoders capture meaning on the fetched corpus. An integration test: the corpus is fetched on first use. */
class EncoderCorpusIT {

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @ParameterizedTest
    @EnumSource(Encoder.class)
    void summaryIsCloserToItsOwnDescriptionThanToUnrelatedOnes(Encoder encoder) {
        ManPageCorpus corpus = ManPageCorpus.load();
        ManPage open = corpus.byId("man2/open.2").orElseThrow();
        List<ManPage> unrelated = List.of(
                corpus.byId("man4/em.4freebsd").orElseThrow(),
                corpus.byId("man9/malloc.9freebsd").orElseThrow(),
                corpus.byId("man7/udp.7").orElseThrow(),
                corpus.byId("man3/printf.3").orElseThrow());
        float[] query = encoder.embed(List.of(open.summary()), Role.QUERY)[0];
        float[] own = encoder.embed(List.of(open.description()), Role.DOCUMENT)[0];
        float[][] others = encoder.embed(unrelated.stream().map(ManPage::description).toList(), Role.DOCUMENT);
        double ownScore = cosine(query, own);
        for (int i = 0; i < others.length; i++) {
            double other = cosine(query, others[i]);
            assertTrue(ownScore > other, encoder + ": open(2) summary scores " + ownScore + " with its description but "
                    + other + " with " + unrelated.get(i).id());
        }
    }
}
