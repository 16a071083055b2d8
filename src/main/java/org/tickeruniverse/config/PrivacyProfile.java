package org.tickeruniverse.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * A named set of defaults for the settings that decide how much an observer of the service can
 * learn (docs/PRIVACY.md#profiles). {@code standard} is the default, so the service is private as
 * shipped; {@code strict} raises the pool's threshold and hold; {@code off} keeps the original
 * module's behaviour exactly, for drop-in use beside it. Every setting a profile sets can still be
 * set on its own, and then wins.
 */
public enum PrivacyProfile {
  OFF,
  STANDARD,
  STRICT;

  /** The name as configured: {@code off}, {@code standard}, {@code strict}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PrivacyProfile of(String id) {
    return Arrays.stream(values())
        .filter(p -> p.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown privacy profile " + id));
  }

  /** The ids in declaration order, for the setting's type. */
  static String[] ids() {
    return Arrays.stream(values()).map(PrivacyProfile::id).toArray(String[]::new);
  }
}
