package org.latentbridge.plugin.compat;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

/** {@link ScoredDocs} through Lucene 9's {@code Weight.scorer} and {@code Scorer(Weight)}. */
final class ScoredDocsQuery extends ScoredDocs {

    ScoredDocsQuery(ScoreDoc[] scoreDocs, IndexReader reader) {
        super(scoreDocs, reader);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        checkReader(searcher);
        return new Weight(this) {
            @Override
            public Explanation explain(LeafReaderContext leaf, int doc) {
                return ScoredDocsQuery.this.explain(leaf, doc, boost);
            }

            @Override
            public Scorer scorer(LeafReaderContext leaf) {
                Segment segment = segment(leaf, boost);
                return segment == null ? null : new Scorer(this) {
                    @Override
                    public DocIdSetIterator iterator() {
                        return segment;
                    }

                    @Override
                    public float getMaxScore(int upTo) {
                        return segment.maxScore();
                    }

                    @Override
                    public float score() {
                        return segment.score();
                    }

                    @Override
                    public int docID() {
                        return segment.docID();
                    }
                };
            }

            @Override
            public boolean isCacheable(LeafReaderContext leaf) {
                return true;
            }
        };
    }
}
