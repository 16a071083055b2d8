package org.tickeruniverse.role;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The verticles a node can run, as {@code node.verticles} names them. The one list of them: the
 * node deploys by it, the configuration validates against it, readiness decides by it.
 */
public enum VerticleName {
  HTTP,
  BUFFER,
  FLUSH,
  EVICT,
  UNIVERSE;

  /** The name used in settings and logs. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<VerticleName> byId(String id) {
    return Arrays.stream(values()).filter(v -> v.id().equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return id();
  }
}
