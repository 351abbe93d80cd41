#!/usr/bin/env bash
# Longer chaos runs of ChaosIT: the processor as separate JVMs killed with SIGKILL and restarted,
# broker restarts and scale-out handovers, repeated for --minutes, then the committed events are
# audited face by face. Prints a table per run (appended to target/chaos/summary.txt);
# processor logs are under target/chaos/.
#
#   scripts/chaos.sh [--minutes M] [--kills N] [--seed S] [--guarantee exactly_once_v2|at_least_once|both]
#                    [--cameras C] [--fps F] [--photo-width W]
#
# --minutes  keep cycling for at least M minutes per guarantee (a cycle: N kills of the single
#            instance, one broker restart, one kill in a two-instance group); default 10
# --kills    kills of the single instance per cycle; default 3
# --seed     the random seed of the delays (printed by every run); default: a new one
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes=10 kills=3 seed="" guarantees="exactly_once_v2,at_least_once" cameras=4 fps=0.25 width=480
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --guarantee) [ "$2" = both ] && guarantees="exactly_once_v2,at_least_once" || guarantees="$2"; shift 2 ;;
    --cameras) cameras="$2"; shift 2 ;;
    --fps) fps="$2"; shift 2 ;;
    --photo-width) width="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$root"
exec mvn -B verify -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.minutes="$minutes" -Dchaos.kills="$kills" -Dchaos.seed="$seed" -Dchaos.guarantees="$guarantees" \
  -Dchaos.cameras="$cameras" -Dchaos.fps="$fps" -Dchaos.photo-width="$width"
