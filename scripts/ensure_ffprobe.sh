#!/usr/bin/env bash
# Find Debian's ffprobe for the film tests (codec, size, frame rate, duration of what `geo video` wrote),
# installing Debian's ffmpeg when missing and we are root. Only the tests need it: `geo video` itself
# encodes with the ffmpeg that the imageio-ffmpeg package ships.
set -euo pipefail
if command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's ffmpeg (ffprobe) for the film tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
  exit 0
fi
msg="ffprobe not found and cannot be installed here (needs root and apt-get): install Debian's 'ffmpeg'"
if [ "${CI:-}" = "true" ]; then
  echo "error: $msg" >&2
  exit 1
fi
echo "warning: $msg; film tests will be skipped" >&2
