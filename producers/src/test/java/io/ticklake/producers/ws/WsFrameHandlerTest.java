package io.ticklake.producers.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.ticklake.producers.ws.internal.WsFrameHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsFrameHandlerTest {
  private static final Instant NOW = Instant.parse("2024-08-08T23:54:15Z");
  private final List<String> calls = new ArrayList<>();

  private EmbeddedChannel channel() {
    WsListener listener = new WsListener() {
      @Override
      public void onOpen(long id) {
        calls.add("open " + id);
      }

      @Override
      public void onFrame(String text, Instant t) {
        calls.add("frame " + text + " @" + t);
      }

      @Override
      public void onClose(String reason) {
        calls.add("close " + reason);
      }
    };
    WsFrameHandler.Events events = new WsFrameHandler.Events() {
      @Override
      public void opened(long id) {}

      @Override
      public void firstFrame(long id) {
        calls.add("first");
      }

      @Override
      public void closed(long id, boolean wasOpen, String reason) {
        calls.add("closed " + wasOpen + " " + reason);
      }
    };
    return new EmbeddedChannel(new WsFrameHandler(7, listener, events, Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(30), Duration.ofHours(23), List.of("{\"method\":\"SUBSCRIBE\"}")));
  }

  @Test
  void opensSubscribesAndDeliversText() {
    EmbeddedChannel ch = channel();
    ch.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    assertThat(((TextWebSocketFrame) ch.readOutbound()).text()).isEqualTo("{\"method\":\"SUBSCRIBE\"}");
    ch.writeInbound(new TextWebSocketFrame("{\"a\":1}"));
    assertThat(calls).containsExactly("open 7", "first", "frame {\"a\":1} @" + NOW);
    ch.finishAndReleaseAll();
  }

  @Test
  void answersPingsWithPongs() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    PongWebSocketFrame pong = ch.readOutbound();
    assertThat(pong.content().readableBytes()).isEqualTo(3);
    pong.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void closeFrameIsReportedWithItsCode() {
    EmbeddedChannel ch = channel();
    ch.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    ch.writeInbound(new CloseWebSocketFrame(1001, "going away"));
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(calls).contains("closed true ws close 1001 going away");
    ch.finishAndReleaseAll();
  }

  @Test
  void idleReaderClosesTheConnection() {
    EmbeddedChannel ch = channel();
    ch.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertThat(ch.isOpen()).isFalse();
    assertThat(calls).contains("closed true no frames for 30s");
    ch.finishAndReleaseAll();
  }

  @Test
  void dropWithoutCloseFrameIs1006() {
    EmbeddedChannel ch = channel();
    ch.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    ch.close();
    assertThat(calls).contains("closed true ws close 1006 (connection dropped without a close frame)");
  }
}
