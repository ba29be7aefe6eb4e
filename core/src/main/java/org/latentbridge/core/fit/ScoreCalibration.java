package org.latentbridge.core.fit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.latentbridge.core.fit.StoredValues.doubles;
import static org.latentbridge.core.fit.StoredValues.number;
import static org.latentbridge.core.fit.StoredValues.string;

/**
 * A monotone map from a translated similarity (a source-model query translated into the target space, against target
 * vectors) onto the scale of the source model's native similarity (the same query against source vectors), so that the
 * two can be ranked together. It is piecewise linear through {@code x -> y} knots, with the end segments' slopes
 * extended beyond the first and last knot; {@link Form#IDENTITY} has no knots and returns its input.
 *
 * @param form             how the knots were fitted
 * @param x                knot abscissae (translated similarities), strictly increasing
 * @param y                knot ordinates (native similarities), non-decreasing, as many as {@code x}
 * @param topRanks         how many top similarities of each held-out query the fit compared
 * @param queries          held-out queries the fit used
 * @param heldOutError     mean absolute error of this map on queries it was not fitted on (rank-paired similarities)
 * @param uncalibratedError the same error with no calibration (the identity), for comparison
 */
public record ScoreCalibration(Form form, double[] x, double[] y, int topRanks, int queries, double heldOutError,
                               double uncalibratedError) {

    /** The calibration forms, weighed against each other on held-out anchors. */
    public enum Form {
        IDENTITY, AFFINE, QUANTILE, ISOTONIC;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Form fromApiName(String name) {
            for (Form f : values()) {
                if (f.apiName().equals(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown calibration form [" + name + "], expected one of "
                + Arrays.stream(values()).map(Form::apiName).toList());
        }
    }

    /** The identity: what a model into its own space needs (nothing to calibrate). */
    public static final ScoreCalibration IDENTITY = new ScoreCalibration(Form.IDENTITY, new double[0], new double[0], 0, 0, 0, 0);

    public ScoreCalibration {
        if (form == null || x == null || y == null) {
            throw new IllegalArgumentException("a score calibration needs [form], [x] and [y]");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("calibration knots differ in length: [x] has [" + x.length + "], [y] has [" + y.length
                + "]");
        }
        if (form == Form.IDENTITY ? x.length != 0 : x.length < 2) {
            throw new IllegalArgumentException("a [" + form.apiName() + "] calibration needs " + (form == Form.IDENTITY ? "no knots"
                : "at least two knots") + ", got [" + x.length + "]");
        }
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) == false || Double.isFinite(y[i]) == false) {
                throw new IllegalArgumentException("calibration knot [" + i + "] is not finite: [" + x[i] + ", " + y[i] + "]");
            }
            if (i > 0 && (x[i] <= x[i - 1] || y[i] < y[i - 1])) {
                throw new IllegalArgumentException("calibration knots must rise: [x] strictly and [y] never falling, but knot [" + i
                    + "] is [" + x[i] + ", " + y[i] + "] after [" + x[i - 1] + ", " + y[i - 1] + "]");
            }
        }
        x = x.clone();
        y = y.clone();
    }

    /** The calibrated similarity: non-decreasing in {@code translated}, linear beyond the end knots. */
    public double apply(double translated) {
        if (form == Form.IDENTITY) {
            return translated;
        }
        int last = x.length - 1;
        int i;
        if (translated <= x[0]) {
            i = 0;
        } else if (translated >= x[last]) {
            i = last - 1;
        } else {
            int found = Arrays.binarySearch(x, translated);
            if (found >= 0) {
                return y[found];
            }
            i = -found - 2; // x[i] < translated < x[i + 1]
        }
        double slope = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
        return y[i] + slope * (translated - x[i]);
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    /** The stored and reported form: {@code form}, {@code x}, {@code y}, and the fit's evidence. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("form", form.apiName());
        m.put("x", Arrays.stream(x).boxed().toList());
        m.put("y", Arrays.stream(y).boxed().toList());
        m.put("top_ranks", topRanks);
        m.put("queries", queries);
        m.put("held_out_error", heldOutError);
        m.put("uncalibrated_error", uncalibratedError);
        return m;
    }

    /** Reads {@link #toMap()}'s form back; a missing or malformed entry is an {@link IllegalArgumentException} naming it. */
    public static ScoreCalibration fromMap(Map<String, ?> m) {
        if (m == null) {
            throw new IllegalArgumentException("a score calibration is missing");
        }
        String what = "calibration";
        return new ScoreCalibration(Form.fromApiName(string(m, what, "form")), doubles(m, what, "x"), doubles(m, what, "y"),
            (int) number(m, what, "top_ranks"), (int) number(m, what, "queries"), number(m, what, "held_out_error"),
            number(m, what, "uncalibrated_error"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreCalibration c && form == c.form && Arrays.equals(x, c.x) && Arrays.equals(y, c.y)
            && topRanks == c.topRanks && queries == c.queries && Double.compare(heldOutError, c.heldOutError) == 0
            && Double.compare(uncalibratedError, c.uncalibratedError) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * form.hashCode() + Arrays.hashCode(x)) + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "ScoreCalibration" + toMap();
    }
}
