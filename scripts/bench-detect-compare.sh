#!/usr/bin/env bash
# Side-by-side MTCNN detection time per frame: `emotion-stream bench detect` against facenet-pytorch
# (scripts/bench-detect-reference.py) on the same frames (written once by bench detect --save-frames),
# for each OpenMP wait policy and thread count, at 640x480 and 1280x720 and minimum faces 20 and 40;
# the sides alternate and their order flips every round. Prints every run, then per case each side's
# median ms with its per-round values, spread and load, and ours as a fraction of the reference's time.
#   scripts/bench-detect-compare.sh --facenet DIR [--rounds N] [--threads "1 2"]
#       [--policies "PASSIVE ACTIVE"] [--runs N] [--min-faces 20,40] [--also DIR]... [--pause PID]...
# --facenet DIR: a facenet-pytorch 2.5.x source checkout (see the reference script's header).
# --pause PID stops another process during each run and resumes it right after, also on failure.
# Failed runs are listed as failed, with their errors.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
threads="1 2"
policies="PASSIVE ACTIVE"
runs=15
# both sides get the sizes explicitly: ours would otherwise take detect.min-face of its settings (40)
min_faces="20,40"
facenet=""
pause=""
sides=("$root")
while [ $# -gt 0 ]; do
  case "$1" in
    --facenet) facenet="$(cd "$2" && pwd)"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --policies) policies="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --min-faces) min_faces="$2"; shift 2 ;;
    --also) sides+=("$(cd "$2" && pwd)"); shift 2 ;;
    --pause) pause="$pause $2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ -n "$facenet" ] || { echo "--facenet DIR is required" >&2; exit 2; }

source "$root/scripts/bench-env.sh"

label() {
  local h
  # a copy outside git (or inside another checkout's ignored folders) is named by its folder
  [ -e "$1/.git" ] || { echo "ours@$(basename "$1")"; return; }
  h="$(git -C "$1" log -1 --format=%h 2>/dev/null)" || { echo "ours@$(basename "$1")"; return; }
  # uncommitted changes to the code (not to documents) make another side
  git -C "$1" diff --quiet HEAD -- src pom.xml 2>/dev/null && echo "ours@$h" || echo "ours@$h+changes"
}

frames="$bench_logs/frames"
cpu_line >&2
/usr/bin/python3 -c 'import torch; print("reference: torch", torch.__version__, "(facenet-pytorch)")' >&2
echo "errors of every run: $bench_logs" >&2
"$root/emotion-stream" bench detect --runs 1 --warmup 0 --save-frames "$frames" >/dev/null 2>"$bench_logs/frames.err"
for side in "${sides[@]}"; do
  "$side/emotion-stream" --version >/dev/null 2>&1 || true # builds once, outside the timed runs
done

# one run of side $1 ("reference" or a checkout); prints "name WxH minFace ms" lines
run_side() {
  local side="$1" name json
  if [ "$side" = reference ]; then
    name=reference-facenet-pytorch
    json="$(OMP_WAIT_POLICY="$policy" MALLOC_CONF="$reference_malloc_conf" run_kept "ref-$policy-$t-$r" /usr/bin/python3 \
      "$root/scripts/bench-detect-reference.py" --facenet "$facenet" --frames "$frames" --threads "$t" \
      --min-face "$min_faces" --runs "$runs")" || { echo "$name all all failed"; return 0; }
  else
    name="$(label "$side")"
    json="$(OMP_WAIT_POLICY="$policy" JAVA_OPTS="-Dai.djl.pytorch.num_threads=$t ${JAVA_OPTS:-}" \
      run_kept "$name-$policy-$t-$r" "$side/emotion-stream" bench detect --threads "$t" --runs "$runs" \
      --min-face "$min_faces" --warmup 3)" || { echo "$name all all failed"; return 0; }
  fi
  printf '%s\n' "$json" | tail -1 | /usr/bin/python3 -c '
import json, sys
for c in json.load(sys.stdin)["results"]:
    print(sys.argv[1], "%dx%d" % (c["width"], c["height"]), c["minFace"], c["medianMs"])' "$name"
}

rows=""
for policy in $policies; do
  for t in $threads; do
    for ((r = 1; r <= rounds; r++)); do
      order=("${sides[@]}" reference)
      if ((r % 2 == 0)); then order=(reference "${sides[@]}"); fi
      for side in "${order[@]}"; do
        load="$(load1)"
        out="$(run_side "$side")"
        echo "$policy threads $t round $r (load $load): $(echo $out)" >&2
        rows+="$(printf '%s\n' "$out" | awk -v p="$policy" -v t="$t" -v r="$r" -v l="$load" \
          'NF == 4 {printf "OMP_WAIT_POLICY=%s, %s thread(s), %s, min face %s\t%s\t%s\t%s\t%s\n", p, t, $2, $3, $1, $4, r, l}')"$'\n'
      done
    done
  done
done
printf '%s' "$rows" | sort -s -t$'\t' -k1,1 | /usr/bin/python3 "$root/scripts/bench-summary.py" --lower-is-better --unit "ms per frame"
