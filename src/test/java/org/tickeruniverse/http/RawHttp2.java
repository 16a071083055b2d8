package org.tickeruniverse.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A misbehaving HTTP/2 client (prior knowledge, h2c) made of raw frames, for tests that must break
 * the protocol's manners, which a real client would not. Frames are encoded and decoded by Netty's
 * own codec classes; only the sending discipline is ours. Blocking, one test thread.
 */
final class RawHttp2 implements AutoCloseable {

  private final Socket socket;
  private final int port;
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
  private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
  private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
  private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
  private final ByteBuf input = Unpooled.buffer();

  /** Streams the server reset as refused, in the order seen. */
  final List<Integer> refused = new ArrayList<>();

  /** The :status of each stream the server answered. */
  final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

  /** The error code of a GOAWAY the server sent, or -1. */
  volatile long goAwayError = -1;

  private boolean serverSettingsSeen;

  private final Http2FrameAdapter listener =
      new Http2FrameAdapter() {
        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
          if (errorCode == Http2Error.REFUSED_STREAM.code()) {
            refused.add(streamId);
          }
        }

        @Override
        public void onGoAwayRead(
            ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
          goAwayError = errorCode;
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
          serverSettingsSeen = true;
        }

        @Override
        public void onHeadersRead(
            ChannelHandlerContext c,
            int streamId,
            Http2Headers headers,
            int padding,
            boolean endOfStream) {
          statuses.put(streamId, Integer.parseInt(headers.status().toString()));
        }

        @Override
        public void onHeadersRead(
            ChannelHandlerContext c,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream) {
          onHeadersRead(c, streamId, headers, padding, endOfStream);
        }
      };

  RawHttp2(Socket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    socket.setSoTimeout(5000);
  }

  /** The connection preface and our (empty) SETTINGS; then waits for the server's SETTINGS. */
  void open() throws IOException, Http2Exception {
    ByteBuf out = Http2CodecUtil.connectionPrefaceBuf();
    send(out);
    writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
    flush();
    readUntil(() -> serverSettingsSeen);
  }

  /** Acknowledges the server's SETTINGS: only from then on does the server enforce them. */
  void acknowledgeSettings() throws IOException {
    writer.writeSettingsAck(ctx, ctx.newPromise());
    flush();
  }

  /** POSTs {@code body} to the buffer route on each stream id, all at once. */
  void postAll(String token, String body, int... streamIds) throws IOException {
    for (int id : streamIds) {
      writer.writeHeaders(
          ctx,
          id,
          new DefaultHttp2Headers()
              .method("POST")
              .scheme("http")
              .authority("127.0.0.1:" + port)
              .path("/api/v1/tickers/buffer")
              .add("authorization", "Bearer " + token)
              .add("content-type", "application/json"),
          0,
          false,
          ctx.newPromise());
      writer.writeData(
          ctx, id, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), 0, true, ctx.newPromise());
    }
    flush();
  }

  /** Reads frames until {@code enough} holds; false when the read time-out passed first. */
  boolean readUntil(BooleanSupplier enough) throws IOException, Http2Exception {
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[8192];
    while (!enough.getAsBoolean()) {
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        return false;
      }
      if (n < 0) {
        return false;
      }
      input.writeBytes(chunk, 0, n);
      reader.readFrame(ctx, input, listener);
      input.discardReadBytes();
    }
    return true;
  }

  private void flush() throws IOException {
    ctx.flush();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      send((ByteBuf) o);
    }
  }

  private void send(ByteBuf buf) throws IOException {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    buf.release();
    socket.getOutputStream().write(bytes);
  }

  @Override
  public void close() throws IOException {
    reader.close();
    input.release();
    channel.finishAndReleaseAll();
    socket.close();
  }
}
