package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.core.fit.ContrastiveSettings;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.action.CalibrationSearch;
import org.latentbridge.plugin.action.LongRunningRequest;
import org.latentbridge.plugin.action.StrictXContent;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/**
 * {@code PUT /_latent/translator/{source}/{target}}: fits a translator on the fit pool and stores it. A long request:
 * cancellable, and with {@code ?wait_for_completion=false} its result is kept as a task result.
 */
public final class PutTranslatorAction {
    public static final String NAME = "cluster:admin/latent/translator/put";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private PutTranslatorAction() {}

    /**
     * The {@code contrastive} section of a fit body as sent, each field at {@link ContrastiveSettings#DEFAULT}'s value
     * unless set. Its ranges are checked by {@link #settings()} when the request is validated, so that a value out of range
     * is a validation error naming the field rather than a parse error.
     */
    public record ContrastiveOptions(int maxSteps, double temperature, double learningRate, int batchSize) implements Writeable {
        static final ConstructingObjectParser<ContrastiveOptions, Void> PARSER = new ConstructingObjectParser<>("contrastive", false,
            a -> {
                ContrastiveSettings d = ContrastiveSettings.DEFAULT;
                return new ContrastiveOptions(a[0] == null ? d.maxSteps() : (int) a[0], a[1] == null ? d.temperature() : (double) a[1],
                    a[2] == null ? d.learningRate() : (double) a[2], a[3] == null ? d.batchSize() : (int) a[3]);
            });

        static {
            PARSER.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("max_steps"),
                ObjectParser.ValueType.INT);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::doubleValue, new ParseField("temperature"),
                ObjectParser.ValueType.DOUBLE);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::doubleValue, new ParseField("learning_rate"),
                ObjectParser.ValueType.DOUBLE);
            PARSER.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("batch_size"),
                ObjectParser.ValueType.INT);
        }

        public ContrastiveOptions(StreamInput in) throws IOException {
            this(in.readInt(), in.readDouble(), in.readDouble(), in.readInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeInt(maxSteps); // not a vint: an out-of-range negative value travels to validation as it was sent
            out.writeDouble(temperature);
            out.writeDouble(learningRate);
            out.writeInt(batchSize);
        }

        /** The settings these options ask for; an {@link IllegalArgumentException} naming the field when one is out of range. */
        public ContrastiveSettings settings() {
            return new ContrastiveSettings(maxSteps, temperature, learningRate, batchSize);
        }
    }

    public static final class Request extends LongRunningRequest {
        private static final ObjectParser<Body, Void> PARSER = new ObjectParser<>("put_translator", false, Body::new);
        private static final ConstructingObjectParser<Preprocessing, Void> PREPROCESS = new ConstructingObjectParser<>("preprocess",
            false, a -> {
                Preprocessing d = Preprocessing.DEFAULT;
                return new Preprocessing(a[0] == null ? d.center() : (boolean) a[0], a[1] == null ? d.standardize() : (boolean) a[1],
                    a[2] == null ? d.normalize() : (boolean) a[2],
                    a[3] == null ? d.meanWeight() : Preprocessing.checkUserMeanWeight((double) a[3]));
            });
        /** The {@code kernel} section: its one option, {@code max_centres}. */
        private static final ConstructingObjectParser<Integer, Void> KERNEL = new ConstructingObjectParser<>("kernel", false,
            a -> a[0] == null ? FitOptions.DEFAULT_MAX_KERNEL_CENTRES : (int) a[0]);

        static {
            PARSER.declareField((b, m) -> b.method = m, p -> fitMethod(p.text()), new ParseField("method"),
                ObjectParser.ValueType.STRING);
            PARSER.declareString((b, r) -> b.sourceRole = r, new ParseField("source_role"));
            PARSER.declareString((b, r) -> b.targetRole = r, new ParseField("target_role"));
            PARSER.declareObject((b, p) -> b.preprocessing = p, PREPROCESS, new ParseField("preprocess"));
            PARSER.declareField((b, h) -> b.holdout = h, StrictXContent::doubleValue, new ParseField("holdout"),
                ObjectParser.ValueType.DOUBLE);
            PARSER.declareField((b, s) -> b.seed = s, StrictXContent::longValue, new ParseField("seed"), ObjectParser.ValueType.LONG);
            PARSER.declareField((b, q) -> b.minQuality = q, Request::minQuality, new ParseField("min_quality"),
                ObjectParser.ValueType.OBJECT);
            PARSER.declareObject((b, c) -> b.calibration = c, CalibrationSearch.Spec.PARSER, new ParseField("calibration"));
            PARSER.declareObject((b, c) -> b.contrastive = c, ContrastiveOptions.PARSER, new ParseField("contrastive"));
            PARSER.declareObject((b, k) -> b.maxKernelCentres = k, KERNEL, new ParseField("kernel"));
            KERNEL.declareField(optionalConstructorArg(), StrictXContent::intValue, new ParseField("max_centres"),
                ObjectParser.ValueType.INT);
            PREPROCESS.declareBoolean(optionalConstructorArg(), new ParseField("center"));
            PREPROCESS.declareBoolean(optionalConstructorArg(), new ParseField("standardize"));
            PREPROCESS.declareBoolean(optionalConstructorArg(), new ParseField("normalize"));
            PREPROCESS.declareField(optionalConstructorArg(), StrictXContent::doubleValue, new ParseField("mean_weight"),
                ObjectParser.ValueType.DOUBLE);
        }

        /** The body's fields as parsed, each at its default until set. */
        private static final class Body {
            Method method;
            String sourceRole, targetRole;
            Preprocessing preprocessing = Preprocessing.DEFAULT;
            double holdout = FitOptions.DEFAULT_HOLDOUT;
            long seed;
            Map<String, Double> minQuality = Map.of();
            CalibrationSearch.Spec calibration;
            ContrastiveOptions contrastive;
            Integer maxKernelCentres;
        }

        private final TranslatorPath path;
        private final Method method;
        private final Preprocessing preprocessing;
        private final double holdout;
        private final long seed;
        private final Map<String, Double> minQuality;
        private final CalibrationSearch.Spec calibration;
        private final ContrastiveOptions contrastive;
        private final Integer maxKernelCentres;

        /**
         * @param method           the fit method, or null for {@code auto}
         * @param contrastive      the {@code contrastive} method's options, or null when the body has no such section
         * @param maxKernelCentres {@code orthogonal_kernel}'s cap on centres, or null when the body has no {@code kernel} section
         */
        public Request(TranslatorPath path, boolean waitForCompletion, @Nullable Method method, Preprocessing preprocessing, double holdout,
                       long seed, Map<String, Double> minQuality, @Nullable CalibrationSearch.Spec calibration,
                       @Nullable ContrastiveOptions contrastive, @Nullable Integer maxKernelCentres) {
            super(waitForCompletion);
            this.path = path;
            this.method = method;
            this.preprocessing = preprocessing;
            this.holdout = holdout;
            this.seed = seed;
            this.minQuality = Map.copyOf(minQuality);
            this.calibration = calibration;
            this.contrastive = contrastive;
            this.maxKernelCentres = maxKernelCentres;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            path = new TranslatorPath(in);
            method = in.readOptionalEnum(Method.class);
            preprocessing = new Preprocessing(in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readDouble());
            holdout = in.readDouble();
            seed = in.readLong();
            minQuality = in.readImmutableMap(StreamInput::readDouble);
            calibration = in.readOptionalWriteable(CalibrationSearch.Spec::new);
            contrastive = in.readOptionalWriteable(ContrastiveOptions::new);
            maxKernelCentres = in.readOptionalInt();
        }

        /** The request a body asks for; a null parser (no body) asks for every default. */
        public static Request parse(String source, String target, boolean waitForCompletion, @Nullable XContentParser parser) {
            Body b = parser == null ? new Body() : PARSER.apply(parser, null);
            return new Request(new TranslatorPath(source, b.sourceRole, target, b.targetRole), waitForCompletion, b.method,
                b.preprocessing, b.holdout, b.seed, b.minQuality, b.calibration, b.contrastive, b.maxKernelCentres);
        }

        /** The fit method a body names: null for {@code auto}; the message lists exactly what a fit accepts. */
        static Method fitMethod(String name) {
            if (name.equals("auto")) {
                return null;
            }
            for (Method m : Method.values()) {
                if (m != Method.RELATIVE && m.apiName().equals(name)) {
                    return m;
                }
            }
            throw LatentExceptions.badRequest("[method] [" + name + "] is not a fit method; expected one of [auto, orthogonal, linear, "
                + "affine, inverse_relative, orthogonal_kernel, contrastive, functional_map, gromov_wasserstein]");
        }

        private static Map<String, Double> minQuality(XContentParser p) throws IOException {
            Map<String, Double> floors = new LinkedHashMap<>();
            while (p.nextToken() == XContentParser.Token.FIELD_NAME) {
                String metric = p.currentName();
                p.nextToken();
                try {
                    floors.put(metric, StrictXContent.doubleValue(p));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("[" + metric + "] " + e.getMessage(), e);
                }
            }
            return floors;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            path.writeTo(out);
            out.writeOptionalEnum(method);
            out.writeBoolean(preprocessing.center());
            out.writeBoolean(preprocessing.standardize());
            out.writeBoolean(preprocessing.normalize());
            out.writeDouble(preprocessing.meanWeight());
            out.writeDouble(holdout);
            out.writeLong(seed);
            out.writeMap(minQuality, StreamOutput::writeDouble);
            out.writeOptionalWriteable(calibration);
            out.writeOptionalWriteable(contrastive);
            out.writeOptionalInt(maxKernelCentres);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = path.validate(null);
            // options of a method the fit will not try would be silently ignored: refuse them instead
            if (contrastive != null && method != null && method != Method.CONTRASTIVE) {
                e = addValidationError(optionsConflict("contrastive", Method.CONTRASTIVE), e);
            }
            if (maxKernelCentres != null && method != null && method != Method.ORTHOGONAL_KERNEL) {
                e = addValidationError(optionsConflict("kernel", Method.ORTHOGONAL_KERNEL), e);
            }
            try {
                fitOptions();
            } catch (IllegalArgumentException invalid) {
                e = addValidationError(invalid.getMessage(), e);
            }
            return calibration == null ? e : calibration.validate(e);
        }

        private String optionsConflict(String section, Method owner) {
            return "[" + section + "] sets options of method [" + owner.apiName() + "], which a fit with [method] [" + method.apiName()
                + "] does not run; remove [" + section + "] or set [method] to [" + owner.apiName() + "] or [auto]";
        }

        /**
         * The fit's options (the caller adds cancellation); {@link FitOptions} and {@link ContrastiveSettings} check their
         * ranges.
         */
        public FitOptions fitOptions() {
            return FitOptions.defaults().withMethod(method).withPreprocessing(preprocessing).withHoldout(holdout).withSeed(seed)
                .withMinQuality(minQuality).withContrastive(contrastive == null ? ContrastiveSettings.DEFAULT : contrastive.settings())
                .withMaxKernelCentres(maxKernelCentres == null ? FitOptions.DEFAULT_MAX_KERNEL_CENTRES : maxKernelCentres);
        }

        public TranslatorPath path() {
            return path;
        }

        @Nullable
        public CalibrationSearch.Spec calibration() {
            return calibration;
        }

        public long seed() {
            return seed;
        }

        public double holdout() {
            return holdout;
        }

        @Override
        public String getDescription() {
            return "latent translator fit [" + path.source() + "] -> [" + path.target() + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && waitForCompletion() == r.waitForCompletion() && path.equals(r.path) && method == r.method
                && preprocessing.equals(r.preprocessing) && Double.compare(holdout, r.holdout) == 0 && seed == r.seed
                && minQuality.equals(r.minQuality) && Objects.equals(calibration, r.calibration)
                && Objects.equals(contrastive, r.contrastive) && Objects.equals(maxKernelCentres, r.maxKernelCentres);
        }

        @Override
        public int hashCode() {
            return Objects.hash(waitForCompletion(), path, method, preprocessing, holdout, seed, minQuality, calibration, contrastive,
                maxKernelCentres);
        }
    }

    /** The translator stored: as {@code GET} shows it. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final TranslatorInfo translator;

        public Response(TranslatorInfo translator) {
            this.translator = translator;
        }

        public Response(StreamInput in) throws IOException {
            translator = new TranslatorInfo(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            translator.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return translator.toXContent(builder, params);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && translator.equals(r.translator);
        }

        @Override
        public int hashCode() {
            return translator.hashCode();
        }
    }
}
