package io.ticklake.producers.coinbase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.sim.VenueProfile.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoinbaseSimProfileTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSnapshotIsServedAsTheVenueSendsItTheWholeBookWithoutATime() throws Exception {
    CoinbaseSimProfile venue = new CoinbaseSimProfile(null);
    venue.played("{\"type\":\"snapshot\",\"product_id\":\"BAND-BTC\",\"bids\":[[\"0.0002\",\"5\"]],\"asks\":[[\"0.0003\",\"7\"]]}");
    venue.played("{\"type\":\"l2update\",\"product_id\":\"BAND-BTC\",\"changes\":[[\"buy\",\"0.00021\",\"10\"]],\"time\":\"2021-04-17T16:43:37.100000Z\"}");
    Session sub = venue.open("/");
    venue.onClientFrame(sub, "{\"type\":\"subscribe\",\"product_ids\":[\"BAND-BTC\"],\"channels\":[\"level2\"]}");
    List<String> due = venue.due(sub);
    assertThat(due).hasSize(1);
    JsonNode snapshot = JSON.readTree(due.get(0));
    assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
    assertThat(snapshot.has("time")).as("the feed's snapshot carries no time").isFalse();
    assertThat(snapshot.get("bids").toString()).isEqualTo("[[\"0.00021\",\"10\"],[\"0.0002\",\"5\"]]");
    assertThat(snapshot.get("asks").toString()).isEqualTo("[[\"0.0003\",\"7\"]]");
    assertThat(venue.due(sub)).as("once per subscription").isEmpty();
  }
}
