package org.tickeruniverse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.role.StoreNeeds;

/** Which checks a node's readiness consists of, for every role, without starting anything. */
class ReadinessNeedsTest {

  @ParameterizedTest(name = "{0} clustered={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http                             | false | universe",
        "http                             | true  | universe cluster",
        "http,universe                    | false | universe snapshot",
        "http,universe                    | true  | universe snapshot cluster",
        "buffer                           | false | redis",
        "buffer                           | true  | redis cluster",
        "flush                            | false | redis mysql",
        "evict                            | false | mysql",
        "universe                         | false | mysql snapshot",
        "buffer,flush,evict               | true  | redis mysql cluster",
        "http,buffer                      | false | redis universe",
        "http,universe,evict              | false | mysql universe snapshot",
        "http,buffer,flush,evict,universe | false | redis mysql universe snapshot",
      })
  void checksFollowTheVerticlesOfTheNode(String verticles, boolean clustered, String checks) {
    ServiceConfig config =
        ConfigLoader.load(
            List.of("--node.verticles=" + verticles), Map.of("TU_AUTH_DISABLED", "true"));
    Readiness.Needs needs = Readiness.Needs.of(config.node(), clustered);
    assertThat(needs.ids()).containsExactlyElementsOf(Arrays.asList(checks.split(" ")));
  }

  @ParameterizedTest(name = "{0}: redis={1} mysql={2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http               | false | false",
        "http,universe      | false | true",
        "buffer             | true  | false",
        "flush              | true  | true",
        "evict              | false | true",
      })
  void theStoreGaugeIsKeptWhereTheVerticlesUseTheStore(
      String verticles, boolean redis, boolean mysql) {
    ServiceConfig config =
        ConfigLoader.load(
            List.of("--node.verticles=" + verticles), Map.of("TU_AUTH_DISABLED", "true"));
    assertThat(StoreNeeds.of(config.node().verticles()).redis()).isEqualTo(redis);
    assertThat(StoreNeeds.of(config.node().verticles()).mysql()).isEqualTo(mysql);
    assertThat(StoreWatchVerticle.watches(config)).isEqualTo(redis || mysql);
  }
}
