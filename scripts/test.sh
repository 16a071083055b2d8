#!/usr/bin/env bash
# Builds ticker-universe and runs every test: scripts/lint-openapi.sh (Spectral on the OpenAPI
# document, any finding fails), ./mvnw -B verify, extra arguments passed on
# (e.g. scripts/test.sh -Dtest=FlushVerticleTest), then the operations checks: promtool on
# ops/prometheus/alerts.yml and its unit tests, scripts/ops-check.sh (a real Prometheus scraping a
# real service) and scripts/api-page-check.sh (the API page in headless Chromium). A bare Debian 12
# with only git is enough.
#
# The tests start their own Redis and MariaDB (src/test/java/org/tickeruniverse/testsupport):
# Docker when available, otherwise the redis-server / mariadbd binaries of the Debian packages.
# Missing packages (a Java 17 JDK, curl for ./mvnw, Redis, MariaDB, Prometheus for promtool, Chromium,
# Node.js and npm for Spectral) are
# installed with apt-get when run as root; otherwise the one command to run is printed. With
# TU_TEST_REDIS_URL and TU_TEST_MYSQL_URL both set the tests use those servers and no server
# package is needed for them (ops-check.sh still starts its own).
set -euo pipefail

SCRIPT_NAME=test.sh
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

started=$(date +%s)
report_time() {
  local rc=$?
  local secs=$(($(date +%s) - started))
  printf 'test.sh: %s after %dm%02ds\n' "$([ "$rc" -eq 0 ] && echo passed || echo "FAILED (status $rc)")" \
    $((secs / 60)) $((secs % 60)) >&2
}
trap report_time EXIT

packages=()
read -r -a packages <<<"$({ build_packages; server_packages; find_bin promtool >/dev/null || echo prometheus
  find_bin chromium chromium-browser >/dev/null || echo chromium; } | tr '\n' ' ')"
install_packages "${packages[@]}"

scripts/lint-openapi.sh

./mvnw -B verify "$@"

PROMTOOL="$(find_bin promtool)"
log "promtool check rules + test rules"
"$PROMTOOL" check rules ops/prometheus/alerts.yml
"$PROMTOOL" test rules ops/prometheus/alerts.test.yml

scripts/ops-check.sh
scripts/api-page-check.sh
