#!/usr/bin/env bash
# Fetch axe-core (the accessibility rules engine) from the npm registry for the browser tests,
# once, into .cache/. npm checks the package's integrity hash. Playwright injects it into pages.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION="4.14.1"
dest=".cache/axe-core-${AXE_VERSION}"
if [ -f "${dest}/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  msg="npm not found: cannot fetch axe-core ${AXE_VERSION} for the accessibility tests"
  if [ "${CI:-}" = "true" ]; then echo "error: $msg" >&2; exit 1; fi
  echo "warning: $msg; they will be skipped" >&2
  exit 0
fi
echo "==> fetching axe-core ${AXE_VERSION} from the npm registry"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "axe-core@${AXE_VERSION}" --silent >/dev/null 2>&1)
tar -xzf "$tmp"/axe-core-*.tgz -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dest/"
