#!/usr/bin/env bash
# Lints the OpenAPI document (src/main/resources/openapi/ticker-universe.yaml) with Spectral and
# the repository's ruleset (.spectral.yaml: spectral:oas plus the recorded exceptions). Fails on
# any finding, error, warning, info or hint alike. scripts/test.sh runs it.
#
# Spectral is the npm package @stoplight/spectral-cli at the exact version and dependency tree of
# scripts/lib/spectral/package-lock.json, installed with `npm ci` into the git-ignored
# .tools/spectral/ (again only when that lock file changes). Node.js and npm come from Debian's
# packages, installed with apt-get when run as root; otherwise the command is printed.
set -euo pipefail

SCRIPT_NAME=lint-openapi.sh
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

DOCUMENT=src/main/resources/openapi/ticker-universe.yaml
RULESET=.spectral.yaml
LOCK_DIR=scripts/lib/spectral
TOOL_DIR=.tools/spectral
SPECTRAL="$TOOL_DIR/node_modules/.bin/spectral"

packages=()
find_bin node >/dev/null || packages+=(nodejs)
find_bin npm >/dev/null || packages+=(npm)
install_packages "${packages[@]}"

# The installed tree is current when the lock file it was installed from equals the committed one.
if [ ! -x "$SPECTRAL" ] || ! cmp -s "$LOCK_DIR/package-lock.json" "$TOOL_DIR/package-lock.json"; then
  log "installing Spectral into $TOOL_DIR ($LOCK_DIR/package-lock.json)"
  mkdir -p "$TOOL_DIR"
  cp "$LOCK_DIR/package.json" "$LOCK_DIR/package-lock.json" "$TOOL_DIR/"
  # No install scripts: Spectral needs none (one dependency's is a usage-statistics ping).
  npm ci --prefix "$TOOL_DIR" --ignore-scripts --no-audit --no-fund --loglevel=error
fi

log "spectral $("$SPECTRAL" --version) lint $DOCUMENT (ruleset $RULESET)"
# --fail-severity=hint: any finding at all fails the script.
SCARF_ANALYTICS=false "$SPECTRAL" lint --ruleset "$RULESET" --fail-severity=hint "$DOCUMENT"
