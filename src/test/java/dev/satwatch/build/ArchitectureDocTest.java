package dev.satwatch.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/ARCHITECTURE.md} true: every {@code package.Class.method} it names exists (so the walk of a loss
 * event follows real code), and its package table names exactly the packages under {@code src/main/java}.
 */
class ArchitectureDocTest {

    private static final Path DOC = Path.of("docs/ARCHITECTURE.md");
    private static final Pattern QUALIFIED_METHOD = Pattern.compile("`([a-z]+)\\.([A-Z]\\w*)\\.([a-z]\\w*)`");
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("`([a-z]+)\\.([A-Z]\\w*)`");
    private static final Pattern TABLE_PACKAGE = Pattern.compile("^\\| `([a-z]+)` \\|", Pattern.MULTILINE);

    @Test
    void shouldNameOnlyMethodsThatExist() throws IOException {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        int named = 0;
        Matcher m = QUALIFIED_METHOD.matcher(doc);
        while (m.find()) {
            named++;
            Class<?> type = load(m.group(1), m.group(2));
            String method = m.group(3);
            if (type == null
                    || Arrays.stream(type.getDeclaredMethods())
                            .map(Method::getName)
                            .noneMatch(method::equals)) {
                missing.add(m.group());
            }
        }
        Matcher c = QUALIFIED_CLASS.matcher(doc);
        while (c.find()) {
            named++;
            if (load(c.group(1), c.group(2)) == null) {
                missing.add(c.group());
            }
        }

        assertThat(named).as("qualified names on the page").isGreaterThanOrEqualTo(15);
        assertThat(missing).as("names on the page that are not in the code").isEmpty();
    }

    @Test
    void shouldNameEveryPackageInItsTable() throws IOException {
        Set<String> inTable = new TreeSet<>();
        Matcher m = TABLE_PACKAGE.matcher(Files.readString(DOC));
        while (m.find()) {
            inTable.add(m.group(1));
        }
        Set<String> inCode;
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/dev/satwatch"))) {
            inCode = dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        assertThat(inTable).isEqualTo(inCode);
    }

    private static Class<?> load(String pkg, String type) {
        try {
            return Class.forName("dev.satwatch." + pkg + "." + type, false, ArchitectureDocTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
