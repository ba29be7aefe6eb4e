package org.latentbridge.benchmarks;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.latentbridge.core.linalg.MatrixKernels;
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
 * The product that dominates a fit at large n, {@code X^T Y} for {@code n x d} anchors: the project's kernel (float
 * inputs, double sums, one and all cores) against EJML's dense double products ({@code multTransA}, single and
 * concurrent). Divide {@code n d^2} multiply-adds by the time for the rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class CrossProductBenchmark {

    @Param({"5000"})
    public int n;

    @Param({"384", "1024"})
    public int d;

    private float[] x, y;
    private DMatrixRMaj xd, yd;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        x = new float[n * d];
        y = new float[n * d];
        xd = new DMatrixRMaj(n, d);
        yd = new DMatrixRMaj(n, d);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
            y[i] = (float) random.nextGaussian();
            xd.data[i] = x[i];
            yd.data[i] = y[i];
        }
    }

    @Benchmark
    public double[] kernelOneCore() {
        double[] c = new double[d * d];
        MatrixKernels.transposeProduct(x, d, y, d, 0, n, c, 1);
        return c;
    }

    @Benchmark
    public double[] kernelAllCores() {
        double[] c = new double[d * d];
        MatrixKernels.transposeProduct(x, d, y, d, 0, n, c, Runtime.getRuntime().availableProcessors());
        return c;
    }

    @Benchmark
    public DMatrixRMaj ejmlMultTransA() {
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransA(xd, yd, c);
        return c;
    }

    @Benchmark
    public DMatrixRMaj ejmlConcurrentMultTransA() {
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        CommonOps_MT_DDRM.multTransA(xd, yd, c);
        return c;
    }
}
