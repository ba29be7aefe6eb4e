package org.latentbridge.benchmarks;

import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.translate.KernelTranslator;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The per-query cost of {@code orthogonal_kernel} against plain {@code orthogonal} on the same frames, 384 x 384, for
 * each centre count the fit can choose: the correction adds two products with {@code centres x 384} matrices and one
 * exponential per centre. Random centres and coefficients: this measures time, not quality.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelTranslateBenchmark {
    private static final int DIMS = 384;

    @Param({"500", "1000", "2000"})
    public int centres;

    private LinearTranslator orthogonal;
    private KernelTranslator kernel;
    private float[][] queries;
    private int next;

    @Setup
    public void setUp() {
        SyntheticPair pair = new SyntheticPair(2 * DIMS, DIMS, DIMS, 1);
        orthogonal = TranslatorFitter.fit(pair.source, pair.target, FitOptions.defaults().withMethod(Method.ORTHOGONAL)).linearTranslator();
        Random random = new Random(3);
        float[] c = new float[centres * DIMS], a = new float[centres * DIMS];
        for (int i = 0; i < centres; i++) {
            float[] row = orthogonal.source().enter(SyntheticPair.queries(1, DIMS, random.nextLong())[0]);
            System.arraycopy(row, 0, c, i * DIMS, DIMS);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (0.01 * random.nextGaussian());
        }
        kernel = new KernelTranslator(orthogonal.source(), orthogonal.target(), orthogonal.matrix(), c, a, 0.2, 2 * DIMS);
        queries = SyntheticPair.queries(256, DIMS, 2);
    }

    private float[] nextQuery() {
        next = (next + 1) & 255;
        return queries[next];
    }

    @Benchmark
    public float[] orthogonal() {
        return orthogonal.translate(nextQuery(), true);
    }

    @Benchmark
    public float[] orthogonalKernel() {
        return kernel.translate(nextQuery(), true);
    }
}
