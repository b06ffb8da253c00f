package io.ticklake.streams.query;

import static io.ticklake.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticklake.streams.Fixtures;
import org.junit.jupiter.api.Test;

class QueryJsonTest {

  @Test
  void decimalsAreExactStringsAndAgeIsGiven() {
    JsonNode n = QueryJson.quote(Fixtures.quote(7, T0, "64000.10", "0.001", "64000.2", "12"), T0.plusMillis(250));
    assertThat(n.get("bidPrice").isTextual()).isTrue();
    assertThat(n.get("bidPrice").asText()).isEqualTo("64000.1");
    assertThat(n.get("bidSize").asText()).isEqualTo("0.001");
    assertThat(n.get("asOf").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(n.get("ageMs").asLong()).isEqualTo(250);
  }
}
