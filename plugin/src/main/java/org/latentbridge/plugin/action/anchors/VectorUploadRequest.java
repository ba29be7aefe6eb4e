package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.StrictXContent;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.VectorKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * An upload of vectors of one {@link VectorKind} to a role of a model: a role, and either {@code ids} with as many
 * {@code vectors}, or a {@code source} to import from. Anchors and pools share the body, the form checks and the wire
 * format; the kind only names the vectors in messages and descriptions and the import's cap ({@code max_anchors},
 * {@code max_vectors}). The vectors' count and dimension are the transport action's, once the model is read, so that an
 * unknown model answers 404 whatever the vectors.
 */
public abstract class VectorUploadRequest extends ActionRequest {
    private static final ParseField ROLE = new ParseField("role");
    private static final ParseField IDS = new ParseField("ids");
    private static final ParseField VECTORS = new ParseField("vectors");
    private static final ParseField SOURCE = new ParseField("source");
    private static final ObjectParser<Body, Void> ANCHORS_PARSER = bodyParser(VectorKind.ANCHORS);
    private static final ObjectParser<Body, Void> POOL_PARSER = bodyParser(VectorKind.POOL);

    private final VectorKind kind;
    private final String model;
    private final String role;
    private final List<String> ids;
    private final float[][] vectors;
    private final PutAnchorsAction.Source source;

    /**
     * @param ids     the vectors' ids, with {@code vectors}; null for an import
     * @param vectors the vectors, as they are (not copied), row {@code i} for {@code ids[i]}; null for an import
     * @param source  the index to import from, its cap named for the kind; null for an upload of {@code ids} and {@code vectors}
     */
    protected VectorUploadRequest(VectorKind kind, String model, String role, @Nullable List<String> ids, @Nullable float[][] vectors,
                                  @Nullable PutAnchorsAction.Source source) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.model = Objects.requireNonNull(model, "model");
        this.role = Objects.requireNonNull(role, "role");
        this.ids = ids == null ? null : List.copyOf(ids);
        this.vectors = vectors;
        this.source = source;
    }

    /** The kind is the concrete class's, not on the wire. */
    protected VectorUploadRequest(VectorKind kind, StreamInput in) throws IOException {
        super(in);
        this.kind = Objects.requireNonNull(kind, "kind");
        model = in.readString();
        role = in.readString();
        ids = in.readOptionalStringCollectionAsList();
        vectors = in.readOptionalArray(StreamInput::readFloatArray, float[][]::new);
        source = in.readOptionalWriteable(PutAnchorsAction.Source::read);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(model);
        out.writeString(role);
        out.writeOptionalStringCollection(ids);
        out.writeOptionalArray(StreamOutput::writeFloatArray, vectors);
        out.writeOptionalWriteable(source);
    }

    /** Builds the concrete request from a parsed body's fields. */
    @FunctionalInterface
    protected interface Factory<R extends VectorUploadRequest> {
        R create(String role, @Nullable List<String> ids, @Nullable float[][] vectors, @Nullable PutAnchorsAction.Source source);
    }

    /**
     * The request a body asks for. A body of the wrong form (both forms or neither, a required field missing, counts
     * that differ) is refused here as bad input, as a value of the wrong type is; {@link #validate} checks the same for
     * a request built in code.
     *
     * <p>The endpoint answers every refused body with an {@code illegal_argument_exception} whose reason names the
     * field, e.g. {@code [vectors][3][17] must be a number, got the string [x]}: the parser's own wrapping of a field's
     * error ("failed to parse field [vectors]") is taken off, the field's message already names its place.
     */
    protected static <R extends VectorUploadRequest> R parse(VectorKind kind, XContentParser content, Factory<R> factory) {
        Body b;
        try {
            b = (kind == VectorKind.ANCHORS ? ANCHORS_PARSER : POOL_PARSER).apply(content, null);
        } catch (XContentParseException e) {
            throw asBadInput(e);
        }
        R request = factory.create(b.role, b.ids, b.vectors, b.source);
        List<String> problems = ((VectorUploadRequest) request).formProblems(); // a private member is not reached through R
        if (problems.isEmpty() == false) {
            throw new IllegalArgumentException(problems.get(0));
        }
        return request;
    }

    /** The import's cap in the body of an upload of {@code kind}. */
    static String capField(VectorKind kind) {
        return kind == VectorKind.ANCHORS ? PutAnchorsAction.Source.MAX_ANCHORS : PutAnchorsAction.Source.MAX_VECTORS;
    }

    /** The parser of an upload's body: the same fields for either kind, the import's cap named for the kind. */
    private static ObjectParser<Body, Void> bodyParser(VectorKind kind) {
        String capField = capField(kind);
        ObjectParser<Body, Void> parser = new ObjectParser<>("put_" + kind.prefix(), false, Body::new);
        parser.declareString((b, v) -> b.role = v, ROLE);
        parser.declareField((b, v) -> b.ids = v, VectorUploadRequest::ids, IDS, ObjectParser.ValueType.STRING_ARRAY);
        parser.declareField((b, v) -> b.vectors = v, VectorUploadRequest::vectors, VECTORS, ObjectParser.ValueType.VALUE_ARRAY);
        parser.declareObject((b, v) -> b.source = v, (p, c) -> PutAnchorsAction.Source.parse(p, capField), SOURCE);
        return parser;
    }

    /** The body's fields as parsed, each at its default until set. */
    private static final class Body {
        String role = ModelRecord.DOCUMENT_ROLE;
        List<String> ids;
        float[][] vectors;
        PutAnchorsAction.Source source;
    }

    /**
     * A parse failure as an {@link IllegalArgumentException} with the message that names the problem: a field
     * reader's own (it names the field and the position), else the innermost parser's (an unknown field, a value
     * of a type the field does not take, JSON that does not parse).
     */
    private static IllegalArgumentException asBadInput(XContentParseException e) {
        Throwable innermostParseError = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof XContentParseException) {
                innermostParseError = t;
            } else if (t instanceof IllegalArgumentException) {
                return new IllegalArgumentException(t.getMessage(), e);
            }
        }
        return new IllegalArgumentException(innermostParseError.getMessage(), e);
    }

    private static List<String> ids(XContentParser p) throws IOException {
        try {
            return StrictXContent.stringList(p);
        } catch (IllegalArgumentException e) {
            throw named(IDS, e);
        }
    }

    /** Vectors, each read by {@link StrictXContent#vector} straight into a {@code float[]}; an error names the position. */
    private static float[][] vectors(XContentParser p) throws IOException {
        if (p.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException("[vectors] must be an array of vectors, got [" + p.currentToken() + "]");
        }
        List<float[]> out = new ArrayList<>();
        while (p.nextToken() != XContentParser.Token.END_ARRAY) {
            try {
                out.add(StrictXContent.vector(p));
            } catch (IllegalArgumentException e) {
                throw named(new ParseField(VECTORS.getPreferredName() + "][" + out.size()), e);
            }
        }
        return out.toArray(float[][]::new);
    }

    /** {@code e}'s message under the field's name: {@code [ids][2] must be a string}, {@code [ids] must be an array}. */
    private static IllegalArgumentException named(ParseField field, IllegalArgumentException e) {
        String why = e.getMessage();
        return new IllegalArgumentException("[" + field.getPreferredName() + "]" + (why.startsWith("[") ? "" : " ") + why, e);
    }

    /** What is wrong with the request's form, first the problem a caller fixes first; empty when it has none. */
    private List<String> formProblems() {
        List<String> problems = new ArrayList<>();
        if (role.isBlank()) {
            problems.add("[role] must not be blank");
        }
        if (source != null) {
            if (ids != null || vectors != null) {
                problems.add("[source] imports " + kind.noun() + " from an index: do not also send [ids] or [vectors]");
            }
            problems.addAll(source.problems(capField(kind)));
            return problems;
        }
        if (ids == null) {
            problems.add("[ids] is required (or [source] to import from an index)");
        } else if (ids.isEmpty()) {
            problems.add("[ids] must not be empty");
        }
        if (vectors == null) {
            problems.add("[vectors] is required");
        } else if (vectors.length == 0) {
            problems.add("[vectors] must not be empty");
        } else if (ids != null && ids.isEmpty() == false && ids.size() != vectors.length) {
            problems.add("[ids] and [vectors] must have the same length, got [" + ids.size() + "] ids and [" + vectors.length
                + "] vectors");
        }
        return problems;
    }

    /**
     * What can be checked without the model: one form or the other, complete, with as many ids as vectors, and one
     * index to import from. Ids themselves (blank, too long, duplicated) are checked with the vectors, when they are built.
     */
    @Override
    public ActionRequestValidationException validate() {
        return addFormProblems(null);
    }

    /** {@code e} with the form's problems added after what it holds. */
    protected final ActionRequestValidationException addFormProblems(@Nullable ActionRequestValidationException e) {
        for (String problem : formProblems()) {
            e = addValidationError(problem, e);
        }
        return e;
    }

    /** An import reads an index for minutes: it can be cancelled through the task API or by closing the connection. */
    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new CancellableTask(id, type, action, getDescription(), parentTaskId, headers);
    }

    @Override
    public String getDescription() {
        String what = "latent " + kind.prefix() + " [" + model + "][" + role + "]";
        return source != null
            ? what + " from [" + source.index() + "]"
            : what + ", [" + (ids == null ? 0 : ids.size()) + "] " + (kind == VectorKind.ANCHORS ? "anchors" : "vectors");
    }

    public String model() {
        return model;
    }

    public String role() {
        return role;
    }

    @Nullable
    public List<String> ids() {
        return ids;
    }

    /** The vectors themselves, not a copy. */
    @Nullable
    public float[][] vectors() {
        return vectors;
    }

    @Nullable
    public PutAnchorsAction.Source source() {
        return source;
    }

    /** Equal to a request of the same class (so of the same kind) for the same model, role, ids, vectors and source. */
    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && o instanceof VectorUploadRequest r && model.equals(r.model)
            && role.equals(r.role) && Objects.equals(ids, r.ids) && Arrays.deepEquals(vectors, r.vectors)
            && Objects.equals(source, r.source);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(model, role, ids, Arrays.deepHashCode(vectors), source);
    }
}
