#!/usr/bin/env bash
# Regenerate static/vendor/ from the npm registry.
#
# Why: the app must work with no internet (screenings, this machine), so Leaflet
# and every plugin the map uses are served from the project, never from a CDN.
# The files are committed; run this only to upgrade a version. Each package's
# licence file is kept beside its code.
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET_VERSION=1.9.4
LEAFLET_DRAW_VERSION=1.0.4

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME@VERSION -> $tmp/NAME/package
  local spec=$1 name=${1%@*}
  mkdir -p "$tmp/$name"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  tar xzf "$tmp"/"${name//\//-}"-*.tgz -C "$tmp/$name"
}

fetch "leaflet@$LEAFLET_VERSION"
dest=static/vendor/leaflet
rm -rf "$dest" && mkdir -p "$dest"
cp "$tmp/leaflet/package/dist/leaflet.js" "$tmp/leaflet/package/dist/leaflet.css" "$dest/"
cp -r "$tmp/leaflet/package/dist/images" "$dest/"
cp "$tmp/leaflet/package/LICENSE" "$dest/LICENSE"

fetch "leaflet-draw@$LEAFLET_DRAW_VERSION"
dest=static/vendor/leaflet-draw
rm -rf "$dest" && mkdir -p "$dest"
cp "$tmp/leaflet-draw/package/dist/leaflet.draw.js" "$tmp/leaflet-draw/package/dist/leaflet.draw.css" "$dest/"
cp -r "$tmp/leaflet-draw/package/dist/images" "$dest/"
# The npm package ships no licence file; package.json says MIT. Record the
# licence with the copyright line from the bundle's own header.
{
  echo "Leaflet.draw $LEAFLET_DRAW_VERSION is released under the MIT licence (package.json)."
  sed -n '3p' "$tmp/leaflet-draw/package/dist/leaflet.draw-src.js" | sed 's/^ *//'
  echo
  echo "Permission is hereby granted, free of charge, to any person obtaining a copy of this"
  echo "software and associated documentation files (the \"Software\"), to deal in the Software"
  echo "without restriction, including without limitation the rights to use, copy, modify, merge,"
  echo "publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons"
  echo "to whom the Software is furnished to do so, subject to the following conditions:"
  echo
  echo "The above copyright notice and this permission notice shall be included in all copies or"
  echo "substantial portions of the Software."
  echo
  echo "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED."
} > "$dest/LICENSE"

cat > static/vendor/VERSIONS.txt <<TXT
leaflet $LEAFLET_VERSION (BSD-2-Clause) from the npm registry
leaflet-draw $LEAFLET_DRAW_VERSION (MIT) from the npm registry
Regenerate with scripts/vendor_assets.sh
TXT
echo "vendored into static/vendor/"
