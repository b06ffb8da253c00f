package io.ticklake.streams.internal;

/**
 * A record marked on time or late by {@link io.ticklake.streams.dq.LateRecordClassifier}; never
 * materialized, so it needs no serde.
 */
public record LateCheck<V>(V value, boolean late) {}
