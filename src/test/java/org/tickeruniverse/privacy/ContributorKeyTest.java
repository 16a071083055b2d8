package org.tickeruniverse.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;

/** The keyed hash of contributors and the start-up warnings, alone. */
class ContributorKeyTest {

  static final String SECRET = "a-shared-secret-0123456789";

  @Test
  void theShapeOfAContributorIsOneTo128PrintableAsciiCharacters() {
    assertThat(ContributorKey.isValidContributor("u")).isTrue();
    assertThat(ContributorKey.isValidContributor(" ~ user 42 ~ ")).isTrue();
    assertThat(ContributorKey.isValidContributor("x".repeat(128))).isTrue();
    assertThat(ContributorKey.isValidContributor("x".repeat(129))).isFalse();
    assertThat(ContributorKey.isValidContributor("")).isFalse();
    assertThat(ContributorKey.isValidContributor(null)).isFalse();
    assertThat(ContributorKey.isValidContributor("tab\there")).isFalse();
    assertThat(ContributorKey.isValidContributor("caf\u00e9")).isFalse();
    assertThat(ContributorKey.isValidContributor("del\u007f")).isFalse();
  }

  @Test
  void theSameSecretGivesTheSameHashesOnEveryNodeAndAnotherSecretOthers() {
    ContributorKey a = ContributorKey.of(SECRET);
    ContributorKey b = ContributorKey.of(SECRET);
    ContributorKey other = ContributorKey.of("another-secret-0123456789");
    assertThat(a.element("user-1"))
        .isEqualTo(b.element("user-1"))
        .hasSize(64)
        .isNotEqualTo(other.element("user-1"));
    assertThat(a.ofCaller("token-1", null))
        .isEqualTo(b.ofCaller("token-1", null))
        .isNotEqualTo(other.ofCaller("token-1", null));
    assertThat(a.element("user-1")).isNotEqualTo(ContributorKey.UNKNOWN);
  }

  @Test
  void aCallerIsItsTokenOrItsTokenAndProxiedNameNeverTheTextItself() {
    ContributorKey key = ContributorKey.of(SECRET);
    String t1 = key.ofCaller("token-one-0123456789", null);
    assertThat(t1).startsWith("h:").doesNotContain("token-one");
    assertThat(ContributorKey.isValidContributor(t1)).as("fits the bus shape").isTrue();
    assertThat(key.ofCaller("token-two-0123456789", null)).isNotEqualTo(t1);
    String p1 = key.ofCaller("token-one-0123456789", "user-1");
    assertThat(p1).isNotEqualTo(t1).doesNotContain("user-1");
    assertThat(key.ofCaller("token-two-0123456789", "user-1"))
        .as("names are per token")
        .isNotEqualTo(p1);
    assertThat(key.ofCaller("token-one-0123456789", "user-2")).isNotEqualTo(p1);
  }

  @Test
  void startUpWarnsAboutWhatWeakensThePool() {
    assertThat(PrivacyNotes.warnings(config(Map.of())))
        .as("defaults: profile standard, upsert closed")
        .isEmpty();
    assertThat(PrivacyNotes.warnings(config(Map.of("TU_PRIVACY_PROFILE", "off"))))
        .as("off: k = 1")
        .isEmpty();
    assertThat(
            PrivacyNotes.warnings(
                config(
                    Map.of(
                        "TU_PRIVACY_MIN_CONTRIBUTORS",
                        "5",
                        "TU_UPSERT_ENABLED",
                        "false",
                        "TU_PRIVACY_MIN_CONTRIBUTORS_AFTER_HOLD",
                        "3"))))
        .isEmpty();
    assertThat(
            PrivacyNotes.warnings(
                config(Map.of("TU_PRIVACY_MIN_CONTRIBUTORS", "5", "TU_UPSERT_ENABLED", "true"))))
        .singleElement()
        .asString()
        .contains("TU_UPSERT_ENABLED");
    assertThat(
            PrivacyNotes.warnings(
                config(
                    Map.of(
                        "TU_PRIVACY_MIN_CONTRIBUTORS",
                        "5",
                        "TU_UPSERT_ENABLED",
                        "false",
                        "TU_CLUSTER",
                        "true"))))
        .singleElement()
        .asString()
        .contains("TU_PRIVACY_SECRET");
    assertThat(
            PrivacyNotes.warnings(
                config(
                    Map.of(
                        "TU_PRIVACY_MIN_CONTRIBUTORS",
                        "5",
                        "TU_UPSERT_ENABLED",
                        "false",
                        "TU_CLUSTER",
                        "true",
                        "TU_PRIVACY_SECRET",
                        SECRET))))
        .isEmpty();
  }

  private static ServiceConfig config(Map<String, String> env) {
    java.util.HashMap<String, String> all = new java.util.HashMap<>(env);
    all.put("TU_API_TOKENS", "caller-token-0123456789");
    return ConfigLoader.load(List.of(), all);
  }
}
