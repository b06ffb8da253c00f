package io.ticklake.connect.s3.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link S3Storage} in a sorted map, with switches to make the next calls fail. */
public class InMemoryS3Storage implements S3Storage {
  private final Map<String, byte[]> objects = new TreeMap<>();
  /** How many of the next puts fail, and whether retriably. */
  public final AtomicInteger failNextPuts = new AtomicInteger();
  public volatile boolean failuresRetriable = true;
  public final List<String> putLog = new ArrayList<>();
  public final List<String> deleteLog = new ArrayList<>();

  @Override
  public synchronized void put(String key, Path file) {
    try {
      put(key, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void put(String key, byte[] content) {
    if (failNextPuts.get() > 0) {
      failNextPuts.decrementAndGet();
      throw new StorageException("injected failure on " + key, failuresRetriable, null);
    }
    putLog.add(key);
    objects.put(key, content.clone());
  }

  @Override
  public synchronized List<StoredObject> list(String prefix) {
    List<StoredObject> out = new ArrayList<>();
    objects.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.add(new StoredObject(k, v.length));
      }
    });
    return out;
  }

  @Override
  public synchronized InputStream get(String key) {
    byte[] b = objects.get(key);
    if (b == null) {
      throw new StorageException("NoSuchKey " + key, false, null);
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  public synchronized void download(String key, Path target) {
    try (InputStream in = get(key)) {
      Files.write(target, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void delete(Collection<String> keys) {
    for (String k : keys) {
      deleteLog.add(k);
      objects.remove(k);
    }
  }

  public synchronized List<String> keys() {
    return new ArrayList<>(objects.keySet());
  }

  public synchronized byte[] bytes(String key) {
    return objects.get(key);
  }
}
