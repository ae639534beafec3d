package dev.satwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The issue 4 keys: metrics bounds, HTTP server, webhooks. */
class HttpConfigKeysTest {

    @Test
    void shouldDefaultToLoopbackPort8080NoTokenAndNoWebhooks() {
        SatwatchConfig c = SatwatchConfig.defaults();

        assertThat(c.httpBind()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.httpTokenRequired()).isFalse();
        assertThat(c.webhookUrls()).isEmpty();
        assertThat(c.webhookMaxAttempts()).isEqualTo(5);
        assertThat(c.webhookTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.metricsMaxRuns()).isEqualTo(500);
        assertThat(c.metricsFinishedGrace()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldReadTheKeysFromFlagsAndEnvironment() {
        SatwatchConfig c = SatwatchConfigLoader.create()
                .withEnv(Map.of("SATWATCH_HTTP_TOKEN", "s3cret"))
                .withOverrides(Map.of(
                        "http.port", "0",
                        "webhooks.urls", " http://127.0.0.1:9/a , https://hooks.example/b ,",
                        "webhooks.max.attempts", "2",
                        "webhooks.timeout", "250ms"))
                .load();

        assertThat(c.httpPort()).isZero();
        assertThat(c.httpToken()).isEqualTo("s3cret");
        assertThat(c.webhookUrls()).containsExactly("http://127.0.0.1:9/a", "https://hooks.example/b");
        assertThat(c.webhookMaxAttempts()).isEqualTo(2);
        assertThat(c.webhookTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        assertThatThrownBy(() -> load("http.port", "70000")).hasMessageContaining("http.port");
        assertThatThrownBy(() -> load("webhooks.urls", "ftp://x/y")).hasMessageContaining("webhooks.urls");
        assertThatThrownBy(() -> load("webhooks.max.attempts", "0")).hasMessageContaining("webhooks.max.attempts");
        assertThatThrownBy(() -> load("http.bind", " ")).hasMessageContaining("http.bind");
    }

    private static SatwatchConfig load(String key, String value) {
        return SatwatchConfigLoader.create().withOverrides(Map.of(key, value)).load();
    }
}
