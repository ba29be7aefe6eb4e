package org.latentbridge.plugin.compat;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Fixed documents with fixed scores, for the reader it was built on (Lucene 9.x's {@code Weight}/{@code Scorer} shapes).
 * Scores are multiplied by the weight's boost.
 */
final class ScoredDocsQuery extends Query {
    /** Top-level doc ids, increasing, and their scores. */
    private final int[] docs;
    private final float[] scores;
    private final Object readerIdentity;

    ScoredDocsQuery(ScoreDoc[] scoreDocs, IndexReader reader) {
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

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        if (searcher.getIndexReader().getContext().id() != readerIdentity) {
            throw new IllegalStateException("this query was built for another reader");
        }
        return new Weight(this) {
            /** The index of the first doc at or after the segment's base, and the one past its last. */
            private int[] range(LeafReaderContext leaf) {
                int from = lowerBound(leaf.docBase);
                int to = lowerBound(leaf.docBase + leaf.reader().maxDoc());
                return new int[] {from, to};
            }

            @Override
            public Explanation explain(LeafReaderContext leaf, int doc) {
                int[] r = range(leaf);
                int i = Arrays.binarySearch(docs, r[0], r[1], doc + leaf.docBase);
                return i < 0 ? Explanation.noMatch("not among the scored documents")
                    : Explanation.match(scores[i] * boost, "the document's mixed score, boosted by " + boost);
            }

            @Override
            public Scorer scorer(LeafReaderContext leaf) {
                int[] r = range(leaf);
                if (r[0] == r[1]) {
                    return null;
                }
                int base = leaf.docBase;
                return new Scorer(this) {
                    private int at = r[0] - 1;

                    private int current() {
                        return at < r[0] ? -1 : at >= r[1] ? DocIdSetIterator.NO_MORE_DOCS : docs[at] - base;
                    }

                    @Override
                    public DocIdSetIterator iterator() {
                        return new DocIdSetIterator() {
                            @Override
                            public int docID() {
                                return current();
                            }

                            @Override
                            public int nextDoc() {
                                at++;
                                return current();
                            }

                            @Override
                            public int advance(int target) {
                                while (current() < target) {
                                    at++;
                                }
                                return current();
                            }

                            @Override
                            public long cost() {
                                return r[1] - r[0];
                            }
                        };
                    }

                    @Override
                    public float getMaxScore(int upTo) {
                        float max = 0;
                        for (int i = r[0]; i < r[1]; i++) {
                            max = Math.max(max, scores[i] * boost);
                        }
                        return max;
                    }

                    @Override
                    public float score() {
                        return scores[at] * boost;
                    }

                    @Override
                    public int docID() {
                        return current();
                    }
                };
            }

            @Override
            public boolean isCacheable(LeafReaderContext leaf) {
                return true;
            }
        };
    }

    private int lowerBound(int doc) {
        int i = Arrays.binarySearch(docs, doc);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public String toString(String field) {
        return "ScoredDocsQuery[" + docs.length + " docs]";
    }

    @Override
    public boolean equals(Object o) {
        return sameClassAs(o) && readerIdentity == ((ScoredDocsQuery) o).readerIdentity && Arrays.equals(docs, ((ScoredDocsQuery) o).docs)
            && Arrays.equals(scores, ((ScoredDocsQuery) o).scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), readerIdentity, Arrays.hashCode(docs), Arrays.hashCode(scores));
    }
}
