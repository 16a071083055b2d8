package org.tickeruniverse.universe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.ticker.Ticker;

/**
 * The bundled list of common tickers (src/main/resources/universe/common-tickers.txt), read raw as
 * it ships: every line a ticker exactly as written, no duplicates, the header, and each section
 * with its expected form and size.
 */
class SeedFileBundledListTest {

  private static final String SECTION = "# Section: ";

  /** What a section's tickers look like and how many it must hold (README: refreshing the list). */
  private record Rule(int min, int max, Pattern form) {}

  private static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    // US symbols: no exchange suffix; a share class is "-" and one letter (BRK-B, BF-B).
    RULES.put("S&P 500 constituents", new Rule(490, 510, Pattern.compile("[A-Z]{1,5}(-[A-Z])?")));
    RULES.put("FTSE 100 constituents", new Rule(95, 110, Pattern.compile("[A-Z0-9]+(-A)?\\.L")));
    RULES.put("DAX 40 constituents", new Rule(40, 40, Pattern.compile("[A-Z0-9]+\\.DE")));
    RULES.put("CAC 40 constituents", new Rule(40, 40, Pattern.compile("[A-Z0-9]+\\.PA")));
    RULES.put("Indices", new Rule(10, 60, Pattern.compile("\\^[A-Z0-9]+")));
    RULES.put("ETFs", new Rule(20, 120, Pattern.compile("[A-Z]+|[A-Z0-9]+\\.(L|AS|DE)")));
    RULES.put("FX pairs", new Rule(15, 40, Pattern.compile("[A-Z]{6}=X")));
    RULES.put("Crypto", new Rule(10, 40, Pattern.compile("[A-Z0-9]+-(USD|EUR|GBP)")));
  }

  private static List<String> lines;

  @BeforeAll
  static void readTheResourceAsItShips() throws Exception {
    try (InputStream in =
        SeedFile.class.getClassLoader().getResourceAsStream(SeedFile.BUNDLED_RESOURCE)) {
      assertThat(in).as(SeedFile.BUNDLED_RESOURCE + " on the class path").isNotNull();
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void everyLineIsAValidTickerExactlyAsWrittenAndNoneRepeats() {
    Set<String> seen = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "line " + (i + 1) + " '" + line + "'";
      if (!Ticker.isValid(line) || !Ticker.normalise(line).orElse("").equals(line)) {
        problems.add(where + ": not a valid ticker as written");
      }
      if (!seen.add(line)) {
        problems.add(where + ": duplicate");
      }
    }
    assertThat(problems).isEmpty();
    assertThat(seen).hasSizeGreaterThan(800);
  }

  @Test
  void theHeaderSaysWhatItHoldsWhereFromAndWhen() {
    List<String> header = lines.stream().takeWhile(l -> !l.startsWith(SECTION)).toList();
    assertThat(header).allMatch(l -> l.isEmpty() || l.startsWith("#"));
    String text = String.join("\n", header);
    assertThat(text)
        .contains("Yahoo Finance form")
        .contains("index constituents")
        .contains("as known at compile time")
        .contains("Compiled: 2026-12")
        .contains("S&P 500", "FTSE 100", "DAX 40", "CAC 40", "ETFs", "FX", "crypto");
  }

  @Test
  void eachSectionHasItsFormAndSize() {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : lines) {
      if (line.startsWith(SECTION)) {
        String title = line.substring(SECTION.length());
        int paren = title.indexOf(" (");
        current = new ArrayList<>();
        assertThat(sections.put(paren < 0 ? title : title.substring(0, paren), current))
            .as("section named twice: " + title)
            .isNull();
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        assertThat(current).as("ticker before the first section: " + line).isNotNull();
        current.add(line);
      }
    }
    assertThat(sections.keySet()).containsExactlyElementsOf(RULES.keySet());
    RULES.forEach(
        (name, rule) -> {
          List<String> tickers = sections.get(name);
          assertThat(tickers).as(name).hasSizeBetween(rule.min(), rule.max());
          Predicate<String> form = rule.form().asMatchPredicate();
          assertThat(tickers.stream().filter(form.negate()).toList())
              .as(name + ": tickers not of the section's form")
              .isEmpty();
        });
    assertThat(sections.get("S&P 500 constituents")).contains("AAPL", "BRK-B", "BF-B", "GOOGL");
    assertThat(sections.get("FTSE 100 constituents")).contains("VOD.L", "HSBA.L", "BP.L", "BT-A.L");
    assertThat(sections.get("Indices")).contains("^GSPC", "^DJI", "^FTSE", "^STOXX50E", "^N225");
    assertThat(sections.get("ETFs")).contains("SPY", "QQQ", "VUSA.L", "CSPX.L", "VWRL.L");
    assertThat(sections.get("FX pairs")).contains("EURUSD=X", "GBPUSD=X", "USDJPY=X");
    assertThat(sections.get("Crypto")).contains("BTC-USD", "ETH-USD");
  }

  @Test
  void seedFileReadsTheBundledListWhetherNamedOrAsASource() {
    long tickerLines = lines.stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    List<String> bundled = SeedFile.loadBundled();
    assertThat(bundled).hasSize((int) tickerLines).isSorted().contains("AAPL", "^GSPC", "VOD.L");
    assertThat(SeedFile.load("classpath:universe/common-tickers.txt")).isEqualTo(bundled);
  }

  @Test
  void aMissingResourceIsAConfigurationErrorNamingIt() {
    assertThatThrownBy(() -> SeedFile.load("classpath:universe/absent.txt"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_UNIVERSE_SEED_FILE")
        .hasMessageContaining("cannot read classpath:universe/absent.txt");
  }
}
