package dev.satwatch.cli;

import dev.satwatch.config.ConfigException;
import dev.satwatch.config.SatwatchConfigLoader;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT90S}) durations, as in the config. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return SatwatchConfigLoader.parseDuration("duration", value);
        } catch (ConfigException e) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 2m, 1h, PT90S)");
        }
    }
}
