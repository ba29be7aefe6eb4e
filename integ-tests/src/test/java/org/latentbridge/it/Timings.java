package org.latentbridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Records how long the slow harness steps take (distribution copy, plugin install, node start, stop), on stdout
 * and in {@code it-work/timings.log}, so that IT time can be watched without re-running anything.
 */
final class Timings {

    private Timings() {}

    static synchronized void record(String step, long nanos) {
        String line = String.format(Locale.ROOT, "[es-harness] %-48s %7.2f s", step, nanos / 1e9);
        System.out.println(line);
        try {
            Files.createDirectories(ItEnvironment.workDir());
            Files.writeString(ItEnvironment.workDir().resolve("timings.log"), line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("[es-harness] cannot write timings.log: " + e);
        }
    }
}
