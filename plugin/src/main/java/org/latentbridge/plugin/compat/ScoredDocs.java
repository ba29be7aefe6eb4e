package org.latentbridge.plugin.compat;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Fixed documents with fixed scores, for the reader it was built on; scores are multiplied by the weight's boost. This is
 * the part that is the same on every Lucene the plugin runs on; {@code ScoredDocsQuery} in each line's directory adds the
 * {@code Weight} and {@code Scorer}, whose shapes differ between Lucene 9 and 10.
 */
abstract class ScoredDocs extends Query {
    /** Top-level doc ids, increasing, and their scores. */
    private final int[] docs;
    private final float[] scores;
    private final Object readerIdentity;

    ScoredDocs(ScoreDoc[] scoreDocs, IndexReader reader) {
        ScoreDoc[] sorted = scoreDocs.clone();
        Arrays.sort(sorted, Comparator.comparingInt(d -> d.doc));
        docs = new int[sorted.length];
        scores = new float[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            docs[i] = sorted[i].doc;
            scores[i] = sorted[i].score;
        }
        readerIdentity = reader.getContext().id();
    }

    final void checkReader(IndexSearcher searcher) {
        if (searcher.getIndexReader().getContext().id() != readerIdentity) {
            throw new IllegalStateException("this query was built for another reader");
        }
    }

    /** The scored documents of one segment, or null when it has none. */
    final Segment segment(LeafReaderContext leaf, float boost) {
        int from = lowerBound(leaf.docBase);
        int to = lowerBound(leaf.docBase + leaf.reader().maxDoc());
        return from == to ? null : new Segment(from, to, leaf.docBase, boost);
    }

    final Explanation explain(LeafReaderContext leaf, int doc, float boost) {
        int from = lowerBound(leaf.docBase);
        int to = lowerBound(leaf.docBase + leaf.reader().maxDoc());
        int i = Arrays.binarySearch(docs, from, to, doc + leaf.docBase);
        return i < 0 ? Explanation.noMatch("not among the scored documents")
            : Explanation.match(scores[i] * boost, "the document's mixed score, boosted by " + boost);
    }

    private int lowerBound(int doc) {
        int i = Arrays.binarySearch(docs, doc);
        return i >= 0 ? i : -i - 1;
    }

    /** A cursor over one segment's scored documents: the iterator and the scores a scorer reports. */
    final class Segment extends DocIdSetIterator {
        private final int from;
        private final int to;
        private final int base;
        private final float boost;
        private int at;

        private Segment(int from, int to, int base, float boost) {
            this.from = from;
            this.to = to;
            this.base = base;
            this.boost = boost;
            this.at = from - 1;
        }

        @Override
        public int docID() {
            return at < from ? -1 : at >= to ? NO_MORE_DOCS : docs[at] - base;
        }

        @Override
        public int nextDoc() {
            at++;
            return docID();
        }

        @Override
        public int advance(int target) {
            while (docID() < target) {
                at++;
            }
            return docID();
        }

        @Override
        public long cost() {
            return to - from;
        }

        float score() {
            return scores[at] * boost;
        }

        float maxScore() {
            float max = 0;
            for (int i = from; i < to; i++) {
                max = Math.max(max, scores[i] * boost);
            }
            return max;
        }
    }

    @Override
    public final void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public final String toString(String field) {
        return "ScoredDocsQuery[" + docs.length + " docs]";
    }

    @Override
    public final boolean equals(Object o) {
        return sameClassAs(o) && readerIdentity == ((ScoredDocs) o).readerIdentity && Arrays.equals(docs, ((ScoredDocs) o).docs)
            && Arrays.equals(scores, ((ScoredDocs) o).scores);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(classHash(), readerIdentity, Arrays.hashCode(docs), Arrays.hashCode(scores));
    }
}
