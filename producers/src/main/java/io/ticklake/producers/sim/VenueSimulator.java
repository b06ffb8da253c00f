package io.ticklake.producers.sim;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a venue: an HTTP and WebSocket server that replays a {@link CaptureFile} to its
 * subscribers, each getting what its subscription asks for, speaking the venue's own protocol
 * through a {@link VenueProfile} (the handshake, subscribe messages and their answers, a book
 * snapshot sent on subscribe, REST answered from the frames played so far), and injects faults on
 * demand: an abrupt close (the client sees 1006), a dropped book diff or trade, a book level altered in flight, a malformed frame,
 * a stall, a 429 or 418 REST answer. The simulator knows no venue; the collector runs against it
 * unchanged, only its URLs differ.
 *
 * <p>The recording is one timeline shared by all connections, as at a real venue, except that it
 * pauses while no connection has subscribed to anything (unless {@link #playingUnsubscribed} and a
 * client has subscribed before: then it plays on, frames to nobody, as a real venue does): a frame
 * is either written to a subscriber or not played yet, so "frames sent" is exact. Pace: the recorded gaps divided by {@code speed}, or as fast as the
 * sockets take them when {@code speed <= 0}. Faults: the Java methods below or {@code GET
 * /sim/faults?fault=close|drop-depth|drop-trade|alter-level|malformed|stall|ping|rest-429|rest-418[&seconds=N]};
 * {@code GET /sim/status} says where the timeline is ({@code playedThrough}) and the last trade frame
 * dropped.
 */
public final class VenueSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VenueSimulator.class);

  private static final int BATCH = 256;

  private final List<CaptureFile.Entry> frames;
  private final VenueProfile profile;
  private final double speed;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ScheduledExecutorService player =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "venue-simulator-player"));
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<PendingRest> pendingRest = new ConcurrentLinkedQueue<>();
  private final Map<Integer, List<Runnable>> plannedFaults = new ConcurrentHashMap<>();

  private final AtomicLong sent = new AtomicLong();
  private final Map<String, AtomicLong> sentByStream = new ConcurrentHashMap<>();
  private final AtomicLong failedWrites = new AtomicLong();
  private final AtomicLong droppedDiffs = new AtomicLong();
  private final AtomicLong droppedTrades = new AtomicLong();
  private final AtomicLong malformedSent = new AtomicLong();
  private final AtomicLong pongs = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong restCalls = new AtomicLong();
  private final AtomicLong restRefused = new AtomicLong();

  private volatile Channel serverChannel;
  private volatile boolean dropNextDiff;
  private volatile boolean dropNextTrade;
  private volatile boolean alterNextLevel;
  private final AtomicLong alteredLevels = new AtomicLong();
  private volatile long stalledUntilNanos;
  private final AtomicInteger restErrorStatus = new AtomicInteger();
  private volatile int restErrorRetryAfter;
  private volatile boolean finished;
  private int cursor;
  private long nextDueNanos;
  private volatile boolean wallClock;
  private volatile boolean playsUnsubscribed;
  private volatile String lastDroppedTrade;
  private volatile Instant playedThrough;
  private boolean everSubscribed;

  private record Subscriber(Channel channel, VenueProfile.Session session) {}

  private record PendingRest(ChannelHandlerContext ctx, String path, Map<String, List<String>> query, boolean keepAlive) {}

  /**
   * @param frames the recording, in order; a random-access list is read in place, not copied (a
   *     generated one such as a capture loop need not fit in memory), and must not change
   * @param profile the venue's stream naming and REST behaviour
   * @param speed the pace factor (2 = twice as fast as recorded); {@code <= 0} as fast as possible
   */
  public VenueSimulator(List<CaptureFile.Entry> frames, VenueProfile profile, double speed) {
    this.frames = frames instanceof RandomAccess ? Collections.unmodifiableList(frames) : List.copyOf(frames);
    this.profile = profile;
    this.speed = speed;
  }

  /**
   * Plays each frame at its receive time on the wall clock (frames whose time has passed, as fast
   * as the sockets take them), for a capture whose times were moved to today ({@code --clock
   * now}): what a client gets is as fresh as the clock says, however long it took to connect.
   */
  public VenueSimulator onTheWallClock() {
    this.wallClock = true;
    return this;
  }

  /**
   * Once a client has subscribed, the timeline plays on while none is: frames go to nobody, as a
   * real venue's do, and the venue's state (its books, candles, trade history for REST) moves on.
   * A collector that was down misses them and must fetch them back (the crash drill). Without
   * this, the timeline waits for a subscriber, so a test sees every frame.
   */
  public VenueSimulator playingUnsubscribed(boolean play) {
    this.playsUnsubscribed = play;
    return this;
  }

  /** Binds to {@code port} (0 for any free port) and starts the player. */
  public VenueSimulator start(int port) throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        // REST first: a request that is not a WebSocket upgrade is answered here,
                        // whatever its path (a venue may serve both on "/").
                        .addLast(new HttpHandler())
                        .addLast(
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath(profile.wsPath())
                                    .checkStartsWith(true)
                                    .dropPongFrames(false)
                                    // Closing must be abrupt (no close frame) so clients see 1006.
                                    .sendCloseFrame(null)
                                    .build()))
                        .addLast(new WsHandler());
                  }
                });
    serverChannel = b.bind("127.0.0.1", port).sync().channel();
    player.execute(this::play);
    log.info("venue simulator on port {}: {} frames at {}", port(), frames.size(),
        speed > 0 ? speed + "x" : "full speed");
    return this;
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Base WebSocket URL: {@code ws://127.0.0.1:<port><ws path>}. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + profile.wsPath();
  }

  /** Base REST URL: {@code http://127.0.0.1:<port>}. */
  public String restUrl() {
    return "http://127.0.0.1:" + port();
  }

  // ---- faults ----

  /** Closes every WebSocket connection without a close frame; clients see code 1006. */
  public void closeAbruptly() {
    player.execute(
        () -> {
          // Removed at once, so the player holds the next frames for the reconnecting client
          // instead of writing them into a closing socket.
          for (Subscriber s : subscribers) {
            subscribers.remove(s);
            s.channel().close();
          }
          log.info("fault: closed all connections without a close frame");
        });
  }

  /** The next book-diff frame is played on the venue's timeline but sent to nobody. */
  public void dropNextBookDiff() {
    dropNextDiff = true;
  }

  /** The next trade frame is played on the venue's timeline but sent to nobody. */
  public void dropNextTrade() {
    dropNextTrade = true;
  }

  /** Sends the profile's malformed frame (a real frame cut off in the middle) to every subscriber. */
  public void sendMalformedFrame() {
    player.execute(
        () -> {
          for (Subscriber s : subscribers) {
            write(s.channel(), profile.malformedFrame(), "malformed");
            malformedSent.incrementAndGet();
          }
        });
  }

  /** The frame the malformed-frame fault sends. */
  public String malformedFrame() {
    return profile.malformedFrame();
  }

  /** Sends nothing for {@code duration}; connections stay open. */
  public void stall(Duration duration) {
    stalledUntilNanos = System.nanoTime() + duration.toNanos();
  }

  /** Answers the next REST call with {@code status} (429 or 418) and {@code Retry-After}. */
  public void failNextRestCall(int status, int retryAfterSeconds) {
    restErrorRetryAfter = retryAfterSeconds;
    restErrorStatus.set(status);
  }

  /** Sends a WebSocket ping to every subscriber; answers are counted in {@link #pongs()}. */
  public void ping() {
    subscribers.forEach(s -> s.channel().writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}))));
  }

  /** Runs {@code fault} just before the frame at {@code index} (0-based) is played. */
  public void injectBefore(int index, Runnable fault) {
    plannedFaults.computeIfAbsent(index, i -> new CopyOnWriteArrayList<>()).add(fault);
  }

  // ---- counters ----

  /** Frames written to subscribers (recorded and malformed), counted when the write succeeded. */
  public long framesSent() {
    return sent.get();
  }

  public long framesSent(String stream) {
    AtomicLong n = sentByStream.get(stream);
    return n == null ? 0 : n.get();
  }

  public long failedWrites() {
    return failedWrites.get();
  }

  public long droppedBookDiffs() {
    return droppedDiffs.get();
  }

  public long droppedTrades() {
    return droppedTrades.get();
  }

  /**
   * Changes one level of the next book message that has one, in flight: the venue's own book and
   * the message's checksum stay true (a corrupted level, as a proxy or a bug might make it).
   */
  public void alterNextBookLevel() {
    alterNextLevel = true;
  }

  public long alteredBookLevels() {
    return alteredLevels.get();
  }

  public long malformedSent() {
    return malformedSent.get();
  }

  public long pongs() {
    return pongs.get();
  }

  /** WebSocket connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  public long restCalls() {
    return restCalls.get();
  }

  /** REST calls answered with an injected 429 or 418. */
  public long restRefused() {
    return restRefused.get();
  }

  /** True once every recorded frame was played. */
  public boolean finished() {
    return finished;
  }

  // ---- the player ----

  private void play() {
    try {
      playSome();
    } catch (RuntimeException e) {
      log.error("simulator player failed at frame {}", cursor, e);
    }
  }

  private void playSome() {
    long now = System.nanoTime();
    long stalled = stalledUntilNanos - now;
    if (stalled > 0) {
      reschedule(stalled);
      return;
    }
    sendDue();
    boolean subscribed = anySubscribed();
    everSubscribed |= subscribed;
    if (!subscribed && !(playsUnsubscribed && everSubscribed)) {
      answerPendingRest();
      reschedule(TimeUnit.MILLISECONDS.toNanos(5));
      return;
    }
    for (int n = 0; n < BATCH && cursor < frames.size(); n++) {
      List<Runnable> faults = plannedFaults.remove(cursor);
      if (faults != null) {
        faults.forEach(Runnable::run);
        reschedule(0); // let the fault's effect (a close, a stall) take hold first
        return;
      }
      for (Subscriber s : subscribers) {
        if (!s.channel().isWritable()) {
          reschedule(TimeUnit.MILLISECONDS.toNanos(1));
          return;
        }
      }
      CaptureFile.Entry entry = frames.get(cursor);
      if (wallClock && entry.receiveTime() != null) {
        long wait = Duration.between(Instant.now(), entry.receiveTime()).toNanos();
        if (wait > 0) {
          reschedule(wait);
          return;
        }
      } else if (speed > 0 && cursor > 0) {
        CaptureFile.Entry prev = frames.get(cursor - 1);
        if (entry.receiveTime() != null && prev.receiveTime() != null) {
          long gap = (long) (Duration.between(prev.receiveTime(), entry.receiveTime()).toNanos() / speed);
          long wait = nextDueNanos + Math.max(0, gap) - System.nanoTime();
          if (wait > 0) {
            reschedule(wait);
            return;
          }
        }
      }
      String frame = profile.render(entry.frame());
      String stream = profile.streamOf(frame);
      if (dropNextDiff && profile.isBookDiff(stream)) {
        dropNextDiff = false;
        droppedDiffs.incrementAndGet();
        log.info("fault: dropped book diff #{} on {}", cursor, stream);
      } else if (dropNextTrade && profile.isTrade(stream)) {
        dropNextTrade = false;
        droppedTrades.incrementAndGet();
        lastDroppedTrade = frame;
        log.info("fault: dropped trade #{} on {}", cursor, stream);
      } else {
        String sent = frame;
        if (alterNextLevel && profile.isBookDiff(stream)) {
          String altered = profile.alterLevel(frame);
          if (altered != null) {
            alterNextLevel = false;
            alteredLevels.incrementAndGet();
            sent = altered;
            log.info("fault: altered a level of book message #{} on {}", cursor, stream);
          }
        }
        for (Subscriber s : subscribers) {
          if (profile.wants(s.session(), frame, stream)) {
            write(s.channel(), sent, stream);
          }
        }
      }
      profile.played(frame);
      if (entry.receiveTime() != null) {
        playedThrough = entry.receiveTime();
      }
      sendDue();
      cursor++;
      nextDueNanos = System.nanoTime();
      answerPendingRest();
    }
    if (cursor >= frames.size()) {
      if (!finished) {
        finished = true;
        log.info("venue simulator: all {} frames played ({} sent)", frames.size(), sent.get());
      }
      answerPendingRest();
      reschedule(TimeUnit.MILLISECONDS.toNanos(20)); // keep answering REST and faults
      return;
    }
    reschedule(0);
  }

  /**
   * Whether a connection has subscribed to something: until then the timeline waits (a venue whose
   * clients subscribe with a message after the handshake would otherwise play frames to nobody).
   */
  private boolean anySubscribed() {
    for (Subscriber s : subscribers) {
      if (!s.session().subscriptions().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Frames the venue owes its sessions now (a snapshot once known, a last trade). */
  private void sendDue() {
    for (Subscriber s : subscribers) {
      for (String frame : profile.due(s.session())) {
        write(s.channel(), frame, "due");
      }
    }
  }

  private void reschedule(long nanos) {
    if (!player.isShutdown()) {
      player.schedule(this::play, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void write(Channel ch, String text, String stream) {
    ch.writeAndFlush(new TextWebSocketFrame(text))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                sent.incrementAndGet();
                sentByStream.computeIfAbsent(stream, k -> new AtomicLong()).incrementAndGet();
              } else {
                failedWrites.incrementAndGet();
              }
            });
  }

  private void answerPendingRest() {
    int n = pendingRest.size();
    for (int i = 0; i < n; i++) {
      PendingRest p = pendingRest.poll();
      if (p == null) {
        return;
      }
      VenueProfile.RestAnswer answer = profile.rest(p.path(), p.query());
      if (answer == null) {
        pendingRest.add(p);
      } else {
        respond(p.ctx(), answer, p.keepAlive());
      }
    }
  }

  private static void respond(ChannelHandlerContext ctx, VenueProfile.RestAnswer answer, boolean keepAlive) {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    answer.headers().forEach((k, v) -> res.headers().set(k, v));
    if (keepAlive) {
      HttpUtil.setKeepAlive(res, true);
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * {@code /sim/status}: where the venue's timeline is (the recorded time of the last frame played,
   * to clients or to nobody), what it sent, and the last trade frame a fault dropped.
   */
  private String status() {
    com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    Instant through = playedThrough;
    n.put("playedThrough", through == null ? null : through.toString());
    n.put("played", cursor);
    n.put("sent", sent.get());
    n.put("subscribers", subscribers.size());
    n.put("droppedTrades", droppedTrades.get());
    n.put("alteredBookLevels", alteredLevels.get());
    n.put("lastDroppedTrade", lastDroppedTrade);
    return n.toString();
  }

  private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if ("websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
        ctx.fireChannelRead(req.retain()); // the handshake, for the protocol handler
        return;
      }
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (q.path().equals("/sim/faults")) {
        respond(ctx, fault(q.parameters()), keepAlive);
        return;
      }
      if (q.path().equals("/sim/status")) {
        respond(ctx, new VenueProfile.RestAnswer(200, status(), Map.of()), keepAlive);
        return;
      }
      restCalls.incrementAndGet();
      int status = restErrorStatus.getAndSet(0);
      if (status != 0) {
        restRefused.incrementAndGet();
        log.info("fault: answering {} with {} (Retry-After {})", q.path(), status, restErrorRetryAfter);
        respond(ctx, profile.refusal(status, restErrorRetryAfter), keepAlive);
        return;
      }
      VenueProfile.RestAnswer answer = profile.rest(q.path(), q.parameters());
      if (answer == null) {
        pendingRest.add(new PendingRest(ctx, q.path(), q.parameters(), keepAlive));
      } else {
        respond(ctx, answer, keepAlive);
      }
    }

    private VenueProfile.RestAnswer fault(Map<String, List<String>> params) {
      String fault = params.getOrDefault("fault", List.of("")).get(0);
      int seconds = Integer.parseInt(params.getOrDefault("seconds", List.of("1")).get(0));
      switch (fault) {
        case "close" -> closeAbruptly();
        case "drop-depth" -> dropNextBookDiff();
        case "drop-trade" -> dropNextTrade();
        case "alter-level" -> {
          if (!profile.altersLevels()) {
            return new VenueProfile.RestAnswer(400,
                "{\"error\":\"this venue's book messages carry no checksum: an altered level would pass unnoticed\"}", Map.of());
          }
          alterNextBookLevel();
        }
        case "malformed" -> sendMalformedFrame();
        case "stall" -> stall(Duration.ofSeconds(seconds));
        case "ping" -> ping();
        case "rest-429" -> failNextRestCall(429, seconds);
        case "rest-418" -> failNextRestCall(418, seconds);
        default -> {
          return new VenueProfile.RestAnswer(400, "{\"error\":\"unknown fault '" + fault + "'\"}", Map.of());
        }
      }
      return new VenueProfile.RestAnswer(200, "{\"fault\":\"" + fault + "\"}", Map.of());
    }
  }

  private final class WsHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
        VenueProfile.Session session = profile.open(hs.requestUri());
        connections.incrementAndGet();
        subscribers.add(new Subscriber(ctx.channel(), session));
        log.info("subscriber {} for {}", ctx.channel().remoteAddress(), session.subscriptions());
        ctx.channel().closeFuture().addListener(f -> subscribers.removeIf(s -> s.channel() == ctx.channel()));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof PongWebSocketFrame) {
        pongs.incrementAndGet();
      } else if (frame instanceof TextWebSocketFrame text) {
        Subscriber sub = null;
        for (Subscriber s : subscribers) {
          if (s.channel() == ctx.channel()) {
            sub = s;
          }
        }
        if (sub == null) {
          return;
        }
        List<String> answers = profile.onClientFrame(sub.session(), text.text());
        clientFrames.incrementAndGet();
        for (String answer : answers) {
          ctx.channel().writeAndFlush(new TextWebSocketFrame(answer));
        }
      }
    }
  }

  private final AtomicLong clientFrames = new AtomicLong();

  /** Text frames received from clients (subscribe, unsubscribe, pings) so far. */
  public long clientFrames() {
    return clientFrames.get();
  }

  @Override
  public void close() {
    player.shutdownNow();
    try {
      if (serverChannel != null) {
        serverChannel.close().syncUninterruptibly();
      }
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** What each open connection is subscribed to, for diagnostics. */
  public List<List<String>> subscriptions() {
    List<List<String>> out = new ArrayList<>();
    subscribers.forEach(s -> out.add(s.session().subscriptions()));
    return out;
  }
}
