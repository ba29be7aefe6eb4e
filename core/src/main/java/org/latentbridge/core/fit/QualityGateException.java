package org.latentbridge.core.fit;

import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;

import java.util.Map;

/** A fit refused because the chosen method's held-out metrics fall below a {@code min_quality} floor. */
public final class QualityGateException extends IllegalArgumentException {
    private final transient Method method;
    private final transient Map<Method, HeldOutMetrics> metrics;

    QualityGateException(String message, Method method, Map<Method, HeldOutMetrics> metrics) {
        super(message);
        this.method = method;
        this.metrics = metrics;
    }

    public Method method() {
        return method;
    }

    /** Every candidate's held-out metrics, so the caller sees how far each fell short. */
    public Map<Method, HeldOutMetrics> metrics() {
        return metrics;
    }
}
