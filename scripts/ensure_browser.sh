#!/usr/bin/env bash
# Find Debian's Chromium for the browser tests, installing it when missing and we are root.
# Never `playwright install`: it downloads a browser build, which this environment refuses.
# Also installs a CJK font so Korean text renders in screenshots.
set -euo pipefail
# grep without -q reads all input: with pipefail, -q would make fc-list die of SIGPIPE and fail the test.
has_font() { fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; }
if { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } && has_font; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's chromium and a CJK font for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  exit 0
fi
msg="Chromium not found and cannot be installed here (needs root and apt-get): install Debian's 'chromium'"
if [ "${CI:-}" = "true" ]; then
  echo "error: $msg" >&2
  exit 1
fi
echo "warning: $msg; browser tests will be skipped" >&2
