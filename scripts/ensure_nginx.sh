#!/usr/bin/env bash
# Find Debian's nginx for the replica tests and deploy/run, installing it when missing and we are root:
# nginx-light, the brotli modules when Debian has them, and `brotli` to precompress Streamlit's bundle.
# Never starts the system service: deploy/ runs its own nginx from a run directory.
set -euo pipefail
has_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
if has_nginx && [ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] && command -v brotli >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's nginx (and brotli) for the replica tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d 101: packages must not start services (nginx's postinst would start the system one).
  policy=/usr/sbin/policy-rc.d
  created=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
  pkgs="nginx-light"
  for extra in libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static brotli; do
    if apt-cache show "$extra" >/dev/null 2>&1; then pkgs="$pkgs $extra"; fi
  done
  # shellcheck disable=SC2086
  status=0
  apt-get install -y -qq $pkgs >/dev/null || status=$?
  if [ -n "$created" ]; then rm -f "$policy"; fi
  if [ "$status" = 0 ] && has_nginx; then exit 0; fi
fi
msg="nginx not found and cannot be installed here (needs root and apt-get): install Debian's 'nginx-light'"
if [ "${CI:-}" = "true" ]; then
  if has_nginx; then exit 0; fi
  echo "error: $msg" >&2
  exit 1
fi
if has_nginx; then exit 0; fi
echo "warning: $msg; replica tests will be skipped" >&2
