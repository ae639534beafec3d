package dev.satwatch.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Binds flat {@code key = value} configuration to settings records ({@code TrackerConfig}, {@code DetectConfig},
 * {@code SummaryConfig}...) by their components, so every field of those records is configurable without a list of
 * keys to keep in step: component {@code binsPerDecade} of a record bound at prefix {@code tracker.summary.} is key
 * {@code tracker.summary.bins.per.decade}. A nested record component is bound at {@code prefix + name + "."} unless
 * its type has its own prefix in {@code nestedPrefixes}. Unset keys keep the value of the defaults instance.
 *
 * <p>Component types: {@code int}, {@code long}, {@code double}, {@code boolean}, {@code String}, {@link Duration},
 * enums (by name, any case) and records. The record's canonical constructor validates: its
 * {@link IllegalArgumentException} becomes a {@link ConfigException} naming the keys that were set. Stateless.
 */
final class RecordBinder {

    private final Map<Class<?>, String> nestedPrefixes;

    /** A binder with the given prefixes for nested record types. */
    RecordBinder(Map<Class<?>, String> nestedPrefixes) {
        this.nestedPrefixes = Map.copyOf(nestedPrefixes);
    }

    /** Every key of {@code defaults} under {@code prefix}, with its default value as text, in component order. */
    Map<String, String> defaults(Record defaults, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            Object value = read(c, defaults);
            if (c.getType().isRecord()) {
                out.putAll(defaults((Record) value, childPrefix(prefix, c)));
            } else {
                out.put(prefix + dotted(c.getName()), text(value));
            }
        }
        return out;
    }

    /**
     * The record of {@code defaults}'s type with every key under {@code prefix} that {@code values} holds applied;
     * adds each key it reads to {@code used}.
     */
    <R extends Record> R bind(R defaults, String prefix, Map<String, ConfigValue> values, Set<String> used) {
        Class<?> type = defaults.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        List<ConfigValue> given = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object value = read(c, defaults);
            if (c.getType().isRecord()) {
                args[i] = bind((Record) value, childPrefix(prefix, c), values, used);
                continue;
            }
            String key = prefix + dotted(c.getName());
            ConfigValue v = values.get(key);
            if (v != null) {
                used.add(key);
                given.add(v);
                value = convert(c.getType(), v);
            }
            args[i] = value;
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            @SuppressWarnings("unchecked") // the canonical constructor of R's own class builds an R
            R bound = (R) constructor.newInstance(args);
            return bound;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String set = given.isEmpty() ? "defaults" : describe(given);
            throw new ConfigException(
                    "invalid " + prefix + "* settings (" + set + "): " + (cause == null ? e : cause.getMessage()),
                    cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private String childPrefix(String prefix, RecordComponent c) {
        String own = nestedPrefixes.get(c.getType());
        return own != null ? own : prefix + dotted(c.getName()) + ".";
    }

    private static String describe(List<ConfigValue> given) {
        List<String> parts = new ArrayList<>();
        for (ConfigValue v : given) {
            parts.add(v.key() + " = '" + v.value() + "' from " + v.origin());
        }
        return String.join(", ", parts);
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    private static Object convert(Class<?> type, ConfigValue v) {
        if (type == int.class || type == Integer.class) {
            return ConfigValues.integer(v);
        }
        if (type == long.class || type == Long.class) {
            return ConfigValues.longValue(v);
        }
        if (type == double.class || type == Double.class) {
            return ConfigValues.number(v);
        }
        if (type == boolean.class || type == Boolean.class) {
            return ConfigValues.bool(v);
        }
        if (type == String.class) {
            return v.value().trim();
        }
        if (type == Duration.class) {
            return ConfigValues.duration(v);
        }
        if (type.isEnum()) {
            String name = v.value().trim();
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                String n = ((Enum<?>) constant).name();
                if (n.equalsIgnoreCase(name)) {
                    return constant;
                }
                names.add(n.toLowerCase(Locale.ROOT));
            }
            throw v.error("expected one of " + names);
        }
        throw new IllegalStateException("unsupported settings type " + type.getName() + " for " + v.key());
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Duration d) {
            return ConfigValues.format(d);
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }

    /** {@code binsPerDecade} → {@code bins.per.decade}. */
    static String dotted(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    sb.append('.');
                }
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
