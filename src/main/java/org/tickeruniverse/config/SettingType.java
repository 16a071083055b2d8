package org.tickeruniverse.config;

import io.vertx.mysqlclient.MySQLConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The type of a {@link Setting}: how its raw value (a string from the environment or the command
 * line, or a JSON value from a file) is parsed and validated, and how it is written back as JSON. A
 * value that does not parse is an {@link Invalid} naming why, which {@link ConfigReader} turns into
 * the one-line start-up error.
 */
public final class SettingType<T> {

  /** A raw value this type refuses; {@code shown} is the value quoted in the message, or null. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object shown;

    Invalid(String why, Object shown) {
      super(why, null, false, false);
      this.shown = shown;
    }
  }

  private final Class<?> javaType;
  private final Function<Object, T> parse;
  private final Function<T, Object> toJson;

  private SettingType(Class<?> javaType, Function<Object, T> parse, Function<T, Object> toJson) {
    this.javaType = javaType;
    this.parse = parse;
    this.toJson = toJson;
  }

  /** Parses a raw value (never null: a missing value takes the declared default). */
  T parse(Object raw) {
    return parse.apply(raw);
  }

  Object toJson(T value) {
    return toJson.apply(value);
  }

  @SuppressWarnings("unchecked")
  T cast(Object value) {
    if (!javaType.isInstance(value)) {
      throw new IllegalArgumentException("expected " + javaType.getSimpleName() + ", got " + value);
    }
    return (T) value;
  }

  // ---- the types ---------------------------------------------------------------------------

  static SettingType<String> optionalString() {
    return new SettingType<>(String.class, raw -> String.valueOf(raw).strip(), v -> v);
  }

  static SettingType<String> string() {
    return new SettingType<>(String.class, raw -> nonEmpty(raw), v -> v);
  }

  /** A password or key: never quoted in an error message. */
  static SettingType<String> secret() {
    return new SettingType<>(String.class, raw -> String.valueOf(raw), v -> v);
  }

  /** Empty, or a key of at least {@code minLength} printable ASCII characters; never quoted. */
  static SettingType<String> optionalSecret(int minLength) {
    return new SettingType<>(
        String.class,
        raw -> {
          String v = String.valueOf(raw).strip();
          if (!v.isEmpty() && (v.length() < minLength || !printableNoSpace(v))) {
            throw new Invalid(
                "must be empty or at least "
                    + minLength
                    + " printable ASCII characters without spaces",
                null);
          }
          return v;
        },
        v -> v);
  }

  static SettingType<Integer> intIn(int min, int max) {
    return new SettingType<>(Integer.class, raw -> (int) whole(raw, min, max), v -> v);
  }

  static SettingType<Long> longIn(long min, long max) {
    return new SettingType<>(Long.class, raw -> whole(raw, min, max), v -> v);
  }

  static SettingType<Boolean> bool() {
    return new SettingType<>(
        Boolean.class,
        raw -> {
          if (raw instanceof Boolean b) {
            return b;
          }
          return switch (String.valueOf(raw).strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw new Invalid("must be true or false", raw);
          };
        },
        v -> v);
  }

  static SettingType<String> oneOf(String... values) {
    List<String> allowed = List.of(values);
    return new SettingType<>(
        String.class,
        raw -> {
          String v = String.valueOf(raw).strip().toLowerCase(Locale.ROOT);
          if (!allowed.contains(v)) {
            throw new Invalid("must be one of " + allowed, raw);
          }
          return v;
        },
        v -> v);
  }

  /** Comma-separated in the environment and in JSON (so a file may use the same text). */
  static SettingType<List<String>> list() {
    return new SettingType<>(List.class, SettingType::items, v -> String.join(",", v));
  }

  static SettingType<Set<String>> tokens() {
    return new SettingType<>(
        Set.class,
        raw -> {
          Set<String> tokens = new LinkedHashSet<>(items(raw));
          // Printable ASCII without spaces: what RFC 6750 allows in a bearer token. The message
          // never quotes a token.
          if (!tokens.stream().allMatch(t -> t.length() >= 16 && printableNoSpace(t))) {
            throw new Invalid(
                "every token must be at least 16 printable ASCII characters without spaces", null);
          }
          return Set.copyOf(tokens);
        },
        v -> String.join(",", v));
  }

  static SettingType<String> keyPrefix() {
    return new SettingType<>(
        String.class,
        raw -> {
          String v = nonEmpty(raw);
          if (v.length() > 64 || !printableNoSpace(v)) {
            throw new Invalid("must be 1-64 printable ASCII characters without spaces", v);
          }
          return v;
        },
        v -> v);
  }

  /**
   * An IPv4 address: Hazelcast binds to the interface that has it (and the event bus to the same),
   * and interface matching works on addresses, not host names.
   */
  static SettingType<String> ipv4() {
    return new SettingType<>(
        String.class,
        raw -> {
          String v = nonEmpty(raw);
          if (!v.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)")) {
            throw new Invalid(
                "must be the IPv4 address of this node's cluster interface, such as 127.0.0.1 or 10.0.0.7",
                v);
          }
          return v;
        },
        v -> v);
  }

  static SettingType<LocalTime> timeOfDay() {
    return new SettingType<>(
        LocalTime.class,
        raw -> {
          String v = nonEmpty(raw);
          try {
            return LocalTime.parse(v);
          } catch (DateTimeParseException e) {
            throw new Invalid("must be a UTC time of day such as 03:30", v);
          }
        },
        LocalTime::toString);
  }

  static SettingType<List<VerticleName>> verticles() {
    String known = Arrays.stream(VerticleName.values()).map(VerticleName::id).toList().toString();
    return new SettingType<>(
        List.class,
        raw -> {
          List<String> names = items(raw);
          if (names.isEmpty()) {
            throw new Invalid("must name at least one of " + known, "");
          }
          LinkedHashSet<VerticleName> out = new LinkedHashSet<>();
          for (String name : names) {
            out.add(
                VerticleName.byId(name)
                    .orElseThrow(
                        () -> new Invalid("names an unknown verticle; known: " + known, name)));
          }
          return List.copyOf(out);
        },
        v -> v.stream().map(VerticleName::id).collect(Collectors.joining(",")));
  }

  static SettingType<String> redisUrl() {
    return new SettingType<>(
        String.class,
        raw -> {
          String v = nonEmpty(raw);
          String shown = Urls.redact(v);
          String scheme;
          try {
            scheme = new URI(v).getScheme();
          } catch (URISyntaxException e) {
            throw new Invalid("is not a valid URL", shown);
          }
          if (scheme == null || !Urls.REDIS_SCHEMES.contains(scheme)) {
            throw new Invalid(
                "must start with one of "
                    + Urls.REDIS_SCHEMES.stream().sorted().map(x -> x + "://").toList(),
                shown);
          }
          List<String> endpoints;
          try {
            endpoints = Urls.redisEndpoints(v);
          } catch (IllegalArgumentException e) {
            throw new Invalid("is not a valid URL", shown);
          }
          if (endpoints.isEmpty()) {
            throw new Invalid("must name at least one host:port", shown);
          }
          if (scheme.equals("redis-sentinel") && Urls.sentinelMaster(v).isEmpty()) {
            throw new Invalid(
                "must name the master after the hosts: redis-sentinel://host:26379/mymaster",
                shown);
          }
          return v;
        },
        v -> v);
  }

  static SettingType<String> mysqlUrl() {
    return new SettingType<>(
        String.class,
        raw -> {
          String v = nonEmpty(raw);
          MySQLConnectOptions options;
          try {
            options = MySQLConnectOptions.fromUri(v);
          } catch (RuntimeException e) {
            throw new Invalid(
                "is not a valid mysql://user[:password]@host[:port]/database URL", Urls.redact(v));
          }
          String db = options.getDatabase();
          if (db == null || !db.matches("[A-Za-z0-9_]{1,64}")) {
            throw new Invalid(
                "must name a database of letters, digits and _ (mysql://root@127.0.0.1:3306/ticker_universe)",
                Urls.redact(v));
          }
          return v;
        },
        v -> v);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static String nonEmpty(Object raw) {
    String v = String.valueOf(raw).strip();
    if (v.isEmpty()) {
      throw new Invalid("must not be empty", v);
    }
    return v;
  }

  private static long whole(Object raw, long min, long max) {
    long parsed;
    if (raw instanceof Number n && n.doubleValue() == n.longValue()) {
      parsed = n.longValue();
    } else {
      try {
        parsed = Long.parseLong(String.valueOf(raw).strip());
      } catch (NumberFormatException e) {
        throw new Invalid("must be a whole number in " + min + ".." + max, raw);
      }
    }
    if (parsed < min || parsed > max) {
      throw new Invalid("must be in " + min + ".." + max, raw);
    }
    return parsed;
  }

  private static List<String> items(Object raw) {
    return Arrays.stream(String.valueOf(raw).split(","))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .toList();
  }

  private static boolean printableNoSpace(String v) {
    return v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
  }
}
