package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.net.http.HttpHeaders;

/**
 * One HTTP answer from a node: status, raw body and the body parsed as JSON.
 *
 * <p>{@link #json()} is a {@link MissingNode} when the body is empty or not JSON (e.g. {@code _cat} without
 * {@code format=json}), so tests can navigate with {@code path(...)} without null checks and fail on the value.
 *
 * @param method  the request method, for messages
 * @param path    the request path and query, for messages
 * @param status  the HTTP status code
 * @param body    the body as text
 * @param json    the body as JSON, or a missing node
 * @param headers the response headers
 */
public record EsResponse(String method, String path, int status, String body, JsonNode json, HttpHeaders headers) {

    /** Returns this response if its status is {@code expected}, otherwise fails with the request and the body. */
    public EsResponse expectStatus(int expected) {
        if (status != expected) {
            throw new AssertionError("Expected HTTP " + expected + " from " + method + " " + path + " but got " + status + ": " + body);
        }
        return this;
    }

    /** Shorthand for {@code expectStatus(200).json()}. */
    public JsonNode ok() {
        return expectStatus(200).json();
    }

    /** Parses text into a JSON tree, or a missing node if it is not JSON. */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return EsHttp.JSON.readTree(text);
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }
}
