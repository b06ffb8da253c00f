package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.doc.ConfigTables;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reference pages are part of the feature: made from the definitions, or checked against them. */
class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  @Test
  void theConfigurationPageIsMadeFromTheDefinitions() throws Exception {
    Path page = ROOT.resolve("docs/configuration.md");
    String now = Files.readString(page);
    String want = ConfigTables.render(now, ConfigReference.PART, ConfigReference.tables());
    if (!want.equals(now)) {
      Files.writeString(Path.of("target", "configuration.md"), want);
    }
    assertThat(now).as("docs/configuration.md differs from the definitions; the page made from them is "
        + "ops/target/configuration.md: copy it over docs/configuration.md").isEqualTo(want);
    // Every key a user can set is on the page: the stack's and each venue's.
    StackConfig.KEYS.keySet().forEach(key -> assertThat(now).contains("| `" + key + "` |"));
    for (var venue : io.ticklake.producers.core.Venues.all()) {
      StackVenues.venueKeys(venue).keySet().forEach(key -> assertThat(now).contains("| `venue." + venue.id() + "." + key + "` |"));
    }
  }

  @Test
  void everyTopicIsDocumentedWithWhereItLands() throws Exception {
    String page = Files.readString(ROOT.resolve("docs/architecture.md"));
    for (TopicSpec t : Topics.all(io.ticklake.producers.core.Venues.ids())) {
      String name = t.name().startsWith("md.raw.") ? "md.raw.<venue>.frames.v1" : t.name();
      String row = "| `" + name + "` | " + t.partitions() + " | " + t.cleanupPolicy() + " | " + t.timestampType() + " |";
      assertThat(page).as("docs/architecture.md documents topic " + name).contains(row);
      String line = page.substring(page.indexOf(row), page.indexOf('\n', page.indexOf(row)));
      // The lake kind is the topic's type, between its stage and its version.
      String lake = Provisioner.LAKE_TOPICS.contains(name) ? "`" + name.split("\\.")[2] + "/`" : "–";
      assertThat(line).as("docs/architecture.md says where " + name + " lands in the lake").endsWith("| " + lake + " |");
    }
  }

  @Test
  void theReadmeIsShortAndEveryLinkOfTheDocsResolves() throws Exception {
    assertThat(Files.readAllLines(ROOT.resolve("README.md"))).as("README lines").hasSizeLessThanOrEqualTo(250);
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    try (Stream<Path> runbooks = Files.list(ROOT.resolve("ops/runbooks"))) {
      runbooks.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    for (Path page : pages) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        assertThat(page.getParent().resolve(target).normalize())
            .as(ROOT.relativize(page) + " links to " + target).exists();
      }
    }
  }
}
