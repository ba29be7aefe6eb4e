package org.latentbridge.plugin.rest;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.LongRunningRequest;
import org.latentbridge.plugin.action.StrictXContent;

import java.io.IOException;

/** What the plugin's REST handlers share: reading a body whole or refusing one, and running a long request. */
final class RestBodies {
    private RestBodies() {}

    /** A body on an endpoint that takes none is refused: it would otherwise be ignored, and the request mean something else. */
    static void refuse(RestRequest request) {
        if (request.hasContent()) {
            throw new IllegalArgumentException("[" + request.method() + " " + request.path() + "] takes no request body; name what it "
                + "acts on in the path and the query parameters");
        }
    }

    /** The body, parsed with {@code parse}; a body that is not one JSON object, or has content after it, is refused. */
    static <T> T parse(RestRequest request, CheckedFunction<XContentParser, T, IOException> parse) throws IOException {
        try (XContentParser parser = request.contentParser()) {
            return StrictXContent.parseWhole(parser, parse);
        }
    }

    /**
     * Runs a long request. While the client waits, closing its connection cancels the task; with
     * {@code wait_for_completion=false} the answer is the task's id, and the task keeps its result when it ends.
     */
    static <T extends ActionResponse & ToXContentObject> void executeLongRunning(RestChannel channel, RestRequest restRequest,
                                                                                 NodeClient client, ActionType<T> action,
                                                                                 LongRunningRequest request) throws IOException {
        if (request.waitForCompletion()) {
            new RestCancellableNodeClient(client, restRequest.getHttpChannel())
                .execute(action, request, new RestToXContentListener<>(channel));
            return;
        }
        Task task = client.executeLocally(action, request, ActionListener.noop());
        try (XContentBuilder builder = channel.newBuilder()) {
            builder.startObject().field("task", new TaskId(client.getLocalNodeId(), task.getId()).toString()).endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        }
    }
}
