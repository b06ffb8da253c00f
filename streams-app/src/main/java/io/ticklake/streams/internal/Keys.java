package io.ticklake.streams.internal;

/** Record keys: {@code venue:symbol}. */
public final class Keys {
  private Keys() {}

  public static String of(String venue, String symbol) {
    return venue + ":" + symbol;
  }
}
