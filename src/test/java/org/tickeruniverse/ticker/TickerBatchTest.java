package org.tickeruniverse.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TickerBatchTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AAPL",
        "VOD.L",
        "BRK-B",
        "0700.HK",
        "^GSPC",
        "EURUSD=X",
        "ES=F",
        "M&M.NS",
        "BTC-USD",
        "A",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
      })
  void specExamplesAreValid(String ticker) {
    assertThat(TickerBatch.parse(List.of(ticker), 10).tickers()).containsExactly(ticker);
  }

  @Test
  void normalisesCaseAndSurroundingWhitespace() {
    TickerBatch batch = TickerBatch.parse(List.of("  vod.l ", "aapl", "\tBrk-b\n"), 10);
    assertThat(batch.tickers()).containsExactly("AAPL", "BRK-B", "VOD.L");
  }

  @Test
  void skipsBlanksAndDeduplicatesAfterNormalising() {
    TickerBatch batch = TickerBatch.parse(List.of("aapl", "AAPL", " AAPL ", "", "   "), 10);
    assertThat(batch.tickers()).containsExactly("AAPL");
    assertThat(batch.size()).isEqualTo(1);
  }

  @Test
  void anEmptyListIsAnEmptyBatch() {
    assertThat(TickerBatch.parse(List.of(), 10).isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AA PL",
        "AAPL\u0000",
        "AA\u0007PL",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
        "ÄPFEL",
        "AAPL;DROP",
        "A*",
        "\u202EAAPL",
        "TICKER\r\n*3",
        "A/B",
        "Ａ"
      })
  void rejectsOutsideTheGrammar(String ticker) {
    assertThatThrownBy(() -> TickerBatch.parse(List.of("AAPL", ticker), 10))
        .isInstanceOfSatisfying(
            InvalidTickersException.class, e -> assertThat(e.offenders()).containsExactly(ticker));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ıbm", "ßpy", "ﬀ", "ａapl", "é"})
  void nonAsciiThatUpperCasesToAsciiIsStillRefused(String sneaky) {
    assertThatThrownBy(() -> TickerBatch.parse(List.of(sneaky), 10))
        .isInstanceOf(InvalidTickersException.class);
  }

  @Test
  void unicodeWhitespaceAroundATickerIsStrippedAsInTheOriginal() {
    // Python's str.strip() removes Unicode white space too; the same input gives the same ticker.
    assertThat(TickerBatch.parse(List.of("\u2003aapl\u00a0"), 10).tickers())
        .containsExactly("AAPL");
  }

  @Test
  void rejectsNonStringEntriesAndNamesThem() {
    List<Object> entries = new ArrayList<>(Arrays.asList("AAPL", 42, null, true));
    assertThatThrownBy(() -> TickerBatch.parse(entries, 10))
        .isInstanceOfSatisfying(
            InvalidTickersException.class,
            e -> assertThat(e.offenders()).containsExactly("42", "null", "true"));
  }

  @Test
  void rejectsMoreEntriesThanTheLimitCountingRepeats() {
    assertThatThrownBy(() -> TickerBatch.parse(List.of("A", "A", "A"), 2))
        .isInstanceOf(InvalidTickersException.class)
        .hasMessageContaining("too many tickers");
  }

  @Test
  void rejectsAMissingArray() {
    assertThatThrownBy(() -> TickerBatch.parse(null, 2))
        .isInstanceOf(InvalidTickersException.class);
  }

  @Test
  void reportsAtMostAHandfulOfOffenders() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add("bad ticker " + i);
    }
    assertThatThrownBy(() -> TickerBatch.parse(many, 1000))
        .isInstanceOfSatisfying(
            InvalidTickersException.class,
            e -> {
              assertThat(e.offenders()).hasSize(TickerBatch.MAX_REPORTED_OFFENDERS);
              assertThat(e.getMessage()).startsWith("100 invalid ticker(s)");
            });
  }

  @Test
  void upperCasesIndependentlyOfTheDefaultLocale() {
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
      assertThat(TickerBatch.parse(List.of("msft.mi"), 1).tickers()).containsExactly("MSFT.MI");
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}
