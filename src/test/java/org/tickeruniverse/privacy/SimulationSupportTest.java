package org.tickeruniverse.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.privacy.SimulationSupport.Popularity;
import org.tickeruniverse.privacy.SimulationSupport.Variant;
import org.tickeruniverse.universe.SeedFile;

/** The privacy simulation's variants and popularity: what scripts/privacy-sim.sh measures. */
class SimulationSupportTest {

  private static ServiceConfig load(Variant v) {
    return ConfigLoader.load(v.settings(), Map.of("TU_AUTH_DISABLED", "true"));
  }

  @Test
  void aProfileIsConfiguredByTheProfileAloneAndGetsItsShippedValues() {
    ServiceConfig standard = load(Variant.parse("standard"));
    assertThat(Variant.parse("standard").settings()).containsExactly("--privacy.profile=standard");
    assertThat(standard.privacy().minContributors()).isEqualTo(3);
    assertThat(standard.privacy().minContributorsAfterHold()).isEqualTo(2);
    assertThat(standard.universe().seedFile()).isEqualTo("bundled");
    assertThat(standard.privacy().stampPrecision()).isEqualTo("day");
    assertThat(standard.evict().spreadDays()).isEqualTo(14);
    ServiceConfig strict = load(Variant.parse("strict"));
    assertThat(strict.privacy().minContributors()).isEqualTo(5);
    assertThat(strict.privacy().minContributorsAfterHold()).isEqualTo(3);
  }

  @Test
  void offIsTheOriginalBehaviourExactStampsAndNoSpread() {
    ServiceConfig off = load(Variant.parse("off"));
    assertThat(off.privacy().minContributors()).isEqualTo(1);
    assertThat(off.universe().seedFile()).isEqualTo("none");
    assertThat(off.privacy().stampPrecision()).isEqualTo("exact");
    assertThat(off.evict().spreadDays()).isZero();
    assertThat(Variant.parse("off").isOff()).isTrue();
  }

  @Test
  void aRawKIsTheOffProfileWithThatK() {
    Variant k5 = Variant.parse("k=5");
    ServiceConfig c = load(k5);
    assertThat(k5.isOff()).isFalse();
    assertThat(c.privacy().profile()).isEqualTo("off");
    assertThat(c.privacy().minContributors()).isEqualTo(5);
    assertThat(c.privacy().minContributorsAfterHold()).isEqualTo(3);
    assertThat(c.privacy().maxHoldSeconds()).isEqualTo(21_600);
  }

  @Test
  void anUnknownVariantIsRefused() {
    assertThatThrownBy(() -> Variant.parse("lax")).hasMessageContaining("lax");
    assertThatThrownBy(() -> Variant.parse("k=0")).hasMessageContaining("k must be");
  }

  @Test
  void theHeadAlternatesBundledTickersAndSimulatedOnes() {
    Popularity p = new Popularity(300, 50, 1);
    List<String> bundled = SeedFile.loadBundled();
    assertThat(p.names).hasSize(300).doesNotHaveDuplicates();
    assertThat(p.common).hasSize(50);
    for (int i = 0; i < 100; i++) {
      assertThat(bundled.contains(p.names.get(i))).as("rank %d", i).isEqualTo(i % 2 == 0);
    }
    assertThat(p.names.subList(100, 300)).allMatch(t -> t.startsWith("SIM"));
    assertThat(new Popularity(300, 50, 1).names).isEqualTo(p.names);
  }

  @Test
  void drawsFollowThePopularity() {
    Popularity p = new Popularity(300, 50, 1);
    Random random = new Random(7);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      counts.merge(p.draw(random), 1, Integer::sum);
    }
    int first = counts.getOrDefault(p.names.get(0), 0);
    int tenth = counts.getOrDefault(p.names.get(9), 0);
    int last = counts.getOrDefault(p.names.get(299), 0);
    // Zipf s = 1.1: rank 1 is 10^1.1 ≈ 12.6 times as likely as rank 10, 530 times rank 300.
    assertThat(first).isGreaterThan(8 * tenth);
    assertThat(tenth).isGreaterThan(last);
  }
}
