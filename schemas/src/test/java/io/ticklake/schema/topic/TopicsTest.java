package io.ticklake.schema.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void topicsTheStreamsAppWritesGoByTheBrokersAppendTime() {
    List<String> streamsOutputs =
        List.of(
            Topics.OHLCV_1M,
            Topics.OHLCV_5M,
            Topics.OHLCV_1H,
            Topics.OFI,
            Topics.CVD,
            Topics.FEATURES_1M,
            Topics.GAPS,
            Topics.LATE);
    for (TopicSpec t : Topics.all(List.of("binance-usdm"))) {
      String expected = streamsOutputs.contains(t.name()) ? "LogAppendTime" : "CreateTime";
      assertThat(t.configs()).as(t.name()).containsEntry("message.timestamp.type", expected);
    }
  }

  @Test
  void anUnknownTimestampTypeIsRefused() {
    assertThatThrownBy(() -> new TopicSpec("md.agg.x.v1", 1, "delete", null, "EventTime", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md.agg.x.v1");
  }
}
