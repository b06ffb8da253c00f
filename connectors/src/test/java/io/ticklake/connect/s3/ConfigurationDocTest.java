package io.ticklake.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.doc.ConfigTables;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's lake-sink part is made from the connector's definitions. */
class ConfigurationDocTest {
  @Test
  void theLakeSinkPartIsMadeFromTheDefinitions() throws Exception {
    Path page = Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md");
    String now = Files.readString(page);
    String want = ConfigTables.render(now, "lake-sink", ConfigTables.table(S3ParquetSinkConfig.CONFIG_DEF));
    if (!want.equals(now)) {
      Files.writeString(Path.of("target", "configuration.md"), want);
    }
    assertThat(now).as("docs/configuration.md differs from the connector's definitions; the page made from them is "
        + "connectors/target/configuration.md: copy it over docs/configuration.md").isEqualTo(want);
    assertThat(now).contains("| `" + S3ParquetSinkConfig.S3_BUCKET_NAME_CONFIG + "` |");
  }
}
