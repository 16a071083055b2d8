package org.tickeruniverse.universe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * blank lines are skipped; every ticker passes the one grammar ({@link Ticker}). Pure apart from
 * reading the file or class-path resource.
 *
 * <p>The jar bundles a list of common tickers ({@link #BUNDLED}: the constituents of four large
 * indices, the main indices, ETFs, FX, crypto; README.md, "The bundled list of common tickers"); a
 * source that starts with {@code classpath:} names a class-path resource instead of a file, so the
 * one setting can name either.
 */
public final class SeedFile {

  /** Marks a source as a class-path resource rather than a file path. */
  public static final String CLASSPATH_PREFIX = "classpath:";

  /** The bundled list's resource name. */
  public static final String BUNDLED_RESOURCE = "universe/common-tickers.txt";

  /** The bundled list as a source for {@link #load} and the seed-file setting. */
  public static final String BUNDLED = CLASSPATH_PREFIX + BUNDLED_RESOURCE;

  /** {@code universe.seedFile}: the bundled list, or no list. */
  public static final String SEED_BUNDLED = "bundled";

  public static final String SEED_NONE = "none";

  private SeedFile() {}

  /**
   * The seed list {@code universe.seedFile} names: none ({@code none}, or empty as earlier versions
   * wrote it), the bundled list ({@code bundled}), or a source for {@link #load}.
   */
  public static List<String> forSetting(String value) {
    if (value.isEmpty() || value.equals(SEED_NONE)) {
      return List.of();
    }
    return load(value.equals(SEED_BUNDLED) ? BUNDLED : value);
  }

  /** The bundled list's tickers ({@link #load} of {@link #BUNDLED}). */
  public static List<String> loadBundled() {
    return load(BUNDLED);
  }

  /**
   * The source's tickers, normalised, distinct and sorted (the order the repository's multi-row
   * statements want). The source is a file path, or {@code classpath:} and a resource name. A
   * missing source or a bad line is a configuration error naming the source and the line.
   */
  public static List<String> load(String source) {
    List<String> lines;
    try {
      lines = readLines(source);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          Setting.at("universe.seedFile").label()
              + ": cannot read "
              + source
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
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
            Setting.at("universe.seedFile").label()
                + ": "
                + source
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

  private static List<String> readLines(String source) throws IOException {
    if (!source.startsWith(CLASSPATH_PREFIX)) {
      return Files.readAllLines(Path.of(source), StandardCharsets.UTF_8);
    }
    String resource = source.substring(CLASSPATH_PREFIX.length());
    InputStream in = SeedFile.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("no such class-path resource");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    }
  }
}
