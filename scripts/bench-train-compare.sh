#!/usr/bin/env bash
# Side-by-side training speed: `emotion-stream bench train` against the plain PyTorch loop of
# scripts/bench-train-reference.py, for each OpenMP wait policy and thread count; the sides alternate
# and their order flips every round (ours first in odd rounds, the references first in even ones).
# Prints every run, then per policy and thread count each side's median images/s with its per-round
# values, spread and load, and the ratios to each reference.
#   scripts/bench-train-compare.sh [--rounds N] [--threads "1 2"] [--policies "PASSIVE ACTIVE"]
#       [--references "nchw,loop channels-last,foreach"] [--pause PID]... [-- BENCH_ARGS...]
# The project's step runs the stem and stages 1-2 channels-last with a fused SGD update; by default the
# reference runs twice per round: as plain scripts do (NCHW, per-parameter SGD loop) and with the same
# tricks (channels-last, multi-tensor SGD). --pause PID stops another process during each run and
# resumes it right after, also when this script fails. BENCH_ARGS (e.g. --steps 10) go to both sides.
# Failed runs are listed as failed, with their errors.
# Needs Debian's python3-torch and python3-torchvision (see the reference script's header).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=5
threads="1 2"
policies="PASSIVE ACTIVE"
references="nchw,loop channels-last,foreach"
pause=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --policies) policies="$2"; shift 2 ;;
    --references) references="$2"; shift 2 ;;
    --pause) pause="$pause $2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
bench_args=("$@")

source "$root/scripts/bench-env.sh"

# prints "images/s" of one run of side $1 ("ours" or "reference LAYOUT,UPDATE"), "failed" if it failed
run_side() {
  local json
  if [ "$1" = ours ]; then
    json="$(OMP_WAIT_POLICY="$policy" JAVA_OPTS="-Dai.djl.pytorch.num_threads=$t ${JAVA_OPTS:-}" \
      run_kept "ours-$policy-$t-$r" "$root/emotion-stream" bench train "${bench_args[@]}")" || { echo failed; return; }
  else
    local layout="${2%,*}" update="${2#*,}"
    json="$(OMP_WAIT_POLICY="$policy" MALLOC_CONF="$reference_malloc_conf" run_kept "ref-$layout-$update-$policy-$t-$r" /usr/bin/python3 \
      "$root/scripts/bench-train-reference.py" --threads "$t" --layout "$layout" --update "$update" \
      "${bench_args[@]}")" || { echo failed; return; }
  fi
  printf '%s\n' "$json" | tail -1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_second"])'
}

cpu_line >&2
/usr/bin/python3 -c 'import torch; print("reference: torch", torch.__version__)' >&2
echo "errors of every run: $bench_logs" >&2
"$root/emotion-stream" --version >/dev/null 2>&1 || true # builds once, outside the timed runs
rows=""
for policy in $policies; do
  for t in $threads; do
    for ((r = 1; r <= rounds; r++)); do
      order=(ours $references)
      if ((r % 2 == 0)); then order=($references ours); fi
      for side in "${order[@]}"; do
        load="$(load1)"
        if [ "$side" = ours ]; then v="$(run_side ours)"; name=ours; else v="$(run_side reference "$side")"; name="reference-${side/,/-}"; fi
        echo "$policy threads $t round $r (load $load): $name $v images/s" >&2
        rows+="$(printf 'OMP_WAIT_POLICY=%s, %s thread(s)\t%s\t%s\t%s\t%s' "$policy" "$t" "$name" "$v" "$r" "$load")"$'\n'
      done
    done
  done
done
printf '%s' "$rows" | /usr/bin/python3 "$root/scripts/bench-summary.py" --unit images/s
