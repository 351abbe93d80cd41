#!/usr/bin/env bash
# Records schemas/NAME.avsc as the next version in schemas/history/NAME/ when it differs from the newest
# recorded one (or has none yet). Run it for every schema you change, before the change is released;
# SchemaCompatibilityTest fails until the newest recorded version is the schema the build writes.
#   scripts/record-schema-version.sh FaceEmotion [MoreNames...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 NAME... (a schema file schemas/NAME.avsc)" >&2; exit 2; }
for name in "$@"; do
  current="schemas/$name.avsc"
  [ -f "$current" ] || { echo "$current does not exist" >&2; exit 1; }
  dir="schemas/history/$name"
  mkdir -p "$dir"
  last=$(ls "$dir" | sed -n 's/^v\([0-9]*\)\.avsc$/\1/p' | sort -n | tail -1)
  if [ -n "$last" ] && cmp -s "$current" "$dir/v$last.avsc"; then
    echo "$name: unchanged since v$last"
    continue
  fi
  next=$(( ${last:-0} + 1 ))
  cp "$current" "$dir/v$next.avsc"
  echo "$name: recorded as $dir/v$next.avsc"
done
