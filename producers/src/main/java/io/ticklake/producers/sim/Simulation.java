package io.ticklake.producers.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A venue offline: the profile that makes the {@link VenueSimulator} speak its protocol, the
 * capture shipped with it, and what a capture of it holds. {@code ./ticklake up --simulate} starts
 * one simulator per enabled venue from these; the collector runs against it unchanged.
 */
public interface Simulation {

  /** What a capture holds, so a replay subscribes to exactly what was recorded. */
  /**
   * @param settings collector settings a replay of the capture needs beyond its symbols and
   *     channels (Kraken: the protocol and book depth it was recorded with)
   */
  record Contents(Set<String> symbols, Set<String> channels, Map<String, String> settings) {
    public Contents {
      settings = Map.copyOf(settings);
    }

    public Contents(Set<String> symbols, Set<String> channels) {
      this(symbols, channels, Map.of());
    }
  }

  /** The WebSocket path of the venue's simulated endpoint ({@code /stream}, {@code /}). */
  String wsPath();

  /** The shipped demo capture, a classpath resource ({@code /captures/<venue>/<name>.capture}). */
  String demoCapture();

  /**
   * The REST snapshots recorded with the demo capture, by symbol (bodies exactly as the venue
   * answered), or empty for venues whose books come in the stream.
   */
  Map<String, String> demoSnapshots();

  /** Whether frames of a capture (its first ones) are this venue's: a bare {@code --replay FILE} is played by the venue that recognizes it. */
  boolean recognizes(List<String> frames);

  /** The symbols and collector channels a capture of this venue holds. */
  Contents scan(List<CaptureFile.Entry> capture);

  /**
   * A profile that serves a capture of this venue.
   *
   * @param snapshots REST snapshot bodies recorded beside the capture, by symbol (possibly empty)
   */
  VenueProfile profile(Map<String, String> snapshots);

  /**
   * The capture played for longer than it lasts: looped until {@code cover} of recorded time is
   * played (or as long as a list can be, for a zero {@code cover}), every id and time shifted so
   * each symbol's book chain, trade ids and clock continue across the seams, as if the venue had
   * gone on.
   *
   * @param playAs symbols to play a one-symbol capture as (each gets its own chain), or {@code
   *     null} to play the capture's own symbols
   * @param firstLoop the loop the play starts at: 0 plays the capture as recorded first; {@link
   *     #loopAt} plays it as if it had been looping since it was recorded
   */
  List<CaptureFile.Entry> loop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop);

  /**
   * The loop that would be playing at {@code when} had the capture been looping since it was
   * recorded, so its times are those of {@code when} (within one loop's span) and its ids carry on
   * from any earlier play; 0 when the capture's frames carry no receive times or when it is not
   * over yet.
   */
  default long loopAt(List<CaptureFile.Entry> capture, Instant when) {
    return CaptureFile.loopAt(capture, when, CaptureFile.loopSpanMillis(capture));
  }

  /**
   * The REST snapshots recorded with a capture as they read when the play starts at loop {@code
   * firstLoop} (ids and times shifted as the frames are); unchanged by default.
   */
  default Map<String, String> snapshotsAt(List<CaptureFile.Entry> capture, Map<String, String> snapshots, long firstLoop) {
    return snapshots;
  }
}
