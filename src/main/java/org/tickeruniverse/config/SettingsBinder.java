package org.tickeruniverse.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds {@link ServiceConfig}'s section records from parsed setting values, matching each record
 * component to the setting of the same path ({@code flush.leaseSeconds} → {@code
 * Flush.leaseSeconds}). Reflection, so that a setting is declared once and not copied into a
 * constructor call; it runs once per configuration read, never on a request path. A component
 * without a setting, or a setting without a component, is a programming error found by the first
 * read (every test that loads a configuration).
 */
final class SettingsBinder {

  private SettingsBinder() {}

  static ServiceConfig bind(Map<Setting<?>, Object> values) {
    RecordComponent[] sections = ServiceConfig.class.getRecordComponents();
    Object[] built = new Object[sections.length];
    int bound = 0;
    for (int i = 0; i < sections.length; i++) {
      RecordComponent section = sections[i];
      RecordComponent[] parts = section.getType().getRecordComponents();
      Object[] args = new Object[parts.length];
      for (int j = 0; j < parts.length; j++) {
        Setting<?> s = Setting.byPath(section.getName() + "." + parts[j].getName());
        if (s == null || !values.containsKey(s)) {
          throw new IllegalStateException(
              "no setting declared for " + section.getName() + "." + parts[j].getName());
        }
        args[j] = values.get(s);
        bound++;
      }
      built[i] = construct(section.getType(), args);
    }
    if (bound != Setting.ALL.size()) {
      throw new IllegalStateException(
          "declared settings without a ServiceConfig component: "
              + Setting.ALL.stream().filter(s -> !hasComponent(s)).toList());
    }
    return (ServiceConfig) construct(ServiceConfig.class, built);
  }

  static <T> T get(ServiceConfig config, Setting<T> setting) {
    try {
      Object section = ServiceConfig.class.getMethod(setting.section()).invoke(config);
      return setting.type().cast(section.getClass().getMethod(setting.component()).invoke(section));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no ServiceConfig component for " + setting.path(), e);
    }
  }

  private static boolean hasComponent(Setting<?> s) {
    return Arrays.stream(ServiceConfig.class.getRecordComponents())
        .filter(c -> c.getName().equals(s.section()))
        .flatMap(c -> Arrays.stream(c.getType().getRecordComponents()))
        .anyMatch(c -> c.getName().equals(s.component()));
  }

  private static Object construct(Class<?> record, Object[] args) {
    Class<?>[] types =
        Arrays.stream(record.getRecordComponents())
            .map(RecordComponent::getType)
            .toArray(Class<?>[]::new);
    try {
      Constructor<?> canonical = record.getDeclaredConstructor(types);
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot build " + record.getSimpleName() + " from its settings", e);
    }
  }
}
