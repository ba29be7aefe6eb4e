package org.latentbridge.plugin.compat;

import org.elasticsearch.ingest.Processor;

import java.util.Map;

/** An ingest processor factory, through 8.19's {@code create} signature. */
public abstract class LineProcessorFactory implements Processor.Factory {

    protected abstract Processor createProcessor(Map<String, Processor.Factory> factories, String tag, String description,
                                                 Map<String, Object> config) throws Exception;

    @Override
    public final Processor create(Map<String, Processor.Factory> factories, String tag, String description, Map<String, Object> config)
        throws Exception {
        return createProcessor(factories, tag, description, config);
    }
}
