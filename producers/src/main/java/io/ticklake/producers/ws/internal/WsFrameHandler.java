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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: hands complete text frames to the {@link WsListener},
 * answers pings, turns close frames, idleness and errors into one close reason, and closes the
 * channel for a planned rotation. Never blocks; the listener must not either.
 */
public final class WsFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(WsFrameHandler.class);

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
  private final List<String> subscribeFrames;

  private boolean open;
  private boolean sawFrame;
  private String reason;
  private long listenerErrors;
  private io.netty.util.concurrent.ScheduledFuture<?> rotation;

  public WsFrameHandler(
      long connectionId,
      WsListener listener,
      Events events,
      Clock clock,
      Duration idleTimeout,
      Duration rotateAfter,
      List<String> subscribeFrames) {
    super(WebSocketFrame.class);
    this.connectionId = connectionId;
    this.listener = listener;
    this.events = events;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.rotateAfter = rotateAfter;
    this.subscribeFrames = subscribeFrames;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      open = true;
      for (String frame : subscribeFrames) {
        ctx.write(new TextWebSocketFrame(frame));
      }
      ctx.flush();
      events.opened(connectionId);
      listener.onOpen(connectionId);
      // Binance drops every connection after 24h; leaving earlier, at a moment we choose, beats
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
