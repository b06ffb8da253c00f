package io.ticklake.schema.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TopicsTest {
  private static final Pattern NAME = Pattern.compile("md\\.[a-z]+\\.([a-z0-9-]+\\.)?[a-z0-9-]+\\.v\\d+");

  @Test
  void everyTopicFollowsTheNamingSchemeAndIsUnique() {
    List<TopicSpec> all = Topics.all(List.of("binance-usdm", "coinbase"));
    assertThat(all).extracting(TopicSpec::name).doesNotHaveDuplicates();
    assertThat(all).allSatisfy(t -> assertThat(t.name()).matches(NAME));
    assertThat(all)
        .extracting(TopicSpec::name)
        .contains("md.raw.binance-usdm.frames.v1", "md.raw.coinbase.frames.v1", Topics.TRADES);
  }

  @Test
  void gapEventsAreCompactedSoTheLatestBackfillStatusWins() {
    TopicSpec gaps =
        Topics.all(List.of("binance-usdm")).stream()
            .filter(t -> t.name().equals(Topics.GAPS))
            .findFirst()
            .orElseThrow();
    assertThat(gaps.configs()).containsEntry("cleanup.policy", "compact,delete");
    assertThat(gaps.configs()).containsKey("min.compaction.lag.ms");
  }

  @Test
  void retentionIsWrittenInMilliseconds() {
    TopicSpec raw = Topics.all(List.of("okx")).get(0);
    assertThat(raw.configs())
        .containsEntry("retention.ms", Long.toString(Topics.RAW_RETENTION.toMillis()))
        .containsEntry("cleanup.policy", "delete");
  }
}
