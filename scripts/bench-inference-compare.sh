#!/usr/bin/env bash
# Side-by-side classifier inference speed: `emotion-stream bench inference` on the bundled ResNet-18
# (one worker, fixed batches) against the plain PyTorch reference of
# scripts/bench-inference-reference.py (eager, frozen TorchScript, optimize_for_inference), for each
# OpenMP wait policy and thread count; the sides alternate and their order flips every round (ours
# first in odd rounds, the reference first in even ones). Prints every run, then per policy, thread
# count and batch size each side's median images/s, its per-round values, spread and load, and the
# ratios to each reference mode.
#   scripts/bench-inference-compare.sh [--rounds N] [--threads "1 2"] [--policies "PASSIVE ACTIVE"]
#       [--batch-sizes 1,8,32] [--seconds S] [--repeats N] [--also DIR]... [--pause PID]...
#       [--precisions "float32 bfloat16"]
# --precisions runs each of our sides once per inference.precision (bfloat16 named "+bfloat16"), and
# with bfloat16 the reference also in bfloat16 (its eager-bf16 and frozen-bf16 modes).
# Both sides run the same network on the same work: the reference's stem takes the grey channel with
# its weights summed over RGB, as ours does (--reference-stem replicated feeds it three channels).
# --also DIR adds another checkout of the project (e.g. an older commit, built) as one more side.
# --pause PID stops another process (e.g. a job sharing the cores) during each run and resumes it
# right after, also when this script fails. Failed runs are listed as failed, with their errors.
# Needs Debian's python3-torch and python3-torchvision (see the reference script's header).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
threads="1"
policies="PASSIVE ACTIVE"
batches="1,8,32"
seconds=2
repeats=3
pause=""
stem=summed
precisions=float32
sides=("$root")
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --policies) policies="$2"; shift 2 ;;
    --batch-sizes) batches="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --also) sides+=("$(cd "$2" && pwd)"); shift 2 ;;
    --pause) pause="$pause $2"; shift 2 ;;
    --reference-stem) stem="$2"; shift 2 ;;
    --precisions) precisions="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

source "$root/scripts/bench-env.sh"

label() {
  local h
  # a copy outside git (or inside another checkout's ignored folders) is named by its folder
  [ -e "$1/.git" ] || { echo "ours@$(basename "$1")"; return; }
  h="$(git -C "$1" log -1 --format=%h 2>/dev/null)" || { echo "ours@$(basename "$1")"; return; }
  # uncommitted changes to the code (not to documents) make another side
  git -C "$1" diff --quiet HEAD -- src pom.xml 2>/dev/null && echo "ours@$h" || echo "ours@$h+changes"
}

reference_modes=eager,frozen,optimized
case " $precisions " in *" bfloat16 "*) reference_modes+=",eager-bf16,frozen-bf16" ;; esac
# one run of side $1 ("reference" or "checkout|precision") at $t threads under $policy; prints "name batch images/s" lines
run_side() {
  local side="$1" name json precision
  if [ "$side" = reference ]; then
    json="$(OMP_WAIT_POLICY="$policy" MALLOC_CONF="$reference_malloc_conf" run_kept "ref-$policy-$t-$r" /usr/bin/python3 \
      "$root/scripts/bench-inference-reference.py" --threads "$t" --stem "$stem" --batch-sizes "$batches" \
      --seconds "$seconds" --repeats "$repeats" --modes "$reference_modes")" || return 0
    printf '%s\n' "$json" | /usr/bin/python3 -c '
import json, sys
for mode, row in json.load(sys.stdin)["images_per_second"].items():
    for k, v in row.items():
        print("reference-" + mode, k[6:], v)'
  else
    precision="${side##*|}"
    side="${side%|*}"
    name="$(label "$side")"
    [ "$precision" = float32 ] || name+="+$precision"
    json="$(OMP_WAIT_POLICY="$policy" JAVA_OPTS="-Dai.djl.pytorch.num_threads=$t ${JAVA_OPTS:-}" \
      run_kept "$name-$policy-$t-$r" "$side/emotion-stream" bench inference --models default \
      --batch-sizes "$batches" --batcher-models= --cpu-threads "$t" --seconds "$seconds" --repeats "$repeats" \
      $([ "$precision" = float32 ] || echo --precision "$precision"))" \
      || { for b in ${batches//,/ }; do echo "$name $b failed"; done; return 0; }
    printf '%s\n' "$json" | /usr/bin/python3 -c '
import json, sys
for k, v in json.load(sys.stdin)["classifier_images_per_second"]["default"].items():
    if k.startswith("batch_"):
        print(sys.argv[1], k[6:], v)' "$name"
  fi
}

cpu_line >&2
/usr/bin/python3 -c 'import torch; print("reference: torch", torch.__version__)' >&2
echo "errors of every run: $bench_logs" >&2
for side in "${sides[@]}"; do
  "$side/emotion-stream" --version >/dev/null 2>&1 || true # builds once, outside the timed runs
done
ours=()
for side in "${sides[@]}"; do
  for precision in $precisions; do ours+=("$side|$precision"); done
done
rows=""
for policy in $policies; do
  for t in $threads; do
    for ((r = 1; r <= rounds; r++)); do
      order=("${ours[@]}" reference)
      if ((r % 2 == 0)); then order=(reference "${ours[@]}"); fi
      for side in "${order[@]}"; do
        load="$(load1)"
        out="$(run_side "$side")"
        echo "$policy threads $t round $r (load $load): $(echo $out)" >&2
        rows+="$(printf '%s\n' "$out" | awk -v p="$policy" -v t="$t" -v r="$r" -v l="$load" \
          'NF == 3 {printf "OMP_WAIT_POLICY=%s, %s thread(s), batch %s\t%s\t%s\t%s\t%s\n", p, t, $2, $1, $3, r, l}')"$'\n'
      done
    done
  done
done
printf '%s' "$rows" | sort -s -t$'\t' -k1,1 | /usr/bin/python3 "$root/scripts/bench-summary.py" --unit images/s
