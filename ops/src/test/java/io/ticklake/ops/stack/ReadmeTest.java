package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's tables are part of the feature: they must name every key and every topic. */
class ReadmeTest {
  private static String readme() throws Exception {
    return Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
  }

  @Test
  void everyConfigurationKeyIsDocumentedWithItsDefault() throws Exception {
    String readme = readme();
    StackConfig.KEYS.forEach(
        (key, defAndDoc) -> {
          assertThat(readme).as("README documents " + key).contains("| `" + key + "` |");
          if (!defAndDoc[0].isEmpty()) {
            assertThat(readme).as("README gives the default of " + key).contains("`" + defAndDoc[0] + "`");
          }
        });
  }

  @Test
  void everyTopicIsDocumented() throws Exception {
    String readme = readme();
    for (TopicSpec t : Topics.all(List.of("binance-usdm"))) {
      String name = t.name().startsWith("md.raw.") ? "md.raw.<venue>.frames.v1" : t.name();
      String row = "| `" + name + "` | " + t.partitions() + " | " + t.cleanupPolicy() + " | " + t.timestampType() + " |";
      assertThat(readme).as("README documents topic " + name).contains(row);
      String line = readme.substring(readme.indexOf(row), readme.indexOf('\n', readme.indexOf(row)));
      // The lake kind is the topic's type, between its stage and its version.
      String lake = Provisioner.LAKE_TOPICS.contains(name) ? "`" + name.split("\\.")[2] + "/`" : "–";
      assertThat(line).as("README says where " + name + " lands in the lake").endsWith("| " + lake + " |");
    }
  }
}
