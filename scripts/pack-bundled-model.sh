#!/usr/bin/env bash
# Packs a finished training run as the bundled default model: models/fer-resnet18 (float16 weights)
# and docs/model (the run's report and train command), paths relative to the repository root.
#   scripts/pack-bundled-model.sh RUN_DIR [--train-command LINE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$(realpath --relative-to="$root" "${1:?usage: $0 RUN_DIR [--train-command LINE]}")"
cd "$root" && exec ./emotion-stream models pack "$run" models/fer-resnet18 --docs docs/model "${@:2}"
