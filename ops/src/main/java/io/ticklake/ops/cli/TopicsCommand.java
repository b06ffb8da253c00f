package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ticklake topics}: the project's topics as the broker has them (partitions, cleanup
 * policy, retention), checked against the documented catalogue. Exits 1 when any differs.
 */
@Command(name = "topics", description = "List ticklake's topics as the broker has them.")
final class TopicsCommand implements Callable<Integer> {
  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StackConfig config = options.load(true);
    PrintWriter out = spec.commandLine().getOut();
    Properties p = config.kafkaClientConfig();
    List<TopicSpec> specs = Topics.all(io.ticklake.producers.core.Venues.ids());
    int mismatches = 0;
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
      List<String> present = new ArrayList<>();
      specs.stream().map(TopicSpec::name).filter(existing::contains).forEach(present::add);
      Map<String, TopicDescription> desc =
          admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
      List<ConfigResource> res =
          present.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(res).all().get(30, TimeUnit.SECONDS);
      out.printf(
          "%-32s %5s %-15s %14s  %s%n", "TOPIC", "PARTS", "CLEANUP", "RETENTION.MS", "CHECK");
      for (TopicSpec s : specs) {
        if (!existing.contains(s.name())) {
          out.printf("%-32s %5s %-15s %14s  MISSING%n", s.name(), "-", "-", "-");
          mismatches++;
          continue;
        }
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.name()));
        String cleanup = c.get("cleanup.policy").value();
        String retention = c.get("retention.ms").value();
        int parts = desc.get(s.name()).partitions().size();
        boolean ok =
            parts == s.partitions()
                && cleanup.equals(s.cleanupPolicy())
                && retention.equals(s.configs().get("retention.ms"));
        if (!ok) {
          mismatches++;
        }
        out.printf(
            "%-32s %5d %-15s %14s  %s%n",
            s.name(), parts, cleanup, retention, ok ? "ok" : "DIFFERS from the documented config");
      }
    }
    return mismatches == 0 ? 0 : 1;
  }
}
