#!/usr/bin/env bash
# Longer runs of IngestChaosIT: one `ingest` process (its own JVM) while its cameras (HTTP MJPEG
# test cameras and, where GStreamer is installed, an RTSP camera) are killed, stalled and brought
# back at seeded random moments. Checks that the process never exits, that every camera streams
# again once its failure ends, and that resident memory, threads and open files do not grow; prints
# a table (appended to target/chaos/ingest-summary.txt; the process's log is target/chaos/ingest-SEED.log).
#
#   scripts/ingest-chaos.sh [--minutes M] [--seed S]
#
# --minutes  how long the cameras fail at random; default 20
# --seed     the random seed (printed by every run); default: a new one
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes=20 seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "ingest-chaos.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$root"
exec mvn -B verify -Dit.test=IngestChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dingest.chaos.minutes="$minutes" -Dingest.chaos.seed="$seed"
