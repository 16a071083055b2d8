package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The real process: SIGTERM while a request is in flight (its body only half sent) lets that
 * request finish with its normal answer, then the process exits 0.
 */
@RealServers
class GracefulShutdownIT {

  @Test
  void sigtermDrainsAnInFlightRequestThenExitsZero(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    int port = TestConfigs.freePort();
    String javaBin =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(
                javaBin, "-cp", System.getProperty("java.class.path"), "org.tickeruniverse.Main")
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("TU_"));
    pb.environment().put("TU_HTTP_PORT", String.valueOf(port));
    pb.environment().put("TU_HTTP_HOST", "127.0.0.1");
    pb.environment().put("TU_REDIS_URL", redis.url());
    pb.environment().put("TU_MYSQL_URL", mysql.url());
    pb.environment().put("TU_AUTH_API_TOKENS", TestConfigs.CALLER_TOKEN);
    pb.environment().put("TU_AUTH_ADMIN_TOKENS", TestConfigs.ADMIN_TOKEN);
    Process process = pb.start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(output::add);
              } catch (Exception ignored) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> output.stream().anyMatch(l -> l.contains("ticker-universe started")));

      String body = "{\"tickers\":[\"AAPL\",\"VOD.L\"]}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer "
                    + TestConfigs.CALLER_TOKEN
                    + "\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: "
                    + bytes.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // The interim answer proves the server holds the request (headers read, body awaited)
        // before the signal; without it, SIGTERM could win the race with the server reading the
        // headers, and a connection with nothing read yet is idle and closed by the drain.
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
        assertThat(in.readLine()).isEmpty();
        out.write(bytes, 0, 10);
        out.flush();

        // SIGTERM, as an orchestrator sends it (kill(1) rather than Process.destroy(), whose
        // signal this JVM did not see reach the child's shutdown hooks).
        assertThat(
                new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid()))
                    .start()
                    .waitFor())
            .isZero();
        await()
            .atMost(Duration.ofSeconds(20))
            .alias(String.join("\n", output))
            .until(() -> output.stream().anyMatch(l -> l.contains("shutting down")));

        out.write(bytes, 10, bytes.length - 10);
        out.flush();
        String status = in.readLine();
        assertThat(status).isEqualTo("HTTP/1.1 202 Accepted");
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("output:%n%s", String.join("\n", output)).isZero();
      assertThat(output).anyMatch(l -> l.contains("stopped cleanly"));
    } finally {
      process.destroyForcibly();
    }
  }
}
