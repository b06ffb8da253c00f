package io.ticklake.schema.serde;

import org.apache.avro.Schema;

/** The record's full name ({@code io.ticklake.schema.v1.Trade}): one lineage per record type. */
public final class RecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return schema.getFullName();
  }
}
