#!/usr/bin/env bash
# Replays a day of uploads through the real verticles on private Redis and MariaDB servers and
# prints what the publication pool buys (anonymity set per publication) and costs (delay), for
# k = 1, 3, 5 and N = 3, 10, 100 users (src/test/java/org/tickeruniverse/privacy/PrivacySimulation.java).
# Not part of the test suite. Arguments are passed on: [hours] [users] [ks] [tickers]
# [mean hours between uploads] [max hold seconds] [seed], e.g. scripts/privacy-sim.sh 12 3,10 1,5
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q ${MVN_OFFLINE:+-o} test-compile
./mvnw -B -q ${MVN_OFFLINE:+-o} dependency:build-classpath -Dmdep.outputFile=target/sim-classpath.txt -Dmdep.includeScope=test
# Local server processes (no Docker), quiet logs: only the table and progress lines are printed.
export TU_TEST_SERVERS="${TU_TEST_SERVERS:-local}"
exec java \
  -cp "target/test-classes:target/classes:$(cat target/sim-classpath.txt)" \
  org.tickeruniverse.privacy.PrivacySimulation "$@"
