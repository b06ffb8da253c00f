package io.ticklake.schema.doc;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Markdown tables of configuration definitions, for the reference pages that must not drift from
 * the code: a page holds hand-written prose and generated parts between {@code <!-- BEGIN
 * generated: NAME -->} and {@code <!-- END generated: NAME -->}; each module's docs test renders its
 * parts from its definitions and compares.
 */
public final class ConfigTables {
  private ConfigTables() {}

  /** {@code page} with its part {@code name} replaced by {@code content}. */
  public static String render(String page, String name, String content) {
    String begin = begin(name);
    String end = "<!-- END generated: " + name + " -->";
    int b = page.indexOf(begin);
    int e = page.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException("the page has no part '" + name + "' (" + begin + " ... " + end + ")");
    }
    return page.substring(0, b + begin.length()) + "\n\n" + content + "\n" + page.substring(e);
  }

  /** The line a generated part starts with. */
  public static String begin(String name) {
    return "<!-- BEGIN generated: " + name + " (from the definitions in the code; edit those, not this) -->";
  }

  /** The keys of {@code def} in order: key, default (passwords never shown), meaning. */
  public static String table(ConfigDef def) {
    StringBuilder out = new StringBuilder(header());
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      out.append(row(key.name, key.type == ConfigDef.Type.PASSWORD ? "" : shown(key.defaultValue), key.documentation));
    }
    return out.toString();
  }

  public static String header() {
    return "| key | default | meaning |\n| --- | --- | --- |\n";
  }

  /** A default as a person writes it: lists comma-separated, none as {@code ""}. */
  public static String shown(Object defaultValue) {
    if (defaultValue == null || defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
      return "";
    }
    if (defaultValue instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(defaultValue);
  }

  /** One row; {@code extra} cells follow the meaning. */
  public static String row(String key, String def, String doc, String... extra) {
    StringBuilder line = new StringBuilder("| `").append(key).append("` | ")
        .append(def == null || def.isEmpty() ? "(none)" : "`" + def + "`").append(" | ").append(cell(doc)).append(" |");
    for (String e : extra) {
      line.append(' ').append(cell(e)).append(" |");
    }
    return line.append('\n').toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ").strip();
  }
}
