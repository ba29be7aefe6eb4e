package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;

import java.io.IOException;
import java.util.Map;

/**
 * A request that can run for minutes (a fit). Its task is cancellable, through the task API or by the client closing
 * its connection; with {@code wait_for_completion=false} the caller gets the task id and the result is kept in the
 * task results index.
 */
public abstract class LongRunningRequest extends ActionRequest {
    private final boolean waitForCompletion;

    protected LongRunningRequest(boolean waitForCompletion) {
        this.waitForCompletion = waitForCompletion;
    }

    protected LongRunningRequest(StreamInput in) throws IOException {
        super(in);
        waitForCompletion = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeBoolean(waitForCompletion);
    }

    public boolean waitForCompletion() {
        return waitForCompletion;
    }

    @Override
    public boolean getShouldStoreResult() {
        return waitForCompletion == false;
    }

    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new CancellableTask(id, type, action, getDescription(), parentTaskId, headers);
    }
}
