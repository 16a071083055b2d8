package org.tickeruniverse.universe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tickeruniverse.config.ConfigException;

/** The seed file alone, and the real process refusing a bad one. */
class SeedFileTest {

  @TempDir
  Path dir;

  private String write(String text) throws Exception {
    Path file = dir.resolve("seeds.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  @Test
  void commentsAndBlankLinesAreSkippedAndTickersNormalisedDistinctSorted() throws Exception {
    String file = write("# common ones\n\nmsft\n  AAPL   # inline comment\n^GSPC\nvod.l\nAAPL\n   \n");
    assertThat(SeedFile.load(file)).containsExactly("AAPL", "MSFT", "VOD.L", "^GSPC");
  }

  @Test
  void theShippedExampleIsValid() {
    List<String> seeds = SeedFile.load("conf/seed-tickers.example.txt");
    assertThat(seeds).hasSizeGreaterThan(30).contains("AAPL", "MSFT", "^GSPC", "VOD.L");
  }

  @Test
  void aBadLineNamesTheFileAndTheLine() throws Exception {
    String file = write("AAPL\n# fine\nNOT A TICKER\nMSFT\n");
    assertThatThrownBy(() -> SeedFile.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_UNIVERSE_SEED_FILE")
        .hasMessageContaining(file + " line 3");
  }

  @Test
  void aMissingFileIsAConfigurationError() {
    assertThatThrownBy(() -> SeedFile.load(dir.resolve("absent.txt").toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read");
  }

  @Test
  void theProcessRefusesABadSeedFileWithOneLineAndExit78() throws Exception {
    String file = write("AAPL\nTOO-LONG-" + "X".repeat(40) + "\n");
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.tickeruniverse.Main");
    pb.environment().keySet().removeIf(k -> k.startsWith("TU_"));
    pb.environment().put("TU_API_TOKENS", "caller-token-0123456789");
    pb.environment().put("TU_UNIVERSE_SEED_FILE", file);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).isEqualTo(78);
    assertThat(stderr.lines().toList()).singleElement().asString()
        .startsWith("ticker-universe: configuration error: TU_UNIVERSE_SEED_FILE")
        .contains(file + " line 2");
  }
}
