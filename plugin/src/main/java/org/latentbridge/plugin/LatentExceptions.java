package org.latentbridge.plugin;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.rest.RestStatus;

/** Every error the plugin raises on purpose, with its status chosen here: 400 bad input, 404 unknown ids, 409 conflicts. */
public final class LatentExceptions {
    private LatentExceptions() {}

    /** The error type a client sees for both not-found subclasses: the one it saw before they existed. */
    private static final String NOT_FOUND_NAME = "resource_not_found_exception";

    /** A model that does not exist (404). Its own type so that callers classify it without reading the message. */
    public static final class ModelNotFoundException extends ResourceNotFoundException {
        ModelNotFoundException(String message) {
            super(message);
        }

        /** Rendered as the resource_not_found_exception it is to a client. */
        @Override
        protected String getExceptionName() {
            return NOT_FOUND_NAME;
        }
    }

    /** A translator that was never fitted or was deleted (404). Its own type, as {@link ModelNotFoundException}. */
    public static final class TranslatorNotFoundException extends ResourceNotFoundException {
        TranslatorNotFoundException(String message) {
            super(message);
        }

        @Override
        protected String getExceptionName() {
            return NOT_FOUND_NAME;
        }
    }

    public static ModelNotFoundException modelNotFound(String model) {
        return new ModelNotFoundException("latent model [" + model + "] not found");
    }

    public static ResourceNotFoundException roleNotFound(String model, String role) {
        return new ResourceNotFoundException("latent model [" + model + "] has no role [" + role + "]");
    }

    public static TranslatorNotFoundException translatorNotFound(String key) {
        return new TranslatorNotFoundException("latent translator [" + key + "] not found");
    }

    /** Not found, with what to do about it ({@code remedy}, e.g. the request that fits it). */
    public static TranslatorNotFoundException translatorNotFound(String key, String remedy) {
        return new TranslatorNotFoundException("latent translator [" + key + "] not found; " + remedy);
    }

    public static ElasticsearchStatusException conflict(String message) {
        return new ElasticsearchStatusException(message, RestStatus.CONFLICT);
    }

    public static IllegalArgumentException badRequest(String message) {
        return new IllegalArgumentException(message);
    }
}
