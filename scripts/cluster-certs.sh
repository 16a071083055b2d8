#!/usr/bin/env bash
# Makes the PEM files of an encrypted, authenticated cluster event bus (docs/CLUSTER.md#encrypted-event-bus):
# a CA of the cluster's own, then one key and certificate per node signed by it.
#   scripts/cluster-certs.sh DIR NODE...    e.g. scripts/cluster-certs.sh cluster-tls node1 node2
# Writes DIR/ca.pem (TU_CLUSTER_TLS_CA on every node), DIR/ca-key.pem (keep it offline: whoever
# holds it can admit members), and DIR/NODE.pem + DIR/NODE-key.pem (TU_CLUSTER_TLS_CERT and
# TU_CLUSTER_TLS_KEY of that node). An existing CA in DIR is reused, so nodes can be added later.
# Needs only the openssl command (Debian package openssl). The test it.cluster.ClusterTlsIT runs it.
set -euo pipefail
(($# >= 2)) || { echo "usage: $0 DIR NODE..." >&2; exit 64; }
dir="$1"
shift
mkdir -p "$dir"
cd "$dir"
umask 077 # private keys readable by their owner only

# 1. The CA: EC P-256 key, self-signed, 10 years.
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca-key.pem -out ca.pem -days 3650 -subj "/CN=ticker-universe cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

# 2. Per node: a key and a request, signed by the CA for 825 days, usable as TLS server and client.
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth,clientAuth" >node.ext
for node in "$@"; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$node-key.pem" -out "$node.csr" -subj "/CN=$node"
  openssl x509 -req -in "$node.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
    -days 825 -extfile node.ext -out "$node.pem"
  rm "$node.csr"
  chmod 644 "$node.pem"
done
rm node.ext
chmod 644 ca.pem
