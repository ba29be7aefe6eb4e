package org.latentbridge.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A minimal REST client for one node, on {@code java.net.http}, returning {@link EsResponse}s.
 *
 * <p>Why not Elasticsearch's clients: the official Java client has no release numbered like the server, and the
 * low-level REST client drags in Apache HTTP; tests here only need method, path, JSON body and basic auth. Instances
 * are immutable: {@link #as} and {@link #anonymous} return a copy with other credentials, so one test can switch
 * users without affecting another.
 *
 * <p>Bodies: a {@code String} is sent as is (JSON or NDJSON); any other object is serialised with Jackson.
 * Non-2xx statuses are returned, not thrown: asserting on 401/403/404 is part of what the tests do.
 */
public final class EsHttp {

    /** The shared Jackson mapper, also for tests that build bodies as {@code ObjectNode}s. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final URI base;
    private final String authorization;
    private final Duration timeout;

    EsHttp(URI base, String authorization) {
        this(base, authorization, Duration.ofSeconds(120));
    }

    private EsHttp(URI base, String authorization, Duration timeout) {
        this.base = base;
        this.authorization = authorization;
        this.timeout = timeout;
    }

    /** A client for the same node authenticating as {@code user} with HTTP basic auth. */
    public EsHttp as(String user, String password) {
        return new EsHttp(base, basicAuth(user, password), timeout);
    }

    /** A client for the same node sending no credentials. */
    public EsHttp anonymous() {
        return new EsHttp(base, null, timeout);
    }

    /** A client with another per-request timeout (default 120 s). */
    public EsHttp withTimeout(Duration requestTimeout) {
        return new EsHttp(base, authorization, requestTimeout);
    }

    /** The node's HTTP address, e.g. {@code http://127.0.0.1:23456}. */
    public URI baseUri() {
        return base;
    }

    public EsResponse get(String path) {
        return request("GET", path, null);
    }

    public EsResponse delete(String path) {
        return request("DELETE", path, null);
    }

    public EsResponse head(String path) {
        return request("HEAD", path, null);
    }

    public EsResponse put(String path, Object body) {
        return request("PUT", path, body);
    }

    public EsResponse post(String path, Object body) {
        return request("POST", path, body);
    }

    /**
     * Sends one request. {@code path} is relative to the node ({@code _cat/plugins?format=json} or
     * {@code /_cat/plugins?format=json}); {@code body} may be null.
     */
    public EsResponse request(String method, String path, Object body) {
        String relative = path.startsWith("/") ? path : "/" + path;
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(relative)).timeout(timeout);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            // Elasticsearch also accepts application/json for NDJSON endpoints such as _bulk and _msearch.
            builder.header("Content-Type", "application/json");
            builder.method(method, HttpRequest.BodyPublishers.ofString(serialise(body), StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new EsResponse(method, relative, response.statusCode(), response.body(), EsResponse.parse(response.body()),
                    response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base.resolve(relative) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + relative, e);
        }
    }

    private static String serialise(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise request body " + body, e);
        }
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
