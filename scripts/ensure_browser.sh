#!/usr/bin/env bash
# Find Debian's Chromium for the browser tests, installing it when missing and we are root.
# Never `playwright install`: it downloads a browser build, which this environment refuses.
# No system font is needed: Korean is drawn in the vendored font (static/fonts/, geo/fonts.py),
# and tests/browser/test_hangul_without_system_fonts.py checks that with every CJK font hidden.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
msg="Chromium not found and cannot be installed here (needs root and apt-get): install Debian's 'chromium'"
if [ "${CI:-}" = "true" ]; then
  echo "error: $msg" >&2
  exit 1
fi
echo "warning: $msg; browser tests will be skipped" >&2
