package org.tickeruniverse.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Setting;

/**
 * TLS of the clustered event bus: every node presents a certificate signed by the cluster's CA and
 * accepts connections only from nodes that do, in both directions
 * (docs/CLUSTER.md#encrypted-event-bus). Hazelcast's own membership protocol stays clear text (no
 * TLS in its open-source edition): a member without such a certificate can still join Hazelcast,
 * but no event-bus message reaches it.
 */
public final class ClusterTls {

  private static final Setting CERT = Setting.at("cluster.tlsCert");
  private static final Setting KEY = Setting.at("cluster.tlsKey");
  private static final Setting CA = Setting.at("cluster.tlsCa");

  /** The one start-up line of a clustered node whose event bus is clear text. */
  public static final String CLEAR_TEXT_WARNING =
      "the cluster's event bus is clear text: tickers and contributor digests cross the network"
          + " unencrypted and any host that reaches the cluster ports can join and receive them; set "
          + CERT.env()
          + ", "
          + KEY.env()
          + " and "
          + CA.env()
          + " (PEM files, docs/CLUSTER.md#encrypted-event-bus)";

  private ClusterTls() {}

  /**
   * Whether start-up warns that the bus is clear text: a clustered node with a privacy profile on
   * (docs/PRIVACY.md) and no TLS.
   */
  public static boolean warnsClearText(ServiceConfig config) {
    // Under the off profile the service promises nothing beyond the original module, which had no
    // cluster at all: no warning there.
    return config.cluster().enabled() && !config.cluster().tls() && !config.privacy().off();
  }

  /**
   * TLS with client authentication required on the event bus's server and client side alike (Vert.x
   * builds both from these options). The clustered bus turns host-name verification off: a peer is
   * accepted for its CA, not for its name, so the CA must sign cluster members only.
   */
  static EventBusOptions apply(EventBusOptions options, ServiceConfig.Cluster cluster) {
    if (!cluster.tls()) {
      return options;
    }
    return options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions().setCertPath(cluster.tlsCert()).setKeyPath(cluster.tlsKey()))
        .setTrustOptions(new PemTrustOptions().addCertPath(cluster.tlsCa()))
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /**
   * Checks the three PEM files before anything starts, so that a wrong file ends the process with
   * one line naming its setting (exit 78) rather than with a failed handshake on the first message:
   * each file is readable and parses as Vert.x will parse it, the key belongs to the certificate,
   * and the certificate chains to the CA and has not expired. Does nothing without TLS.
   */
  public static void check(ServiceConfig.Cluster cluster) {
    if (!cluster.tls()) {
      return;
    }
    Buffer cert = read(CERT, cluster.tlsCert());
    Buffer key = read(KEY, cluster.tlsKey());
    Buffer ca = read(CA, cluster.tlsCa());

    Set<TrustAnchor> anchors = new HashSet<>();
    try {
      // The JDK reads PEM certificates as Vert.x's trust options do (CertificateFactory).
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(ca.getBytes()))) {
        anchors.add(new TrustAnchor((X509Certificate) c, null));
      }
      if (anchors.isEmpty()) {
        throw new IllegalArgumentException("no certificate in it");
      }
    } catch (Exception e) {
      throw invalid(CA, cluster.tlsCa(), "is not a PEM CA certificate", e);
    }
    X509KeyManager keys;
    try {
      KeyManager[] managers =
          new PemKeyCertOptions()
              .setCertValue(cert)
              .setKeyValue(key)
              .getKeyManagerFactory(null)
              .getKeyManagers();
      keys = (X509KeyManager) managers[0];
    } catch (Exception e) {
      throw invalid(
          KEY,
          cluster.tlsKey(),
          "and "
              + CERT.env()
              + " ("
              + cluster.tlsCert()
              + ") are not an unencrypted PEM private key and its PEM certificate",
          e);
    }
    String alias = alias(keys);
    X509Certificate[] chain = keys.getCertificateChain(alias);
    if (!matches(keys.getPrivateKey(alias), chain[0].getPublicKey())) {
      throw new ConfigException(
          KEY.label()
              + " "
              + cluster.tlsKey()
              + " is not the private key of the certificate in "
              + CERT.env()
              + " ("
              + cluster.tlsCert()
              + ")");
    }
    try {
      PKIXParameters pkix = new PKIXParameters(anchors);
      pkix.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(
              CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain)), pkix);
    } catch (Exception e) {
      throw invalid(
          CERT,
          cluster.tlsCert(),
          "is not a valid certificate signed by the CA in "
              + CA.env()
              + " ("
              + cluster.tlsCa()
              + "): peers would refuse this node",
          e);
    }
  }

  private static Buffer read(Setting setting, String path) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (IOException | RuntimeException e) {
      throw invalid(setting, path, "cannot be read", e);
    }
  }

  private static String alias(X509KeyManager keys) {
    for (String type : List.of("RSA", "EC")) {
      String[] aliases = keys.getServerAliases(type, null);
      if (aliases != null && aliases.length > 0) {
        return aliases[0];
      }
    }
    throw new ConfigException(KEY.label() + " holds neither an RSA nor an EC private key");
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = "ticker-universe cluster key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(probe);
      return verify.verify(signature);
    } catch (Exception e) {
      return false;
    }
  }

  private static ConfigException invalid(
      Setting setting, String path, String what, Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return new ConfigException(
        setting.label() + " " + path + " " + what + " (" + why.replace('\n', ' ') + ")");
  }
}
