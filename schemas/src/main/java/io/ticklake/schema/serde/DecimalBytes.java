package io.ticklake.schema.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Avro's {@code bytes} encoding of a {@code decimal}: the unscaled value at the schema's scale as
 * big-endian two's complement in the fewest bytes, byte for byte what {@link
 * Conversions.DecimalConversion} writes, refusing what it refuses (a value that needs rounding or
 * more digits than the precision). It differs only in cost: Avro counts every value's decimal
 * digits to check the precision, which for a value backed by a {@code BigInteger} (any price above
 * about 9.2 at scale 18) is a comparison with a power of ten; here a bit length that cannot exceed
 * the precision settles it, and a value that fits a {@code long} is written from it.
 */
final class DecimalBytes {
  /** {@code SAFE_BITS[p]}: the largest b with 2^b <= 10^p; a value of at most b bits has at most p digits. */
  private static final int[] SAFE_BITS = new int[77];

  static {
    for (int p = 0; p < SAFE_BITS.length; p++) {
      SAFE_BITS[p] = BigInteger.TEN.pow(p).bitLength() - 1;
    }
  }

  private DecimalBytes() {}

  /** A writer of {@code schema} in {@code model} whose decimals in bytes take {@link #toBytes}. */
  @SuppressWarnings("unchecked")
  static DatumWriter<Object> writer(Schema schema, GenericData model) {
    if (model instanceof SpecificData specific) {
      return new SpecificDatumWriter<>(schema, specific) {
        @Override
        protected <T> Object convert(Schema s, LogicalType type, Conversion<T> conversion, Object datum) {
          return ours(s, type, conversion, datum) ? toBytes((BigDecimal) datum, (LogicalTypes.Decimal) type)
              : super.convert(s, type, conversion, datum);
        }
      };
    }
    if (model.getClass() == GenericData.class) {
      return new GenericDatumWriter<>(schema, model) {
        @Override
        protected <T> Object convert(Schema s, LogicalType type, Conversion<T> conversion, Object datum) {
          return ours(s, type, conversion, datum) ? toBytes((BigDecimal) datum, (LogicalTypes.Decimal) type)
              : super.convert(s, type, conversion, datum);
        }
      };
    }
    return (DatumWriter<Object>) model.createDatumWriter(schema);
  }

  /** Avro's own decimal conversion of a BigDecimal into bytes: anything else is left to Avro. */
  private static boolean ours(Schema s, LogicalType type, Conversion<?> conversion, Object datum) {
    return datum instanceof BigDecimal && type instanceof LogicalTypes.Decimal && s.getType() == Schema.Type.BYTES
        && conversion != null && conversion.getClass() == Conversions.DecimalConversion.class;
  }

  /**
   * {@code value} as a {@code bytes} decimal of {@code type}.
   *
   * @throws AvroTypeException if it needs rounding to the scale or has more digits than the precision
   */
  static ByteBuffer toBytes(BigDecimal value, LogicalTypes.Decimal type) {
    int scale = type.getScale();
    BigDecimal scaled = value;
    if (value.scale() != scale) {
      try {
        scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new AvroTypeException("Cannot encode decimal " + value.toPlainString() + " with scale " + value.scale()
            + " as scale " + scale + " without rounding");
      }
    }
    BigInteger unscaled = scaled.unscaledValue();
    int bits = unscaled.bitLength();
    int precision = type.getPrecision();
    if ((precision >= SAFE_BITS.length || bits > SAFE_BITS[precision]) && scaled.precision() > precision) {
      throw new AvroTypeException("Cannot encode decimal " + value.toPlainString() + " with precision "
          + scaled.precision() + " as max precision " + precision);
    }
    if (bits < Long.SIZE) {
      long v = unscaled.longValue();
      byte[] bytes = new byte[bits / 8 + 1]; // as BigInteger.toByteArray: the sign bit included
      for (int i = bytes.length - 1; i >= 0; i--) {
        bytes[i] = (byte) v;
        v >>= 8;
      }
      return ByteBuffer.wrap(bytes);
    }
    return ByteBuffer.wrap(unscaled.toByteArray());
  }
}
