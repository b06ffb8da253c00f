package io.ticklake.connect.s3.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The object-store operations the sink, the compactor and the QA suite need. Keys are full object
 * keys inside one bucket. Every method throws {@link StorageException}, marked retriable when a
 * later attempt may succeed (throttling, I/O, a 5xx answer).
 */
public interface S3Storage extends AutoCloseable {

  /** Uploads a local file under the key, replacing any object there (multipart when large). */
  void put(String key, Path file);

  /** Uploads bytes under the key, replacing any object there. */
  void put(String key, byte[] content);

  /** Every object whose key starts with the prefix, recursively, in key order. */
  List<StoredObject> list(String prefix);

  /** Opens the object for reading; the caller closes the stream. */
  InputStream get(String key);

  /** Downloads the object to a local file, replacing it. */
  void download(String key, Path target);

  /** Deletes the objects; a key that does not exist is not an error. */
  void delete(Collection<String> keys);

  @Override
  default void close() {}

  /** One object in a listing. */
  record StoredObject(String key, long size) {
    /** The last path segment of the key. */
    public String fileName() {
      return key.substring(key.lastIndexOf('/') + 1);
    }
  }
}
