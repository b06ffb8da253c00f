package io.ticklake.schema.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact encoding of a generated Avro record for state stores and their changelogs, where the
 * Confluent wire format ({@link AvroWireSerde}) costs the most: an aggregate is read and written
 * back once per input record. No registry: one format byte, then a 64-bit fingerprint of the
 * record's schema as far as the encoding depends on it ({@link #shape}), then the fields in schema
 * order.
 *
 * <ul>
 *   <li>Decimals keep their exact value and scale: the scale as a varint, then the unscaled value as
 *       a zig-zag varint when it fits in a long, or as its two's-complement bytes. Avro's decimal
 *       conversion instead checks every value's precision (counting its digits) on every write.
 *   <li>Timestamps are epoch microseconds or milliseconds (as their logical type says), ints and
 *       longs zig-zag varints, strings UTF-8 with a length, enums their position, unions the branch
 *       index then the value, arrays and maps a count then the items.
 * </ul>
 *
 * <p>State written by a build with a different schema for the class is refused with a message that
 * says so, rather than read wrong: a changed state schema needs the application's state reset
 * (see {@code ops/runbooks/streams.md}). Thread-safe; one instance per class is enough.
 */
public final class StateSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
  static final byte FORMAT = 1;
  /** The format byte of {@link #listSerde}'s values: a list read as one record, or the reverse, fails clearly. */
  static final byte LIST_FORMAT = 2;
  private static final int HEADER = 9;

  private final Class<T> type;
  private final Schema schema;
  private final long fingerprint;
  private final Codec codec;

  /** The state serde of a generated class. */
  public StateSerde(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.fingerprint = SchemaNormalization.fingerprint64(shape(schema).getBytes(StandardCharsets.UTF_8));
    this.codec = codecFor(model, schema);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Out out = begin();
    try {
      codec.write(data, out);
    } catch (RuntimeException e) {
      throw new SerializationException("could not encode " + schema.getFullName() + " for state: " + e, e);
    }
    return finish(out);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    In in = open(topic, data);
    try {
      Object value = codec.read(in);
      in.end();
      return (T) value;
    } catch (RuntimeException e) {
      throw new SerializationException("could not decode " + schema.getFullName() + " state in " + topic + ": " + e, e);
    }
  }

  /**
   * A serde of a list of the class's records, for a key whose state is several records (the open
   * windows of a key): the same header, a count, then each record's fields.
   */
  public Serde<List<T>> listSerde() {
    return listSerde;
  }

  private final Serde<List<T>> listSerde =
      new Serde<>() {
        @Override
        public Serializer<List<T>> serializer() {
          return (topic, list) -> {
            if (list == null) {
              return null;
            }
            Out out = begin(LIST_FORMAT);
            try {
              out.writeVarLong(list.size());
              for (T t : list) {
                codec.write(t, out);
              }
            } catch (RuntimeException e) {
              throw new SerializationException("could not encode a list of " + schema.getFullName() + " for state: " + e, e);
            }
            return finish(out);
          };
        }

        @Override
        @SuppressWarnings("unchecked")
        public Deserializer<List<T>> deserializer() {
          return (topic, data) -> {
            if (data == null) {
              return null;
            }
            In in = open(topic, data, LIST_FORMAT);
            try {
              int n = in.readCount();
              List<T> list = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                list.add((T) codec.read(in));
              }
              in.end();
              return list;
            } catch (RuntimeException e) {
              throw new SerializationException(
                  "could not decode a list of " + schema.getFullName() + " state in " + topic + ": " + e, e);
            }
          };
        }
      };

  private Out begin() {
    return begin(FORMAT);
  }

  private Out begin(byte format) {
    Out out = OUT.get();
    out.pos = 0;
    out.write(format);
    out.writeFixedLong(fingerprint);
    return out;
  }

  private static byte[] finish(Out out) {
    byte[] bytes = Arrays.copyOf(out.buf, out.pos);
    out.shrink();
    return bytes;
  }

  /** Checks the format byte and the schema fingerprint; positioned after them. */
  private In open(String topic, byte[] data) {
    return open(topic, data, FORMAT);
  }

  private In open(String topic, byte[] data, byte format) {
    if (data.length < HEADER || data[0] != format) {
      throw new SerializationException(
          "state of " + schema.getFullName() + " in " + topic + " is not in the state format " + format
              + " (first byte " + (data.length == 0 ? "none" : data[0]) + "); it was written by an older"
              + " build: reset the application's state (ops/runbooks/streams.md)");
    }
    In in = new In(data, 1);
    long written = in.readFixedLong();
    if (written != fingerprint) {
      throw new SerializationException(
          String.format(
              "state of %s in %s was written with another schema of it (fingerprint %016x, this build"
                  + " %016x): reset the application's state (ops/runbooks/streams.md)",
              schema.getFullName(), topic, written, fingerprint));
    }
    return in;
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure: no registry
  }

  @Override
  public void close() {
    // nothing held
  }

  @Override
  public String toString() {
    return "StateSerde[" + type.getSimpleName() + "]";
  }

  /**
   * What the encoding depends on, and nothing else: names, types, logical types, union branches,
   * enum symbols, in order. A doc or default changed in the .avsc leaves state readable.
   */
  static String shape(Schema s) {
    String base =
        switch (s.getType()) {
          case RECORD -> {
            StringBuilder b = new StringBuilder(s.getFullName()).append('{');
            for (Schema.Field f : s.getFields()) {
              b.append(f.name()).append(':').append(shape(f.schema())).append(',');
            }
            yield b.append('}').toString();
          }
          case UNION -> {
            StringBuilder b = new StringBuilder("[");
            for (Schema t : s.getTypes()) {
              b.append(shape(t)).append(',');
            }
            yield b.append(']').toString();
          }
          case ARRAY -> "array<" + shape(s.getElementType()) + ">";
          case MAP -> "map<" + shape(s.getValueType()) + ">";
          case ENUM -> s.getFullName() + s.getEnumSymbols();
          default -> s.getType().getName();
        };
    LogicalType logical = s.getLogicalType();
    return logical == null ? base : base + "@" + logical.getName();
  }

  /** One value of one schema. */
  private interface Codec {
    void write(Object value, Out out);

    Object read(In in);
  }

  private static Codec codecFor(SpecificData model, Schema s) {
    LogicalType logical = s.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal) {
      return DECIMAL;
    }
    if (logical instanceof LogicalTypes.TimestampMicros) {
      return MICROS;
    }
    if (logical instanceof LogicalTypes.TimestampMillis) {
      return MILLIS;
    }
    if (logical != null) {
      throw new IllegalArgumentException("no state encoding for logical type " + logical.getName() + " in " + s);
    }
    return switch (s.getType()) {
      case NULL -> NULL;
      case BOOLEAN -> BOOLEAN;
      case INT -> INT;
      case LONG -> LONG;
      case FLOAT -> FLOAT;
      case DOUBLE -> DOUBLE;
      case STRING -> STRING;
      case BYTES -> BYTES;
      case ENUM -> enumCodec(model, s);
      case UNION -> unionCodec(model, s);
      case ARRAY -> arrayCodec(model, s);
      case MAP -> mapCodec(model, s);
      case RECORD -> recordCodec(model, s);
      case FIXED -> throw new IllegalArgumentException("no state encoding for fixed " + s);
    };
  }

  private static Codec recordCodec(SpecificData model, Schema s) {
    List<Schema.Field> fields = s.getFields();
    Codec[] codecs = new Codec[fields.size()];
    for (int i = 0; i < codecs.length; i++) {
      codecs[i] = codecFor(model, fields.get(i).schema());
    }
    return new Codec() {
      @Override
      public void write(Object value, Out out) {
        SpecificRecord r = (SpecificRecord) value;
        for (int i = 0; i < codecs.length; i++) {
          codecs[i].write(r.get(i), out);
        }
      }

      @Override
      public Object read(In in) {
        SpecificRecord r = (SpecificRecord) model.newRecord(null, s);
        for (int i = 0; i < codecs.length; i++) {
          r.put(i, codecs[i].read(in));
        }
        return r;
      }
    };
  }

  private static Codec unionCodec(SpecificData model, Schema s) {
    List<Schema> branches = s.getTypes();
    Codec[] codecs = new Codec[branches.size()];
    for (int i = 0; i < codecs.length; i++) {
      codecs[i] = codecFor(model, branches.get(i));
    }
    // The usual ["null", X] (or [X, "null"]) needs no search for the branch.
    int nullAt = s.getIndexNamed(Schema.Type.NULL.getName()) == null ? -1 : s.getIndexNamed(Schema.Type.NULL.getName());
    int other = branches.size() == 2 && nullAt >= 0 ? 1 - nullAt : -1;
    return new Codec() {
      @Override
      public void write(Object value, Out out) {
        int branch = value == null ? nullAt : other >= 0 ? other : model.resolveUnion(s, value);
        if (branch < 0) {
          throw new IllegalArgumentException("null in a union without null: " + s);
        }
        out.writeVarLong(branch);
        codecs[branch].write(value, out);
      }

      @Override
      public Object read(In in) {
        return codecs[(int) in.readVarLong()].read(in);
      }
    };
  }

  private static Codec enumCodec(SpecificData model, Schema s) {
    Class<?> c = model.getClass(s);
    Object[] constants = c == null ? null : c.getEnumConstants();
    if (constants == null || constants.length != s.getEnumSymbols().size()) {
      throw new IllegalArgumentException("no generated enum for " + s.getFullName());
    }
    return new Codec() {
      @Override
      public void write(Object value, Out out) {
        out.writeVarLong(((Enum<?>) value).ordinal());
      }

      @Override
      public Object read(In in) {
        return constants[(int) in.readVarLong()];
      }
    };
  }

  private static Codec arrayCodec(SpecificData model, Schema s) {
    Codec item = codecFor(model, s.getElementType());
    return new Codec() {
      @Override
      public void write(Object value, Out out) {
        List<?> list = (List<?>) value;
        out.writeVarLong(list.size());
        for (Object o : list) {
          item.write(o, out);
        }
      }

      @Override
      public Object read(In in) {
        int n = in.readCount();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(item.read(in));
        }
        return list;
      }
    };
  }

  private static Codec mapCodec(SpecificData model, Schema s) {
    Codec item = codecFor(model, s.getValueType());
    return new Codec() {
      @Override
      public void write(Object value, Out out) {
        Map<?, ?> map = (Map<?, ?>) value;
        out.writeVarLong(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          STRING.write(e.getKey(), out);
          item.write(e.getValue(), out);
        }
      }

      @Override
      public Object read(In in) {
        int n = in.readCount();
        Map<Object, Object> map = new HashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
          map.put(STRING.read(in), item.read(in));
        }
        return map;
      }
    };
  }

  private static final Codec NULL =
      new Codec() {
        @Override
        public void write(Object value, Out out) {}

        @Override
        public Object read(In in) {
          return null;
        }
      };

  private static final Codec BOOLEAN =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.write((Boolean) value ? 1 : 0);
        }

        @Override
        public Object read(In in) {
          return in.readByte() != 0;
        }
      };

  private static final Codec INT =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeZigZag((Integer) value);
        }

        @Override
        public Object read(In in) {
          return (int) in.readZigZag();
        }
      };

  private static final Codec LONG =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeZigZag((Long) value);
        }

        @Override
        public Object read(In in) {
          return in.readZigZag();
        }
      };

  private static final Codec FLOAT =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeFixedLong(Float.floatToRawIntBits((Float) value));
        }

        @Override
        public Object read(In in) {
          return Float.intBitsToFloat((int) in.readFixedLong());
        }
      };

  private static final Codec DOUBLE =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeFixedLong(Double.doubleToRawLongBits((Double) value));
        }

        @Override
        public Object read(In in) {
          return Double.longBitsToDouble(in.readFixedLong());
        }
      };

  private static final Codec STRING =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeString(value.toString());
        }

        @Override
        public Object read(In in) {
          int n = in.readCount();
          String s = new String(in.buf, in.pos, n, StandardCharsets.UTF_8);
          in.pos += n;
          return s;
        }
      };

  private static final Codec BYTES =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          ByteBuffer b = ((ByteBuffer) value).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          out.writeBytes(bytes);
        }

        @Override
        public Object read(In in) {
          return ByteBuffer.wrap(in.readBytes());
        }
      };

  /** Scale, then the unscaled value: a zig-zag long (kind 0) or two's-complement bytes (kind 1). */
  private static final Codec DECIMAL =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          BigDecimal d = (BigDecimal) value;
          out.writeZigZag(d.scale());
          BigInteger unscaled = d.unscaledValue();
          if (unscaled.bitLength() < 64) {
            out.write(0);
            out.writeZigZag(unscaled.longValue());
          } else {
            out.write(1);
            out.writeBytes(unscaled.toByteArray());
          }
        }

        @Override
        public Object read(In in) {
          int scale = (int) in.readZigZag();
          int kind = in.readByte();
          return switch (kind) {
            case 0 -> BigDecimal.valueOf(in.readZigZag(), scale);
            case 1 -> new BigDecimal(new BigInteger(in.readBytes()), scale);
            default -> throw new IllegalStateException("decimal kind " + kind);
          };
        }
      };

  private static final Codec MICROS =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          Instant t = (Instant) value;
          out.writeZigZag(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
        }

        @Override
        public Object read(In in) {
          long micros = in.readZigZag();
          return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        }
      };

  private static final Codec MILLIS =
      new Codec() {
        @Override
        public void write(Object value, Out out) {
          out.writeZigZag(((Instant) value).toEpochMilli());
        }

        @Override
        public Object read(In in) {
          return Instant.ofEpochMilli(in.readZigZag());
        }
      };

  private static final ThreadLocal<Out> OUT = ThreadLocal.withInitial(Out::new);

  /** A growable buffer, reused per thread; {@link #shrink} lets go of an outsized one. */
  private static final class Out {
    private static final int KEEP_MAX = 64 * 1024;
    byte[] buf = new byte[256];
    int pos;

    void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    void write(int b) {
      ensure(1);
      buf[pos++] = (byte) b;
    }

    void writeFixedLong(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[pos++] = (byte) (v >>> shift);
      }
    }

    void writeZigZag(long v) {
      writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeVarLong(long v) {
      ensure(10);
      byte[] b = buf;
      int p = pos;
      while ((v & ~0x7FL) != 0) {
        b[p++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      b[p++] = (byte) v;
      pos = p;
    }

    /** Length and UTF-8 bytes; ASCII (venues, symbols, intervals) without a byte array of its own. */
    void writeString(String s) {
      int n = s.length();
      if (n < 128) {
        ensure(1 + n);
        byte[] b = buf;
        int p = pos + 1;
        int i = 0;
        while (i < n) {
          char c = s.charAt(i);
          if (c >= 0x80) {
            break;
          }
          b[p++] = (byte) c;
          i++;
        }
        if (i == n) {
          b[pos] = (byte) n; // a varint of one byte
          pos = p;
          return;
        }
      }
      writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(byte[] b) {
      writeVarLong(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    void shrink() {
      if (buf.length > KEEP_MAX) {
        buf = new byte[256];
      }
    }
  }

  private static final class In {
    final byte[] buf;
    int pos;

    In(byte[] buf, int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    byte readByte() {
      if (pos >= buf.length) {
        throw new IllegalStateException("truncated at byte " + pos);
      }
      return buf[pos++];
    }

    long readFixedLong() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (readByte() & 0xFF);
      }
      return v;
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = readByte();
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalStateException("varint longer than 10 bytes at byte " + pos);
    }

    long readZigZag() {
      long v = readVarLong();
      return (v >>> 1) ^ -(v & 1);
    }

    /** A length or count: must fit in what is left. */
    int readCount() {
      long n = readVarLong();
      if (n < 0 || n > buf.length - pos) {
        throw new IllegalStateException("count " + n + " past the end at byte " + pos);
      }
      return (int) n;
    }

    void end() {
      if (pos != buf.length) {
        throw new IllegalStateException((buf.length - pos) + " bytes left over");
      }
    }

    byte[] readBytes() {
      int n = readCount();
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }
  }
}
