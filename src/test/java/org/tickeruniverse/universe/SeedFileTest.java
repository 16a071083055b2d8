package org.tickeruniverse.universe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tickeruniverse.config.ConfigException;

/** The seed file alone, and the real process refusing a bad one. */
class SeedFileTest {

  @TempDir Path dir;

  private String write(String text) throws Exception {
    Path file = dir.resolve("seeds.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  @Test
  void commentsAndBlankLinesAreSkippedAndTickersNormalisedDistinctSorted() throws Exception {
    String file =
        write("# common ones\n\nmsft\n  AAPL   # inline comment\n^GSPC\nvod.l\nAAPL\n   \n");
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
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read");
  }
}
