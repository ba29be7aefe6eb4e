package org.latentbridge.plugin.rest;

import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one upload handler answers, per kind, the name and the routes the two handlers it replaced answered. */
class RestPutVectorsActionTests {
    private static List<String> routes(RestHandler handler) {
        return handler.routes().stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
    }

    @Test
    void eachKindKeepsItsNameAndRoutes() {
        assertEquals("latent_put_anchors", RestPutVectorsAction.anchors().getName());
        assertEquals(List.of("POST /_latent/model/{model}/_anchors", "PUT /_latent/model/{model}/_anchors"),
            routes(RestPutVectorsAction.anchors()));
        assertEquals("latent_put_pool", RestPutVectorsAction.pool().getName());
        assertEquals(List.of("POST /_latent/model/{model}/_pool", "PUT /_latent/model/{model}/_pool"), routes(RestPutVectorsAction.pool()));
        assertEquals(RestRequest.Method.POST, RestPutVectorsAction.pool().routes().get(0).getMethod());
    }
}
