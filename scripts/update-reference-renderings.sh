#!/usr/bin/env bash
# Regenerates the reference page images of the templates' tests
# (tests/templates/reference/<document>-<page>.png, 40 dpi, grey) from the fixture dossier.
# Run it after an intended change of wording or layout, look at the images, commit them.
#   scripts/update-reference-renderings.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target ipt_templates_render_fixtures -j2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/tests/templates/ipt_templates_render_fixtures" "$tmp" 2
ref="$root/tests/templates/reference"
rm -rf "$ref"
mkdir -p "$ref"
for pdf in "$tmp"/*.pdf; do
  pdftoppm -r 40 -gray -png "$pdf" "$ref/$(basename "$pdf" .pdf)"
done
echo "références régénérées dans $ref :"
ls -1 "$ref"
