#!/usr/bin/env bash
# Builds ticker-universe and runs every test: mvn -B verify, extra arguments passed on
# (e.g. scripts/test.sh -Dtest=FlushVerticleTest).
#
# The tests start their own Redis and MariaDB (src/test/java/org/tickeruniverse/testsupport):
# Docker when available, otherwise the redis-server / mariadbd binaries of the Debian packages,
# which this script installs when they are missing. With TU_TEST_REDIS_URL and TU_TEST_MYSQL_URL
# both set the tests use those servers and nothing is installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$(date +%s)
report_time() {
  local rc=$?
  local secs=$(( $(date +%s) - started ))
  printf 'test.sh: %s after %dm%02ds\n' "$([ "$rc" -eq 0 ] && echo passed || echo "FAILED (status $rc)")" \
    $((secs / 60)) $((secs % 60)) >&2
}
trap report_time EXIT

PACKAGES=(redis-server redis-tools mariadb-server mariadb-client)

have() { # have NAME: on PATH, or in /usr/sbin or /usr/bin (not always on a non-root PATH)
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

if [ -n "${TU_TEST_REDIS_URL:-}" ] && [ -n "${TU_TEST_MYSQL_URL:-}" ]; then
  echo "test.sh: using TU_TEST_REDIS_URL and TU_TEST_MYSQL_URL; not checking for local servers" >&2
elif ! have redis-server || ! have redis-cli || ! have mariadbd || ! have mariadb-install-db; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing ${PACKAGES[*]}" >&2
    apt-get update
    # Debian's post-install may start system daemons on 6379/3306; the tests never use them.
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}"
  else
    echo "test.sh: redis-server, redis-cli, mariadbd or mariadb-install-db is missing. Install them with:" >&2
    echo "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}'" >&2
    exit 1
  fi
fi

command -v mvn >/dev/null 2>&1 || { echo "test.sh: mvn not found (install Maven 3.8+ and a Java 17 JDK)" >&2; exit 1; }

mvn -B verify "$@"
