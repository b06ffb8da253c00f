package io.ticklake.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
  private static Schema record(String fields) {
    return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
  }

  private static final Schema V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
  private static final Schema ADDED_REQUIRED =
      record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"long\"}");
  private static final Schema ADDED_OPTIONAL =
      record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":[\"null\",\"long\"],\"default\":null}");
  private static final Schema REMOVED_A = record("{\"name\":\"c\",\"type\":\"int\",\"default\":0}");

  private static List<String> check(CompatibilityLevel level, Schema candidate, Schema... earlier) {
    List<Integer> versions = new java.util.ArrayList<>();
    for (int i = 1; i <= earlier.length; i++) {
      versions.add(i);
    }
    return level.check(candidate, List.of(earlier), versions);
  }

  @Test
  void backwardRefusesANewRequiredField() {
    List<String> problems = check(CompatibilityLevel.BACKWARD, ADDED_REQUIRED, V1);
    assertThat(problems).isNotEmpty();
    assertThat(problems.get(0)).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("b");
    assertThat(problems).contains("{oldSchemaVersion: 1}", "{compatibility: 'BACKWARD'}");
    assertThat(check(CompatibilityLevel.BACKWARD, ADDED_OPTIONAL, V1)).isEmpty();
  }

  @Test
  void forwardRefusesRemovingAFieldWithoutDefault() {
    // Old readers need 'a', which the new writer no longer writes.
    assertThat(check(CompatibilityLevel.FORWARD, REMOVED_A, V1)).isNotEmpty();
    // A new required field is fine forward: old readers ignore it.
    assertThat(check(CompatibilityLevel.FORWARD, ADDED_REQUIRED, V1)).isEmpty();
  }

  @Test
  void fullNeedsBoth() {
    assertThat(check(CompatibilityLevel.FULL, ADDED_REQUIRED, V1)).isNotEmpty();
    assertThat(check(CompatibilityLevel.FULL, ADDED_OPTIONAL, V1)).isEmpty();
  }

  @Test
  void transitiveChecksEveryVersionPlainOnlyTheLatest() {
    // v1 {a}, v2 {a, b?}, candidate {b?} without a: backward-compatible with v2 only if a had a default... it never needs a.
    Schema onlyB = record("{\"name\":\"b\",\"type\":[\"null\",\"long\"],\"default\":null}");
    Schema v2WithDefaultB =
        record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"long\",\"default\":1}");
    Schema candidateNeedsB = record("{\"name\":\"b\",\"type\":\"long\"}");
    // candidate reads v2 (has b) but not v1 (no b, no default).
    assertThat(check(CompatibilityLevel.BACKWARD, candidateNeedsB, V1, v2WithDefaultB)).isEmpty();
    assertThat(check(CompatibilityLevel.BACKWARD_TRANSITIVE, candidateNeedsB, V1, v2WithDefaultB))
        .contains("{oldSchemaVersion: 1}");
    assertThat(check(CompatibilityLevel.BACKWARD_TRANSITIVE, onlyB, V1, v2WithDefaultB)).isEmpty();
    assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, candidateNeedsB, V1, v2WithDefaultB)).isNotEmpty();
    assertThat(check(CompatibilityLevel.FORWARD_TRANSITIVE, ADDED_REQUIRED, V1, V1)).isEmpty();
  }

  @Test
  void noneAndEmptyHistoryAlwaysPass() {
    assertThat(check(CompatibilityLevel.NONE, REMOVED_A, V1)).isEmpty();
    assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, REMOVED_A)).isEmpty();
  }

  @Test
  void parsesCaseInsensitivelyAndRefusesUnknown() {
    assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42203));
  }
}
