package org.tickeruniverse.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tickeruniverse.role.VerticleName;

/**
 * One setting: a component of a section record of {@link ServiceConfig}, declared there with its
 * {@link Doc} and checks. Its JSON path is section.component; its environment variable follows from
 * the path ({@code http.bodyLimitBytes} → {@code TU_HTTP_BODY_LIMIT_BYTES}); its default is in
 * {@code conf/ticker-universe.json}, or per privacy profile in {@code conf/privacy-profiles.json}.
 * Its type is the component's Java type; {@link Range}, {@link OneOf} and {@link Check} narrow it.
 * (README.md#configuration)
 */
public record Setting(String path, String env, RecordComponent component) {

  /** The one-line meaning the README table shows; every setting has one. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Doc {
    String value();
  }

  /** The bounds of a whole number. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Range {
    long min() default 0;

    long max();
  }

  /** The values a string may take (compared in lower case). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface OneOf {
    String[] value();
  }

  /** How a string is checked; without it, any text (stripped). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Check {
    Kind value();
  }

  /** The environment name before the naming rule: still read, with a warning (one release). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.RECORD_COMPONENT)
  public @interface Was {
    String value();
  }

  /** Checks of a string; a secret's or password's value is never quoted. */
  public enum Kind {
    NON_EMPTY,
    SECRET,
    PASSWORD,
    KEY_PREFIX,
    IPV4,
    REDIS_URL,
    MYSQL_URL,
    PROFILE
  }

  static final JsonObject DEFAULTS = ConfigLoader.resource("conf/ticker-universe.json");
  static final JsonObject PROFILES = ConfigLoader.resource("conf/privacy-profiles.json");

  /** Every setting, in the order of the records (the order of the README table and of conf/). */
  public static final List<Setting> ALL =
      Arrays.stream(ServiceConfig.class.getRecordComponents())
          .flatMap(
              section ->
                  Arrays.stream(section.getType().getRecordComponents())
                      .map(c -> of(section.getName() + "." + c.getName(), c)))
          .toList();

  private static Setting of(String path, RecordComponent component) {
    String env = "TU_" + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
    return new Setting(path, env.toUpperCase(Locale.ROOT), component);
  }

  /** The setting at {@code path}, if one is declared there. */
  static Optional<Setting> find(String path) {
    return ALL.stream().filter(s -> s.path.equals(path)).findFirst();
  }

  /** The setting at {@code path}; a path nobody declared is a programming error. */
  public static Setting at(String path) {
    return find(path).orElseThrow(() -> new IllegalArgumentException("no setting " + path));
  }

  /** The meaning, as the README shows it. */
  public String doc() {
    return component.getAnnotation(Doc.class).value();
  }

  /** The old environment name, or empty. */
  String was() {
    Was was = component.getAnnotation(Was.class);
    return was == null ? "" : was.value();
  }

  /** How an error message names this setting: both ways a user may have set it. */
  public String label() {
    return env + " (" + path + ")";
  }

  /** Whether a privacy profile chooses this setting's default. */
  public boolean profiled() {
    return raw(DEFAULTS) == null;
  }

  /** The default under the default profile (the one {@code conf/ticker-universe.json} names). */
  public Object defaultValue() {
    return defaultFor(DEFAULTS.getJsonObject("privacy").getString("profile"));
  }

  /** The default under {@code profile} ({@code off}, {@code standard}, {@code strict}). */
  public Object defaultFor(String profile) {
    return parse(profiled() ? raw(PROFILES.getJsonObject(profile)) : raw(DEFAULTS));
  }

  /** This setting's value in {@code config}. */
  public Object valueIn(ServiceConfig config) {
    try {
      String section = path.substring(0, path.indexOf('.'));
      return component.getAccessor().invoke(ServiceConfig.class.getMethod(section).invoke(config));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(path, e);
    }
  }

  /** The value in the JSON tree {@code root} at this setting's path, or null. */
  Object raw(JsonObject root) {
    Object node = root;
    for (String part : path.split("\\.")) {
      node = node instanceof JsonObject obj ? obj.getValue(part) : null;
    }
    return node;
  }

  /** The value as it appears in JSON (conf/, -conf files): lists comma-separated. */
  public static Object toJson(Object value) {
    if (value instanceof Collection<?> c) {
      return c.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return value instanceof LocalTime ? value.toString() : value;
  }

  /** The value the record component takes for a raw value, or an {@link Invalid} saying why. */
  Object parse(Object raw) {
    if (raw == null) {
      throw new IllegalStateException("no default for " + path + " in conf/");
    }
    return switch (component.getGenericType().getTypeName()) {
      case "int" -> (int) whole(raw);
      case "long" -> whole(raw);
      case "boolean" -> bool(raw);
      case "java.time.LocalTime" -> timeOfDay(raw);
      case "java.util.Set<java.lang.String>" -> tokens(raw);
      case "java.util.List<java.lang.String>" -> items(raw);
      case "java.util.List<org.tickeruniverse.role.VerticleName>" -> verticles(raw);
      case "java.lang.String" -> text(raw);
      default -> throw new IllegalStateException(path + ": no parser for " + component);
    };
  }

  /** A raw value a setting refuses; {@code shown} is the value quoted in the message, or null. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object shown;

    Invalid(String why, Object shown) {
      super(why, null, false, false);
      this.shown = shown;
    }
  }

  private static <V> V check(boolean ok, V value, String why, Object shown) {
    if (!ok) {
      throw new Invalid(why, shown);
    }
    return value;
  }

  private long whole(Object raw) {
    Range range = component.getAnnotation(Range.class);
    long min = range.min();
    long max = range.max();
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
    return check(parsed >= min && parsed <= max, parsed, "must be in " + min + ".." + max, raw);
  }

  private static boolean bool(Object raw) {
    return raw instanceof Boolean b
        ? b
        : switch (String.valueOf(raw).strip().toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes", "on" -> true;
          case "false", "0", "no", "off", "" -> false;
          default -> throw new Invalid("must be true or false", raw);
        };
  }

  private static LocalTime timeOfDay(Object raw) {
    try {
      return LocalTime.parse(String.valueOf(raw).strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new Invalid("must be a UTC time of day such as 03:30", raw);
    }
  }

  /**
   * Comma-separated in the environment and in JSON (so a file may use the same text), or a JSON
   * array.
   */
  private static List<String> items(Object raw) {
    Stream<Object> items =
        raw instanceof JsonArray array ? array.stream() : Stream.of(raw.toString().split(","));
    return items.map(String::valueOf).map(String::strip).filter(t -> !t.isEmpty()).toList();
  }

  private static boolean printableNoSpace(String v) {
    return v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
  }

  /** What RFC 6750 allows in a bearer token; the message never quotes a token. */
  private static Set<String> tokens(Object raw) {
    Set<String> tokens = new LinkedHashSet<>(items(raw));
    boolean ok = tokens.stream().allMatch(t -> t.length() >= 16 && printableNoSpace(t));
    String why = "every token must be at least 16 printable ASCII characters without spaces";
    return check(ok, Set.copyOf(tokens), why, null);
  }

  private static List<VerticleName> verticles(Object raw) {
    String known = Arrays.toString(VerticleName.values());
    check(!items(raw).isEmpty(), raw, "must name at least one of " + known, "");
    LinkedHashSet<VerticleName> out = new LinkedHashSet<>();
    for (String name : items(raw)) {
      out.add(
          VerticleName.byId(name)
              .orElseThrow(() -> new Invalid("names an unknown verticle; known: " + known, name)));
    }
    return List.copyOf(out);
  }

  private String text(Object raw) {
    String v = String.valueOf(raw).strip();
    String nonEmpty = "must not be empty";
    OneOf oneOf = component.getAnnotation(OneOf.class);
    Check kind = component.getAnnotation(Check.class);
    if (oneOf != null || (kind != null && kind.value() == Kind.PROFILE)) {
      List<String> allowed =
          oneOf != null ? List.of(oneOf.value()) : List.copyOf(PROFILES.fieldNames());
      v = v.toLowerCase(Locale.ROOT);
      return check(allowed.contains(v), v, "must be one of " + allowed, raw);
    }
    if (kind == null) {
      return v;
    }
    return switch (kind.value()) {
      case PASSWORD -> String.valueOf(raw); // kept as given, never quoted
      case NON_EMPTY -> check(!v.isEmpty(), v, nonEmpty, v);
      case SECRET ->
          check(
              v.isEmpty() || (v.length() >= 16 && printableNoSpace(v)),
              v,
              "must be empty or at least 16 printable ASCII characters without spaces",
              null);
      case KEY_PREFIX ->
          check(
              !v.isEmpty() && v.length() <= 64 && printableNoSpace(v),
              v,
              "must be 1-64 printable ASCII characters without spaces",
              v);
      // An address, not a name: Hazelcast and the event bus bind the interface that has it.
      case IPV4 ->
          check(
              v.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)"),
              v,
              "must be the IPv4 address of this node's cluster interface, such as 127.0.0.1",
              v);
      case REDIS_URL -> redisUrl(v);
      case MYSQL_URL -> mysqlUrl(v);
      case PROFILE -> throw new IllegalStateException("handled above");
    };
  }

  private static String redisUrl(String v) {
    String shown = Urls.redact(v);
    String scheme = Urls.scheme(v);
    List<String> schemes = Urls.REDIS_SCHEMES.stream().sorted().map(x -> x + "://").toList();
    check(Urls.REDIS_SCHEMES.contains(scheme), v, "must start with one of " + schemes, shown);
    List<String> endpoints;
    try {
      URI.create(v);
      endpoints = Urls.redisEndpoints(v);
    } catch (IllegalArgumentException e) {
      throw new Invalid("is not a valid URL", shown);
    }
    check(!endpoints.isEmpty(), v, "must name at least one host:port", shown);
    return check(
        !scheme.equals("redis-sentinel") || Urls.sentinelMaster(v).isPresent(),
        v,
        "must name the master after the hosts: redis-sentinel://host:26379/mymaster",
        shown);
  }

  private static String mysqlUrl(String v) {
    String db;
    try {
      db = MySQLConnectOptions.fromUri(v).getDatabase();
    } catch (RuntimeException e) {
      throw new Invalid(
          "is not a valid mysql://user[:password]@host[:port]/database URL", Urls.redact(v));
    }
    return check(
        db != null && db.matches("[A-Za-z0-9_]{1,64}"),
        v,
        "must name a database of letters, digits and _ (mysql://root@127.0.0.1:3306/ticker_universe)",
        Urls.redact(v));
  }
}
