package org.tickeruniverse.universe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.config.Setting;
import org.tickeruniverse.ticker.Ticker;

/**
 * The seeded universe ({@code universe.seedFile}): tickers that are always in the universe, so the
 * common ones never have to wait for contributors, and seeing them says nothing about anyone
 * (docs/DESIGN.md#anonymity-the-publication-pool). One ticker per line, {@code #} starts a comment,
 * blank lines are skipped; every ticker passes the one grammar ({@link Ticker}). Pure.
 */
public final class SeedFile {

  /** The list of common tickers shipped in the jar ({@code universe.seedFile=bundled}). */
  public static final String BUNDLED_RESOURCE = "universe/common-tickers.txt";

  private SeedFile() {}

  /**
   * The seed list {@code universe.seedFile} names: none ({@code none}, or empty as earlier versions
   * wrote it), the bundled list ({@code bundled}) or a file.
   */
  public static List<String> forSetting(String value) {
    if (value.isEmpty() || value.equals(Setting.SEED_NONE)) {
      return List.of();
    }
    return value.equals(Setting.SEED_BUNDLED) ? bundled() : load(value);
  }

  /** The bundled list; a jar without it is broken, not misconfigured. */
  public static List<String> bundled() {
    try (var in = SeedFile.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED_RESOURCE + " is missing from the class path");
      }
      return parse(
          "the bundled list",
          List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R", -1)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + BUNDLED_RESOURCE, e);
    }
  }

  /**
   * The file's tickers, normalised, distinct and sorted (the order the repository's multi-row
   * statements want). A missing file or a bad line is a configuration error naming the file and the
   * line.
   */
  public static List<String> load(String file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          Setting.UNIVERSE_SEED_FILE.label()
              + ": cannot read "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return parse(file, lines);
  }

  private static List<String> parse(String file, List<String> lines) {
    TreeSet<String> tickers = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (entry.isEmpty()) {
        continue;
      }
      Optional<String> ticker = Ticker.normalise(entry).filter(Ticker::isValid);
      if (ticker.isEmpty()) {
        throw new ConfigException(
            Setting.UNIVERSE_SEED_FILE.label()
                + ": "
                + file
                + " line "
                + (i + 1)
                + ": not a valid ticker (1-"
                + Ticker.MAX_LENGTH
                + " characters of A-Z 0-9 . - = ^ &)");
      }
      tickers.add(ticker.get());
    }
    return new ArrayList<>(tickers);
  }
}
