#!/usr/bin/env bash
# Builds ticker-universe and runs every test: shellcheck on every shell script (any finding
# fails), scripts/lint-openapi.sh (Spectral on the OpenAPI document, any finding fails), ./mvnw -B install (every test of both modules, and the client
# artifact in the local Maven repository), extra arguments passed on
# (e.g. scripts/test.sh -Dtest=FlushVerticleTest), then the Python client's tests
# (clients/python/tests: Debian's python3-pytest against the jar just built), then the operations
# checks: promtool on ops/prometheus/alerts.yml and its unit tests, scripts/ops-check.sh (a real
# Prometheus scraping a real service) and scripts/api-page-check.sh (the API page in headless
# Chromium), and scripts/sibling-check.sh (examples/sibling-verticle, built against the installed
# ticker-universe-client, joins a real clustered service). A bare Debian 12 with only git is enough.
#
# The tests start their own Redis and MariaDB (src/test/java/org/tickeruniverse/testsupport):
# Docker when available, otherwise the redis-server / mariadbd binaries of the Debian packages.
# Missing packages (a Java 17 JDK, curl for ./mvnw, Redis, MariaDB, python3-httpx and
# python3-pytest, Prometheus for promtool, Chromium, Node.js and npm for Spectral, shellcheck) are installed
# with apt-get when run as root; otherwise the one command to run is printed. With
# TU_TEST_REDIS_URL and TU_TEST_MYSQL_URL both set the Java tests use those servers and no server
# package is needed for them (ops-check.sh and the Python client's tests still start their own).
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

# The Python client's tests run on Debian's interpreter and packages (/usr/bin/python3, not whichever
# python3 comes first on PATH): the client promises to work with Debian 12's python3-httpx 0.23.
PYTHON=/usr/bin/python3
python_test_packages() { # the Debian packages missing for clients/python/tests (curl: its readiness probe)
  [ -x "$PYTHON" ] || echo python3
  "$PYTHON" -c 'import httpx' 2>/dev/null || echo python3-httpx
  "$PYTHON" -c 'import pytest' 2>/dev/null || echo python3-pytest
  find_bin curl >/dev/null || echo curl
}

packages=()
read -r -a packages <<<"$({ build_packages; server_packages; python_test_packages
  find_bin promtool >/dev/null || echo prometheus
  find_bin chromium chromium-browser >/dev/null || echo chromium
  find_bin shellcheck >/dev/null || echo shellcheck; } | tr '\n' ' ')"
install_packages "${packages[@]}"

# Every shell script of ours (mvnw is the Maven Wrapper's, generated); -x follows `. common.sh`.
log "shellcheck"
mapfile -t shell_scripts < <(find scripts .ci clients examples -type f \( -name '*.sh' -o -path .ci/run \) \
  -not -path '*/node_modules/*' | sort)
"$(find_bin shellcheck)" -x "${shell_scripts[@]}"

scripts/lint-openapi.sh

./mvnw -B install "$@"

# Against target/ticker-universe-fat.jar, which the install above built. Any failure, and pytest's
# status 5 (no test collected: never intended here), fails the script.
log "Python client tests (clients/python/tests)"
"$PYTHON" -m pytest -p no:cacheprovider clients/python/tests -q

PROMTOOL="$(find_bin promtool)"
log "promtool check rules + test rules"
"$PROMTOOL" check rules ops/prometheus/alerts.yml
"$PROMTOOL" test rules ops/prometheus/alerts.test.yml

scripts/ops-check.sh
scripts/api-page-check.sh
scripts/sibling-check.sh
