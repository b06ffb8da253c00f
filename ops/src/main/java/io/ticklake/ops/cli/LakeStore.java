package io.ticklake.ops.cli;

import io.minio.DownloadObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.ticklake.ops.stack.StackConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Parquet lake through the S3 API, for the CLI: lists a kind's objects with their Hive
 * partition values, downloads and deletes them. Layout (the sink's): {@code
 * lake/<kind>/venue=<v>/symbol=<s>/date=<yyyy-MM-dd>/<file>}.
 */
final class LakeStore {
  static final String TOPICS_DIR = "lake";
  static final String MANIFEST = "_manifest.json";
  private static final Pattern KEY =
      Pattern.compile("([^/]+)/([^/]+)/venue=([^/]+)/symbol=([^/]+)/date=(\\d{4}-\\d{2}-\\d{2})/([^/]+)");

  /** One object of the lake with its partition values. */
  record LakeObject(String key, String kind, String venue, String symbol, LocalDate date, String file, long size) {
    String partition() {
      return key.substring(0, key.length() - file.length());
    }
  }

  private final MinioClient client;
  private final String bucket;

  LakeStore(StackConfig c) {
    this.client =
        MinioClient.builder()
            .endpoint(c.s3Endpoint())
            .region(c.get(StackConfig.S3_REGION_CONFIG))
            .credentials(c.get(StackConfig.S3_ACCESS_KEY_CONFIG), c.get(StackConfig.S3_SECRET_KEY_CONFIG))
            .build();
    this.bucket = c.get(StackConfig.S3_BUCKET_CONFIG);
  }

  /** The objects under {@code lake/<kind>/[venue=<v>/[symbol=<s>/]]}. */
  List<LakeObject> list(String kind, String venue, String symbol) throws IOException {
    StringBuilder prefix = new StringBuilder(TOPICS_DIR).append('/').append(kind).append('/');
    if (venue != null) {
      prefix.append("venue=").append(venue).append('/');
      if (symbol != null) {
        prefix.append("symbol=").append(symbol.replace("/", "%2F")).append('/');
      }
    }
    List<LakeObject> out = new ArrayList<>();
    try {
      for (Result<Item> r :
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix.toString()).recursive(true).build())) {
        Item i = r.get();
        Matcher m = KEY.matcher(i.objectName());
        if (m.matches()) {
          out.add(new LakeObject(i.objectName(), m.group(2), m.group(3), m.group(4).replace("%2F", "/"),
              LocalDate.parse(m.group(5)), m.group(6), i.size()));
        }
      }
    } catch (Exception e) {
      throw new IOException("cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The partitions' data files: the manifest's files where a manifest exists, else every Parquet file. */
  static List<LakeObject> readable(List<LakeObject> objects, LakeStore store) throws IOException {
    List<LakeObject> out = new ArrayList<>();
    java.util.Map<String, List<LakeObject>> byPartition = new java.util.TreeMap<>();
    objects.forEach(o -> byPartition.computeIfAbsent(o.partition(), k -> new ArrayList<>()).add(o));
    for (List<LakeObject> part : byPartition.values()) {
      LakeObject manifest = part.stream().filter(o -> o.file().equals(MANIFEST)).findFirst().orElse(null);
      if (manifest == null) {
        part.stream().filter(o -> o.file().endsWith(".parquet")).forEach(out::add);
        continue;
      }
      // Compaction writes the manifest last and deletes the files it replaced after it: the
      // partition's content is the manifest's files plus sink files written since (not among its
      // sources); sources still present (a crash before the delete) are not read twice.
      com.fasterxml.jackson.databind.JsonNode m = JSON.readTree(store.read(manifest.key()));
      java.util.Set<String> listed = new java.util.HashSet<>();
      m.path("files").forEach(f -> listed.add(f.path("key").asText()));
      java.util.Set<String> sources = new java.util.HashSet<>();
      for (com.fasterxml.jackson.databind.JsonNode src : m.path("sourceOffsets")) {
        String tp = src.path("topicPartition").asText();
        for (String first : src.path("fileFirstOffsets").asText().replaceAll("[\\[\\] ]", "").split(",")) {
          if (!first.isEmpty()) {
            sources.add(tp + "+" + String.format("%020d", Long.parseLong(first)) + ".parquet");
          }
        }
      }
      for (LakeObject o : part) {
        if (listed.contains(o.key())
            || (o.file().endsWith(".parquet") && !o.file().startsWith("compacted-") && !sources.contains(o.file()))) {
          out.add(o);
        }
      }
    }
    return out;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  String read(String key) throws IOException {
    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  void download(String key, Path to) throws IOException {
    try {
      client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key).filename(to.toString()).overwrite(true).build());
    } catch (Exception e) {
      throw new IOException("cannot download s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  void delete(String key) throws IOException {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IOException("cannot delete s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  String bucket() {
    return bucket;
  }
}
