package io.ticklake.producers.ws.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.ticklake.producers.ws.WsListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: hands complete text frames to the {@link WsListener},
 * answers pings, turns close frames, idleness and errors into one close reason, and closes the
 * channel for a planned rotation. What the client sends goes out through it too, paced: the
 * venue's subscribe frames once the handshake is done, frames sent later ({@link #enqueue}) and the
 * application-level keepalive, at most {@link Outbound#messagesPerSecond} a second (a token bucket
 * of that size). Never blocks; the listener must not either.
 */
public final class WsFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(WsFrameHandler.class);

  /**
   * What the client sends on its own.
   *
   * @param openFrames the frames to send once the handshake is done (asked for then, so the latest
   *     subscription is sent)
   * @param keepaliveInterval how often to send {@code keepaliveFrame}, or {@code null} for none
   * @param keepaliveFrame an application-level ping (OKX {@code ping}, Kraken {@code {"method":"ping"}})
   * @param messagesPerSecond frames sent per second at most (a venue's inbound message limit)
   */
  public record Outbound(
      Supplier<List<String>> openFrames, Duration keepaliveInterval, String keepaliveFrame, int messagesPerSecond) {
    public Outbound {
      if (messagesPerSecond < 1) {
        throw new IllegalArgumentException("messagesPerSecond must be at least 1, got " + messagesPerSecond);
      }
    }

    /** Fixed frames after the handshake, no keepalive, 10 messages a second. */
    public static Outbound of(List<String> openFrames) {
      List<String> frames = List.copyOf(openFrames);
      return new Outbound(() -> frames, null, null, 10);
    }
  }

  /** What the owner of the connection learns about it. */
  public interface Events {
    void opened(long connectionId);

    void firstFrame(long connectionId);

    void closed(long connectionId, boolean wasOpen, String reason);
  }

  private final long connectionId;
  private final WsListener listener;
  private final Events events;
  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration rotateAfter;
  private final Outbound outbound;
  private final Deque<String> queue = new ArrayDeque<>();
  private double tokens;
  private long tokensAtNanos;
  private boolean drainScheduled;
  private ChannelHandlerContext ctx;

  private boolean open;
  private boolean sawFrame;
  private String reason;
  private long listenerErrors;
  private io.netty.util.concurrent.ScheduledFuture<?> rotation;
  private io.netty.util.concurrent.ScheduledFuture<?> keepalive;

  public WsFrameHandler(
      long connectionId,
      WsListener listener,
      Events events,
      Clock clock,
      Duration idleTimeout,
      Duration rotateAfter,
      List<String> subscribeFrames) {
    this(connectionId, listener, events, clock, idleTimeout, rotateAfter, Outbound.of(subscribeFrames));
  }

  public WsFrameHandler(
      long connectionId,
      WsListener listener,
      Events events,
      Clock clock,
      Duration idleTimeout,
      Duration rotateAfter,
      Outbound outbound) {
    super(WebSocketFrame.class);
    this.connectionId = connectionId;
    this.listener = listener;
    this.events = events;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.rotateAfter = rotateAfter;
    this.outbound = outbound;
    this.tokens = outbound.messagesPerSecond();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.tokensAtNanos = ctx.executor().ticker().nanoTime();
  }

  /**
   * Sends a text frame once the pace allows (frames go out in order). Call on the channel's event
   * loop; frames enqueued before the handshake wait for it.
   */
  public void enqueue(String text) {
    queue.addLast(text);
    if (open) {
      drain();
    }
  }

  private void drain() {
    long now = ctx.executor().ticker().nanoTime();
    int rate = outbound.messagesPerSecond();
    tokens = Math.min(rate, tokens + (now - tokensAtNanos) / 1e9 * rate);
    tokensAtNanos = now;
    boolean wrote = false;
    while (!queue.isEmpty() && tokens >= 1) {
      tokens -= 1;
      ctx.write(new TextWebSocketFrame(queue.removeFirst()));
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (!queue.isEmpty() && !drainScheduled && ctx.channel().isActive()) {
      drainScheduled = true;
      long waitNanos = (long) ((1 - tokens) / rate * 1e9) + 1;
      ctx.executor().schedule(() -> {
        drainScheduled = false;
        drain();
      }, waitNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Frames waiting for the pace. */
  public int queued() {
    return queue.size();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      open = true;
      List<String> pending = List.copyOf(queue);
      queue.clear();
      outbound.openFrames().get().forEach(queue::addLast);
      pending.forEach(queue::addLast);
      drain();
      if (outbound.keepaliveInterval() != null) {
        long every = outbound.keepaliveInterval().toNanos();
        keepalive = ctx.executor().scheduleAtFixedRate(() -> {
          if (ctx.channel().isActive()) {
            enqueue(outbound.keepaliveFrame());
          }
        }, every, every, TimeUnit.NANOSECONDS);
      }
      events.opened(connectionId);
      listener.onOpen(connectionId);
      // Some venues drop every connection after 24h; leaving earlier, at a moment we choose, beats
      // being cut mid-burst.
      rotation = ctx.executor().schedule(
          () -> closeWith(ctx, "planned rotation after " + rotateAfter), rotateAfter.toNanos(), TimeUnit.NANOSECONDS);
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      setReason("handshake timeout");
    } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      closeWith(ctx, "no frames for " + idleTimeout.toSeconds() + "s");
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame text) {
      deliver(text.text());
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      deliver(binary.content().toString(StandardCharsets.UTF_8));
    } else if (frame instanceof PingWebSocketFrame ping) {
      // Normally answered by the protocol handler already; kept for pipelines without it.
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame close) {
      setReason("ws close " + close.statusCode() + (close.reasonText().isEmpty() ? "" : " " + close.reasonText()));
      ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void deliver(String text) {
    Instant receiveTime = clock.instant();
    if (!sawFrame) {
      sawFrame = true;
      events.firstFrame(connectionId);
    }
    try {
      listener.onFrame(text, receiveTime);
    } catch (RuntimeException e) {
      // A bug downstream must not take the connection (and every other symbol) down with it.
      if (listenerErrors++ == 0) {
        log.error("connection {}: listener failed on a frame; further failures logged at DEBUG", connectionId, e);
      } else {
        log.debug("connection {}: listener failed again ({} so far)", connectionId, listenerErrors, e);
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeWith(ctx, "error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (reason == null) {
      reason = open ? "ws close 1006 (connection dropped without a close frame)" : "connection closed before the handshake";
    }
    if (rotation != null) {
      rotation.cancel(false);
    }
    if (keepalive != null) {
      keepalive.cancel(false);
    }
    queue.clear();
    events.closed(connectionId, open, reason);
    super.channelInactive(ctx);
  }

  private void closeWith(ChannelHandlerContext ctx, String why) {
    setReason(why);
    ctx.close();
  }

  private void setReason(String why) {
    if (reason == null) {
      reason = why;
    }
  }
}
