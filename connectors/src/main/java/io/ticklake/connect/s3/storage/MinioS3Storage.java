package io.ticklake.connect.s3.storage;

import io.minio.BucketExistsArgs;
import io.minio.DownloadObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InternalException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link S3Storage} on the MinIO Java client: the only class that imports it. Works against AWS
 * S3, MinIO and S3Proxy (path-style addressing when an endpoint is given).
 */
public final class MinioS3Storage implements S3Storage {
  private static final Logger log = LoggerFactory.getLogger(MinioS3Storage.class);

  /** Uploads above this size go multipart, in parts of this size. */
  static final long PART_SIZE = 16L * 1024 * 1024;

  /** S3 error codes that mean "slow down or try later", not "this will never work". */
  private static final Set<String> RETRIABLE_CODES =
      Set.of("SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeTooSkewed", "OperationAborted");

  private final MinioClient client;
  private final String bucket;

  /**
   * @param endpoint e.g. {@code http://localhost:9000}; null or blank for AWS S3 in the region
   * @param region the region, e.g. {@code us-east-1}
   */
  public MinioS3Storage(String endpoint, String region, String accessKey, String secretKey, String bucket) {
    MinioClient.Builder builder = MinioClient.builder().region(region);
    builder.endpoint(endpoint == null || endpoint.isBlank() ? "https://s3." + region + ".amazonaws.com" : endpoint);
    if (accessKey != null && !accessKey.isBlank()) {
      builder.credentials(accessKey, secretKey);
    }
    this.client = builder.build();
    this.bucket = bucket;
  }

  /** Whether the bucket exists. */
  public boolean bucketExists() {
    return call("check bucket " + bucket, () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
  }

  /** Creates the bucket if it is missing (tests and the local stack). */
  public void createBucketIfMissing() {
    if (!bucketExists()) {
      call("create bucket " + bucket, () -> {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        return null;
      });
    }
  }

  @Override
  public void put(String key, Path file) {
    call("upload " + key, () -> {
      client.uploadObject(
          UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString(), PART_SIZE)
              .contentType("application/vnd.apache.parquet").build());
      return null;
    });
  }

  @Override
  public void put(String key, byte[] content) {
    call("upload " + key, () -> {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key)
              .stream(new ByteArrayInputStream(content), content.length, -1).build());
      return null;
    });
  }

  @Override
  public List<StoredObject> list(String prefix) {
    return call("list " + prefix, () -> {
      List<StoredObject> out = new ArrayList<>();
      for (Result<Item> result :
          client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        Item item = result.get();
        if (!item.isDir()) {
          out.add(new StoredObject(item.objectName(), item.size()));
        }
      }
      out.sort((a, b) -> a.key().compareTo(b.key()));
      return out;
    });
  }

  @Override
  public InputStream get(String key) {
    return call("get " + key, () -> client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()));
  }

  @Override
  public void download(String key, Path target) {
    call("download " + key, () -> {
      Files.deleteIfExists(target);
      client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key).filename(target.toString()).build());
      return null;
    });
  }

  @Override
  public void delete(Collection<String> keys) {
    for (String key : keys) {
      call("delete " + key, () -> {
        client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        return null;
      });
      log.debug("Deleted s3://{}/{}", bucket, key);
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (ErrorResponseException e) {
      String code = e.errorResponse().code();
      boolean retriable = RETRIABLE_CODES.contains(code) || e.response() != null && e.response().code() >= 500;
      throw new StorageException("S3 refused to " + what + " in bucket " + bucket + ": " + code + " " + e.getMessage(), retriable, e);
    } catch (ServerException | InternalException | IOException e) {
      throw new StorageException("S3 failed to " + what + " in bucket " + bucket + ": " + e, true, e);
    } catch (Exception e) {
      throw new StorageException("S3 failed to " + what + " in bucket " + bucket + ": " + e, false, e);
    }
  }
}
