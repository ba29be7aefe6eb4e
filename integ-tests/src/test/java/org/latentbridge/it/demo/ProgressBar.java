package org.latentbridge.it.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long demo steps. On a terminal it redraws in place; otherwise (CI logs, pipes) it prints
 * a line at every tenth of the way, so logs stay short.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private int lastTenth = -1;
    private boolean finished;

    private ProgressBar(PrintStream out, String label, String unit, boolean terminal) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.terminal = terminal;
    }

    static ProgressBar start(String label, String unit) {
        return new ProgressBar(System.out, label, unit, System.console() != null);
    }

    /** {@code done} of {@code total} units are finished. */
    synchronized void update(int done, int total) {
        if (finished || total <= 0) {
            return;
        }
        double fraction = Math.min(1.0, done / (double) total);
        int tenth = (int) (fraction * 10);
        boolean last = done >= total;
        if (terminal == false && tenth == lastTenth && last == false) {
            return;
        }
        lastTenth = tenth;
        double seconds = (System.nanoTime() - start) / 1e9;
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "  %-44s [%s%s] %3.0f%% %,d/%,d %s, %.0f/s", label, "#".repeat(filled),
            ".".repeat(WIDTH - filled), fraction * 100, done, total, unit, seconds > 0 ? done / seconds : 0);
        if (terminal) {
            out.print('\r' + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
        finished = last;
    }
}
