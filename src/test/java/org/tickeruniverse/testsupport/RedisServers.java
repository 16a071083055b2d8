package org.tickeruniverse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.tickeruniverse.testsupport.ServerSupport.ServerStartException;

/** The three kinds of {@link RedisServer}: external, Docker container, local process. */
final class RedisServers {

  private RedisServers() {}

  private static final int RESP_TIMEOUT_MS = 2000;

  /** What the three kinds share: commands through {@link RedisCommands}. */
  abstract static class Base extends ServerHandle implements RedisServer {
    abstract RedisCommands resp();

    @Override
    public Object command(String... args) {
      return resp().command(args);
    }
  }

  // ====================================================================== external

  /** A server named by a URL; not controllable. */
  static final class External extends Base {
    private final String url;
    private final RedisCommands resp;

    External(String url) {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("TU_TEST_REDIS_URL has no host: " + url);
      }
      this.url = url;
      String host = uri.getHost();
      int port = uri.getPort() > 0 ? uri.getPort() : 6379;
      lifecycle(ServerLifecycle.external("external Redis", "TU_TEST_REDIS_URL", host, port));
      String user = null;
      String password = null;
      String info = uri.getRawUserInfo();
      if (info != null && !info.isEmpty()) {
        int colon = info.indexOf(':');
        if (colon < 0) {
          password = decode(info);
        } else {
          user = colon == 0 ? null : decode(info.substring(0, colon));
          password = decode(info.substring(colon + 1));
        }
      }
      this.resp = new RedisCommands(host, port, user, password, RESP_TIMEOUT_MS);
      if (!resp.ping()) {
        throw new ServerStartException("TU_TEST_REDIS_URL=" + url + " does not answer PING");
      }
    }

    @Override
    RedisCommands resp() {
      return resp;
    }

    @Override
    public String url() {
      return url;
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  // ====================================================================== container

  /** A {@code redis:7} container with a fixed host port, so that a restart keeps the port. */
  static final class Container extends Base {
    Container() {
      ContainerHandle container =
          new ContainerHandle(
              "Redis container",
              new GenericContainer<>(DockerImageName.parse("redis:7"))
                  .withExposedPorts(6379)
                  .withCommand("redis-server", "--save", "", "--appendonly", "no"),
              6379,
              () -> resp().ping());
      lifecycle(container);
      container.startFirst();
    }

    // made per call because the host is only known once the container runs
    @Override
    RedisCommands resp() {
      return new RedisCommands(host(), port(), null, null, RESP_TIMEOUT_MS);
    }

    @Override
    public String url() {
      return "redis://" + host() + ":" + port();
    }
  }

  // ====================================================================== local process

  /** A {@code redis-server} process of our own. */
  static final class Local extends Base {
    private final Path binary;
    private final List<String> extraArgs;
    private final String password;
    private final Path dataDir;

    Local(List<String> extraArgs) {
      this.binary = ServerSupport.findBinary(ServerSupport.INSTALL_HINT, "redis-server");
      this.extraArgs = List.copyOf(extraArgs);
      int i = this.extraArgs.indexOf("--requirepass");
      this.password = i >= 0 && i + 1 < this.extraArgs.size() ? this.extraArgs.get(i + 1) : null;
      LocalProcess process =
          new LocalProcess(
              "redis-server", "tu-redis-", "redis.log", this::commandLine, () -> resp().ping());
      lifecycle(process);
      this.dataDir = process.root().resolve("data");
      try {
        Files.createDirectories(dataDir);
        process.startOnFreePort("Address already in use");
      } catch (IOException e) {
        process.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException | Error e) {
        process.close();
        throw e;
      }
    }

    private List<String> commandLine(int port) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  binary.toString(),
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  LocalProcess.HOST,
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dataDir.toString(),
                  "--daemonize",
                  "no"));
      cmd.addAll(extraArgs);
      return cmd;
    }

    // made per call because the port is only known once the process has one
    @Override
    RedisCommands resp() {
      return new RedisCommands(host(), port(), null, password, RESP_TIMEOUT_MS);
    }

    @Override
    public String url() {
      String hostPort = host() + ":" + port();
      return password == null
          ? "redis://" + hostPort
          : "redis://:" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@" + hostPort;
    }
  }
}
