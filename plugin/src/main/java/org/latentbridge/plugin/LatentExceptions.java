package org.latentbridge.plugin;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.rest.RestStatus;

/** Every error the plugin raises on purpose, with its status chosen here: 400 bad input, 404 unknown ids, 409 conflicts. */
public final class LatentExceptions {
    private LatentExceptions() {}

    public static ResourceNotFoundException modelNotFound(String model) {
        return new ResourceNotFoundException("latent model [" + model + "] not found");
    }

    public static ResourceNotFoundException roleNotFound(String model, String role) {
        return new ResourceNotFoundException("latent model [" + model + "] has no role [" + role + "]");
    }

    public static ResourceNotFoundException translatorNotFound(String key) {
        return new ResourceNotFoundException("latent translator [" + key + "] not found");
    }

    public static ElasticsearchStatusException conflict(String message) {
        return new ElasticsearchStatusException(message, RestStatus.CONFLICT);
    }

    public static IllegalArgumentException badRequest(String message) {
        return new IllegalArgumentException(message);
    }
}
