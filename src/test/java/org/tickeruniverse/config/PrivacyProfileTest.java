package org.tickeruniverse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.privacy.PrivacyNotes;
import org.tickeruniverse.universe.SeedFile;

/** The privacy profiles choose defaults; every setting on its own still wins (docs/PRIVACY.md). */
class PrivacyProfileTest {

  @Test
  void theShippedDefaultIsStandard() {
    ServiceConfig c = config(Map.of());
    assertThat(c.privacy().profile()).isEqualTo("standard");
    assertThat(c.privacy().minContributors()).isEqualTo(3);
    assertThat(c.privacy().minContributorsAfterHold()).isEqualTo(2);
    assertThat(c.privacy().maxHoldSeconds()).isEqualTo(6 * 3600);
    assertThat(c.upsert().enabled()).isFalse();
    assertThat(c.universe().seedFile()).isEqualTo(SeedFile.SEED_BUNDLED);
    assertThat(c.privacy().stampPrecision()).isEqualTo("day");
    assertThat(c.evict().spreadDays()).isEqualTo(14);
  }

  @Test
  void strictRaisesThePool() {
    ServiceConfig c = config(Map.of("TU_PRIVACY_PROFILE", "strict"));
    assertThat(c.privacy().minContributors()).isEqualTo(5);
    assertThat(c.privacy().minContributorsAfterHold()).isEqualTo(3);
    assertThat(c.privacy().maxHoldSeconds()).isEqualTo(24 * 3600);
    assertThat(c.upsert().enabled()).isFalse();
    assertThat(c.universe().seedFile()).isEqualTo(SeedFile.SEED_BUNDLED);
  }

  @Test
  void offIsTheOriginalModule() {
    ServiceConfig c = config(Map.of("TU_PRIVACY_PROFILE", "off"));
    assertThat(c.privacy().minContributors()).isEqualTo(1);
    assertThat(c.privacy().minContributorsAfterHold()).isEqualTo(1);
    assertThat(c.upsert().enabled()).isTrue();
    assertThat(c.universe().seedFile()).isEqualTo(SeedFile.SEED_NONE);
    assertThat(c.privacy().stampPrecision()).isEqualTo("exact");
    assertThat(c.evict().spreadDays()).isZero();
  }

  @Test
  void everySettingOnItsOwnBeatsItsProfile() {
    ServiceConfig c =
        config(
            Map.of(
                "TU_PRIVACY_PROFILE", "strict",
                "TU_PRIVACY_MIN_CONTRIBUTORS", "7",
                "TU_UPSERT_ENABLED", "true",
                "TU_UNIVERSE_SEED_FILE", "none"));
    assertThat(c.privacy().minContributors()).isEqualTo(7);
    assertThat(c.privacy().minContributorsAfterHold()).as("still strict's").isEqualTo(3);
    assertThat(c.upsert().enabled()).isTrue();
    assertThat(c.universe().seedFile()).isEqualTo("none");
    // The command line and -conf layers too, not only the environment.
    ServiceConfig cli =
        ConfigLoader.load(
            List.of("--privacy.profile=off", "--privacy.minContributors=2"), tokens(Map.of()));
    assertThat(cli.privacy().minContributors()).isEqualTo(2);
    assertThat(cli.upsert().enabled()).isTrue();
  }

  @Test
  void settingKAloneBelowTheProfilesAfterHoldLowersTheAfterHold() {
    ServiceConfig c = config(Map.of("TU_PRIVACY_MIN_CONTRIBUTORS", "1"));
    assertThat(c.privacy().minContributors()).isEqualTo(1);
    assertThat(c.privacy().minContributorsAfterHold()).isEqualTo(1);
    // Both set and contradictory: still the one-line error naming the setting.
    assertThatThrownBy(
            () ->
                config(
                    Map.of(
                        "TU_PRIVACY_MIN_CONTRIBUTORS", "1",
                        "TU_PRIVACY_MIN_CONTRIBUTORS_AFTER_HOLD", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_PRIVACY_MIN_CONTRIBUTORS_AFTER_HOLD");
  }

  @Test
  void anUnknownProfileIsAOneLineError() {
    assertThatThrownBy(() -> config(Map.of("TU_PRIVACY_PROFILE", "lax")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_PRIVACY_PROFILE")
        .hasMessageContaining("standard");
  }

  @Test
  void theStartUpLineNamesTheProfileItsValuesAndWhatWasOverridden() {
    String standard = PrivacyNotes.profileLine(config(Map.of()));
    assertThat(standard)
        .startsWith("privacy profile standard: ")
        .contains("TU_PRIVACY_MIN_CONTRIBUTORS=3")
        .contains("TU_UPSERT_ENABLED=false")
        .endsWith("overridden: none");
    String overridden =
        PrivacyNotes.profileLine(
            config(Map.of("TU_PRIVACY_PROFILE", "strict", "TU_PRIVACY_MIN_CONTRIBUTORS", "9")));
    assertThat(overridden)
        .startsWith("privacy profile strict: ")
        .contains("TU_PRIVACY_MIN_CONTRIBUTORS=9")
        .endsWith("overridden: TU_PRIVACY_MIN_CONTRIBUTORS (profile: 5)");
  }

  @Test
  void theProfiledSettingsAreDocumentedPerProfile() {
    assertThat(SettingsDocumentationTest.documentedDefault(Setting.at("privacy.minContributors")))
        .isEqualTo("by profile: off 1, standard 3, strict 5");
    assertThat(SettingsDocumentationTest.documentedDefault(Setting.at("http.port")))
        .isEqualTo("8080");
  }

  private static ServiceConfig config(Map<String, String> env) {
    return ConfigLoader.load(List.of(), tokens(env));
  }

  private static Map<String, String> tokens(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("TU_AUTH_API_TOKENS", "caller-token-0123456789");
    return all;
  }
}
