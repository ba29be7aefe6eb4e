package org.latentbridge.benchmarks;

import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One query translated, full pipeline (centre, normalise, multiply, rescale, add the mean, re-normalise), beside the
 * floor of streaming the same matrix once. Compare {@code translate} with {@code floorStreamMatrix} of the same shape:
 * the ratio is the figure of merit, measured in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TranslateBenchmark {

    @Param({"384x384", "768x768", "384x1024"})
    public String shape;

    @Param({"auto", "orthogonal", "linear", "affine", "inverse_relative"})
    public String method;

    private LinearTranslator translator;
    private float[][] queries;
    private float[] entered;
    private float[] out;
    private int next;

    @Setup
    public void setUp() {
        String[] dims = shape.split("x");
        int ds = Integer.parseInt(dims[0]), dt = Integer.parseInt(dims[1]);
        SyntheticPair pair = new SyntheticPair(Math.max(ds, dt) * 2, ds, dt, 1);
        FitOptions options = FitOptions.defaults().withLambdas(1e-2);
        if ("auto".equals(method) == false) {
            options = options.withMethod(Method.fromApiName(method));
        }
        translator = TranslatorFitter.fit(pair.source, pair.target, options).linearTranslator();
        queries = SyntheticPair.queries(256, ds, 2);
        entered = translator.source().enter(queries[0]);
        out = new float[dt];
    }

    private float[] nextQuery() {
        next = (next + 1) & 255;
        return queries[next];
    }

    @Benchmark
    public float[] translate() {
        return translator.translate(nextQuery(), true);
    }

    @Benchmark
    public float[] kernelOnly() {
        MatrixKernels.vectorTimesMatrix(entered, translator.matrix(), translator.sourceDims(), translator.targetDims(), out);
        return out;
    }

    @Benchmark
    public float floorStreamMatrix() {
        return StreamFloor.sum(translator.matrix());
    }

    /** The plain-Java fallback, in a JVM told to use it. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dlatent.kernels=scalar"})
    public float[] translateScalarFallback() {
        return translator.translate(nextQuery(), true);
    }
}
