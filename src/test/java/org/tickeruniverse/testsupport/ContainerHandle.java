package org.tickeruniverse.testsupport;

import static org.tickeruniverse.testsupport.ServerSupport.READY_DEADLINE;
import static org.tickeruniverse.testsupport.ServerSupport.STOP_GRACE;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.util.function.BooleanSupplier;
import org.testcontainers.containers.GenericContainer;

/**
 * The life of a server container, whatever the server. Testcontainers' own stop removes the
 * container, so {@link #stop()} and {@link #start()} go to Docker by container id instead: the
 * container, its data and its host port then survive a stop, as for a {@link LocalProcess}.
 */
final class ContainerHandle extends OwnLifecycle {

  private final String label;
  private final GenericContainer<?> container;
  private final int hostPort;
  private final BooleanSupplier ready;
  private boolean running;

  /**
   * Binds {@code containerPort} to a host port chosen now rather than a random one per start, so
   * that clients keep their URL across a restart. Starts nothing: see {@link #startFirst()}.
   */
  ContainerHandle(
      String label, GenericContainer<?> container, int containerPort, BooleanSupplier ready) {
    this.label = label;
    this.container = container;
    this.ready = ready;
    this.hostPort = ServerSupport.freePort();
    container.withCreateContainerCmdModifier(
        cmd ->
            cmd.getHostConfig()
                .withPortBindings(
                    new PortBinding(
                        Ports.Binding.bindPort(hostPort), ExposedPort.tcp(containerPort))));
  }

  @Override
  public String host() {
    return container.getHost();
  }

  @Override
  public int port() {
    return hostPort;
  }

  void startFirst() {
    container.start();
    running = true;
    ServerSupport.register(this);
    try {
      awaitReady();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void awaitReady() {
    ServerSupport.awaitReady(toString(), null, this::logs, READY_DEADLINE, ready);
  }

  private String logs() {
    try {
      return "Last lines of the container log:"
          + System.lineSeparator()
          + ServerSupport.lastLines(container.getLogs(), 40);
    } catch (RuntimeException e) {
      return "(no container log: " + e + ")";
    }
  }

  @Override
  boolean up() {
    return running;
  }

  @Override
  void bringUp() {
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    running = true;
    awaitReady();
  }

  @Override
  void bringDown() {
    if (!running) {
      return;
    }
    container
        .getDockerClient()
        .stopContainerCmd(container.getContainerId())
        .withTimeout((int) STOP_GRACE.toSeconds())
        .exec();
    running = false;
  }

  @Override
  void release() {
    container.stop();
  }

  @Override
  public String toString() {
    return label + " " + container.getHost() + ":" + hostPort;
  }
}
