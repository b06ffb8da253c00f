package io.ticklake.ops.stack;

import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.schema.doc.ConfigTables;
import io.ticklake.streams.AppConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The generated parts of docs/configuration.md, made from the definitions themselves: the stack's
 * keys ({@link StackConfig#KEYS}), each registered venue's keys ({@link StackVenues#venueKeys}) and
 * the Streams app's {@code ConfigDef}. The lake sink's part is the connectors module's.
 */
public final class ConfigReference {
  /** The page's part this class writes. */
  public static final String PART = "stack";

  private ConfigReference() {}

  /** The generated tables, markdown. */
  public static String tables() {
    StringBuilder out = new StringBuilder();
    out.append("## Stack keys\n\n");
    out.append("Set in `ticklake.properties`, `--set key=value`, `TICKLAKE_<KEY>` or the short environment name.\n\n");
    Map<String, String> shortEnv = StackConfig.ENV_ALIASES.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey, (a, b) -> a + ", " + b));
    out.append("| key | default | meaning | short env |\n| --- | --- | --- | --- |\n");
    StackConfig.KEYS.forEach((key, d) -> out.append(
        ConfigTables.row(key, d[0], d[1], shortEnv.containsKey(key) ? "`" + shortEnv.get(key) + "`" : "")));
    out.append(ConfigTables.row("kafka.client.*", "",
        "Kafka client settings (SASL, TLS) passed, without the prefix, to every Kafka client the stack creates.", ""));
    out.append("\n## Venue keys\n\n");
    String shortKeys = Venues.all().stream().filter(Venue::ownsShortKeys).map(Venue::id).findFirst().orElse(null);
    out.append("Each registered venue's keys, set as `venue.<id>.<key>`.")
        .append(shortKeys == null ? "" : " For `" + shortKeys + "` the short names also work (`symbols` means `venue." + shortKeys + ".symbols`).")
        .append(" A key not listed for a venue is refused when the configuration is loaded.\n");
    List<Venue> venues = new ArrayList<>(Venues.all());
    venues.sort(Comparator.comparing(Venue::id));
    for (Venue venue : venues) {
      out.append("\n### `").append(venue.id()).append("`: ").append(venue.displayName()).append("\n\n");
      out.append(ConfigTables.header());
      StackVenues.venueKeys(venue).forEach((key, d) -> out.append(ConfigTables.row("venue." + venue.id() + "." + key, d[0], d[1])));
    }
    out.append("\n## Streams app (`streams.properties`)\n\n");
    out.append("`up` writes this file from the stack's keys; it matters when the Streams app runs on its own. "
        + "Each venue's traits arrive as `venue.<id>.stale.after.ms`, `venue.<id>.continuous.trading` and "
        + "`venue.<id>.contiguous.trade.ids`, written by `up` from the venue's code.\n\n");
    out.append(ConfigTables.table(AppConfig.configDef()));
    return out.toString();
  }
}
