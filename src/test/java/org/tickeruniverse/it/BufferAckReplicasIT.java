package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * {@code buffer.ackReplicas=1} on a real primary with a real replica: a 202 means the replica has
 * the tickers; a write no replica confirms is answered 503 {@code not_replicated} after the ack
 * time-out (and a retry, once the replica is back, is harmless); many requests at once share one
 * WAIT per coalesced script.
 */
@RealServers
class BufferAckReplicasIT {

  static RedisServer primary;
  static RedisServer replica;
  static ServiceHarness service;

  @BeforeAll
  static void start(MariaDbServer mysql) {
    primary = RedisServer.local();
    replica = RedisServer.local("--replicaof", primary.host(), String.valueOf(primary.port()));
    awaitReplicaOnline();
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                primary, mysql, "--buffer.ackReplicas=1", "--buffer.ackTimeoutMillis=500"),
            MutableClock.at("2026-11-24T10:01:00Z"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (service != null) {
        service.close();
      }
    } finally {
      if (replica != null) {
        replica.close();
      }
      if (primary != null) {
        primary.close();
      }
    }
  }

  static void awaitReplicaOnline() {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> String.valueOf(primary.command("INFO", "replication")).contains("state=online"));
  }

  static Future<JsonObject> buffer(List<String> tickers) {
    return service
        .vertx()
        .eventBus()
        .<JsonObject>request(
            Addresses.BUFFER,
            Messages.bufferRequest(tickers, null),
            new DeliveryOptions().setSendTimeout(20_000))
        .map(m -> m.body());
  }

  static long commandCalls(String command) {
    String stats = String.valueOf(primary.command("INFO", "commandstats"));
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void acknowledgedMeansTheReplicaHasItAndAnUnconfirmedWriteIs503UntilTheReplicaIsBack()
      throws Exception {
    String key = service.bucketKey(service.clock().instant());
    assertThat(buffer(List.of("ACK1", "ACK2")).await(30, TimeUnit.SECONDS).getInteger("buffered"))
        .isEqualTo(2);
    // No waiting here: WAIT already confirmed the replica had the write before the 202.
    assertThat(replica.command("SISMEMBER", key, "ACK2")).isEqualTo(1L);

    replica.stop();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> buffer(List.of("ACK3")).await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(503);
              assertThat(ErrorCode.details(e).getString("code")).isEqualTo("not_replicated");
            });
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(tookMillis).as("answered after the ack time-out, not hung").isBetween(400L, 5_000L);
    assertThat(primary.command("SISMEMBER", key, "ACK3"))
        .as("on the primary all the same: a retry is harmless")
        .isEqualTo(1L);

    replica.start();
    awaitReplicaOnline();
    assertThat(buffer(List.of("ACK3")).await(30, TimeUnit.SECONDS).getInteger("buffered"))
        .as("the retry")
        .isEqualTo(1);
    assertThat(replica.command("SISMEMBER", key, "ACK3")).isEqualTo(1L);
  }

  @Test
  void concurrentRequestsShareOneWaitPerCoalescedScript() throws Exception {
    long waitsBefore = commandCalls("wait");
    long scriptsBefore = commandCalls("evalsha") + commandCalls("eval");
    int requests = 300;
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      all.add(buffer(List.of("CO" + i)));
    }
    Future.all(all).await(60, TimeUnit.SECONDS);
    long waits = commandCalls("wait") - waitsBefore;
    long scripts = commandCalls("evalsha") + commandCalls("eval") - scriptsBefore;
    assertThat(waits).as("one WAIT per script").isEqualTo(scripts);
    assertThat(waits).as("coalesced: fewer WAITs than requests").isLessThan(requests);
  }
}
