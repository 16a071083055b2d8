package org.tickeruniverse.universe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streamed document: same bytes as a JSON encoder's, its gzip, its pages, its bounds. */
class UniverseDocumentTest {

  private static List<String> tickers(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(String.format("T%07d.L", i));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 511, 512, 513, 5_000})
  void bytesAreThoseOfTheJsonEncoderAndTheGzipHoldsThem(int n) throws IOException {
    List<String> list = tickers(n);
    UniverseDocument doc = UniverseDocument.of(list);
    byte[] expected =
        new JsonObject().put("count", n).put("tickers", new JsonArray(list)).toBuffer().getBytes();
    assertThat(doc.json().getBytes()).isEqualTo(expected);
    assertThat(doc.count()).isEqualTo(n);
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(doc.gzip().getBytes()))) {
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
    // the gzip header carries no time stamp: equal lists give equal bytes on every node
    assertThat(UniverseDocument.of(list).gzip().getBytes()).isEqualTo(doc.gzip().getBytes());
    assertThat(UniverseDocument.of(list).etag()).isEqualTo(doc.etag());
  }

  @Test
  void stringsThatNeedEscapingAreEscapedAsTheEncoderDoes() {
    List<String> odd = List.of("A\"B", "A\\B", "caf\u00e9", "x\ny");
    UniverseDocument doc = UniverseDocument.of(odd);
    JsonObject parsed = new JsonObject(doc.json());
    assertThat(parsed.getJsonArray("tickers").getList())
        .containsExactly("A\"B", "A\\B", "caf\u00e9", "x\ny");
    assertThat(doc.page(null, 10).tickers()).containsExactly("A\"B", "A\\B", "caf\u00e9", "x\ny");
    assertThat(doc.page("A\\B", 10).tickers()).containsExactly("caf\u00e9", "x\ny");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 512, 1000, 4_999})
  void pagesWalkTheWholeListInOrder(int limit) {
    List<String> list = tickers(5_000);
    UniverseDocument doc = UniverseDocument.of(list);
    List<String> walked = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      UniverseDocument.Page page = doc.page(after, limit);
      assertThat(page.tickers().size()).isLessThanOrEqualTo(limit);
      walked.addAll(page.tickers());
      after = page.next();
      pages++;
    } while (after != null);
    assertThat(walked).isEqualTo(list);
    assertThat(pages).isEqualTo((5_000 + limit - 1) / limit);
  }

  @Test
  void aCursorBetweenTickersStartsAfterIt() {
    UniverseDocument doc = UniverseDocument.of(List.of("AA", "BB", "CC"));
    assertThat(doc.page("B", 10).tickers()).containsExactly("BB", "CC");
    assertThat(doc.page("CC", 10).tickers()).isEmpty();
    assertThat(doc.page("", 2)).isEqualTo(new UniverseDocument.Page(List.of("AA", "BB"), "BB"));
    assertThat(UniverseDocument.EMPTY.page(null, 5).tickers()).isEmpty();
  }

  @Test
  void aBuilderRefusesDisorderAndItsByteBudget() {
    UniverseDocument.Builder b = new UniverseDocument.Builder(0, 100);
    b.add("B");
    assertThatThrownBy(() -> b.add("A")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.add("B")).isInstanceOf(IllegalArgumentException.class);
    UniverseDocument.Builder small = new UniverseDocument.Builder(0, 50);
    assertThatThrownBy(
            () -> {
              for (String t : tickers(20)) {
                small.add(t);
              }
            })
        .isInstanceOf(UniverseDocument.TooLargeException.class);
  }

  @Test
  void anUnchangedBuildGivesThePreviousDocumentBack() {
    UniverseDocument previous = UniverseDocument.of(tickers(3000));
    UniverseDocument.Builder same = new UniverseDocument.Builder(0, Long.MAX_VALUE);
    tickers(3000).forEach(same::add);
    assertThat(same.build(previous)).isSameAs(previous);
    UniverseDocument.Builder other = new UniverseDocument.Builder(0, Long.MAX_VALUE);
    tickers(3001).forEach(other::add);
    UniverseDocument next = other.build(previous);
    assertThat(next).isNotSameAs(previous);
    assertThat(next.etag()).isNotEqualTo(previous.etag());
  }
}
