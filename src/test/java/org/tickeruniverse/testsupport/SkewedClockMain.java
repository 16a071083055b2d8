package org.tickeruniverse.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.tickeruniverse.Main;

/**
 * {@code SkewedClockMain OFFSET_MILLIS ARG...} is {@code Main ARG...} on a wall clock moved by
 * OFFSET_MILLIS, for {@link NodeProcess} (faults/ClockSkewFaultIT runs nodes whose clocks differ).
 */
public final class SkewedClockMain {

  private SkewedClockMain() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: SkewedClockMain OFFSET_MILLIS [ARG...]");
    }
    Duration offset = Duration.ofMillis(Long.parseLong(args[0]));
    System.err.println("TEST ONLY: this process's wall clock is shifted by " + offset);
    Main.run(Arrays.copyOfRange(args, 1, args.length), Clock.offset(Clock.systemUTC(), offset));
  }
}
