package org.tickeruniverse.privacy;

import java.util.ArrayList;
import java.util.List;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Setting;

/**
 * What start-up must say about the publication pool's protection for this configuration
 * (docs/DESIGN.md#anonymity-the-publication-pool): one line each, naming the settings. Pure.
 */
public final class PrivacyNotes {

  private static final String UPSERT = Setting.at("upsert.enabled").env();
  private static final String K = Setting.at("privacy.minContributors").env();

  private PrivacyNotes() {}

  /**
   * The start-up line of the privacy profile: its name, the effective value of every setting a
   * profile sets, and which of them differ from the profile's own value (set on their own).
   */
  public static String profileLine(ServiceConfig config) {
    String profile = config.privacy().profile();
    List<String> values = new ArrayList<>();
    List<String> overridden = new ArrayList<>();
    for (Setting s : Setting.ALL) {
      if (!s.profiled()) {
        continue;
      }
      Object value = s.valueIn(config);
      values.add(s.env() + "=" + Setting.toJson(value));
      if (!value.equals(s.defaultFor(profile))) {
        overridden.add(s.env() + " (profile: " + Setting.toJson(s.defaultFor(profile)) + ")");
      }
    }
    return "privacy profile "
        + profile
        + ": "
        + String.join(", ", values)
        + "; overridden: "
        + (overridden.isEmpty() ? "none" : String.join(", ", overridden));
  }

  public static List<String> warnings(ServiceConfig config) {
    List<String> out = new ArrayList<>();
    int k = config.privacy().minContributors();
    if (k > 1 && config.upsert().enabled()) {
      out.add(
          UPSERT
              + "=true with "
              + K
              + "="
              + k
              + ": the synchronous upsert writes at once and bypasses the publication pool; set "
              + UPSERT
              + "=false for the pool's protection");
    }
    return out;
  }
}
