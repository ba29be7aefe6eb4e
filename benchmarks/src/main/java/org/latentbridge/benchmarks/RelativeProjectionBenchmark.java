package org.latentbridge.benchmarks;

import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
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

/** A query projected into the relative space of n anchors (cosines, then unit length), beside streaming the anchors once. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RelativeProjectionBenchmark {

    @Param({"1000", "5000"})
    public int anchors;

    @Param({"384"})
    public int dims;

    private RelativeProjection projection;
    private float[][] queries;
    private int next;

    @Setup
    public void setUp() {
        projection = RelativeProjection.of(new SyntheticPair(anchors, dims, dims, 3).source, Preprocessing.DEFAULT);
        queries = SyntheticPair.queries(256, dims, 4);
    }

    @Benchmark
    public float[] project() {
        next = (next + 1) & 255;
        return projection.translate(queries[next], true);
    }

    @Benchmark
    public float floorStreamAnchors() {
        return StreamFloor.sum(projection.anchorRows());
    }
}
