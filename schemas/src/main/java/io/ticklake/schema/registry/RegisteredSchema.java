package io.ticklake.schema.registry;

import org.apache.avro.Schema;

/** One version of a subject as the registry reports it: subject, global id, version and schema. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {}
