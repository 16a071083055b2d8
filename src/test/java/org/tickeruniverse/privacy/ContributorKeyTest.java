package org.tickeruniverse.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;

/** The daily keyed short hash of contributors, the edge digest and the start-up warnings, alone. */
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

  static final LocalDate DAY_1 = LocalDate.parse("2026-11-24");
  static final LocalDate DAY_2 = LocalDate.parse("2026-11-25");

  @Test
  void anElementIsSixteenBitsOfHexAndTheSameForTheSameSecretDayAndContributor() {
    ContributorKey a = ContributorKey.of(SECRET);
    ContributorKey b = ContributorKey.of(SECRET);
    String element = a.element("user-1", DAY_1);
    assertThat(element).matches("[0-9a-f]{4}");
    assertThat(b.element("user-1", DAY_1)).as("every node, the same secret").isEqualTo(element);
    assertThat(a.element("user-1", DAY_1)).as("stable within the day").isEqualTo(element);
    assertThat(element).isNotEqualTo(ContributorKey.UNKNOWN);
  }

  @Test
  void theElementDependsOnTheDayAndOnTheSecret() {
    ContributorKey a = ContributorKey.of(SECRET);
    ContributorKey other = ContributorKey.of("another-secret-0123456789");
    // 16 bits collide by chance once in 65,536: over 50 contributors, a real dependence shows as
    // (almost) all differing, a missing one as none.
    List<String> users = IntStream.range(0, 50).mapToObj(i -> "user-" + i).toList();
    long dayDiffers =
        users.stream().filter(u -> !a.element(u, DAY_1).equals(a.element(u, DAY_2))).count();
    long secretDiffers =
        users.stream().filter(u -> !a.element(u, DAY_1).equals(other.element(u, DAY_1))).count();
    assertThat(dayDiffers).isGreaterThanOrEqualTo(48);
    assertThat(secretDiffers).isGreaterThanOrEqualTo(48);
    // Back to day 1 after day 2: the cached day key follows the day asked for.
    String first = a.element("user-1", DAY_1);
    a.element("user-1", DAY_2);
    assertThat(a.element("user-1", DAY_1)).isEqualTo(first);
  }

  @Test
  void sixteenBitsSpreadOverTheirWholeRange() {
    ContributorKey key = ContributorKey.of(SECRET);
    Set<String> elements =
        IntStream.range(0, 2000)
            .mapToObj(i -> key.element("user-" + i, DAY_1))
            .collect(Collectors.toSet());
    // 2,000 draws from 65,536 values: about 30 collide; far more would mean a narrower hash.
    assertThat(elements.size()).isBetween(1900, 2000);
  }

  @Test
  void aSecretIsRequiredAndCreatedSecretsAreRandom() {
    assertThatThrownBy(() -> ContributorKey.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContributorKey.of(null)).isInstanceOf(IllegalArgumentException.class);
    String s1 = ContributorKey.newSecret();
    assertThat(s1).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(ContributorKey.newSecret()).isNotEqualTo(s1);
  }

  @Test
  void aCallerIsADigestOfItsTokenOrItsTokenAndProxiedNameNeverTheTextItself() {
    String t1 = ContributorKey.callerDigest("token-one-0123456789", null);
    assertThat(t1).startsWith("d:").hasSize(45).doesNotContain("token-one");
    assertThat(ContributorKey.isValidContributor(t1)).as("fits the bus shape").isTrue();
    assertThat(ContributorKey.callerDigest("token-one-0123456789", null))
        .as("the same on every node, no secret needed")
        .isEqualTo(t1);
    assertThat(ContributorKey.callerDigest("token-two-0123456789", null)).isNotEqualTo(t1);
    String p1 = ContributorKey.callerDigest("token-one-0123456789", "user-1");
    assertThat(p1).isNotEqualTo(t1).doesNotContain("user-1");
    assertThat(ContributorKey.callerDigest("token-two-0123456789", "user-1"))
        .as("names are per token")
        .isNotEqualTo(p1);
    assertThat(ContributorKey.callerDigest("token-one-0123456789", "user-2")).isNotEqualTo(p1);
    // Domain separated from the plain SHA-256 the edge keeps of configured tokens.
    assertThat(t1.substring(2))
        .isNotEqualTo(
            java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(sha256("token-one-0123456789")));
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
                        "TU_CLUSTER_ENABLED",
                        "true"))))
        .as("no secret is no warning: the secret kept in Redis is shared by every node")
        .isEmpty();
  }

  private static ServiceConfig config(Map<String, String> env) {
    java.util.HashMap<String, String> all = new java.util.HashMap<>(env);
    all.put("TU_AUTH_API_TOKENS", "caller-token-0123456789");
    return ConfigLoader.load(List.of(), all);
  }
}
