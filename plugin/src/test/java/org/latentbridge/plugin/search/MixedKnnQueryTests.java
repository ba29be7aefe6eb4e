package org.latentbridge.plugin.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.elasticsearch.test.ESTestCase;
import org.latentbridge.core.fit.ScoreCalibration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * {@link MixedKnnQuery} on an in-memory index of several segments, where every document has an old-model vector and some
 * a new-model one: each candidate appears once, scored {@code (1 + s) / 2} with {@code s} the blend of its exact cosines,
 * only the best {@code k} are kept, the similarity cut applies to {@code s}, and the filter is honoured. The candidates
 * come from Lucene's own kNN queries asked for every document, so the expected result is a brute-force computation.
 */
public class MixedKnnQueryTests extends ESTestCase {
    private static final int OLD_DIMS = 6;
    private static final int NEW_DIMS = 4;
    private static final double TOLERANCE = 1e-5;
    /** A monotone map that is far from the identity, so a forgotten calibration shows. */
    private static final ScoreCalibration CALIBRATION = new ScoreCalibration(ScoreCalibration.Form.ISOTONIC,
        new double[] {-1, 0, 0.4, 1}, new double[] {-0.5, 0.3, 0.7, 0.95}, 20, 100, 0.01, 0.2);

    private record Doc(String id, float[] old, float[] fresh, String group) {}

    private static float[] randomVector(int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random().nextGaussian();
        }
        return v;
    }

    /** Documents written in several commits (segments); about half have the new vector, and a few are deleted. */
    private static List<Doc> index(Directory dir, int count) throws IOException {
        List<Doc> docs = new ArrayList<>();
        IndexWriterConfig config = new IndexWriterConfig().setMaxBufferedDocs(1000);
        config.setMergePolicy(NoMergePolicy.INSTANCE);
        try (IndexWriter writer = new IndexWriter(dir, config)) {
            for (int i = 0; i < count; i++) {
                Doc d = new Doc("d" + i, randomVector(OLD_DIMS), randomBoolean() ? randomVector(NEW_DIMS) : null, randomFrom("x", "y"));
                Document doc = new Document();
                doc.add(new StringField("id", d.id(), Field.Store.YES));
                doc.add(new StringField("group", d.group(), Field.Store.NO));
                doc.add(new KnnFloatVectorField("old", d.old(), VectorSimilarityFunction.COSINE));
                if (d.fresh() != null) {
                    doc.add(new KnnFloatVectorField("new", d.fresh(), VectorSimilarityFunction.COSINE));
                }
                writer.addDocument(doc);
                docs.add(d);
                if (i % 17 == 16) {
                    writer.commit(); // another segment
                }
            }
            for (int i = 0; i < 3; i++) {
                Doc gone = docs.remove(randomIntBetween(0, docs.size() - 1));
                writer.deleteDocuments(new Term("id", gone.id()));
            }
            writer.commit();
        }
        return docs;
    }

    /** What {@link MixedKnnQuery} must return: every document passing the filter, scored by brute force, top {@code k}. */
    private static Map<String, Float> expected(List<Doc> docs, float[] translated, float[] query, boolean withNative, float weight,
                                               String group, Float similarity, int k) {
        List<Map.Entry<String, Float>> scored = new ArrayList<>();
        for (Doc d : docs) {
            if (group != null && d.group().equals(group) == false) {
                continue;
            }
            double old = MixedKnnQuery.cosine(translated, d.old());
            double fresh = withNative && d.fresh() != null ? MixedKnnQuery.cosine(query, d.fresh()) : Double.NaN;
            double s = Double.isNaN(fresh) ? CALIBRATION.apply(old) : weight * fresh + (1 - weight) * CALIBRATION.apply(old);
            if (similarity == null || s >= similarity) {
                scored.add(Map.entry(d.id(), (float) ((1 + s) / 2)));
            }
        }
        scored.sort(Map.Entry.<String, Float>comparingByValue(Comparator.reverseOrder()));
        Map<String, Float> out = new HashMap<>();
        scored.stream().limit(k).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void testEachCandidateOnceScoredByTheBlendTopKSimilarityAndFilter() throws IOException {
        try (Directory dir = new ByteBuffersDirectory()) {
            int count = randomIntBetween(40, 90);
            List<Doc> docs = index(dir, count);
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                assertThat("several segments", reader.leaves().size(), greaterThan(1));
                IndexSearcher searcher = new IndexSearcher(reader);
                for (int round = 0; round < 20; round++) {
                    float[] translated = randomVector(OLD_DIMS);
                    float[] query = randomVector(NEW_DIMS);
                    boolean withNative = randomBoolean();
                    float weight = randomBoolean() ? LatentKnnQueryBuilder.DEFAULT_NATIVE_WEIGHT : randomFloat();
                    int k = randomIntBetween(1, 30);
                    Float similarity = randomBoolean() ? null : randomFloatBetween(-0.2f, 0.6f, true);
                    String group = randomBoolean() ? null : randomFrom("x", "y");
                    Query filter = group == null ? null : new TermQuery(new Term("group", group));
                    // candidates: every live document (passing the filter) of each field, so brute force is the truth
                    Query oldKnn = new KnnFloatVectorQuery("old", translated, count, filter);
                    Query newKnn = withNative ? new KnnFloatVectorQuery("new", query, count, filter) : null;
                    MixedKnnQuery mixed = new MixedKnnQuery(oldKnn, "old", translated, CALIBRATION, newKnn, withNative ? "new" : null,
                        withNative ? query : null, weight, k, similarity);

                    TopDocs top = searcher.search(mixed, count + 10);
                    Map<String, Float> want = expected(docs, translated, query, withNative, weight, group, similarity, k);
                    Set<String> seen = new HashSet<>();
                    float previous = Float.POSITIVE_INFINITY;
                    for (ScoreDoc hit : top.scoreDocs) {
                        String id = searcher.storedFields().document(hit.doc).get("id");
                        assertTrue("each document once: " + id, seen.add(id));
                        assertTrue("a document outside the top k: " + id, want.containsKey(id));
                        assertEquals("score of " + id, want.get(id), hit.score, TOLERANCE);
                        assertThat(hit.score, lessThanOrEqualTo(previous));
                        previous = hit.score;
                    }
                    assertThat("the top k, after the similarity cut", seen, equalTo(want.keySet()));
                }
            }
        }
    }

    public void testTheMixOfOneDocument() {
        double old = 0.3, fresh = 0.8;
        assertEquals(0.7 * fresh + 0.3 * CALIBRATION.apply(old), MixedKnnQuery.mix(old, fresh, 0.7, CALIBRATION), 1e-12);
        assertEquals("the old vector alone: its calibrated cosine", CALIBRATION.apply(old), MixedKnnQuery.mix(old, Double.NaN, 0.7,
            CALIBRATION), 1e-12);
        assertEquals("the new vector alone: its native cosine", fresh, MixedKnnQuery.mix(Double.NaN, fresh, 0.7, CALIBRATION), 1e-12);
        assertEquals("weight 1: native only", fresh, MixedKnnQuery.mix(old, fresh, 1, CALIBRATION), 1e-12);
        assertEquals("weight 0: calibrated translated only", CALIBRATION.apply(old), MixedKnnQuery.mix(old, fresh, 0, CALIBRATION), 1e-12);
        assertEquals("a zero vector has no direction", 0, MixedKnnQuery.cosine(new float[] {1, 2}, new float[] {0, 0}), 0);
        assertTrue(Double.isNaN(MixedKnnQuery.cosine(new float[] {1, 2}, null)));
    }

    public void testUnionKeepsEachDocumentOnce() {
        assertArrayEquals(new int[] {1, 2, 3, 5, 8, 9}, MixedKnnQuery.union(new int[] {1, 3, 5, 9}, new int[] {2, 3, 8, 9}));
        assertArrayEquals(new int[] {4}, MixedKnnQuery.union(new int[0], new int[] {4}));
        assertArrayEquals(new int[0], MixedKnnQuery.union(new int[0], new int[0]));
    }

    public void testEqualityFollowsEveryOption() {
        Query knn = new KnnFloatVectorQuery("old", new float[] {1, 0}, 5);
        MixedKnnQuery a = new MixedKnnQuery(knn, "old", new float[] {1, 0}, CALIBRATION, null, null, null, 0.7f, 5, null);
        assertEquals(a, new MixedKnnQuery(knn, "old", new float[] {1, 0}, CALIBRATION, null, null, null, 0.7f, 5, null));
        assertEquals(a.hashCode(), new MixedKnnQuery(knn, "old", new float[] {1, 0}, CALIBRATION, null, null, null, 0.7f, 5, null)
            .hashCode());
        assertNotEquals(a, new MixedKnnQuery(knn, "old", new float[] {1, 0}, CALIBRATION, null, null, null, 0.7f, 6, null));
        assertNotEquals(a, new MixedKnnQuery(knn, "old", new float[] {1, 0}, ScoreCalibration.IDENTITY, null, null, null, 0.7f, 5, null));
        assertNotEquals(a, new MixedKnnQuery(knn, "old", new float[] {1, 0}, CALIBRATION, null, null, null, 0.7f, 5, 0.1f));
    }
}
