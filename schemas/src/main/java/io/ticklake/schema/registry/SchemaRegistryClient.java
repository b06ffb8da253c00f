package io.ticklake.schema.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that serializers and tools need.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses the call or
 * cannot be reached.
 */
public interface SchemaRegistryClient {

  /**
   * Registers the schema under the subject, or returns the id it already has. The registry
   * checks compatibility with earlier versions; an incompatible schema fails with error code 409.
   */
  int register(String subject, Schema schema);

  /** The schema with the given global id (error code 40403 if there is none). */
  Schema getById(int id);

  /** The id of a schema already registered under the subject (40401 or 40403 if it is not). */
  int lookup(String subject, Schema schema);

  /** Whether the schema is compatible with the latest version of the subject. */
  boolean testCompatibility(String subject, Schema schema);

  /** The latest (not deleted) version of the subject (40401 if the subject does not exist). */
  RegisteredSchema getLatest(String subject);
}
