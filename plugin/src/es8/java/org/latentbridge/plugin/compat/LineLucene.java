package org.latentbridge.plugin.compat;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

import java.io.IOException;

/** Lucene calls that differ between lines: 9.x vector values are themselves the iterator. */
public final class LineLucene {
    private LineLucene() {}

    /** The float vectors of {@code field} in one segment, or null when the segment has none. */
    public static DocVectors floatVectors(LeafReader reader, String field) throws IOException {
        FloatVectorValues values = reader.getFloatVectorValues(field);
        if (values == null) {
            return null;
        }
        return doc -> {
            int at = values.docID() >= doc ? values.docID() : values.advance(doc);
            return at == doc && at != DocIdSetIterator.NO_MORE_DOCS ? values.vectorValue() : null;
        };
    }

    /** A query matching exactly {@code docs} (top-level doc ids) with their scores (8.19's own one is not public). */
    public static Query scoredDocs(ScoreDoc[] docs, IndexReader reader) {
        return new ScoredDocsQuery(docs, reader);
    }
}
