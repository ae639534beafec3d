package dev.satwatch.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.puppycrawl.tools.checkstyle.Checker;
import com.puppycrawl.tools.checkstyle.ConfigurationLoader;
import com.puppycrawl.tools.checkstyle.PropertiesExpander;
import com.puppycrawl.tools.checkstyle.api.AuditEvent;
import com.puppycrawl.tools.checkstyle.api.AuditListener;
import com.puppycrawl.tools.checkstyle.api.CheckstyleException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Feeds the build's own Checkstyle configuration ({@code build-config/checkstyle.xml} with its import-control files)
 * one small source file at a time, laid out as in the repository, and checks which ones it rejects: each never-arrow
 * of the package picture fails the build, and the allowed arrows pass, so the rules cannot silently stop applying.
 */
class ImportControlRulesTest {

    private static final Path CONFIG_DIR = Path.of("build-config");

    @TempDir
    Path tree;

    @ParameterizedTest(name = "{0}/{1} importing {2}: {3}")
    @CsvSource({
        // The cycle the serve package broke: the topology never sees the web, the web never sees the topology.
        "main, stream, dev.satwatch.http.EventSink, rejected",
        "main, http, dev.satwatch.stream.SatwatchApp, rejected",
        "main, http, org.apache.kafka.clients.producer.KafkaProducer, rejected",
        "main, serve, dev.satwatch.stream.SatwatchApp, allowed",
        "main, serve, dev.satwatch.http.EventSink, allowed",
        // Kafka is banned at the root and allowed only where it is used.
        "main, io, org.apache.kafka.common.serialization.Serdes, rejected",
        "main, stream, org.apache.kafka.streams.KafkaStreams, allowed",
        // The numerics and the policy know no Kafka, Jackson or Micrometer, and never the adapters.
        "main, fit, org.apache.kafka.common.utils.Utils, rejected",
        "main, fit, com.fasterxml.jackson.core.JsonParser, rejected",
        "main, detect, io.micrometer.core.instrument.Counter, rejected",
        "main, track, dev.satwatch.serde.EventCodec, rejected",
        "main, fit, org.apache.commons.math3.linear.RealMatrix, allowed",
        "main, serde, dev.satwatch.stream.SatwatchApp, rejected",
        "main, serde, com.fasterxml.jackson.core.JsonParser, allowed",
        // Tests are checked too, with their own rules.
        "test, fit, org.apache.kafka.common.utils.Utils, rejected",
        "test, track, dev.satwatch.stream.RunProcessor, rejected",
        "test, fit, com.fasterxml.jackson.databind.ObjectMapper, allowed",
        "test, stream, org.apache.kafka.streams.KafkaStreams, allowed",
    })
    void shouldEnforceThePackagePicture(String sourceSet, String pkg, String imported, String verdict)
            throws Exception {
        Path file = source(sourceSet, pkg, "import " + imported + ";\n");

        List<String> errors = check(file);

        if (verdict.equals("rejected")) {
            assertThat(errors).as("Checkstyle errors").anyMatch(e -> e.contains("Disallowed import"));
        } else {
            assertThat(errors).as("Checkstyle errors").isEmpty();
        }
    }

    @ParameterizedTest(name = "a sleeping wait in {0} sources is rejected")
    @CsvSource({"main", "test"})
    void shouldRejectSleepsInMainAndTestSources(String sourceSet) throws Exception {
        Path file = source(sourceSet, "stream", "");
        // The sleeping method is a resource, not source, so this test stays within the rule it checks.
        String sleeping = Files.readString(Path.of("src/test/resources/build/sleeping-method.txt"));
        Files.writeString(file, Files.readString(file).replace("{}", "{\n" + sleeping + "}"));

        assertThat(check(file)).anyMatch(e -> e.contains("wait on a condition"));
    }

    /** {@code tree/src/<set>/java/dev/satwatch/<pkg>/Probe.java} with the given imports. */
    private Path source(String sourceSet, String pkg, String imports) throws IOException {
        Path dir = tree.resolve("src")
                .resolve(sourceSet)
                .resolve("java/dev/satwatch")
                .resolve(pkg);
        Files.createDirectories(dir);
        Path file = dir.resolve("Probe.java");
        Files.writeString(file, "package dev.satwatch." + pkg + ";\n\n" + imports + "\nclass Probe {}\n");
        return file;
    }

    private static List<String> check(Path file) throws CheckstyleException {
        Properties props = new Properties();
        props.setProperty("config_loc", CONFIG_DIR.toAbsolutePath().toString());
        Checker checker = new Checker();
        checker.setModuleClassLoader(Checker.class.getClassLoader());
        checker.configure(ConfigurationLoader.loadConfiguration(
                CONFIG_DIR.resolve("checkstyle.xml").toString(),
                new PropertiesExpander(props),
                ConfigurationLoader.IgnoredModulesOptions.OMIT));
        List<String> errors = new ArrayList<>();
        checker.addListener(new Collector(errors));
        try {
            checker.process(List.of(new File(file.toString())));
        } finally {
            checker.destroy();
        }
        return errors;
    }

    /** Collects the error messages of one run. */
    private record Collector(List<String> errors) implements AuditListener {
        @Override
        public void addError(AuditEvent event) {
            errors.add(event.getMessage());
        }

        @Override
        public void addException(AuditEvent event, Throwable throwable) {
            errors.add("exception: " + throwable);
        }

        @Override
        public void auditStarted(AuditEvent event) {}

        @Override
        public void auditFinished(AuditEvent event) {}

        @Override
        public void fileStarted(AuditEvent event) {}

        @Override
        public void fileFinished(AuditEvent event) {}
    }
}
