package io.ticklake.ops.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format (0.0.4): a strict reader, and the merge the supervisor
 * uses to serve its own metrics and those of its child processes on one {@code /metrics}. Each
 * child's samples get a {@code component} label, and samples of one metric family from several
 * processes are written under one {@code # HELP}/{@code # TYPE} header, as the format requires.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+-?\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusText() {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its header and its sample lines, in order. */
  public record Family(String name, String help, String type, List<String> lines) {}

  /**
   * Reads an exposition strictly: every line a comment, a {@code # HELP}/{@code # TYPE} line or a
   * sample; names and labels well-formed; values numbers (or NaN, +Inf, -Inf); a family's header
   * at most once and before its samples; a family's samples together.
   *
   * @throws IllegalArgumentException naming the line that is not valid
   */
  public static Map<String, Family> families(String text) {
    Map<String, Family> out = new LinkedHashMap<>();
    String current = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] p = line.split(" ", 4);
        if (p.length >= 3 && (p[1].equals("HELP") || p[1].equals("TYPE"))) {
          String name = p[2];
          if (!NAME.matcher(name).matches()) {
            throw invalid(lineNo, line, "bad metric name");
          }
          Family f = out.get(name);
          if (f != null && !name.equals(current)) {
            throw invalid(lineNo, line, "family " + name + " appears twice");
          }
          if (f != null && !f.lines().isEmpty()) {
            throw invalid(lineNo, line, "header after the samples of " + name);
          }
          String rest = p.length > 3 ? p[3] : "";
          if (p[1].equals("TYPE")) {
            if (!TYPES.contains(rest)) {
              throw invalid(lineNo, line, "unknown type '" + rest + "'");
            }
            if (f != null && f.type() != null) {
              throw invalid(lineNo, line, "second TYPE for " + name);
            }
            f = new Family(name, f == null ? null : f.help(), rest, new ArrayList<>());
          } else {
            if (f != null && f.help() != null) {
              throw invalid(lineNo, line, "second HELP for " + name);
            }
            f = new Family(name, rest, f == null ? null : f.type(), new ArrayList<>());
          }
          out.put(name, f);
          current = name;
        }
        continue; // other comments are allowed
      }
      Sample s = sample(line, lineNo);
      String family = familyOf(s.name(), out, current);
      if (family == null) {
        family = s.name();
        if (out.containsKey(family)) {
          throw invalid(lineNo, line, "samples of " + family + " are not together");
        }
        out.put(family, new Family(family, null, "untyped", new ArrayList<>()));
      } else if (!family.equals(current) && !out.get(family).lines().isEmpty()) {
        throw invalid(lineNo, line, "samples of " + family + " are not together");
      }
      out.get(family).lines().add(line);
      current = family;
    }
    return out;
  }

  /** Every sample of an exposition, validated as by {@link #families}. */
  public static List<Sample> samples(String text) {
    List<Sample> out = new ArrayList<>();
    int n = 0;
    for (Family f : families(text).values()) {
      for (String line : f.lines()) {
        out.add(sample(line, ++n));
      }
    }
    return out;
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}. */
  public static double sum(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  private static String familyOf(String sample, Map<String, Family> families, String current) {
    if (families.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_created", "_total", "_info")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (families.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  static Sample sample(String line, int lineNo) {
    Matcher m = SAMPLE.matcher(line);
    if (!m.matches()) {
      throw invalid(lineNo, line, "not a sample line");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (m.group(3) != null && !m.group(3).isBlank()) {
      Matcher l = LABEL.matcher(m.group(3));
      int end = 0;
      while (end < m.group(3).length() && l.find(end) && l.start() == end) {
        labels.put(l.group(1), l.group(2));
        end = l.end();
      }
      if (end != m.group(3).length()) {
        throw invalid(lineNo, line, "bad labels");
      }
    }
    return new Sample(m.group(1), labels, value(m.group(4), lineNo, line));
  }

  private static double value(String v, int lineNo, String line) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw invalid(lineNo, line, "bad value '" + v + "'");
        }
      }
    };
  }

  private static IllegalArgumentException invalid(int lineNo, String line, String why) {
    return new IllegalArgumentException("line " + lineNo + ": " + why + ": " + line);
  }

  /**
   * The supervisor's own exposition plus each child's, its samples labelled {@code
   * component="<name>"}. A child family whose type differs from one already present is left out
   * (and named in the returned text as a comment) rather than making the whole output invalid.
   */
  public static String merge(String own, Map<String, String> children) {
    Map<String, Family> merged = new LinkedHashMap<>(families(own));
    List<String> skipped = new ArrayList<>();
    children.forEach(
        (component, text) -> {
          Map<String, Family> fams;
          try {
            fams = families(text);
          } catch (IllegalArgumentException e) {
            skipped.add(component + " (unreadable: " + e.getMessage() + ")");
            return;
          }
          for (Family f : fams.values()) {
            List<String> labelled = f.lines().stream().map(l -> withLabel(l, "component", component)).toList();
            Family have = merged.get(f.name());
            if (have == null) {
              merged.put(f.name(), new Family(f.name(), f.help(), f.type(), new ArrayList<>(labelled)));
            } else if (java.util.Objects.equals(have.type(), f.type())) {
              List<String> lines = new ArrayList<>(have.lines());
              lines.addAll(labelled);
              merged.put(f.name(), new Family(have.name(), have.help(), have.type(), lines));
            } else {
              skipped.add(component + " " + f.name() + " (type " + f.type() + " vs " + have.type() + ")");
            }
          }
        });
    StringBuilder sb = new StringBuilder();
    for (Family f : merged.values()) {
      if (f.help() != null) {
        sb.append("# HELP ").append(f.name()).append(' ').append(f.help()).append('\n');
      }
      if (f.type() != null) {
        sb.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
      }
      f.lines().forEach(l -> sb.append(l).append('\n'));
    }
    skipped.forEach(s -> sb.append("# ticklake: left out ").append(s.replace('\n', ' ')).append('\n'));
    return sb.toString();
  }

  /** A sample line with one more label. */
  static String withLabel(String line, String name, String value) {
    Matcher m = SAMPLE.matcher(line);
    if (!m.matches()) {
      return line;
    }
    String label = name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    String labels = m.group(3) == null || m.group(3).isBlank() ? label : label + "," + m.group(3);
    return m.group(1) + "{" + labels + "} " + m.group(4) + (m.group(5) == null ? "" : m.group(5));
  }
}
