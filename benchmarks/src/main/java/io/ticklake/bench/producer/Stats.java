package io.ticklake.bench.producer;

import java.util.Arrays;

/** Small statistics for harness reports. */
final class Stats {
  private Stats() {}

  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of nothing");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** Least-squares slope of {@code y} over {@code x}. */
  static double slope(double[] x, double[] y) {
    int n = x.length;
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (x[i] - mx) * (y[i] - my);
      den += (x[i] - mx) * (x[i] - mx);
    }
    return den == 0 ? 0 : num / den;
  }
}
