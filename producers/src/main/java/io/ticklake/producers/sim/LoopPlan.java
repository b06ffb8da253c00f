package io.ticklake.producers.sim;

import java.time.Duration;

/**
 * Where each frame of a looped capture comes from, for captures whose first play holds frames the
 * later loops leave out (answers to the recorder's own subscription): the first loop plays all
 * {@code first} frames, every later one the {@code repeated} frames again. Index {@code i} of the
 * play is {@link #template(int)} of {@link #fromAll(int) all frames or the repeated ones}, in loop
 * {@link #loop(int)}.
 */
public final class LoopPlan {
  private final int all;
  private final int repeated;
  private final long firstLoop;
  private final int size;

  /**
   * @param all frames of the first loop played
   * @param repeated frames of each later loop
   * @param spanMillis the capture's span (a loop's length)
   * @param cover recorded time to fill (at least one loop); {@link Duration#ZERO}: as long as a
   *     list can be
   * @param firstLoop the loop the play starts at
   */
  public LoopPlan(int all, int repeated, long spanMillis, Duration cover, long firstLoop) {
    this.all = all;
    this.repeated = repeated;
    this.firstLoop = firstLoop;
    long loops = cover.isZero()
        ? 1 + (repeated == 0 ? 0 : (Integer.MAX_VALUE - all) / repeated)
        : Math.max(1, (cover.toMillis() + spanMillis - 1) / spanMillis);
    long total = all + (loops - 1) * repeated;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("capture loop of " + total + " frames is too long");
    }
    this.size = (int) total;
  }

  /** Frames in the play. */
  public int size() {
    return size;
  }

  /** Whether frame {@code index} is one of the first loop's (else one of the repeated ones). */
  public boolean fromAll(int index) {
    check(index);
    return index < all;
  }

  /** The position of frame {@code index} among the first loop's frames or the repeated ones. */
  public int template(int index) {
    check(index);
    return index < all ? index : (index - all) % repeated;
  }

  /** The loop frame {@code index} plays in. */
  public long loop(int index) {
    check(index);
    return index < all ? firstLoop : firstLoop + 1 + (index - all) / repeated;
  }

  private void check(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
  }
}
