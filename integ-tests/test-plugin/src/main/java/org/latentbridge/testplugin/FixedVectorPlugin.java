package org.latentbridge.testplugin;

import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;

import java.util.List;

/**
 * Test only: registers {@link FixedQueryVectorBuilder}, a query vector builder of a plugin other than Latent Bridge, so that
 * the integration tests prove any registered builder nests in {@code latent_translation} (the integ-test distribution has
 * no inference endpoints, and 8.19 has no {@code lookup}).
 */
public final class FixedVectorPlugin extends Plugin implements SearchPlugin {
    @Override
    public List<QueryVectorBuilderSpec<?>> getQueryVectorBuilders() {
        return List.of(new QueryVectorBuilderSpec<>(FixedQueryVectorBuilder.NAME, FixedQueryVectorBuilder::new,
            (p, c) -> FixedQueryVectorBuilder.PARSER.apply(p, null)));
    }
}
