package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of the connectors module's lake tools ({@code CompactMain}, {@code QaMain}) in a child
 * JVM on the Connect plugin's own lib/ directory, the exact code and dependencies the lake's
 * writer runs with. ops does not depend on the connectors module: its Parquet and Hadoop
 * jars would otherwise sit on the class path of every child of the local stack, the Connect worker
 * included, beside the same classes in its plugin path. The child only borrows SLF4J and logback
 * from this JVM (the plugin's lib/ leaves logging to the Connect runtime). S3 settings reach it
 * through the environment, so the secret never appears on a command line.
 */
final class LakeTool {
  static final String COMPACT_MAIN = "io.ticklake.connect.s3.compact.CompactMain";
  static final String QA_MAIN = "io.ticklake.connect.s3.qa.QaMain";
  static final String PLUGIN_LIB = "connectors/target/plugins/ticklake-s3-parquet-sink/lib";

  private LakeTool() {}

  /** Runs the tool with the arguments, its output on this process's, and returns its exit code. */
  static int run(StackConfig config, Path home, String mainClass, List<String> args) throws IOException, InterruptedException {
    Path lib = home.resolve(PLUGIN_LIB);
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException("the lake plugin is not built: " + lib + " is missing; run mvn -DskipTests package");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-Dticklake.component=lake-tool");
    java.net.URL logging = LakeTool.class.getResource("/lake-tool-logback.xml");
    if (logging != null) {
      cmd.add("-Dlogback.configurationFile=" + logging);
    }
    cmd.add("-cp");
    cmd.add(classPath(lib));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    environment(config, pb.environment());
    return pb.start().waitFor();
  }

  static void environment(StackConfig config, Map<String, String> env) {
    env.put("TICKLAKE_S3_ENDPOINT", config.s3Endpoint());
    env.put("TICKLAKE_S3_REGION", config.get(StackConfig.S3_REGION_CONFIG));
    env.put("TICKLAKE_S3_BUCKET_NAME", config.get(StackConfig.S3_BUCKET_CONFIG));
    env.put("TICKLAKE_S3_ACCESS_KEY_ID", config.get(StackConfig.S3_ACCESS_KEY_CONFIG));
    env.put("TICKLAKE_S3_SECRET_ACCESS_KEY", config.get(StackConfig.S3_SECRET_KEY_CONFIG));
  }

  /** lib/* plus the SLF4J API and logback jars of this JVM's class path. */
  static String classPath(Path lib) {
    List<String> entries = new ArrayList<>();
    entries.add(lib.toAbsolutePath() + File.separator + "*");
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(e).getFileName() == null ? "" : Path.of(e).getFileName().toString();
      if (name.startsWith("slf4j-api-") || name.startsWith("logback-classic-") || name.startsWith("logback-core-")) {
        entries.add(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
