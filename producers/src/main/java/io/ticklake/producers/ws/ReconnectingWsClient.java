package io.ticklake.producers.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.ticklake.producers.ws.internal.WsFrameHandler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection that stays up: reconnects with exponential backoff and jitter (capped
 * delay, unlimited attempts), closes and reopens when no data frame arrived for {@code idleTimeout}
 * (the {@link IdleStateHandler} watchdog), rotates the connection before the venue's own 24-hour
 * cut, and re-sends its subscription on every new connection (a combined-stream URL resubscribes
 * by itself). TLS for {@code wss}, plain for {@code ws}. Pings are answered with pongs by Netty's
 * {@link WebSocketClientProtocolHandler}; fragmented frames are joined by {@link
 * WebSocketFrameAggregator}.
 *
 * <p>All callbacks run on the client's event loop and must not block.
 */
public final class ReconnectingWsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconnectingWsClient.class);

  /**
   * Settings of one client.
   *
   * @param uri {@code wss://host[:port]/path?query} or {@code ws://...}
   * @param idleTimeout reconnect when no data frame arrived for this long
   * @param initialBackoff the first reconnect delay
   * @param maxBackoff the cap on the reconnect delay
   * @param rotateAfter planned reconnect after this long (before a venue's own 24 h cut)
   * @param maxFrameBytes largest (aggregated) frame accepted
   * @param handshakeTimeout give up a handshake after this long (then back off and retry)
   * @param subscribeFrames text frames sent after every handshake, e.g. subscribe requests
   * @param keepaliveInterval how often to send {@code keepaliveFrame} on an open connection, or
   *     {@code null} for no application-level keepalive
   * @param keepaliveFrame the venue's application-level ping (OKX {@code ping})
   * @param messagesPerSecond frames the client sends per second at most (the venue's limit on
   *     inbound messages per connection)
   */
  public record Config(
      URI uri,
      Duration idleTimeout,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration rotateAfter,
      int maxFrameBytes,
      Duration handshakeTimeout,
      List<String> subscribeFrames,
      Duration keepaliveInterval,
      String keepaliveFrame,
      int messagesPerSecond) {

    public static final Duration IDLE_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    public static final Duration INITIAL_BACKOFF_DEFAULT = Duration.ofMillis(250);
    public static final Duration MAX_BACKOFF_DEFAULT = Duration.ofSeconds(30);
    public static final Duration ROTATE_AFTER_DEFAULT = Duration.ofHours(23);
    public static final int MAX_FRAME_BYTES_DEFAULT = 16 * 1024 * 1024;
    public static final Duration HANDSHAKE_TIMEOUT_DEFAULT = Duration.ofSeconds(10);
    public static final int MESSAGES_PER_SECOND_DEFAULT = 5;

    /** Defaults for everything but the URI. */
    public static Config of(URI uri) {
      return new Config(
          uri,
          IDLE_TIMEOUT_DEFAULT,
          INITIAL_BACKOFF_DEFAULT,
          MAX_BACKOFF_DEFAULT,
          ROTATE_AFTER_DEFAULT,
          MAX_FRAME_BYTES_DEFAULT,
          HANDSHAKE_TIMEOUT_DEFAULT,
          List.of(),
          null,
          null,
          MESSAGES_PER_SECOND_DEFAULT);
    }

    public Config withIdleTimeout(Duration d) {
      return new Config(uri, d, initialBackoff, maxBackoff, rotateAfter, maxFrameBytes, handshakeTimeout, subscribeFrames,
          keepaliveInterval, keepaliveFrame, messagesPerSecond);
    }

    public Config withBackoff(Duration initial, Duration max) {
      return new Config(uri, idleTimeout, initial, max, rotateAfter, maxFrameBytes, handshakeTimeout, subscribeFrames,
          keepaliveInterval, keepaliveFrame, messagesPerSecond);
    }

    public Config withRotateAfter(Duration d) {
      return new Config(uri, idleTimeout, initialBackoff, maxBackoff, d, maxFrameBytes, handshakeTimeout, subscribeFrames,
          keepaliveInterval, keepaliveFrame, messagesPerSecond);
    }

    public Config withSubscribeFrames(List<String> frames) {
      return new Config(uri, idleTimeout, initialBackoff, maxBackoff, rotateAfter, maxFrameBytes, handshakeTimeout,
          List.copyOf(frames), keepaliveInterval, keepaliveFrame, messagesPerSecond);
    }

    public Config withMaxFrameBytes(int bytes) {
      return new Config(uri, idleTimeout, initialBackoff, maxBackoff, rotateAfter, bytes, handshakeTimeout, subscribeFrames,
          keepaliveInterval, keepaliveFrame, messagesPerSecond);
    }

    /** An application-level ping every {@code interval} ({@code null}: none). */
    public Config withKeepalive(Duration interval, String frame) {
      return new Config(uri, idleTimeout, initialBackoff, maxBackoff, rotateAfter, maxFrameBytes, handshakeTimeout,
          subscribeFrames, interval, frame, messagesPerSecond);
    }

    public Config withMessagesPerSecond(int rate) {
      return new Config(uri, idleTimeout, initialBackoff, maxBackoff, rotateAfter, maxFrameBytes, handshakeTimeout,
          subscribeFrames, keepaliveInterval, keepaliveFrame, rate);
    }
  }

  private final Config config;
  private final WsListener listener;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Clock clock;
  private final SslContext sslContext;
  private final String host;
  private final int port;
  private final Backoff backoff;
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();

  private volatile boolean closed;
  /** The URI of the next connection; {@link #updateUri} changes it (a new stream list). */
  private volatile URI uri;
  /** Frames every new connection sends first; {@link #updateSubscribeFrames} changes them. */
  private volatile List<String> subscribeFrames;
  private volatile Channel channel;
  private volatile boolean open;

  /** A client with its own single-threaded event loop. */
  public ReconnectingWsClient(Config config, WsListener listener) {
    this(config, listener, new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()), true, Clock.systemUTC());
  }

  /** A client on a shared event loop group, which the caller owns and shuts down. */
  public ReconnectingWsClient(Config config, WsListener listener, EventLoopGroup group, Clock clock) {
    this(config, listener, group, false, clock);
  }

  private ReconnectingWsClient(
      Config config, WsListener listener, EventLoopGroup group, boolean ownsGroup, Clock clock) {
    this.config = config;
    this.listener = listener;
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.clock = clock;
    URI uri = config.uri();
    this.uri = uri;
    this.subscribeFrames = config.subscribeFrames();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    boolean tls;
    switch (scheme) {
      case "wss" -> tls = true;
      case "ws" -> tls = false;
      default -> throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
    }
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    try {
      this.sslContext = tls ? SslContextBuilder.forClient().build() : null;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for " + uri, e);
    }
    this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), new Random());
  }

  /** Connects; from here on the client reconnects by itself until {@link #close()}. */
  public ReconnectingWsClient start() {
    group.execute(this::connect);
    return this;
  }

  private void connect() {
    if (closed) {
      return;
    }
    long id = connectionIds.incrementAndGet();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    pipeline(ch.pipeline(), ch, id);
                  }
                });
    log.debug("connection {}: connecting to {}", id, safeUri());
    ChannelFuture future = bootstrap.connect(host, port);
    channel = future.channel();
    future.addListener(
        f -> {
          if (!f.isSuccess()) {
            long failures = failedAttempts.incrementAndGet();
            Duration delay = nextDelay();
            if (failures == 1 || failures % 100 == 0) {
              log.warn("connection {}: connect to {}:{} failed ({} failures in a row so far): {}; retrying in {} ms",
                  id, host, port, failures, f.cause().toString(), delay.toMillis());
            }
            listener.onConnectFailed("connect failed: " + f.cause().toString());
            schedule(delay);
          }
        });
  }

  private void pipeline(ChannelPipeline p, SocketChannel ch, long id) {
    if (sslContext != null) {
      p.addLast("tls", sslContext.newHandler(ch.alloc(), host, port));
    }
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(64 * 1024));
    p.addLast(
        "ws",
        new WebSocketClientProtocolHandler(
            WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(config.maxFrameBytes())
                .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
                // Close frames reach our handler, so the status code can be reported.
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .build()));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
    // After the protocol handler: pings and pongs do not count as data, so a feed that only
    // answers pings is still seen as stale.
    p.addLast("idle", new IdleStateHandler(config.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    p.addLast(
        "frames",
        new WsFrameHandler(id, listener, new Events(), clock, config.idleTimeout(), config.rotateAfter(),
            new WsFrameHandler.Outbound(() -> subscribeFrames, config.keepaliveInterval(), config.keepaliveFrame(),
                config.messagesPerSecond())));
  }

  private final class Events implements WsFrameHandler.Events {
    @Override
    public void opened(long connectionId) {
      open = true;
      failedAttempts.set(0);
      log.info("connection {}: open to {}", connectionId, safeUri());
    }

    @Override
    public void firstFrame(long connectionId) {
      // Only a connection that delivered data proves the venue healthy enough to reset the delay.
      group.execute(backoff::reset);
    }

    @Override
    public void closed(long connectionId, boolean wasOpen, String reason) {
      open = false;
      if (closed) {
        log.info("connection {}: closed ({})", connectionId, reason);
        if (wasOpen) {
          listener.onClose(reason);
        }
        return;
      }
      Duration delay = reason.startsWith("planned rotation") ? Duration.ZERO : nextDelay();
      if (wasOpen) {
        reconnects.incrementAndGet();
        log.warn("connection {}: closed ({}); reconnecting in {} ms", connectionId, reason, delay.toMillis());
        listener.onClose(reason);
      } else {
        long failures = failedAttempts.incrementAndGet();
        if (failures == 1 || failures % 100 == 0) {
          log.warn("connection {}: handshake with {} failed ({}, {} failures in a row); retrying in {} ms",
              connectionId, safeUri(), reason, failures, delay.toMillis());
        }
        listener.onConnectFailed("handshake failed: " + reason);
      }
      schedule(delay);
    }
  }

  private Duration nextDelay() {
    synchronized (backoff) {
      return backoff.next();
    }
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      group.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  // The query names the streams; it can be long but carries no secret. Userinfo would.
  private String safeUri() {
    URI u = uri;
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath();
  }

  /**
   * Sets the URI every later connection uses (same scheme, host and port; a combined-stream URL
   * with another stream list). The open connection is left alone: pair this with {@link #send} of
   * the venue's SUBSCRIBE/UNSUBSCRIBE requests so the live connection and the next one agree.
   */
  public void updateUri(URI next) {
    if (!java.util.Objects.equals(next.getScheme(), uri.getScheme())
        || !java.util.Objects.equals(next.getHost(), uri.getHost())
        || next.getPort() != uri.getPort()) {
      throw new IllegalArgumentException("updateUri keeps scheme, host and port: " + next);
    }
    uri = next;
  }

  /**
   * Sets the frames every later connection sends once its handshake is done (the subscription of
   * its symbols). The open connection is left alone: pair this with {@link #send} of the venue's
   * subscribe or unsubscribe frames so the live connection and the next one agree.
   */
  public void updateSubscribeFrames(List<String> frames) {
    subscribeFrames = List.copyOf(frames);
  }

  /**
   * Sends a text frame on the open connection, paced by the venue's message limit (frames go out
   * in order).
   *
   * @return false when no connection is open (the next one starts from {@link #updateUri}'s URI and
   *     {@link #updateSubscribeFrames}'s frames)
   */
  public boolean send(String text) {
    Channel ch = channel;
    if (!open || ch == null || !ch.isActive()) {
      return false;
    }
    ch.eventLoop().execute(() -> {
      WsFrameHandler handler = ch.pipeline().get(WsFrameHandler.class);
      if (handler != null && ch.isActive()) {
        handler.enqueue(text);
      } else {
        log.debug("connection closed before a frame could be sent; the next connection subscribes afresh");
      }
    });
    return true;
  }

  /** The URI the next connection will use. */
  public URI uri() {
    return uri;
  }

  /** True while a connection is open (handshake done). */
  public boolean isOpen() {
    return open;
  }

  /** Connections that were open and then ended, each followed by a new attempt. */
  public long reconnects() {
    return reconnects.get();
  }

  /** The id of the latest connection attempt (1 for the first). */
  public long connectionId() {
    return connectionIds.get();
  }

  /** Closes the connection for good; no reconnect follows. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close().syncUninterruptibly();
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
