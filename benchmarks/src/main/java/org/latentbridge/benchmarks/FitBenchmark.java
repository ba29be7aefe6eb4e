package org.latentbridge.benchmarks;

import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
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
 * Wall time of one whole fit (split, moments, every candidate with its lambda search and held-out evaluation, and
 * the final refit) on all cores, one shot per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class FitBenchmark {

    @Param({"1000", "2000", "5000", "20000"})
    public int anchors;

    @Param({"384", "1024"})
    public int dims;

    @Param({"auto", "orthogonal", "linear", "affine", "inverse_relative", "contrastive"})
    public String method;

    private SyntheticPair pair;
    private FitOptions options;

    @Setup
    public void setUp() {
        pair = new SyntheticPair(anchors, dims, dims, 5);
        options = FitOptions.defaults();
        if ("auto".equals(method) == false) {
            options = options.withMethod(Method.fromApiName(method));
        }
    }

    @Benchmark
    public FitResult fit() {
        return TranslatorFitter.fit(pair.source, pair.target, options);
    }
}
