package io.ticklake.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.ops.stack.StackConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeToolTest {
  @TempDir Path home;

  @Test
  void theToolGetsTheStacksS3SettingsThroughItsEnvironment() throws Exception {
    StackConfig config = StackConfig.load(null, Map.of("TICKLAKE_S3_SECRET_ACCESS_KEY", "s3cr3t"),
        Map.of(StackConfig.S3_ENDPOINT_CONFIG, "https://s3.eu-west-1.amazonaws.com", StackConfig.S3_REGION_CONFIG, "eu-west-1",
            StackConfig.S3_BUCKET_CONFIG, "research-lake"));
    Map<String, String> env = new HashMap<>();
    LakeTool.environment(config, env);
    assertThat(env).containsEntry("TICKLAKE_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com")
        .containsEntry("TICKLAKE_S3_REGION", "eu-west-1").containsEntry("TICKLAKE_S3_BUCKET_NAME", "research-lake")
        .containsEntry("TICKLAKE_S3_ACCESS_KEY_ID", "ticklake").containsEntry("TICKLAKE_S3_SECRET_ACCESS_KEY", "s3cr3t");
  }

  @Test
  void theClassPathIsThePluginLibPlusLoggingOnly() {
    String cp = LakeTool.classPath(home.resolve("lib"));
    List<String> entries = List.of(cp.split(File.pathSeparator));
    assertThat(entries.get(0)).isEqualTo(home.resolve("lib").toAbsolutePath() + File.separator + "*");
    assertThat(entries.subList(1, entries.size())).isNotEmpty()
        .allMatch(e -> e.contains("slf4j-api-") || e.contains("logback-"));
  }

  @Test
  void aMissingPluginIsAClearError() throws Exception {
    StackConfig config = StackConfig.load(null, Map.of(), Map.of());
    assertThatThrownBy(() -> LakeTool.run(config, home, LakeTool.QA_MAIN, List.of()))
        .hasMessageContaining("the lake plugin is not built").hasMessageContaining("mvn -DskipTests package");
  }
}
