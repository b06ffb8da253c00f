package io.ticklake.producers.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a collector's symbol list in a properties file ({@code symbols=BTCUSDT,ETHUSDT}) that
 * {@code ./ticklake reload} rewrites. The file is read every poll (a rename into place is seen
 * like an edit, and polling works on every file system, unlike inotify on some mounts); a changed
 * list goes to the consumer. An unreadable or invalid file is logged once per distinct content and
 * the running list is kept.
 */
public final class SymbolsFileWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SymbolsFileWatcher.class);
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}");

  private final Path file;
  private final Consumer<List<String>> onChange;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "symbols-file-watcher");
            t.setDaemon(true);
            return t;
          });
  private List<String> current;
  private String lastProblem;

  /**
   * @param file the file to follow
   * @param initial the list in force now (a file holding it is no change)
   * @param onChange applies a new list; an exception it throws is logged and the list retried on
   *     the next change of the file
   */
  public SymbolsFileWatcher(Path file, List<String> initial, Consumer<List<String>> onChange) {
    this.file = file;
    this.current = List.copyOf(initial);
    this.onChange = onChange;
  }

  /**
   * Reads the list in a file: the {@code symbols} key, comma-separated, as written (the venue
   * decides the case: {@link Venue#nativeSymbol}).
   */
  public static List<String> read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    String v = p.getProperty("symbols");
    if (v == null) {
      throw new IOException(file + " has no 'symbols' key");
    }
    List<String> out =
        Arrays.stream(v.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .distinct()
            .toList();
    if (out.isEmpty()) {
      throw new IOException(file + ": 'symbols' names no symbol");
    }
    for (String s : out) {
      if (!SYMBOL.matcher(s).matches()) {
        throw new IOException(file + ": '" + s + "' is not a symbol");
      }
    }
    return out;
  }

  /** Starts polling. */
  public SymbolsFileWatcher start(Duration poll) {
    timer.scheduleWithFixedDelay(this::check, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    log.info("following the symbol list in {} every {} ms", file, poll.toMillis());
    return this;
  }

  /** One check (the timer's job; public so that a caller can force one). */
  public synchronized void check() {
    List<String> next;
    try {
      next = read(file);
    } catch (NoSuchFileException e) {
      return; // not written yet: keep the configured list
    } catch (IOException | RuntimeException e) {
      problem("symbol list not applied, keeping " + current + ": " + e.getMessage());
      return;
    }
    if (next.equals(current)) {
      return;
    }
    try {
      onChange.accept(next);
      current = next;
      lastProblem = null;
    } catch (RuntimeException e) {
      problem("symbol list " + next + " from " + file + " refused, keeping " + current + ": " + e.getMessage());
    }
  }

  private void problem(String message) {
    if (!Objects.equals(message, lastProblem)) {
      lastProblem = message;
      log.error(message);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
