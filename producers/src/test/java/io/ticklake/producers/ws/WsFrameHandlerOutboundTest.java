package io.ticklake.producers.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.ticklake.producers.ws.internal.WsFrameHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link WsFrameHandler} sends on its own: the open frames, frames enqueued before the
 * handshake, the pace of {@code messagesPerSecond} and the keepalive, on an {@link EmbeddedChannel}
 * (no sockets; its scheduled tasks run only when the test runs them).
 */
class WsFrameHandlerOutboundTest {
  private static final Instant NOW = Instant.parse("2024-08-08T23:54:15Z");
  private final List<String> events = new ArrayList<>();
  private EmbeddedChannel channel;

  private WsFrameHandler handler(WsFrameHandler.Outbound outbound) {
    WsListener listener = new WsListener() {
      @Override
      public void onOpen(long id) {
        events.add("open " + id);
      }

      @Override
      public void onFrame(String text, Instant t) {
        events.add("frame " + text);
      }

      @Override
      public void onClose(String reason) {
        events.add("close " + reason);
      }
    };
    WsFrameHandler.Events lifecycle = new WsFrameHandler.Events() {
      @Override
      public void opened(long id) {}

      @Override
      public void firstFrame(long id) {}

      @Override
      public void closed(long id, boolean wasOpen, String reason) {
        events.add("closed " + wasOpen + " " + reason);
      }
    };
    return new WsFrameHandler(3, listener, lifecycle, Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(30), Duration.ofHours(23), outbound);
  }

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private void handshake() {
    channel.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
  }

  /** The text frames written so far, in order (and releases them). */
  private List<String> written() {
    List<String> texts = new ArrayList<>();
    Object frame;
    while ((frame = channel.readOutbound()) != null) {
      TextWebSocketFrame text = (TextWebSocketFrame) frame;
      texts.add(text.text());
      text.release();
    }
    return texts;
  }

  @Test
  void openFramesGoFirstThenFramesEnqueuedBeforeTheHandshake() {
    WsFrameHandler handler = handler(
        new WsFrameHandler.Outbound(() -> List.of("login", "subscribe"), null, null, 10));
    channel = new EmbeddedChannel(handler);

    handler.enqueue("early-1");
    handler.enqueue("early-2");
    assertThat(written()).as("nothing goes before the handshake").isEmpty();
    assertThat(handler.queued()).isEqualTo(2);

    handshake();

    assertThat(written()).containsExactly("login", "subscribe", "early-1", "early-2");
    assertThat(handler.queued()).isZero();
    assertThat(events).containsExactly("open 3");

    handler.enqueue("later");
    assertThat(written()).containsExactly("later");
  }

  @Test
  void openFramesAreAskedForAtTheHandshake() {
    List<String> subscription = new ArrayList<>(List.of("sub A"));
    WsFrameHandler handler = handler(
        new WsFrameHandler.Outbound(() -> List.copyOf(subscription), null, null, 10));
    channel = new EmbeddedChannel(handler);
    subscription.add("sub B"); // the subscription changed between connect and handshake
    handshake();
    assertThat(written()).containsExactly("sub A", "sub B");
  }

  /** The pace follows the event loop's clock: on the embedded channel's, time moves only when told. */
  @Test
  void framesArePacedAtMessagesPerSecond() {
    WsFrameHandler handler = handler(new WsFrameHandler.Outbound(() -> List.of(), null, null, 2));
    channel = new EmbeddedChannel(handler);
    handshake();
    assertThat(written()).isEmpty();

    for (int i = 1; i <= 5; i++) {
      handler.enqueue("f" + i);
    }
    // A bucket of 2: two at once, the rest wait for the channel's scheduled drain.
    assertThat(written()).containsExactly("f1", "f2");
    assertThat(handler.queued()).isEqualTo(3);

    // 400 ms later: less than one token has refilled, nothing more goes out.
    channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).isEmpty();
    // At 500 ms one token is back: one frame, in order.
    channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly("f3");
    // Another second: the last two.
    channel.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly("f4", "f5");
    assertThat(handler.queued()).isZero();
  }

  @Test
  void keepaliveIsSentEveryIntervalAndStopsWhenTheChannelCloses() {
    WsFrameHandler handler = handler(
        new WsFrameHandler.Outbound(() -> List.of("subscribe"), Duration.ofSeconds(20), "ping", 10));
    channel = new EmbeddedChannel(handler);
    handshake();
    assertThat(written()).containsExactly("subscribe");

    channel.advanceTimeBy(19, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).as("not before the interval").isEmpty();

    channel.advanceTimeBy(1, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly("ping");

    channel.advanceTimeBy(20, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly("ping");

    // Closed through the pipeline (as the handler itself closes), not EmbeddedChannel.close(),
    // which would cancel every scheduled task on its own.
    channel.pipeline().close();
    channel.runPendingTasks();
    assertThat(channel.isActive()).isFalse();
    assertThat(events).anyMatch(e -> e.startsWith("closed true"));

    // The keepalive timer (and the rotation) are cancelled: nothing is left scheduled.
    assertThat(channel.runScheduledPendingTasks()).as("nanos to the next scheduled task (-1: none)").isEqualTo(-1);
    for (int i = 0; i < 3; i++) {
      channel.advanceTimeBy(20, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
    }
    assertThat(written()).as("no keepalive after close").isEmpty();
    assertThat(handler.queued()).isZero();
  }

  @Test
  void messagesPerSecondMustBePositive() {
    assertThatThrownBy(() -> new WsFrameHandler.Outbound(() -> List.of(), null, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
