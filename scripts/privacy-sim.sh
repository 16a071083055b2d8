#!/usr/bin/env bash
# Measures what the privacy profiles hide, through the real verticles on private Redis and MariaDB
# servers with an injected clock (src/tools/java/org/tickeruniverse/privacy/PrivacySimulation.java):
#   pool:  a day of uploads from N = 3, 10, 100 users under the off, standard and strict profiles;
#          anonymity set per publication, new tickers published with a set of 1, delay;
#   evict: a third of 30 and of 100 users leave on day 30; how often all of a leaver's unique
#          tickers leave the universe on one day (off vs standard vs strict).
# Not part of the test suite; prints both tables in Markdown and exits. Usage:
#   scripts/privacy-sim.sh [both|pool|evict] [--name=value ...]
# e.g. scripts/privacy-sim.sh pool --users=3,10 --profiles=off,standard,k=5
#      scripts/privacy-sim.sh evict --evict-users=30 --seed=2
# Options (defaults): --profiles=off,standard,strict (k=N adds the off profile with a raw k)
# --users=3,10,100 --hours=24 --tickers=300 --common=50 --gap-hours=2 --seed=1
# --evict-profiles=off,standard,strict --evict-users=30,100 --evict-tickers=1000 --leave-day=30
# --days=0 (0: until the leavers' tickers are gone: leave day + TTL + largest spread + 2).
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
if [[ $# -gt 0 && "$1" != --* ]]; then
  case "$1" in
    both | pool | evict) args=("--scenario=$1" "${@:2}") ;;
    *) echo "usage: $0 [both|pool|evict] [--name=value ...]" >&2; exit 2 ;;
  esac
fi
./mvnw -B -q ${MVN_OFFLINE:+-o} test-compile
./mvnw -B -q ${MVN_OFFLINE:+-o} dependency:build-classpath -Dmdep.outputFile=target/sim-classpath.txt -Dmdep.includeScope=test
# Local server processes (no Docker), quiet logs: only the tables and progress lines are printed.
export TU_TEST_SERVERS="${TU_TEST_SERVERS:-local}"
exec java \
  -cp "target/test-classes:target/classes:$(cat target/sim-classpath.txt)" \
  org.tickeruniverse.privacy.PrivacySimulation "${args[@]}"
