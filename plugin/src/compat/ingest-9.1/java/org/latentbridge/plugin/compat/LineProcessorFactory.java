package org.latentbridge.plugin.compat;

import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.ingest.Processor;

import java.util.Map;

/** An ingest processor factory; 9.x passes the project id, which this plugin does not need. */
public abstract class LineProcessorFactory implements Processor.Factory {

    protected abstract Processor createProcessor(Map<String, Processor.Factory> factories, String tag, String description,
                                                 Map<String, Object> config) throws Exception;

    @Override
    public final Processor create(Map<String, Processor.Factory> factories, String tag, String description, Map<String, Object> config,
                                  ProjectId projectId) throws Exception {
        return createProcessor(factories, tag, description, config);
    }
}
