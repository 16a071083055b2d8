package org.tickeruniverse.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunksTest {

  @Test
  void sortsDeduplicatesAndSplitsIntoBoundedChunks() {
    Chunks.Sorted sorted = Chunks.sort(List.of("MSFT", "AAPL", "VOD.L", "AAPL", "BRK-B"), 2);
    assertThat(sorted.chunks()).containsExactly(List.of("AAPL", "BRK-B"), List.of("MSFT", "VOD.L"));
    assertThat(sorted.valid()).isEqualTo(4);
    assertThat(sorted.rejected()).isEmpty();
  }

  @Test
  void rejectsMembersOutsideTheGrammar() {
    Chunks.Sorted sorted = Chunks.sort(List.of("AAPL", "lower", "TOO LONG WITH SPACES", "X"), 10);
    assertThat(sorted.chunks()).containsExactly(List.of("AAPL", "X"));
    assertThat(sorted.rejected()).containsExactly("lower", "TOO LONG WITH SPACES");
  }

  @Test
  void emptyPageGivesNoChunks() {
    assertThat(Chunks.sort(List.of(), 5).chunks()).isEmpty();
  }
}
