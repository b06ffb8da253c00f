package io.ticklake.ops.stack;

import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
import io.ticklake.schema.doc.ConfigTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which venues the stack collects and how, from its configuration: one collector per enabled venue
 * ({@code venues}, every registered venue by default, or the replayed ones), each with its symbols,
 * channels and endpoints, and with {@code simulate} one simulator per venue replaying the venue's
 * shipped capture or the one given ({@code --replay VENUE=FILE}; a bare {@code --replay FILE} is
 * played by the venue that recognizes its frames). Per-venue settings are {@code
 * venue.<id>.<collector key>} ({@code venue.coinbase.symbols}); the short names ({@code symbols})
 * still mean the venue that had them before there were several.
 */
public final class StackVenues {
  /** {@code venue.<id>.<key>}. */
  static final Pattern VENUE_KEY = Pattern.compile("venue\\.([a-z0-9-]+)\\.(.+)");

  /** Per-venue keys the stack itself reads (the rest go to the venue's collector). */
  static final String CAPTURE_KEY = "simulate.capture";
  static final String SNAPSHOTS_KEY = "simulate.snapshots";
  static final String SIMULATOR_PORT_KEY = "simulator.port";

  /** Collector keys the stack sets itself; configuration may not. */
  private static final Set<String> MANAGED = Set.of(CollectorConfig.VENUE_CONFIG, CollectorConfig.BOOTSTRAP_SERVERS_CONFIG,
      CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, CollectorConfig.SYMBOLS_FILE_CONFIG, CollectorConfig.OPS_HTTP_ADDRESS_CONFIG,
      CollectorConfig.OPS_HTTP_PORT_CONFIG, CollectorConfig.OPS_HTTP_URL_FILE_CONFIG);

  /**
   * One venue of the stack.
   *
   * @param symbols the symbols collected (the venue's spelling)
   * @param collectorSettings the venue's collector settings from configuration ({@code symbols},
   *     {@code channels}, URLs, limits), before the stack adds its own
   * @param capture the capture replayed (with {@code simulate}); {@code null} for the shipped one
   * @param snapshots one symbol's REST snapshots file given with a bare replay, or {@code null}
   * @param contents what the replayed capture holds (with {@code simulate}), or {@code null}
   * @param loop whether the simulator loops the capture (ids and times shifted)
   * @param simulatorPort the port of its simulator
   */
  public record VenueRun(
      Venue venue,
      List<String> symbols,
      Map<String, String> collectorSettings,
      boolean simulated,
      Path capture,
      Path snapshots,
      Simulation.Contents contents,
      boolean loop,
      int simulatorPort) {

    public String id() {
      return venue.id();
    }

    /** The collector's component name ({@code collector-coinbase}). */
    public String collector() {
      return collectorComponent(id());
    }

    /** The simulator's component name ({@code simulator-coinbase}). */
    public String simulator() {
      return simulatorComponent(id());
    }

    /** The channels the collector subscribes. */
    public List<String> channels() {
      return List.of(collectorSettings.get(CollectorConfig.CHANNELS_CONFIG).split(","));
    }
  }

  public static String collectorComponent(String venueId) {
    return "collector-" + venueId;
  }

  public static String simulatorComponent(String venueId) {
    return "simulator-" + venueId;
  }

  private StackVenues() {}

  /**
   * The venues of a configuration.
   *
   * @throws IllegalArgumentException for an unknown venue, a capture no venue recognizes, or a
   *     per-venue setting the venue does not have or refuses
   */
  public static List<VenueRun> plan(StackConfig c) {
    Map<String, String> values = c.values();
    boolean simulate = c.flag(StackConfig.SIMULATE_CONFIG);
    Map<String, Path> replays = new LinkedHashMap<>();
    Map<String, Path> replaySnapshots = new LinkedHashMap<>();
    String bare = values.getOrDefault(StackConfig.SIMULATE_CAPTURE_CONFIG, "");
    if (!bare.isEmpty()) {
      Path file = Path.of(bare).toAbsolutePath();
      Venue v = recognize(file);
      replays.put(v.id(), file);
      String snaps = values.getOrDefault(StackConfig.SIMULATE_SNAPSHOTS_CONFIG, "");
      if (!snaps.isEmpty()) {
        replaySnapshots.put(v.id(), Path.of(snaps).toAbsolutePath());
      }
    }
    Map<String, Map<String, String>> perVenue = perVenueSettings(values);
    perVenue.forEach((id, keys) -> {
      if (keys.containsKey(CAPTURE_KEY)) {
        replays.put(id, Path.of(keys.get(CAPTURE_KEY)).toAbsolutePath());
      }
      if (keys.containsKey(SNAPSHOTS_KEY)) {
        replaySnapshots.put(id, Path.of(keys.get(SNAPSHOTS_KEY)).toAbsolutePath());
      }
    });
    List<String> ids = c.venues();
    if (ids.isEmpty()) {
      ids = !replays.isEmpty() && simulate ? List.copyOf(replays.keySet()) : Venues.ids();
    }
    String loopSetting = values.getOrDefault(StackConfig.SIMULATE_LOOP_CONFIG, "auto");
    if (simulate && "now".equals(values.get(StackConfig.SIMULATE_CLOCK_CONFIG))
        && Double.parseDouble(values.getOrDefault(StackConfig.SIMULATE_SPEED_CONFIG, "1")) != 1) {
      throw new IllegalArgumentException("simulate.clock=now plays the captures on the wall clock: it needs simulate.speed=1, got "
          + values.get(StackConfig.SIMULATE_SPEED_CONFIG) + " (use simulate.clock=recorded to replay faster)");
    }
    int basePort = c.port(StackConfig.SIMULATOR_PORT_CONFIG);
    List<VenueRun> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Venue venue = Venues.get(ids.get(i));
      Map<String, String> own = perVenue.getOrDefault(venue.id(), Map.of());
      Path capture = simulate ? replays.get(venue.id()) : null;
      Simulation.Contents contents = null;
      if (simulate) {
        List<CaptureFile.Entry> frames =
            capture == null ? CaptureFile.readResource(venue.simulation().demoCapture()) : readCapture(capture);
        contents = venue.simulation().scan(frames);
      }
      Map<String, String> settings = new TreeMap<>();
      own.forEach((k, v) -> {
        if (!k.equals(CAPTURE_KEY) && !k.equals(SNAPSHOTS_KEY) && !k.equals(SIMULATOR_PORT_KEY)) {
          settings.put(k, v);
        }
      });
      if (contents != null) {
        contents.settings().forEach(settings::putIfAbsent); // what the capture was recorded with
      }
      String shortSymbols = values.getOrDefault(StackConfig.SYMBOLS_CONFIG, "");
      if (!settings.containsKey(CollectorConfig.SYMBOLS_CONFIG)) {
        if (venue.ownsShortKeys() && !shortSymbols.isEmpty()) {
          settings.put(CollectorConfig.SYMBOLS_CONFIG, shortSymbols);
        } else if (contents != null) {
          settings.put(CollectorConfig.SYMBOLS_CONFIG, String.join(",", contents.symbols()));
        } else {
          settings.put(CollectorConfig.SYMBOLS_CONFIG, String.join(",", venue.defaults().symbols()));
        }
      }
      if (!settings.containsKey(CollectorConfig.CHANNELS_CONFIG)) {
        List<String> channels = contents != null ? List.copyOf(contents.channels()) : venue.defaults().channels();
        settings.put(CollectorConfig.CHANNELS_CONFIG, String.join(",", channels));
      }
      int port = own.containsKey(SIMULATOR_PORT_KEY) ? Integer.parseInt(own.get(SIMULATOR_PORT_KEY)) : basePort + i;
      boolean loop = switch (loopSetting) {
        case "true" -> true;
        case "false" -> false;
        default -> capture == null; // the shipped captures loop; a replay plays as recorded
      };
      // Checks every setting the way the collector will, so a typo stops up, not a child JVM.
      CollectorConfig checked = check(venue, settings);
      out.add(new VenueRun(venue, checked.symbols(), settings, simulate, capture, replaySnapshots.get(venue.id()), contents, loop, port));
    }
    return out;
  }

  /** The venue whose simulation recognizes a capture's frames. */
  static Venue recognize(Path capture) {
    List<String> first = new ArrayList<>();
    for (CaptureFile.Entry e : readCapture(capture)) {
      first.add(e.frame());
      if (first.size() >= 50) {
        break;
      }
    }
    for (Venue v : Venues.all()) {
      if (v.simulation().recognizes(first)) {
        return v;
      }
    }
    throw new IllegalArgumentException(capture + " holds frames no registered venue recognizes (" + String.join(", ", Venues.ids())
        + "); name the venue: --replay VENUE=FILE");
  }

  private static List<CaptureFile.Entry> readCapture(Path capture) {
    if (!Files.isReadable(capture)) {
      throw new IllegalArgumentException("capture " + capture + " is not a readable file");
    }
    return CaptureFile.read(capture);
  }

  /** {@code venue.<id>.<key>} settings by venue id, checked against the venue's keys. */
  static Map<String, Map<String, String>> perVenueSettings(Map<String, String> values) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    values.forEach((k, v) -> {
      Matcher m = VENUE_KEY.matcher(k);
      if (m.matches()) {
        out.computeIfAbsent(m.group(1), x -> new TreeMap<>()).put(m.group(2), v);
      }
    });
    for (Map.Entry<String, Map<String, String>> e : out.entrySet()) {
      Venue venue = Venues.get(e.getKey());
      Set<String> known = venueKeys(venue).keySet();
      for (String key : e.getValue().keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException("unknown configuration key 'venue." + venue.id() + "." + key + "'; a venue's keys are "
              + String.join(", ", known));
        }
      }
      String port = e.getValue().get(SIMULATOR_PORT_KEY);
      if (port != null && !port.matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException("venue." + venue.id() + "." + SIMULATOR_PORT_KEY + " must be a port, got '" + port + "'");
      }
    }
    return out;
  }

  /**
   * The keys a user may set for {@code venue} as {@code venue.<id>.<key>}, each with its default
   * ({@code ""}: none) and doc: the collector's keys but those the stack sets itself, and the
   * simulator's.
   */
  public static Map<String, String[]> venueKeys(Venue venue) {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (ConfigDef.ConfigKey key : CollectorConfig.configDef(venue).configKeys().values()) {
      if (!MANAGED.contains(key.name)) {
        out.put(key.name, new String[] {ConfigTables.shown(key.defaultValue), key.documentation});
      }
    }
    out.put(CAPTURE_KEY, new String[] {"", "A capture this venue's simulator replays (--replay " + venue.id() + "=FILE); default: the venue's shipped capture."});
    out.put(SNAPSHOTS_KEY, new String[] {"", "REST snapshots for that capture; by default those recorded beside it are found by name."});
    out.put(SIMULATOR_PORT_KEY, new String[] {"", "Port of this venue's simulator; default: simulator.port plus the venue's place in venues."});
    return out;
  }

  /** Whether {@code key} is a per-venue key ({@code venue.<id>.<key>}); checked by {@link #plan}. */
  static boolean isVenueKey(String key) {
    return VENUE_KEY.matcher(key).matches();
  }

  private static CollectorConfig check(Venue venue, Map<String, String> settings) {
    Map<String, Object> p = new LinkedHashMap<>(settings);
    p.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    p.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost");
    try {
      CollectorConfig config = new CollectorConfig(venue, p);
      venue.connections(config); // the channels
      if (config.symbols().isEmpty()) {
        throw new IllegalArgumentException("no symbols to collect");
      }
      return config;
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("venue " + venue.id() + ": " + e.getMessage(), e);
    }
  }
}
