package org.latentbridge.plugin.compat;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

import java.io.IOException;

/** Lucene calls that differ between lines: 10.x reads vectors by ordinal through a separate iterator. */
public final class LineLucene {
    private LineLucene() {}

    /** The float vectors of {@code field} in one segment, or null when the segment has none. */
    public static DocVectors floatVectors(LeafReader reader, String field) throws IOException {
        FloatVectorValues values = reader.getFloatVectorValues(field);
        if (values == null) {
            return null;
        }
        KnnVectorValues.DocIndexIterator iterator = values.iterator();
        return doc -> {
            int at = iterator.docID() >= doc ? iterator.docID() : iterator.advance(doc);
            return at == doc && at != DocIdSetIterator.NO_MORE_DOCS ? values.vectorValue(iterator.index()) : null;
        };
    }

    /**
     * A query matching exactly {@code docs} (top-level doc ids) with their scores. Elasticsearch's own equivalent is not
     * public before 9.2, so every 9.x build uses this one, and the default suite tests what 9.0 and 9.1 run.
     */
    public static Query scoredDocs(ScoreDoc[] docs, IndexReader reader) {
        return new ScoredDocsQuery(docs, reader);
    }
}
