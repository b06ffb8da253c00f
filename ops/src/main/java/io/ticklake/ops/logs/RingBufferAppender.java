package io.ticklake.ops.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps the supervisor's most recent log lines in memory for {@code GET /logs}, formatted like the
 * log file. Bounded: the oldest line goes when the buffer is full.
 */
public final class RingBufferAppender extends AppenderBase<ILoggingEvent> {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{36} - %msg%n";

  private final int capacity;
  private final Deque<String> lines;
  private PatternLayout layout;

  public RingBufferAppender(int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(capacity);
  }

  /** Attaches a buffer of {@code capacity} lines to the root logger and returns it. */
  public static RingBufferAppender install(int capacity) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    RingBufferAppender a = new RingBufferAppender(capacity);
    a.setContext(ctx);
    a.setName("ring-buffer");
    a.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a);
    return a;
  }

  @Override
  public void start() {
    layout = new PatternLayout();
    layout.setContext(getContext());
    layout.setPattern(PATTERN);
    layout.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = layout.doLayout(event);
    synchronized (lines) {
      if (lines.size() == capacity) {
        lines.removeFirst();
      }
      lines.addLast(line);
    }
  }

  /** The last {@code n} lines, oldest first. */
  public List<String> last(int n) {
    synchronized (lines) {
      List<String> all = new ArrayList<>(lines);
      return all.subList(Math.max(0, all.size() - n), all.size());
    }
  }

  /** Detaches from the root logger. */
  public void uninstall() {
    LoggerContext ctx = (LoggerContext) getContext();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
