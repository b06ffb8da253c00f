package io.ticklake.connect.s3.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.connect.s3.partition.FileNames;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The files of one partition as a reader must see them. Without a manifest: every Parquet file in
 * the partition (the sink's files). With {@code _manifest.json}: every Parquet file except those the
 * manifest lists as {@code supersededFiles} — that is, the compacted files plus any sink file that
 * arrived after the compaction. Superseded files still present (a compaction interrupted after its
 * manifest was written) are {@link #leftovers()}: readers skip them, the next compaction deletes them.
 *
 * @param partition e.g. {@code trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01}
 * @param prefix the partition's key prefix, ending in {@code /}
 * @param manifest the parsed manifest, if any
 * @param content the files to read, in key order
 * @param leftovers superseded files not yet deleted
 */
public record PartitionFiles(
    String partition,
    String prefix,
    Optional<JsonNode> manifest,
    List<S3Storage.StoredObject> content,
    List<S3Storage.StoredObject> leftovers) {

  /** The manifest's name in every compacted partition. */
  public static final String MANIFEST = "_manifest.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lists and classifies the partition's objects. */
  public static PartitionFiles read(S3Storage storage, String topicsDir, String partition) {
    String prefix = topicsDir + "/" + partition + "/";
    List<S3Storage.StoredObject> parquet = new ArrayList<>();
    boolean hasManifest = false;
    for (S3Storage.StoredObject o : storage.list(prefix)) {
      if (o.key().substring(prefix.length()).contains("/")) {
        continue;
      }
      if (o.fileName().equals(MANIFEST)) {
        hasManifest = true;
      } else if (o.fileName().endsWith(FileNames.EXTENSION)) {
        parquet.add(o);
      }
    }
    Optional<JsonNode> manifest = Optional.empty();
    Set<String> superseded = new HashSet<>();
    if (hasManifest) {
      try (InputStream in = storage.get(prefix + MANIFEST)) {
        JsonNode m = JSON.readTree(in);
        manifest = Optional.of(m);
        m.path("supersededFiles").forEach(k -> superseded.add(k.asText()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + prefix + MANIFEST, e);
      }
    }
    List<S3Storage.StoredObject> content = new ArrayList<>();
    List<S3Storage.StoredObject> leftovers = new ArrayList<>();
    for (S3Storage.StoredObject o : parquet) {
      (superseded.contains(o.key()) ? leftovers : content).add(o);
    }
    return new PartitionFiles(partition, prefix, manifest, content, leftovers);
  }

  /** Keys of the files the manifest lists as the partition's compacted content. */
  public Set<String> manifestFileKeys() {
    Set<String> keys = new HashSet<>();
    manifest.ifPresent(m -> m.path("files").forEach(f -> keys.add(f.path("key").asText())));
    return keys;
  }

  /** The kind: the partition's first segment. */
  public String kind() {
    return LakePaths.kind(partition);
  }
}
