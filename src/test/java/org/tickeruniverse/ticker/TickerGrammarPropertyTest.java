package org.tickeruniverse.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand-written grammar check agrees with the regex of docs/DESIGN.md#operations on any string.
 */
class TickerGrammarPropertyTest {

  @Property(tries = 5000)
  void loopAgreesWithTheRegex(@ForAll("candidates") String candidate) {
    assertThat(Ticker.isValid(candidate))
        .as(candidate)
        .isEqualTo(Ticker.GRAMMAR.matcher(candidate).matches());
  }

  @Provide
  Arbitrary<String> candidates() {
    Arbitrary<String> nearGrammar =
        Arbitraries.strings().withChars("AZaz09.-=^&_ */\u00c4\u0131").ofMaxLength(40);
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(40);
    return Arbitraries.oneOf(nearGrammar, nearGrammar, anything);
  }
}
