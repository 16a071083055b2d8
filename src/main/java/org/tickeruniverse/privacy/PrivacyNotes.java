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

  private PrivacyNotes() {}

  public static List<String> warnings(ServiceConfig config) {
    List<String> out = new ArrayList<>();
    int k = config.privacy().minContributors();
    if (k > 1 && config.upsert().enabled()) {
      out.add(
          Setting.UPSERT_ENABLED.env()
              + "=true with "
              + Setting.PRIVACY_MIN_CONTRIBUTORS.env()
              + "="
              + k
              + ": the synchronous upsert writes at once and bypasses the publication pool; set "
              + Setting.UPSERT_ENABLED.env()
              + "=false for the pool's protection");
    }
    return out;
  }
}
