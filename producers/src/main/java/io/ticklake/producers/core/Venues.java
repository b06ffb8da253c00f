package io.ticklake.producers.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The venues on the classpath, found with {@link ServiceLoader} ({@code
 * META-INF/services/io.ticklake.producers.core.Venue}): adding a venue is adding its package and
 * one line there. Nothing else names a venue.
 */
public final class Venues {
  private static volatile List<Venue> all;

  private Venues() {}

  /** Every registered venue, in the order their registrations list them. */
  public static List<Venue> all() {
    List<Venue> v = all;
    if (v == null) {
      List<Venue> found = new ArrayList<>();
      ServiceLoader.load(Venue.class, Venues.class.getClassLoader()).forEach(found::add);
      TreeMap<String, Venue> byId = new TreeMap<>();
      for (Venue venue : found) {
        Venue clash = byId.put(venue.id(), venue);
        if (clash != null) {
          throw new IllegalStateException("two venues registered as '" + venue.id() + "': "
              + clash.getClass().getName() + " and " + venue.getClass().getName());
        }
      }
      all = v = Collections.unmodifiableList(found);
    }
    return v;
  }

  /** Every registered venue id. */
  public static List<String> ids() {
    return all().stream().map(Venue::id).toList();
  }

  /** The venue with this id; an unknown id is refused with the known ones named. */
  public static Venue get(String id) {
    for (Venue v : all()) {
      if (v.id().equals(id)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown venue '" + id + "'; registered venues: " + String.join(", ", ids()));
  }
}
