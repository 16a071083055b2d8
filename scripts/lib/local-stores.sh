#!/usr/bin/env bash
# The one definition of a local Redis or MariaDB process: the scripts (lib/common.sh) and the test
# support (src/test/.../testsupport/StoreServer.java) both start their servers through this file, so
# the flags below are the only ones; a caller appends what is its own (persistence, replication,
# test-only durability) as extra arguments. It execs the server, so the caller's pid is the
# server's and stopping that pid stops exactly the server.
#   local-stores.sh redis PORT DIR [REDIS-ARG...]      redis-server on 127.0.0.1:PORT, data in DIR
#   local-stores.sh sentinel PORT DIR [REDIS-ARG...]   the same in sentinel mode, DIR/sentinel.conf
#   local-stores.sh mariadb PORT DIR [MARIADBD-ARG...] mariadbd on 127.0.0.1:PORT, data dir DIR
#   local-stores.sh mariadb-init DIR [INSTALL-ARG...]  a fresh data dir (root, empty password, TCP)
#   local-stores.sh mariadb-flags                      the server flags a container shares, one a line
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# utf8mb4 and UTC as the service expects; no binary log (no replica reads it).
MARIADB_FLAGS=(--skip-name-resolve --skip-log-bin --character-set-server=utf8mb4
  --collation-server=utf8mb4_general_ci --default-time-zone=+00:00)

kind="${1:-}"
case "$kind" in
  redis | sentinel)
    port="$2" dir="$3"
    shift 3
    mkdir -p "$dir"
    conf=() # a sentinel needs a config file it can rewrite; the caller writes its monitor lines
    [ "$kind" = sentinel ] && conf=("$dir/sentinel.conf" --sentinel)
    exec "$(find_bin redis-server)" "${conf[@]}" --port "$port" --bind 127.0.0.1 --protected-mode yes \
      --dir "$dir" --daemonize no --logfile "" "$@"
    ;;
  mariadb)
    port="$2" dir="$3"
    shift 3
    socket="$dir/mariadbd.sock"
    # a unix socket path must fit in 108 bytes
    if ((${#socket} > 100)); then
      socket="${TMPDIR:-/tmp}/tu-mariadb-$(id -u)-$(printf '%s' "$dir" | cksum | cut -d' ' -f1).sock"
    fi
    user=()
    [ "$(id -u)" -eq 0 ] && user=(--user=root)
    exec "$(find_bin mariadbd mysqld)" --no-defaults --datadir="$dir" --socket="$socket" \
      --pid-file="$dir/mariadbd.pid" --port="$port" --bind-address=127.0.0.1 "${user[@]}" \
      "${MARIADB_FLAGS[@]}" "$@"
    ;;
  mariadb-init)
    dir="$2"
    shift 2
    rm -rf "$dir.tmp"
    "$(find_bin mariadb-install-db mysql_install_db)" --no-defaults --datadir="$dir.tmp" \
      --auth-root-authentication-method=normal --skip-test-db "$@"
    mv "$dir.tmp" "$dir" # only a complete data directory gets the real name
    ;;
  mariadb-flags) printf '%s\n' "${MARIADB_FLAGS[@]}" ;;
  *) die "usage: $0 redis|sentinel|mariadb PORT DIR [ARG...] | mariadb-init DIR [ARG...] | mariadb-flags" ;;
esac
