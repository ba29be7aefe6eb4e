package org.latentbridge.plugin.action;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/** A fit refused by {@code min_quality}: 400, with every candidate's held-out metrics in the error body. */
public final class LatentQualityException extends ElasticsearchStatusException {
    private final transient Map<String, Object> metrics;

    public LatentQualityException(String message, Map<String, Object> metrics) {
        super(message, RestStatus.BAD_REQUEST);
        this.metrics = metrics;
    }

    @Override
    protected void metadataToXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field("metrics", metrics);
    }
}
