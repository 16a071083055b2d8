#!/usr/bin/env bash
# Measures what a Redis Sentinel failover loses (the durability table in README "Faults"): runs
# the failover drill it/faults/SentinelFailoverFaultIT with both TU_BUFFER_ACK_REPLICAS=1 (the
# check the suite runs too) and TU_BUFFER_ACK_REPLICAS=0 (a measurement: what asynchronous
# replication lost when the primary was SIGKILLed), on local Redis, Sentinel and MariaDB
# processes. Prints one "[fault] redis sentinel failover ..." line per setting. Not part of the
# suite: the measurement asserts nothing about loss, and it takes half a minute.
# Usage: scripts/failover-report.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B ${MVN_OFFLINE:+-o} verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SentinelFailoverFaultIT -Dtu.measure=true -Dspotless.check.skip=true "$@" |
  grep -E '^\[fault\]|Tests run:|BUILD|ERROR'
