package org.latentbridge.plugin.search;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.plugin.compat.DocVectors;
import org.latentbridge.plugin.compat.LineLucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A search of a migrating index on one shard: the candidates of a kNN search of the translated vector in the old field
 * and of one of the raw query vector in the new field, each scored once from exact cosines read from the segment:
 * {@code s = w * cos_new + (1 - w) * g(cos_old)} for a document with both vectors, {@code g(cos_old)} with the old one
 * alone, {@code cos_new} with the new one alone, where {@code g} maps translated similarities onto the new model's scale.
 * Documents below {@code similarity} (on {@code s}) are dropped, the best {@code k} kept, each scored {@code (1 + s) / 2},
 * the scale Elasticsearch gives a cosine field's kNN score. All the work is done in {@link #rewrite}, once per shard.
 */
final class MixedKnnQuery extends Query {
    private final Query translatedKnn;
    /** Null when only the old field is searched (calibrated scores alone). */
    private final Query nativeKnn;
    private final String field;
    private final float[] translatedVector;
    private final String nativeField;
    private final float[] nativeVector;
    private final ScoreCalibration calibration;
    private final float nativeWeight;
    private final int k;
    private final Float similarity;

    MixedKnnQuery(Query translatedKnn, String field, float[] translatedVector, ScoreCalibration calibration, Query nativeKnn,
                  String nativeField, float[] nativeVector, float nativeWeight, int k, Float similarity) {
        this.translatedKnn = Objects.requireNonNull(translatedKnn);
        this.field = Objects.requireNonNull(field);
        this.translatedVector = translatedVector;
        this.calibration = Objects.requireNonNull(calibration);
        this.nativeKnn = nativeKnn;
        this.nativeField = nativeField;
        this.nativeVector = nativeVector;
        if (nativeKnn != null && (nativeField == null || nativeVector == null)) {
            throw new IllegalArgumentException("a native kNN query needs its field and vector");
        }
        this.nativeWeight = nativeWeight;
        this.k = k;
        this.similarity = similarity;
    }

    /** The mixed similarity of a document from its two cosines, either NaN when the document lacks that vector. */
    static double mix(double translatedCosine, double nativeCosine, double nativeWeight, ScoreCalibration calibration) {
        if (Double.isNaN(nativeCosine)) {
            return calibration.apply(translatedCosine);
        }
        if (Double.isNaN(translatedCosine)) {
            return nativeCosine;
        }
        return nativeWeight * nativeCosine + (1 - nativeWeight) * calibration.apply(translatedCosine);
    }

    /** The cosine of {@code q} and {@code d}, NaN when {@code d} is null, 0 when either is the zero vector. */
    static double cosine(float[] q, float[] d) {
        return d == null ? Double.NaN : Vectors.cosine(q, d);
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        IndexReader reader = searcher.getIndexReader();
        List<LeafReaderContext> leaves = reader.leaves();
        int[][] translatedMatches = matches(searcher, translatedKnn, leaves);
        int[][] nativeMatches = nativeKnn == null ? null : matches(searcher, nativeKnn, leaves);
        PriorityQueue<ScoreDoc> best = new PriorityQueue<>(k + 1, (a, b) -> a.score != b.score ? Float.compare(a.score, b.score)
            : Integer.compare(b.doc, a.doc));
        for (int l = 0; l < leaves.size(); l++) {
            int[] candidates = nativeMatches == null ? translatedMatches[l] : union(translatedMatches[l], nativeMatches[l]);
            if (candidates.length == 0) {
                continue;
            }
            LeafReaderContext leaf = leaves.get(l);
            DocVectors old = LineLucene.floatVectors(leaf.reader(), field);
            DocVectors fresh = nativeKnn == null ? null : LineLucene.floatVectors(leaf.reader(), nativeField);
            for (int doc : candidates) {
                double translatedCosine = old == null ? Double.NaN : cosine(translatedVector, old.vector(doc));
                double nativeCosine = fresh == null ? Double.NaN : cosine(nativeVector, fresh.vector(doc));
                if (Double.isNaN(translatedCosine) && Double.isNaN(nativeCosine)) {
                    continue;
                }
                double s = mix(translatedCosine, nativeCosine, nativeWeight, calibration);
                if (similarity != null && s < similarity) {
                    continue;
                }
                best.add(new ScoreDoc(leaf.docBase + doc, (float) ((1 + s) / 2)));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        return LineLucene.scoredDocs(best.toArray(new ScoreDoc[0]), reader);
    }

    /** The live documents {@code query} matches in each segment, segment-local and increasing. */
    private static int[][] matches(IndexSearcher searcher, Query query, List<LeafReaderContext> leaves) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        int[][] out = new int[leaves.size()][];
        for (int l = 0; l < leaves.size(); l++) {
            LeafReaderContext leaf = leaves.get(l);
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                out[l] = new int[0];
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            List<Integer> docs = new ArrayList<>();
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live == null || live.get(doc)) {
                    docs.add(doc);
                }
            }
            out[l] = docs.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** The sorted union of two increasing arrays, each document once. */
    static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0, j = 0, n = 0;
        while (i < a.length || j < b.length) {
            int next = j == b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
            if (i < a.length && a[i] == next) {
                i++;
            }
            if (j < b.length && b[j] == next) {
                j++;
            }
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        throw new IllegalStateException("[" + LatentMixedKnnQueryBuilder.NAME + "] must be rewritten before it is searched");
    }

    @Override
    public void visit(QueryVisitor visitor) {
        QueryVisitor sub = visitor.getSubVisitor(BooleanClause.Occur.SHOULD, this);
        translatedKnn.visit(sub);
        if (nativeKnn != null) {
            nativeKnn.visit(sub);
        }
    }

    @Override
    public String toString(String f) {
        return "MixedKnnQuery[" + field + (nativeField == null ? "" : " + " + nativeField + " (native weight " + nativeWeight + ")")
            + ", k=" + k + (similarity == null ? "" : ", similarity=" + similarity) + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (sameClassAs(o) == false) {
            return false;
        }
        MixedKnnQuery q = (MixedKnnQuery) o;
        return translatedKnn.equals(q.translatedKnn) && Objects.equals(nativeKnn, q.nativeKnn) && field.equals(q.field)
            && Arrays.equals(translatedVector, q.translatedVector) && Objects.equals(nativeField, q.nativeField)
            && Arrays.equals(nativeVector, q.nativeVector) && calibration.equals(q.calibration)
            && Float.compare(nativeWeight, q.nativeWeight) == 0 && k == q.k && Objects.equals(similarity, q.similarity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), translatedKnn, nativeKnn, field, Arrays.hashCode(translatedVector), nativeField,
            Arrays.hashCode(nativeVector), calibration, nativeWeight, k, similarity);
    }
}
