#!/usr/bin/env bash
# Installs (once) tfjs' pure-JS packages and @vladmandic/face-api into NODE_DIR, then runs
# faceapi-expression.mjs on the given crops. tfjs-node (native) is not needed.
#   scripts/faceapi-expression.sh NODE_DIR MODEL_DIR CROP.rgb...
set -euo pipefail
node_dir="$1"; shift
mkdir -p "$node_dir"
if [ ! -f "$node_dir/node_modules/@vladmandic/face-api/package.json" ]; then
  (cd "$node_dir" && { [ -f package.json ] || echo '{"name":"faceapi-parity","private":true}' > package.json; } \
    && npm install --silent --no-audit --no-fund --ignore-scripts \
       @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 @vladmandic/face-api@1.7.15 >&2)
fi
exec node "$(dirname "$0")/faceapi-expression.mjs" "$node_dir" "$@"
