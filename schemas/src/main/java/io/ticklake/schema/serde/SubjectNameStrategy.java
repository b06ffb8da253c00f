package io.ticklake.schema.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered under, as Confluent's strategies
 * do. Configured by {@value AvroWireSerdeConfig#KEY_SUBJECT_NAME_STRATEGY_CONFIG} and {@value
 * AvroWireSerdeConfig#VALUE_SUBJECT_NAME_STRATEGY_CONFIG}.
 */
public interface SubjectNameStrategy {

  /** The subject for a schema written to the topic as key or value. */
  String subjectName(String topic, boolean isKey, Schema schema);
}
